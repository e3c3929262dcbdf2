"""[impact] The impact assessment (framework 12.2).

It is recorded with kind, completion date, outcome and the assessment document, which must exist in
the report folder; it must be completed by the publication date. Missing fields and unreal dates
are the schema gate's to report (it requires every field).
"""

from __future__ import annotations

from cjji.digest import DigestError
from cjji.findings import Finding, todo
from cjji.gates._framework import long_date, mapping, parse_date, placeholder_in
from cjji.gates.base import Context, Gate
from cjji.report import Report
from cjji.resolve import Unresolved, report_files, resolve

ID = "impact"
PATH = ("impact_assessment",)


def _document(report: Report, name: object) -> list[Finding]:
    """The assessment document is one of the report's own digested files (cjji.resolve), like an
    image: inside the folder, not hidden, not in signoffs/, covered by the sign-off."""
    if not isinstance(name, str) or not name.strip():
        return []
    line, col = report.where(PATH + ("file",))
    try:
        resolve(name, report_files(report), "the impact assessment document")
    except Unresolved as problem:
        hint = f"add {name} to {report.dir.name}/, or correct the file name" \
            if problem.rule == "missing-file" else problem.hint
        return [report.finding(ID, "file-missing" if problem.rule == "missing-file" else "file-outside",
                               line, col, problem.message, hint)]
    except DigestError:
        return []  # the files gate says what is wrong with the folder
    return []


def run(report: Report, context: Context) -> list[Finding]:
    assessment = report.meta.get("impact_assessment")
    if not isinstance(assessment, dict):
        return []  # missing or the wrong type: the schema gate says so
    findings = _document(report, assessment.get("file"))
    completed = parse_date(assessment.get("completed"))
    published = parse_date(mapping(report.meta.get("publication")).get("date"))
    if completed and published and completed > published:
        line, col = report.where(PATH + ("completed",))
        findings.append(report.finding(
            ID, "after-publication", line, col,
            f"the impact assessment was completed on {long_date(completed)}, after the publication "
            f"date ({long_date(published)})",
            "complete the impact assessment before publication (framework 12.2), or correct the date"))
    outcome = assessment.get("outcome")
    placeholder = placeholder_in(outcome, context.policy) if isinstance(outcome, str) else None
    if placeholder:
        line, col = report.where(PATH + ("outcome",))
        findings.append(todo(
            ID, "outcome-placeholder", report.display, line, col,
            f"write the impact assessment's outcome: it still says '{placeholder}'",
            "write the outcome as the assessment records it, like 'no adverse impact identified'"))
    return findings


GATE = Gate(ID, "An impact assessment is recorded, in the folder and completed before publication "
                "(framework 12.2)", run)
