"""[style] House style rules as data (checks/style/*.yml): GOV.UK style as the inspectorates use
it. Each rule extends one of Vale's rule types; see cjji.style."""

from __future__ import annotations

from cjji.findings import Finding
from cjji.gates import limits
from cjji.gates._language import english_rules_off
from cjji.gates.base import Context, Gate
from cjji.gates.spelling import report_words
from cjji.report import Report
from cjji.style import settings, vocabulary
from cjji.style.engines import ENGINES
from cjji.style.loader import rules
from cjji.style.rule import Doc

ID = "style"


def run(report: Report, context: Context) -> list[Finding]:
    other = english_rules_off(report, ID, "house style", context)
    if other is not None:
        return other
    words = [*settings.wordlist(context.policy), *report_words(report)]
    doc = Doc(limits.readable_blocks(report, context), frozenset(w for w in words if not w.islower()),
              vocabulary.load(context.policy))
    findings = []
    for rule in rules(context.policy):
        for hit in ENGINES[rule.extends](rule, doc):
            line, col = hit.block.position(hit.offset)
            findings.append(settings.finding(report.display, ID, rule.id, rule.severity, line, col,
                                             hit.message, hit.hint))
    return findings


GATE = Gate(ID, "House style (checks/style/*.yml): plain English, GOV.UK conventions, sentence length", run)
