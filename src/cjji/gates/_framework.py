"""Helpers shared by the framework gates (joint, criteria, principles, cross-cutting, impact,
recommendations) and the framework annex. Not a gate itself.

The policy they read lives in checks/principles.yml, cross_cutting.yml, agencies.yml and
thresholds.yml; every accessor tolerates a missing file (an empty list) so that a gate never
crashes, and reads metadata defensively because the schema gate, not these, reports wrong types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cjji.blocks import sections
from cjji.dates import long_date as long_date  # re-exported: gates import it from here
from cjji.findings import Finding, todo, warning
from cjji.policy import Policy
from cjji.report import Report


def threshold(policy: Policy, name: str) -> int:
    """A `<section>_min_words` number of checks/thresholds.yml (Policy.limits, typed)."""
    return policy.limits.min_words(name.removesuffix("_min_words"))


def placeholder_in(text: str, policy: Policy) -> str | None:
    """The placeholder text (TBC, TODO, lorem ipsum ...) found in `text`, if any (the patterns of
    checks/thresholds.yml, compiled once per policy)."""
    return policy.limits.placeholder_in(text)


def word_count(text: str) -> int:
    return len(text.split())


def entries(policy: Policy, name: str) -> list[dict[str, Any]]:
    """The list of entries in checks/<name>.yml (Policy.entries)."""
    return policy.entries(name)


def principles(policy: Policy) -> list[dict[str, Any]]:
    return entries(policy, "principles")


def cross_cutting_issues(policy: Policy) -> list[dict[str, Any]]:
    return entries(policy, "cross_cutting")


def agencies(policy: Policy) -> dict[str, dict[str, Any]]:
    return {str(a.get("code")): a for a in entries(policy, "agencies")}


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def listing(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def warn(report: Report, gate: str, rule: str, line: int, col: int, message: str,
         hint: str = "") -> Finding:
    return warning(gate, rule, report.display, line, col, message, hint)


def coverage_sections(entry: Any) -> list[str]:
    """The section ids of a `{sections: [...]}` coverage entry (text items only)."""
    return [s for s in listing(mapping(entry).get("sections")) if isinstance(s, str)]


def check_section_refs(report: Report, gate: str, path: tuple[str | int, ...],
                       what: str) -> list[Finding]:
    """Each id in the `sections` list at `path` must name a heading or fenced div in the body."""
    findings = []
    known = sections(report)
    for i, ident in enumerate(listing(mapping(_get(report.meta, path)).get("sections"))):
        if not isinstance(ident, str) or ident in known:
            continue
        line, col = report.where(path + ("sections", i))
        other = "" if ident not in report.section_ids else " (it names something that is not a section)"
        findings.append(report.finding(
            gate, "unknown-section", line, col,
            f"{what} points to the section '{ident}', which does not exist{other}",
            f"give a heading the id, like '## Title {{#{ident}}}', or use an id that exists"))
    return findings


def check_reason(report: Report, gate: str, path: tuple[str | int, ...], reason: str,
                 what: str, policy: Policy) -> list[Finding]:
    """A not-applicable reason must be real text of some substance, not a placeholder."""
    line, col = report.where(path)
    placeholder = placeholder_in(reason, policy)
    if placeholder:
        return [todo(gate, "reason-placeholder", report.display, line, col,
                     f"say why {what} does not apply: the reason still says '{placeholder}'",
                     "say in a sentence why it does not apply to this inspection")]
    minimum = int(threshold(policy, "not_applicable_min_words"))
    words = word_count(reason)
    if words < minimum:
        return [report.finding(gate, "reason-too-short", line, col,
                               f"the reason {what} does not apply is too short ({words} words; "
                               f"at least {minimum} are needed)",
                               "explain why it does not apply to this inspection, in a full sentence")]
    return []


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def check_coverage_map(
    report: Report,
    gate: str,
    key: str,
    items: list[dict[str, Any]],
    check_one: Callable[[dict[str, Any], Any], list[Finding]],
    missing: Callable[[dict[str, Any]], tuple[str, str]],
    unknown: str,
) -> list[Finding]:
    """The metadata mapping `key` (principles, cross_cutting) must name every policy item, and
    only those: a missing item gets `missing(item)`'s (message, hint) at the key, an item the
    policy does not know gets "'x' is not one of {unknown}", the others are `check_one`'s."""
    claimed = report.meta.get(key)
    if not isinstance(claimed, dict):
        return []  # missing or the wrong type: the schema gate says so
    findings: list[Finding] = []
    for item in items:
        item_id = str(item.get("id"))
        if item_id not in claimed:
            line, col = report.where((key,), key=True)
            message, hint = missing(item)
            findings.append(report.finding(gate, "missing", line, col, message, hint))
        else:
            findings.extend(check_one(item, claimed[item_id]))
    ids = [str(item.get("id")) for item in items]
    for name in claimed:
        if name not in ids:
            line, col = report.where((key, name), key=True)
            findings.append(report.finding(gate, "unknown", line, col, f"'{name}' is not one of {unknown}",
                                           f"use one of: {', '.join(ids)}"))
    return findings
