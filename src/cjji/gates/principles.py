"""[principles] Annex A's ten principles of public sector inspection.

The metadata maps each principle in checks/principles.yml to the sections where the report meets
it, or records why it does not apply (a reason of substance). Principles 1-3 are qualifying
criteria (framework 5.5) and cannot be marked not applicable. Where the evidence can be seen in the
report it is checked too (the `needs` of each principle in checks/principles.yml).
"""

from __future__ import annotations

from typing import Any

from cjji.blocks import recommendations, sections
from cjji.findings import Finding, todo
from cjji.gates import criteria
from cjji.gates._framework import (
    check_coverage_map,
    check_reason,
    check_section_refs,
    coverage_sections,
    listing,
    mapping,
    principles,
)
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report

ID = "principles"


def _label(principle: dict[str, Any]) -> str:
    return f"principle {principle.get('number')} ({principle.get('name')})"


def _evidence_kind(report: Report, policy: Policy) -> str:
    """'counts' or 'sources': what the report's type must record (checks/report_types.yml)."""
    kinds = {t.id: t.evidence for t in policy.report_types}
    kind = report.meta.get("type")
    return str(kinds.get(kind) or "counts") if isinstance(kind, str) else "counts"


def _has_evidence_base(report: Report, kind: str) -> bool:
    evidence = mapping(report.meta.get("evidence"))
    if kind == "sources":
        return bool(listing(evidence.get("sources")))
    return any(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in evidence.values())


def _covered(report: Report, issue: str) -> bool:
    entry = mapping(report.meta.get("cross_cutting")).get(issue)
    known = sections(report)
    return any(s in known for s in coverage_sections(entry))


def _unmet_need(report: Report, policy: Policy, need: str) -> tuple[str, str] | None:
    """(what is missing, how to fix it) for the evidence a principle needs, or None."""
    if need == "recommendations" and not recommendations(report):
        return "the report makes no recommendations", 'add at least one ::: {.recommendation #R1 owner="..."} block'
    if need == "disclosed-criteria":  # errors only: an unused criterion or a placeholder do not fail it
        problems = sum(1 for f in criteria.check(report, policy) if f.severity == "error")
        if not criteria.declared(report):
            return "no criteria are declared", "declare the criteria under criteria: in the metadata"
        if problems:
            return (f"the criteria check finds {problems} problem(s)",
                    "fix the findings of the criteria gate")
    kind = _evidence_kind(report, policy) if need == "evidence-base" else ""
    if kind == "sources" and not _has_evidence_base(report, kind):
        return ("the metadata lists no sources for this evidence review",
                'list them under evidence:, like {sources: ["HMI Probation, a thematic report (2021)"]}')
    if kind == "counts" and not _has_evidence_base(report, kind) and not _counts_to_come(report):
        return ("the metadata declares no evidence base with numbers",
                "record the evidence under evidence:, like {case_files: 120, interviews: 45}")
    if need.startswith("cross-cutting:") and not _covered(report, need.split(":", 1)[1]):
        issue = need.split(":", 1)[1]
        return (f"no section covers the cross-cutting issue '{issue}'",
                f"write the section and list it under cross_cutting: {issue}: {{sections: [...]}}")
    return None


def _counts_to_come(report: Report) -> bool:
    """Counts are declared but every one is still 0: a draft before fieldwork (`cjji new`)."""
    counts = [v for k, v in mapping(report.meta.get("evidence")).items() if k != "sources"]
    return bool(counts) and all(v == 0 and not isinstance(v, bool) for v in counts)


def _check_principle(report: Report, policy: Policy, principle: dict[str, Any], entry: Any) -> list[Finding]:
    pid = str(principle.get("id"))
    path: tuple[str | int, ...] = ("principles", pid)
    entry = mapping(entry)
    reason = entry.get("not_applicable")
    if isinstance(reason, str):
        if principle.get("required"):
            line, col = report.where(path + ("not_applicable",))
            return [report.finding(
                ID, "required", line, col,
                f"{_label(principle)} cannot be marked not applicable: every joint inspection "
                "must meet it (framework 5.5)",
                "list the sections where the report meets it: {sections: [section-id]}")]
        return check_reason(report, ID, path + ("not_applicable",), reason, _label(principle), policy)
    if not coverage_sections(entry):
        return []  # the schema gate reports the wrong shape
    findings = check_section_refs(report, ID, path, _label(principle))
    need = principle.get("needs")
    unmet = _unmet_need(report, policy, need) if isinstance(need, str) else None
    if need == "evidence-base" and _evidence_kind(report, policy) == "counts" and _counts_to_come(report):
        line, col = report.where(("evidence",), key=True)
        findings.append(todo(ID, "evidence-to-come", report.display, line, col,
                             "record the evidence base: every count is still 0",
                             "give the numbers once fieldwork is done, like {case_files: 120, interviews: 45}"))
    if unmet:
        line, col = report.where(path, key=True)
        findings.append(report.finding(
            ID, "not-evidenced", line, col,
            f"{_label(principle)} is claimed as met, but {unmet[0]}", unmet[1]))
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    def missing(principle: dict[str, Any]) -> tuple[str, str]:
        pid = principle.get("id")
        return (f"{_label(principle)} is not mapped: say where the report meets it, or why it does not apply",
                f"add '{pid}: {{sections: [section-id]}}' or '{pid}: {{not_applicable: \"why\"}}' under principles")

    return check_coverage_map(
        report, ID, "principles", principles(context.policy),
        lambda principle, entry: _check_principle(report, context.policy, principle, entry),
        missing, "Annex A's principles")


GATE = Gate(ID, "Each of Annex A's ten principles is met in named sections, or does not apply "
                "for a stated reason", run)
