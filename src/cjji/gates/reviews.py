"""[reviews] Every comment and change that came back from review is answered before publication.

Review logs (reports/<id>/reviews/*.yml, written by `cjji review import`) are checked against
schemas/review-log.schema.json. Each open item is a finding at its place in report.md, so
`cjji check` lists them where they apply: information on drafts (a warning when the item is on a
paragraph that moved, changed or was deleted since the export), an error with --for-publication.
An item is resolved when it is accepted, or rejected (or accepted with a change) with a reason.
A log for another report, or one that does not read, is an error in every mode.
"""

from __future__ import annotations

from cjji.findings import Finding, Severity
from cjji.gates.base import Context, Gate
from cjji.report import Report
from cjji.review.log import is_resolved, logs_of, read

ID = "reviews"
_KINDS = {
    "comment": "comment",
    "reply": "reply",
    "insertion": "tracked insertion",
    "deletion": "tracked deletion",
    "replacement": "tracked change",
    "move": "tracked move",
    "edit": "untracked edit",
    "new-paragraph": "new paragraph",
    "removed-paragraph": "removed paragraph",
}


def _summary(item: dict[str, object]) -> str:
    kind = _KINDS.get(str(item.get("kind")), str(item.get("kind")))
    if item.get("kind") in ("comment", "reply"):
        said = " ".join(str(item.get("comment", "")).split())
    else:
        proposed = item.get("proposed")
        changes: dict[str, object] = proposed if isinstance(proposed, dict) else {}
        old, new = str(changes.get("old", "")), str(changes.get("new", ""))
        said = f"'{old}' -> '{new}'" if old and new else f"delete '{old}'" if old else f"insert '{new}'"
    if len(said) > 120:
        said = said[:117] + "..."
    return f"{kind} from {item.get('who', 'a reviewer')}: {said}"


def run(report: Report, context: Context) -> list[Finding]:
    findings: list[Finding] = []
    severity: Severity = "error" if context.for_publication else "info"
    for path in logs_of(report.dir):
        log = read(path, context.policy.root)
        findings.extend(log.findings)
        if log.findings or not log.data:
            continue
        if log.data.get("report") != report.id:
            line, col = log.positions.of(("report",))
            findings.append(
                Finding(
                    log.display,
                    line,
                    col,
                    "error",
                    ID,
                    "other-report",
                    f"this review log is for the report '{log.data.get('report')}', not '{report.id}'",
                    "move it to that report's reviews/ folder",
                )
            )
            continue
        for n, item in enumerate(log.items):
            status = item.get("status")
            if is_resolved(item):
                continue
            where = item.get("where") if isinstance(item.get("where"), dict) else {}
            line, col = int(where.get("line", 0) or 0), int(where.get("col", 0) or 0)  # type: ignore[union-attr]
            mapped = where.get("mapped")  # type: ignore[union-attr]
            at = f"{log.display} item {item.get('id')}"
            if status in ("rejected", "accepted-with-change"):
                rline, rcol = log.positions.of(("items", n, "status"))
                findings.append(
                    Finding(
                        log.display,
                        rline,
                        rcol,
                        severity,
                        ID,
                        "no-reason",
                        f"item {item.get('id')} is {status} without a response",
                        "write the reason in its response: the body will read it",
                    )
                )
                continue
            item_severity: Severity = severity
            if not context.for_publication and mapped in ("moved", "edited", "deleted"):
                item_severity = "warning"
            message = f"open review item ({at}): {_summary(item)}"
            if mapped in ("moved", "edited", "deleted", "generated"):
                message += (
                    f" [its paragraph {'is generated text' if mapped == 'generated' else mapped + ' since export'}]"
                )
            findings.append(
                Finding(
                    report.display,
                    line,
                    col,
                    item_severity,
                    ID,
                    "open",
                    message,
                    f"decide it in {log.display}: status accepted, accepted-with-change or "
                    "rejected with a response; `cjji review apply` makes accepted changes",
                )
            )
    return findings


GATE = Gate(
    ID, "Review logs: every comment and change from review is answered (errors only with --for-publication)", run
)
