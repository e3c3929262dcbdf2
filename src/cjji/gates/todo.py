"""[todo] Placeholders still in a draft: "TODO", "TBC", "lorem ipsum" (checks/thresholds.yml).

Each is a finding of its own kind (severity `todo`): a draft may carry them while it is written
(`cjji new` starts a report full of them, and no error), `--strict` fails on them, and with
`--for-publication` they are errors. The gates that own a field say what to write there (the
scope, a criterion, a recommendation); this gate finds the rest: any other metadata text, and
placeholders in the body outside recommendation boxes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cjji.blocks import recommendations
from cjji.findings import Finding, todo
from cjji.gates._framework import placeholder_in
from cjji.gates.base import Context, Gate
from cjji.report import Report
from cjji.schemacheck import field_name

ID = "todo"
# metadata whose placeholders another gate reports, with its own words (path prefixes)
OWNED = (("scope",), ("purpose",), ("criteria",), ("principles",), ("cross_cutting",),
         ("impact_assessment", "outcome"), ("follows_up", "items"))


def _strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (str(key),))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, path + (i,))


def _metadata(report: Report, context: Context) -> list[Finding]:
    findings = []
    for path, text in _strings(report.meta):
        if any(path[: len(prefix)] == prefix for prefix in OWNED):
            continue
        found = placeholder_in(text, context.policy)
        if found:
            line, col = report.where(path)
            findings.append(todo(ID, "metadata", report.display, line, col,
                                 f"write {field_name(path)}: it still says '{found}'",
                                 "replace the placeholder with the real text"))
    return findings


def _body(report: Report, context: Context) -> list[Finding]:
    boxes = [(b.line, b.line + b.source.count("\n") + 2) for b in recommendations(report)]
    findings = []
    for token in report.tokens:
        if token.type != "inline" or not token.map:
            continue
        line = token.map[0] + 1
        if any(start <= line <= end for start, end in boxes):
            continue  # the recommendations gate says what to write there
        text = "".join(c.content for c in token.children or [] if c.type == "text")
        found = placeholder_in(text, context.policy)
        if found:
            source = report.lines[line - 1] if 0 < line <= len(report.lines) else ""
            col = source.find(found) + 1 if found in source else 1
            findings.append(todo(ID, "body", report.display, line, col,
                                 f"finish this passage: it still says '{found}'",
                                 "replace the placeholder with the real text"))
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    return _metadata(report, context) + _body(report, context)


GATE = Gate(ID, "Placeholders (TODO, TBC) left in a draft: to do while drafting, errors for publication", run)
