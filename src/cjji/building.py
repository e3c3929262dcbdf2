"""Build reports: check each, build its formats, check what was built. Never raises for bad input.

`build_all` adds the build cache (.cache/build/, keyed on what the check findings depend on plus
templates/, the formats asked for, SOURCE_DATE_EPOCH and the pandoc and Typst versions, with every
file read again, never trusted by size and date; a hit is used only if every output still has the
recorded SHA-256) and a process pool over the machine's cores. Results come back in the order of
the folders given. It raises cjji.cache.CacheError when .cache/ is committed to git.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from cjji.atomic import remove_stale_parts
from cjji.build import build_report
from cjji.build.pandoc import PandocError
from cjji.build.pandoc_ast import BuildError
from cjji.cache import FileDigests, ResultCache, folder_digest, make_key, refuse_tracked, toolchain
from cjji.checking import POOL_CONTEXT, findings_key, report_findings
from cjji.findings import Finding, error
from cjji.gates import outputs
from cjji.gates.base import Context
from cjji.policy import Policy, load_policy
from cjji.report import LoadError, Report, display_path, load


@dataclass
class BuildResult:
    display: str
    files: dict[str, Path] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was not built (empty when it was)
    cached: bool = False


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def build_checked(report: Report, policy: Policy, folder: Path, formats: tuple[str, ...], display: str
                  ) -> tuple[dict[str, Path], list[Finding], str]:
    """Build a report that has passed its checks into `folder`, then read the files back (the
    outputs gate): (files, error findings, why it failed or ''). Never raises for bad input."""
    remove_stale_parts(folder)  # left by a killed build
    try:
        files = build_report(report, policy, folder, formats)
    except BuildError as exc:
        return {}, list(exc.findings), "it could not be built"
    except PandocError as exc:
        return {}, [error("build", "pandoc", display, 0, 0, str(exc))], "it could not be built"
    except Exception as exc:  # a builder's own located error (the HTML builder's HtmlBuildError)
        finding = getattr(exc, "finding", None)
        if not isinstance(finding, Finding):
            raise
        return {}, [finding], "it could not be built"
    findings = _errors(outputs.run(report, files, policy))
    return files, findings, f"the built files failed {_plural(len(findings), 'output check')}" if findings else ""


def build_one(report_dir: Path, policy: Policy, out: Path, formats: tuple[str, ...]) -> BuildResult:
    """Check and build one report; never raises for bad input."""
    result = BuildResult(display_path(report_dir / "report.md"))
    try:
        report = load(report_dir)
    except LoadError as exc:
        result.findings, result.reason = [exc.finding], "it could not be read"
        return result
    result.findings = _errors(report_findings(report, Context(policy=policy)))
    if result.findings:
        result.reason = f"the checks found {_plural(len(result.findings), 'error')} (run `cjji check`)"
        return result
    # out/<id>: only now, after the checks, is the id a checked folder name
    result.files, result.findings, result.reason = build_checked(report, policy, out / report.id, formats,
                                                                 result.display)
    return result


_WORKER_POLICY: Policy | None = None


def _init_worker(root: Path) -> None:
    """Load the policy once per worker process, not once per report (it is the slow part of a
    small build)."""
    global _WORKER_POLICY
    _WORKER_POLICY = load_policy(root)


def _build_in_worker(report_dir: Path, out: Path, formats: tuple[str, ...]) -> BuildResult:
    assert _WORKER_POLICY is not None
    return build_one(report_dir, _WORKER_POLICY, out, formats)


def _cached(entry: object, out: Path, digests: FileDigests, display: str) -> BuildResult | None:
    """A cache hit, if every recorded output is still there with the same bytes."""
    if not isinstance(entry, dict):
        return None
    files = {}
    for fmt, record in entry.items():
        try:
            path = out / record["path"]
            if digests.of(path) != record["sha256"]:
                return None
        except (OSError, TypeError, KeyError):
            return None
        files[fmt] = path
    return BuildResult(display, files, cached=True)


def build_all(
    dirs: list[Path],
    policy: Policy,
    out: Path,
    formats: tuple[str, ...],
    *,
    jobs: int = 1,
    use_cache: bool = True,
    on_done: Callable[[Path], None] = lambda _: None,
) -> list[BuildResult]:
    refuse_tracked(policy.root)  # CacheError: a committed .cache/ is never trusted
    results: dict[Path, BuildResult] = {}
    keys: dict[Path, str] = {}
    cache = ResultCache(policy.root, "build")
    # A build re-reads every source and output: its files may be published, so a same-size edit
    # with the old mtime put back must never look up to date.
    digests = FileDigests(policy.root / ".cache" / "file-digests.json", trust_stat=False)
    if use_cache:
        base = make_key(findings_key(policy, False), folder_digest(policy.root / "templates", digests),
                        ",".join(formats), str(out.resolve()), toolchain())
        for folder in dirs:
            keys[folder] = make_key(base, folder.name, folder_digest(folder, digests))
            hit = _cached(cache.get(keys[folder]), out, digests, display_path(folder / "report.md"))
            if hit:
                results[folder] = hit
                on_done(folder)
    todo = [d for d in dirs if d not in results]
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=POOL_CONTEXT,
                                 initializer=_init_worker, initargs=(policy.root,)) as pool:
            futures = {pool.submit(_build_in_worker, d, out, formats): d for d in todo}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                on_done(futures[future])
    else:
        for folder in todo:
            results[folder] = build_one(folder, policy, out, formats)
            on_done(folder)
    if use_cache:
        for folder in todo:
            result = results[folder]
            if not result.reason:
                cache.put(keys[folder], {fmt: {"path": os.path.relpath(path, out), "sha256": digests.of(path)}
                                         for fmt, path in result.files.items()})
        digests.save()
    return [results[d] for d in dirs]
