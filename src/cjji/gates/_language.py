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
    if code == ENGLISH:
        return []
    if code in listed(context):
        return _no_statement(report, gate, context, code)
    line, col = report.where(("lang",))
    known = ", ".join(sorted(listed(context))) or "none"
    return [report.finding(gate, "unknown-language", line, col,
                           f"there are no labels for the language '{code}' in checks/labels.yml "
                           f"(listed: {known}), so its boxes and contents would be labelled in English",
                           "use a listed code (cy for Welsh), or ask the secretariat to add the language's "
                           "labels to checks/labels.yml")]


def _no_statement(report: Report, gate: str, context: Context, code: str) -> list[Finding]:
    """An inspectorate of the report with no "Who we are" statement in its language
    (checks/inspectorates.yml `who_we_are_in`) would be refused by the build: say so at check."""
    meta = report.meta
    listed_codes = meta.get("inspectorates")
    named = [meta.get("lead"), *(listed_codes if isinstance(listed_codes, list) else [])]
    known = context.policy.inspectorates
    missing = []
    for name in dict.fromkeys(c for c in named if isinstance(c, str) and c in known):
        own = known[name].get("who_we_are_in")
        if not (isinstance(own, dict) and own.get(code)):
            missing.append(name)
    if not missing:
        return []
    line, col = report.where(("lang",))
    return [report.finding(gate, "who-we-are", line, col,
                           f"no 'Who we are' statement in the language '{code}' for {', '.join(missing)} in "
                           "checks/inspectorates.yml: the front matter is not printed with the English one",
                           f"ask the secretariat to add who_we_are_in: {{{code}: ...}} to "
                           f"{', '.join(missing)} in checks/inspectorates.yml")]
