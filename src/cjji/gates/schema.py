"""[schema] The front matter matches schemas/report.schema.json, with codes from checks/."""

from __future__ import annotations

import copy
from typing import Any

from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report
from cjji.schemacheck import load_schema, validate

ID = "schema"


def report_schema(policy: Policy) -> dict[str, Any]:
    """The report schema with the inspectorate codes and business processes from checks/."""
    schema = copy.deepcopy(load_schema(policy.root / "schemas" / "report.schema.json"))
    defs = schema["$defs"]
    defs["inspectorate"]["enum"] = sorted(policy.inspectorates)
    defs["businessProcess"]["enum"] = sorted(policy.business_processes)
    return schema


_BY_POLICY: dict[str, dict[str, Any]] = {}


def run(report: Report, context: Context) -> list[Finding]:
    key = f"{context.policy.root}:{context.policy.digest}"
    if key not in _BY_POLICY:
        _BY_POLICY[key] = report_schema(context.policy)
    findings = validate(report.meta, _BY_POLICY[key], report.positions, report.display, ID)
    ident = report.meta.get("id")
    if isinstance(ident, str) and ident != report.dir.name:
        line, col = report.where(("id",))
        findings.append(report.finding(
            ID, "id-folder", line, col,
            f"the id '{ident}' does not match the report's folder name '{report.dir.name}'",
            "rename the folder or change the id: they must be the same"))
    return findings


GATE = Gate(ID, "Report metadata matches the report schema (fields, types, real dates, known codes)", run)
