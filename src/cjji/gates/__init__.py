"""The gate registry: every gate, in the order it runs. Add a gate by adding its module here."""

from __future__ import annotations

from cjji.findings import Finding
from cjji.gates import criteria, cross_cutting, impact, joint, principles, recommendations, schema
from cjji.gates.base import Context, Gate
from cjji.report import Report

ALL: list[Gate] = [
    schema.GATE,
    joint.GATE,
    criteria.GATE,
    principles.GATE,
    cross_cutting.GATE,
    impact.GATE,
    recommendations.GATE,
]


def run_all(report: Report, context: Context, gates: list[Gate] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for gate in gates or ALL:
        findings.extend(gate.run(report, context))
    return findings


__all__ = ["ALL", "Context", "Gate", "run_all"]
