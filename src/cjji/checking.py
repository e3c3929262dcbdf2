"""Check reports: load each once, run every gate, collect findings. Never raises for bad input.

`check_all` adds the results cache (.cache/check/, for draft checks only: `--for-publication`
always runs every gate) and a process pool over the machine's cores; results come back in the
order of the folders given, whatever order the workers finish in. It raises cjji.cache.CacheError
when .cache/ is committed to git.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjji import gates, suppress
from cjji.cache import FileDigests, ResultCache, folder_digest, make_key, refuse_tracked, tool_digest
from cjji.findings import Finding
from cjji.gates import grammar, spelling
from cjji.gates.base import Context
from cjji.policy import Policy, load_policy
from cjji.report import LoadError, Report, display_path, load


@dataclass
class ReportResult:
    dir: Path
    display: str
    findings: list[Finding] = field(default_factory=list)
    cached: bool = False


def check_report(report_dir: Path, context: Context) -> ReportResult:
    result = ReportResult(report_dir, display_path(report_dir / "report.md"))
    try:
        report = load(report_dir)
    except LoadError as exc:
        result.findings = [exc.finding]
        return result
    result.findings = report_findings(report, context)
    return result


def report_findings(report: Report, context: Context) -> list[Finding]:
    """Every gate's findings for a loaded report, suppressions applied, in file order."""
    return sorted(suppress.apply(report, gates.run_all(report, context), context), key=_order)


def _order(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.file, f.line, f.col, f.gate, f.rule)


def _to_cache(result: ReportResult) -> list[dict[str, Any]]:
    """Findings with paths relative to the report folder, so the entry is independent of cwd."""
    return [
        {**f.to_dict(), "file": os.path.relpath(os.path.abspath(f.file), result.dir.resolve())}
        for f in result.findings
    ]


def _from_cache(report_dir: Path, entries: Any) -> ReportResult | None:
    try:
        findings = [Finding(**{**e, "file": display_path(report_dir.resolve() / e["file"])}) for e in entries]
    except (TypeError, KeyError):
        return None  # damaged entry: recompute
    return ReportResult(report_dir, display_path(report_dir / "report.md"), findings, cached=True)


# Findings about this run's machine, not the report (a grammar server that did not answer, a gate
# that crashed): kept out of the cache, so the next run asks again instead of repeating them.
ABOUT_THE_MACHINE = frozenset({"unavailable", "internal-error"})


def findings_key(policy: Policy, for_publication: bool) -> str:
    """Everything a report's findings depend on besides its own folder: cjji's code, checks/ and
    schemas/ (policy.digest), the mode, the grammar server and the spelling dictionary.
    `cjji build` keys on it too, so a build is never 'up to date' when `cjji check` would fail."""
    mode = "publication" if for_publication else "draft"
    return make_key(tool_digest(), policy.digest, mode, grammar.server_url(policy), spelling.cache_token(policy))


# Workers come from a fork server, not a fork of this process: forking a process that has
# threads running (progress bars, the builders' thread pool) can deadlock the child.
POOL_CONTEXT = multiprocessing.get_context("forkserver")

_WORKER_CONTEXT: Context | None = None


def _init_worker(root: Path, for_publication: bool) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = Context(load_policy(root), for_publication)


def _check_in_worker(report_dir: Path) -> ReportResult:
    assert _WORKER_CONTEXT is not None
    return check_report(report_dir, _WORKER_CONTEXT)


def check_all(
    dirs: list[Path],
    policy: Policy,
    *,
    for_publication: bool = False,
    jobs: int = 1,
    use_cache: bool = True,
    on_done: Callable[[Path], None] = lambda _: None,
) -> list[ReportResult]:
    refuse_tracked(policy.root)  # CacheError: a committed .cache/ is never trusted
    use_cache = use_cache and not for_publication  # a pass that lets a report be published is never cached
    context = Context(policy, for_publication)
    results: dict[Path, ReportResult] = {}
    keys: dict[Path, str] = {}
    cache = ResultCache(policy.root, "check")
    digests = FileDigests(policy.root / ".cache" / "file-digests.json")
    if use_cache:
        base = findings_key(policy, for_publication)
        for folder in dirs:
            keys[folder] = make_key(base, folder.name, folder_digest(folder, digests))
            hit = cache.get(keys[folder])
            found = _from_cache(folder, hit) if hit is not None else None
            if found:
                results[folder] = found
                on_done(folder)
        digests.save()
    todo = [d for d in dirs if d not in results]
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(todo)), mp_context=POOL_CONTEXT,
            initializer=_init_worker, initargs=(policy.root, for_publication),
        ) as pool:
            futures = {pool.submit(_check_in_worker, d): d for d in todo}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                on_done(futures[future])
    else:
        for folder in todo:
            results[folder] = check_report(folder, context)
            on_done(folder)
    if use_cache:
        for folder in todo:
            if not any(f.rule in ABOUT_THE_MACHINE for f in results[folder].findings):
                cache.put(keys[folder], _to_cache(results[folder]))
    return [results[d] for d in dirs]
