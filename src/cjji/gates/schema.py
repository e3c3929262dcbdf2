"""[schema] The front matter matches schemas/report.schema.json, with codes from checks/."""

from __future__ import annotations

import copy
from typing import Any

from cjji import resources
from cjji.findings import Finding
from cjji.gates._framework import long_date, mapping, parse_date
from cjji.gates._language import unknown_language
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report
from cjji.schemacheck import load_schema, validate

ID = "schema"


def report_schema(policy: Policy) -> dict[str, Any]:
    """The report schema with the inspectorate codes and business processes from checks/."""
    schema = copy.deepcopy(load_schema(resources.schema("report.schema.json", policy.root)))
    defs = schema["$defs"]
    defs["inspectorate"]["enum"] = sorted(policy.inspectorates)
    defs["businessProcess"]["enum"] = sorted(policy.business_processes)
    schema["properties"]["type"]["enum"] = [t.id for t in policy.report_types]
    return schema


def isbn13_valid(isbn: str) -> bool:
    """True when the ISBN-13's last digit is its check digit (weights 1, 3, 1, 3, ...)."""
    digits = [int(c) for c in isbn if c.isdigit()]
    if len(digits) != 13:
        return False
    return sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def _meaning(report: Report) -> list[Finding]:
    """What a schema cannot say: an ISBN's check digit, fieldwork that ends before it starts."""
    findings = []
    isbn = mapping(report.meta.get("publication")).get("isbn")
    if isinstance(isbn, str) and len([c for c in isbn if c.isdigit()]) == 13 and not isbn13_valid(isbn):
        line, col = report.where(("publication", "isbn"))
        findings.append(report.finding(
            ID, "isbn-check-digit", line, col,
            f"publication.isbn: '{isbn}' is not a valid ISBN-13 (its last digit is not the check digit)",
            "copy the ISBN again from the record the ISBN agency gave you"))
    fieldwork = mapping(report.meta.get("fieldwork"))
    start, end = parse_date(fieldwork.get("from")), parse_date(fieldwork.get("to"))
    if start and end and end < start:
        line, col = report.where(("fieldwork", "to"))
        findings.append(report.finding(
            ID, "fieldwork-order", line, col,
            f"fieldwork ends on {long_date(end)}, before it starts on {long_date(start)}",
            "swap the dates, or correct the one that is wrong"))
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    schema = context.policy.derived("schema.report", lambda: report_schema(context.policy))  # once per run
    findings = validate(report.meta, schema, report.positions, report.display, ID)
    findings += _meaning(report)
    findings += unknown_language(report, ID, context)
    ident = report.meta.get("id")
    if isinstance(ident, str) and ident != report.dir.name:
        line, col = report.where(("id",))
        findings.append(report.finding(
            ID, "id-folder", line, col,
            f"the id '{ident}' does not match the report's folder name '{report.dir.name}'",
            "rename the folder or change the id: they must be the same"))
    return findings


GATE = Gate(ID, "Report metadata matches the report schema (fields, types, real dates, known codes)", run)
