"""Check reports: load each once, run every gate, collect findings. Never raises for bad input.

`check_all` adds the results cache (.cache/check/, for draft checks only: `--for-publication`
always runs every gate) and a process pool over the machine's cores (the loop is cjji.run's, shared
with `cjji build`); results come back in the order of the folders given. It raises
cjji.cache.CacheError when .cache/ is committed to git.

`warm_results` answers a draft check from the cache alone, without loading the policy or importing
the gates, when every report asked about is a hit: that is what keeps a warm `cjji check` of one
report a fraction of a second. A miss anywhere returns None and the caller runs `check_all`. Both
use the same key (cjji.cache.findings_key over the raw bytes of checks/ and schemas/), so a hit
means a run that loaded this exact policy without error found these findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjji.cache import (
    CacheError,
    FileDigests,
    ResultCache,
    findings_key,
    folder_digest,
    make_key,
    policy_digest,
    reads_of,
    refuse_tracked,
)
from cjji.findings import Finding, display_path
from cjji.run import each_report

if TYPE_CHECKING:  # the gates, the policy and the parser load only when a report is really checked
    from cjji.gates.base import Context
    from cjji.policy import Policy
    from cjji.report import Report


@dataclass
class ReportResult:
    dir: Path
    display: str
    findings: list[Finding] = field(default_factory=list)
    cached: bool = False
    reads: list[Path] = field(default_factory=list)  # other folders its gates read (the cache keys on them)


def check_report(report_dir: Path, context: Context) -> ReportResult:
    from cjji.report import LoadError, load

    result = ReportResult(report_dir, display_path(report_dir / "report.md"))
    try:
        report = load(report_dir)
    except LoadError as exc:
        result.findings = [exc.finding]
        return result
    result.findings = report_findings(report, context)
    result.reads = gate_reads(report)
    return result


def report_findings(report: Report, context: Context) -> list[Finding]:
    """Every gate's findings for a loaded report, suppressions applied, in file order."""
    from cjji import gates, suppress

    return sorted(suppress.apply(report, gates.run_all(report, context), context), key=_order)


def gate_reads(report: Report) -> list[Path]:
    """The folders besides the report's own that its gates read (`Gate.reads`): a result is cached
    with their digests and reused only while they are unchanged."""
    from cjji import gates

    return sorted({folder for gate in gates.ALL if gate.reads for folder in gate.reads(report)})


def cacheable_reads(folder: Path, reads: list[Path]) -> bool:
    """Only sibling report folders are recorded; a result that read anything else is not cached."""
    return all(other.parent == folder.parent and other.name not in ("", ".", "..") for other in reads)


def notes(context: Context) -> list[str]:
    """What is said once per run, not once per report: a language check that could not run."""
    from cjji.gates import grammar, spelling

    return [text for module in (spelling, grammar) if (text := module.note(context))]


def _order(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.file, f.line, f.col, f.gate, f.rule)


def _to_cache(result: ReportResult) -> list[dict[str, Any]]:
    """Findings with paths relative to the report folder, so the entry is independent of cwd."""
    return [
        {**f.to_dict(), "file": os.path.relpath(os.path.abspath(f.file), result.dir.resolve())}
        for f in result.findings
    ]


def _from_cache(report_dir: Path, entries: Any) -> ReportResult | None:
    if not isinstance(entries, list):
        return None
    try:
        findings = [Finding(**{**e, "file": display_path(report_dir.resolve() / e["file"])}) for e in entries]
    except (TypeError, KeyError):
        return None  # damaged entry: recompute
    return ReportResult(report_dir, display_path(report_dir / "report.md"), findings, cached=True)


def _report_key(base: str, folder: Path, digests: FileDigests) -> str:
    return make_key(base, folder.name, folder_digest(folder, digests))


def _lookup(cache: ResultCache, base: str, digests: FileDigests, folder: Path,
            keys: dict[Path, str] | None = None) -> ReportResult | None:
    """The cached result, if any; the key goes into KEYS (computed before the check runs, so an
    edit made meanwhile is never stored under the new content's key)."""
    key = _report_key(base, folder, digests)
    if keys is not None:
        keys[folder] = key
    hit = cache.get(key, folder, digests)
    return _from_cache(folder, hit) if hit is not None else None


# Findings about this run's machine, not the report (a grammar server that did not answer, a gate
# that crashed): kept out of the cache, so the next run asks again instead of repeating them.
ABOUT_THE_MACHINE = frozenset({"unavailable", "internal-error"})


def warm_results(dirs: list[Path], root: Path) -> tuple[list[ReportResult], list[str]] | None:
    """A draft check of DIRS answered from the cache alone (the results and the run's notes), or
    None when any report (or the notes) must be worked out. Raises CacheError like check_all."""
    refuse_tracked(root)
    cache = ResultCache(root, "check")
    digests = FileDigests(root / ".cache" / "file-digests.json")
    base = findings_key(policy_digest(root, digests), False, digests)
    said = ResultCache(root, "notes").get(base)
    if not isinstance(said, list) or not all(isinstance(n, str) for n in said):
        return None
    results = []
    for folder in dirs:
        hit = _lookup(cache, base, digests, folder)
        if hit is None:
            return None
        results.append(hit)
    digests.save()
    return results, said


def _parsed_again(policy: Policy) -> Policy:
    """The policy parsed from checks/ itself, not taken from .cache/policy.json. Problems there
    now (an edit since it was loaded) are reported like a committed cache: what to do, exit 2."""
    from cjji.findings import format_human
    from cjji.policy import PolicyError, load_policy

    try:
        return load_policy(policy.root, use_cache=False)
    except PolicyError as exc:
        shown = "\n".join(format_human(f) for f in exc.findings)
        raise CacheError(f"the policy in checks/ has {len(exc.findings)} problem(s); fix them first:\n"
                         f"{shown}") from None


def check_all(
    dirs: list[Path],
    policy: Policy,
    *,
    for_publication: bool = False,
    jobs: int = 1,
    use_cache: bool = True,
    on_done: Callable[[Path], None] = lambda _: None,
) -> list[ReportResult]:
    from cjji.gates.base import Context

    refuse_tracked(policy.root)  # CacheError: a committed .cache/ is never trusted
    use_cache = use_cache and not for_publication  # a pass that lets a report be published is never cached
    if for_publication and policy.cached:  # nor does it judge by a policy remembered in .cache/
        policy = _parsed_again(policy)
    context = Context(policy, for_publication)
    cache = ResultCache(policy.root, "check")
    digests = FileDigests(policy.root / ".cache" / "file-digests.json")
    base = findings_key(policy.digest, for_publication, digests)
    keys: dict[Path, str] = {}
    lookup = partial(_lookup, cache, base, digests, keys=keys) if use_cache else (lambda _: None)
    results, worked_out = each_report(dirs, check_report, context, jobs=jobs, cached=lookup, on_done=on_done)
    if use_cache:
        fresh = set(worked_out)
        for result in results:
            if result.dir in fresh and cacheable_reads(result.dir, result.reads) and not any(
                    f.rule in ABOUT_THE_MACHINE for f in result.findings):
                cache.put(keys[result.dir], _to_cache(result), reads_of(result.dir, result.reads, digests))
        ResultCache(policy.root, "notes").put(base, notes(context))  # a warm run says them too
        digests.save()
    return results
