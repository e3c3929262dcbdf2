"""Build reports: check each, build its formats, check what was built. Never raises for bad input.

`build_all` adds the build cache (.cache/build/, keyed on what the check findings depend on plus
templates/, the formats asked for, SOURCE_DATE_EPOCH and the pandoc and Typst versions, with every
file read again, never trusted by size and date, and the other reports its gates read; a hit is
used only if every output still has the recorded SHA-256) and a process pool over the machine's
cores (cjji.run's loop, shared with `cjji check`). Results come back in the order of the folders
given. It raises cjji.cache.CacheError when .cache/ is committed to git.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from cjji import resources
from cjji.atomic import remove_stale_parts
from cjji.build import build_report
from cjji.build.pandoc import PandocError
from cjji.build.pandoc_ast import BuildError
from cjji.cache import (
    FileDigests,
    ResultCache,
    findings_key,
    folder_digest,
    make_key,
    reads_of,
    refuse_tracked,
    toolchain,
)
from cjji.checking import cacheable_reads, gate_reads, report_findings
from cjji.findings import Finding, error
from cjji.gates import outputs
from cjji.gates.base import Context
from cjji.policy import Policy
from cjji.report import LoadError, Report, display_path, load
from cjji.run import each_report


@dataclass
class BuildResult:
    display: str
    files: dict[str, Path] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was not built (empty when it was)
    cached: bool = False
    reads: list[Path] = field(default_factory=list)  # other folders its gates read (the cache keys on them)


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def build_checked(report: Report, policy: Policy, folder: Path, formats: tuple[str, ...], display: str
                  ) -> tuple[dict[str, Path], list[Finding], str]:
    """Build a report that has passed its checks into `folder`, reading each file back (the
    outputs gate) as soon as it is written: (files, error findings, why it failed or ''). Never
    raises for bad input; a build that fails waits for the readers already started and drops what
    they found."""
    remove_stale_parts(folder)  # left by a killed build
    # The outputs gate reads each file as soon as its builder has written it and only one builder
    # is left, and works out the source's items meanwhile, so what is left after the last file
    # (the PDF) is only its reading.
    with outputs.ReaderChecks(report, policy, building=formats) as checks:
        try:
            files = build_report(report, policy, folder, formats, on_built=checks.file_written)
        except BuildError as exc:
            return {}, list(exc.findings), "it could not be built"
        except PandocError as exc:
            return {}, [error("build", "pandoc", display, 0, 0, str(exc))], "it could not be built"
        except Exception as exc:  # a builder's own located error (the HTML builder's HtmlBuildError)
            finding = getattr(exc, "finding", None)
            if not isinstance(finding, Finding):
                raise
            return {}, [finding], "it could not be built"
        findings = _errors(checks.findings(files))
    return files, findings, f"the built files failed {_plural(len(findings), 'output check')}" if findings else ""


def build_one(report_dir: Path, policy: Policy, out: Path, formats: tuple[str, ...]) -> BuildResult:
    """Check and build one report; never raises for bad input."""
    result = BuildResult(display_path(report_dir / "report.md"))
    try:
        report = load(report_dir)
    except LoadError as exc:
        result.findings, result.reason = [exc.finding], "it could not be read"
        return result
    result.reads = gate_reads(report)
    result.findings = _errors(report_findings(report, Context(policy=policy)))
    if result.findings:
        result.reason = f"the checks found {_plural(len(result.findings), 'error')} (run `cjji check`)"
        return result
    # out/<id>: only now, after the checks, is the id a checked folder name
    result.files, result.findings, result.reason = build_checked(report, policy, out / report.id, formats,
                                                                 result.display)
    return result


def _build_task(report_dir: Path, context: Context, out: Path, formats: tuple[str, ...]) -> BuildResult:
    return build_one(report_dir, context.policy, out, formats)


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
    keys: dict[Path, str] = {}
    cache = ResultCache(policy.root, "build")
    # A build re-reads every source and output: its files may be published, so a same-size edit
    # with the old mtime put back must never look up to date.
    digests = FileDigests(policy.root / ".cache" / "file-digests.json", trust_stat=False)
    base = make_key(findings_key(policy.digest, False, digests),
                    folder_digest(resources.folder("templates", policy.root), digests),
                    ",".join(formats), str(out.resolve()), toolchain()) if use_cache else ""

    def lookup(folder: Path) -> BuildResult | None:
        keys[folder] = make_key(base, folder.name, folder_digest(folder, digests))
        return _cached(cache.get(keys[folder], folder, digests), out, digests, display_path(folder / "report.md"))

    task = partial(_build_task, out=out, formats=formats)
    results, worked_out = each_report(dirs, task, Context(policy), jobs=jobs,
                                      cached=lookup if use_cache else (lambda _: None), on_done=on_done)
    if use_cache:
        fresh = set(worked_out)
        for folder, result in zip(dirs, results, strict=True):
            if folder in fresh and not result.reason and cacheable_reads(folder, result.reads):
                cache.put(keys[folder], {fmt: {"path": os.path.relpath(path, out), "sha256": digests.of(path)}
                                         for fmt, path in result.files.items()},
                          reads_of(folder, result.reads, digests))
        digests.save()
    return results
