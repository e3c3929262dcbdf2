"""The gate registry: every gate, in the order it runs. Add a gate by adding its module here."""

from __future__ import annotations

from dataclasses import replace

from cjji.findings import Finding, error
from cjji.gates import (
    attributes,
    criteria,
    cross_cutting,
    files,
    follow_up,
    grammar,
    html,
    impact,
    joint,
    limits,
    principles,
    recommendations,
    reviews,
    schema,
    signoffs,
    spelling,
    structure,
    style,
    todo,
)
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
    follow_up.GATE,
    todo.GATE,
    html.GATE,
    attributes.GATE,
    limits.GATE,
    files.GATE,
    structure.GATE,
    signoffs.GATE,
    reviews.GATE,
    spelling.GATE,
    style.GATE,
    grammar.GATE,
]


def run_all(report: Report, context: Context, gates: list[Gate] | None = None) -> list[Finding]:
    """Every gate's findings. A gate that crashes is itself an error finding; the others still run."""
    findings: list[Finding] = []
    for gate in gates or ALL:
        try:
            findings.extend(_capped(gate.run(report, context)))
        except Exception as exc:  # a bug in one gate must not hide the others' findings
            findings.append(error(
                gate.id, "internal-error", report.display, 0, 0,
                f"the {gate.id} gate failed on this report ({type(exc).__name__}: {exc})",
                "this is a bug in cjji, not in your report; please report it"))
    if context.for_publication:  # a placeholder left in is no longer a draft's to-do: it blocks publication
        findings = [replace(f, severity="error") if f.severity == "todo" else f for f in findings]
    return findings


MAX_PER_RULE = 100


def _capped(findings: list[Finding]) -> list[Finding]:
    """At most MAX_PER_RULE findings of one rule, then one line saying how many more there are:
    a pasted table or a repeated word must not bury every other finding."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    kept: list[Finding] = []
    for same in by_rule.values():
        kept.extend(same[:MAX_PER_RULE])
        if len(same) > MAX_PER_RULE:
            last = same[MAX_PER_RULE - 1]
            kept.append(replace(last, message=f"... and {len(same) - MAX_PER_RULE} more like this, not listed",
                                hint="fix the ones above and check again"))
    return kept


__all__ = ["ALL", "Context", "Gate", "run_all"]
