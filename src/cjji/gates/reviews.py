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
from cjji.review import logs_of

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


# changes whose own paragraph's text they alter (a new paragraph leaves the one before it as it was,
# so whether it was added by hand cannot be told from that paragraph)
_CHANGES = ("insertion", "deletion", "replacement", "move", "edit", "removed-paragraph")


def _still_unchanged(report: Report, item: dict[str, object], cache: dict[str, set[str]]) -> bool:
    """An accepted change not applied (by cjji or by hand): its paragraph is exactly as it was when
    the change was imported. (A paragraph changed since is taken as dealt with.)"""
    where = item.get("where")
    if item.get("kind") not in _CHANGES or item.get("applied") or not isinstance(where, dict):
        return False
    if where.get("mapped") != "exact" or not where.get("block"):
        return False
    if "hashes" not in cache:
        from cjji.review.importer import block_hash
        from cjji.review.source import source_blocks

        cache["hashes"] = {block_hash(b) for b in source_blocks(report, number_headings=False, number_paragraphs=False)}
    return str(where["block"]) in cache["hashes"]


def run(report: Report, context: Context) -> list[Finding]:
    findings: list[Finding] = []
    cache: dict[str, set[str]] = {}
    severity: Severity = "error" if context.for_publication else "info"
    paths = logs_of(report.dir)
    if not paths:
        return findings
    from cjji.review.log import is_resolved, read  # the review machinery loads only for a report with logs

    for path in paths:
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
        seen: set[str] = set()
        for n, item in enumerate(log.items):
            status = item.get("status")
            ident = str(item.get("id"))
            if ident in seen:
                line, col = log.positions.of(("items", n, "id"))
                findings.append(
                    Finding(
                        log.display,
                        line,
                        col,
                        "error",
                        ID,
                        "duplicate-id",
                        f"two items have the id {ident}",
                        "give each item its own id",
                    )
                )
            seen.add(ident)
            if status == "accepted" and _still_unchanged(report, item, cache):
                line, col = log.positions.of(("items", n, "status"))
                findings.append(
                    Finding(
                        log.display,
                        line,
                        col,
                        severity,
                        ID,
                        "not-applied",
                        f"item {ident} is accepted, but report.md still has the text it changes",
                        f"make the change: `cjji review apply {log.display} {ident}`, or edit report.md by hand",
                    )
                )
                continue
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
