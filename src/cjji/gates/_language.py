"""The language a report is written in (`lang`), for the gates: the English rules (spelling,
house style, grammar) apply to English reports only, and a language needs labels in
checks/labels.yml before a report can be written in it."""

from __future__ import annotations

from cjji.blocks import ENGLISH, report_language
from cjji.findings import Finding
from cjji.gates.base import Context
from cjji.report import Report


def listed(context: Context) -> dict[str, dict[str, object]]:
    """Language code -> its entry in checks/labels.yml."""
    data = context.policy.get("labels") or {}
    languages = data.get("languages") if isinstance(data, dict) else None
    return languages if isinstance(languages, dict) else {}


def english_rules_off(report: Report, gate: str, what: str, context: Context) -> list[Finding] | None:
    """None for an English report (the gate runs); else the one information finding saying the
    gate's English rules are switched off for this report's language."""
    code = report_language(report.meta)
    if code == ENGLISH:
        return None
    name = str(listed(context).get(code, {}).get("name") or code)
    line, col = report.where(("lang",))
    return [Finding(report.display, line, col, "info", gate, "other-language",
                    f"the report is written in {name} (lang: {code}): the English {what} rules are "
                    "switched off for it",
                    "have a speaker of the language read it; the other checks still apply")]


def unknown_language(report: Report, gate: str, context: Context) -> list[Finding]:
    """A `lang` with no labels in checks/labels.yml would be built with English labels."""
    code = report_language(report.meta)
    if code == ENGLISH or code in listed(context):
        return []
    line, col = report.where(("lang",))
    known = ", ".join(sorted(listed(context))) or "none"
    return [report.finding(gate, "unknown-language", line, col,
                           f"there are no labels for the language '{code}' in checks/labels.yml "
                           f"(listed: {known}), so its boxes and contents would be labelled in English",
                           "use a listed code (cy for Welsh), or ask the secretariat to add the language's "
                           "labels to checks/labels.yml")]
