"""[criteria] Disclosed criteria (Annex A principle 7).

Criteria are declared in the metadata (id, source, and the text of the criterion unless it is a
whole published standard); every judgement in the body cites at least one declared criterion. A
criterion no judgement cites is a warning: real reports disclose whole standards (Expectations for
Police Custody, the Victims' Code) without marking a judgement against each one.
"""

from __future__ import annotations

from cjji.blocks import judgements
from cjji.findings import Finding, todo
from cjji.gates._framework import listing, mapping, placeholder_in, warn
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report

ID = "criteria"


def declared(report: Report) -> dict[str, int]:
    """Declared criterion id -> index in the metadata list (first declaration wins)."""
    found: dict[str, int] = {}
    for i, item in enumerate(listing(report.meta.get("criteria"))):
        ident = mapping(item).get("id")
        if isinstance(ident, str | int) and not isinstance(ident, bool):
            found.setdefault(str(ident), i)
    return found


def _duplicates(report: Report) -> list[Finding]:
    findings = []
    first: dict[str, int] = {}
    for i, item in enumerate(listing(report.meta.get("criteria"))):
        ident = mapping(item).get("id")
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            continue
        if str(ident) in first:
            line, col = report.where(("criteria", i, "id"))
            earlier, _ = report.where(("criteria", first[str(ident)], "id"))
            findings.append(report.finding(
                ID, "duplicate", line, col,
                f"the criterion id '{ident}' is declared twice (first on line {earlier})",
                "give each criterion its own id, such as C1, C2, C3"))
        else:
            first[str(ident)] = i
    return findings


def _placeholders(report: Report, policy: Policy) -> list[Finding]:
    findings = []
    for i, item in enumerate(listing(report.meta.get("criteria"))):
        for field in ("text", "source"):
            value = mapping(item).get(field)
            found = placeholder_in(value, policy) if isinstance(value, str) else None
            if found:
                line, col = report.where(("criteria", i, field))
                findings.append(todo(
                    ID, "placeholder", report.display, line, col,
                    f"write the {field} of criterion {i + 1}: it still says '{found}'",
                    "write the criterion in full, and the standard it comes from"))
    return findings


def check(report: Report, policy: Policy) -> list[Finding]:
    known = declared(report)
    findings = _duplicates(report) + _placeholders(report, policy)
    used: set[str] = set()
    for judgement in judgements(report):
        if not judgement.criteria:
            findings.append(report.finding(
                ID, "no-criterion", judgement.line, judgement.col,
                "this judgement does not cite a criterion",
                'add the criteria it is judged against, like {.judgement criteria="C1"}'
                + (f" (declared: {', '.join(known)})" if known else "")))
        for ident in judgement.criteria:
            used.add(ident)
            if ident not in known:
                findings.append(report.finding(
                    ID, "undefined", judgement.line, judgement.col,
                    f"this judgement cites the criterion '{ident}', which is not declared in "
                    "the metadata",
                    "declare it under criteria: with its id, text and source, or fix the id"
                    + (f" (declared: {', '.join(known)})" if known else "")))
    for ident, i in known.items():
        if ident not in used:
            line, col = report.where(("criteria", i, "id"))
            findings.append(warn(
                report, ID, "unused", line, col,
                f"the criterion '{ident}' is declared but no judgement in the report cites it",
                f'mark the judgements made against it with [text]{{.judgement criteria="{ident}"}}, '
                "or leave it: gatekeepers see this when they sign off"))
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    return check(report, context.policy)


GATE = Gate(ID, "Judgements cite declared criteria, and every criterion is used "
                "(Annex A principle 7)", run)
