"""[cross-cutting] The three cross-cutting issues (framework 3.1 and 11.1).

Each issue in checks/cross_cutting.yml is covered by sections tagged `.cross-cutting` that say
something (thresholds: cross_cutting_min_words, 1 by default), or scoped out with a reason.
Scoping one out with a reason is information, not a warning: the framework asks inspections to
"have regard to" the three issues (11.1), and a reasoned decision that one does not apply (a
custody inspection has no victims or witnesses) is that regard. Real custody reports scope out
victim and witness experience, so a warning would fail every one under --strict. Gatekeepers
still see the reason: in the check's output and in the generated framework annex they sign.
"""

from __future__ import annotations

from typing import Any

from cjji.blocks import Section, sections
from cjji.findings import Finding
from cjji.gates._framework import (
    check_coverage_map,
    check_reason,
    check_section_refs,
    coverage_sections,
    cross_cutting_issues,
    mapping,
    threshold,
)
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report

ID = "cross-cutting"
TAG = "cross-cutting"


def _tagged(section: Section) -> str:
    """How the section's opening line looks once tagged."""
    if section.kind == "heading":
        return f"{'#' * section.heading_level} {section.title} {{#{section.id} .cross-cutting}}"
    return f"::: {{#{section.id} .cross-cutting}}"


def _check_issue(report: Report, policy: Policy, issue: dict[str, Any], entry: Any) -> list[Finding]:
    iid = str(issue.get("id"))
    name = str(issue.get("name", iid)).lower()
    path: tuple[str | int, ...] = ("cross_cutting", iid)
    entry = mapping(entry)
    reason = entry.get("not_applicable")
    if isinstance(reason, str):
        line, col = report.where(path + ("not_applicable",))
        return [
            Finding(report.display, line, col, "info", ID, "scoped-out",
                    f"the cross-cutting issue '{name}' is scoped out of this inspection: {reason.strip()}",
                    "gatekeepers see this, and the framework annex prints it; cover it in a section "
                    "tagged {.cross-cutting} if it does apply"),
            *check_reason(report, ID, path + ("not_applicable",), reason,
                          f"the cross-cutting issue '{name}'", policy),
        ]
    ids = coverage_sections(entry)
    if not ids:
        return []  # the schema gate reports the wrong shape
    findings = check_section_refs(report, ID, path, f"the cross-cutting issue '{name}'")
    known = sections(report)
    words = 0
    for i, ident in enumerate(entry.get("sections", [])):
        section = known.get(ident) if isinstance(ident, str) else None
        if section is None:
            continue
        words += section.words(report)
        if TAG not in section.classes:
            line, col = report.where(path + ("sections", i))
            kind = "heading" if section.kind == "heading" else "fenced div"
            findings.append(report.finding(
                ID, "not-tagged", line, col,
                f"the section '{ident}' (line {section.line}) covers the cross-cutting issue "
                f"'{name}' but its {kind} is not tagged as cross-cutting",
                f"add the class to it, like '{_tagged(section)}'"))
    minimum = int(threshold(policy, "cross_cutting_min_words"))
    if any(isinstance(s, str) and s in known for s in ids) and words < minimum:
        line, col = report.where(path + ("sections",))
        findings.append(report.finding(
            ID, "too-short", line, col,
            f"the sections covering the cross-cutting issue '{name}' have {words} words; at least "
            f"{minimum} {'is' if minimum == 1 else 'are'} needed to cover it (checks/thresholds.yml)",
            "write more about how the inspection looked at it, or scope it out with a reason"))
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    def missing(issue: dict[str, Any]) -> tuple[str, str]:
        iid = issue.get("id")
        return (f"the cross-cutting issue '{str(issue.get('name', iid)).lower()}' is not covered "
                "(framework 3.1 and 11.1)",
                f"add '{iid}: {{sections: [section-id]}}' under cross_cutting, or scope it out "
                f"with '{iid}: {{not_applicable: \"why\"}}'")

    return check_coverage_map(
        report, ID, "cross_cutting", cross_cutting_issues(context.policy),
        lambda issue, entry: _check_issue(report, context.policy, issue, entry),
        missing, "the cross-cutting issues")


GATE = Gate(ID, "Victims and witnesses, equality and diversity, value for money: each covered "
                "in a tagged section or scoped out (framework 11.1)", run)
