"""The generated annex "How this inspection meets the joint inspection framework".

`framework_annex(report, policy)` returns Markdown in the report dialect (cjji.markdown): headings
carry ids prefixed `annex-` and the class `.unnumbered`, links point at the report's own section
ids, and there is no raw HTML. The builders parse it with cjji.markdown.parse and append it to the
document, so every output format shows the same annex. `recommendations_list` is the
recommendations table alone, for a separate annex.

Nothing from the report is pasted into the Markdown as it is: text goes through `escape` (every
character that could start a link, image, emphasis, attribute or HTML is backslash-escaped, and
line breaks become spaces), and an id becomes a link target only if it is a plain id
(cjji.attributes.ID_PATTERN), else it is shown as escaped text.
"""

from __future__ import annotations

import re
from typing import Any

from cjji.attributes import is_id
from cjji.blocks import Section, enclosing_heading, judgements, recommendations, sections
from cjji.bodies import addressees
from cjji.build.numbering import number
from cjji.gates._framework import (
    coverage_sections,
    cross_cutting_issues,
    listing,
    long_date,
    mapping,
    parse_date,
    principles,
)
from cjji.policy import Policy
from cjji.report import Report

TITLE = "How this inspection meets the joint inspection framework"
_KIND_WORDS = {"equality": "An equality", "welsh-language": "A Welsh language"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~^$&])")  # [ is escaped, so ( ) ! cannot start a link


def escape(text: Any) -> str:
    """Plain text as Markdown inline text on one line (safe in a table cell)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _heading(level: int, text: str, ident: str) -> str:
    if not is_id(f"annex-{ident}"):
        raise ValueError(f"not an id: {ident!r}")  # cjji's own constants: a bug, never the author's
    return f"{'#' * level} {escape(text)} {{#annex-{ident} .unnumbered}}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _numbers(report: Report) -> dict[int, str]:
    """Token index of each numbered heading -> its number ("3", "3.2")."""
    if "annex.numbers" not in report.extra:
        report.extra["annex.numbers"] = number(report.tokens, paragraphs=False).headings
    return report.extra["annex.numbers"]  # type: ignore[no-any-return]


def _label(report: Report, section: Section) -> str:
    if section.kind == "heading":
        return _numbers(report).get(section.start) or section.title
    return section.id


def link(text: Any, ident: Any) -> str:
    """A link to a section of the report, or the escaped text alone if `ident` is not a plain id:
    an id is never pasted into Markdown unchecked (`{id="x)![a](.secret.png"}` would add an image)."""
    if not is_id(ident):
        return escape(text)
    return f"[{escape(text)}](#{ident})"


def section_link(report: Report, ident: str) -> str:
    section = sections(report).get(ident)
    if section is None:
        return escape(ident)
    return link(_label(report, section), ident)


def _coverage_cell(report: Report, entry: Any) -> str:
    entry = mapping(entry)
    ids = coverage_sections(entry)
    if ids:
        return ", ".join(section_link(report, s) for s in ids)
    reason = entry.get("not_applicable")
    if isinstance(reason, str) and reason.strip():
        return f"Not applicable: {escape(reason)}"
    return "Not recorded"


def _criteria(report: Report) -> str:
    cited: dict[str, list[str]] = {}
    for judgement in judgements(report):
        heading = enclosing_heading(report, judgement.token_index)
        for ident in judgement.criteria:
            places = cited.setdefault(ident, [])
            if heading is not None and heading.id not in places:
                places.append(heading.id)
    rows = []
    for item in listing(report.meta.get("criteria")):
        item = mapping(item)
        ident = str(item.get("id", ""))
        where = ", ".join(section_link(report, s) for s in cited.get(ident, []))
        text = item.get("text") or "The published standard as a whole"
        source = escape(item.get("source", ""))
        address = item.get("address")
        if isinstance(address, str) and address.startswith("https://") and not _SPECIAL.search(address):
            source = f"[{source}](<{address}>)" if source else f"<{address}>"
        rows.append([escape(ident), escape(text), source, where])
    intro = ("We judged the agencies against these criteria, and disclosed them before fieldwork "
             "(Annex A, principle 7).")
    if not rows:
        return f"{intro}\n\nNo criteria are recorded."
    return f"{intro}\n\n" + _table(["Criterion", "What we looked for", "Source", "Where we report on it"], rows)


def _principles(report: Report, policy: Policy) -> str:
    claimed = mapping(report.meta.get("principles"))
    rows = []
    for principle in principles(policy):
        name = f"{principle.get('number', '')}. {principle.get('name', '')}"
        rows.append([escape(name), escape(principle.get("text", "")),
                     _coverage_cell(report, claimed.get(str(principle.get("id"))))])
    intro = ("The joint inspection framework adopts the ten principles of public sector inspection "
             "in its Annex A. This table shows where this report meets each one.")
    return f"{intro}\n\n" + _table(["Principle", "What Annex A says", "Where this report meets it"], rows)


def _cross_cutting(report: Report, policy: Policy) -> str:
    covered = mapping(report.meta.get("cross_cutting"))
    rows = [[escape(issue.get("name", "")), _coverage_cell(report, covered.get(str(issue.get("id"))))]
            for issue in cross_cutting_issues(policy)]
    intro = ("Every joint inspection has regard to three cross-cutting issues (framework "
             "paragraphs 3.1 and 11.1).")
    return f"{intro}\n\n" + _table(["Issue", "Where this report covers it"], rows)


def _impact(report: Report) -> str:
    assessment = mapping(report.meta.get("impact_assessment"))
    if not assessment:
        return "No impact assessment is recorded."
    kind = str(assessment.get("kind", ""))
    kind = _KIND_WORDS.get(kind, f"A {kind.replace('-', ' ')}")
    completed = parse_date(assessment.get("completed"))
    when = f" on {long_date(completed)}" if completed else ""
    text = f"{kind} impact assessment was completed{when} (framework paragraph 12.2)."
    outcome = assessment.get("outcome")
    if isinstance(outcome, str) and outcome.strip():
        text += f" Outcome: {outcome.strip().rstrip('.')}."
    return escape(text)


def _recommendations_table(report: Report, policy: Policy) -> str:
    rows = []
    for n, block in enumerate(recommendations(report), start=1):  # numbered as every format labels them
        due = parse_date(block.attrs.get("due"))
        rows.append([
            link(n, block.id) if block.id else escape(n),
            escape(block.text),
            escape("; ".join(a.name for a in addressees(block.attrs, policy))),
            escape(long_date(due)) if due else escape(block.attrs.get("due", "")),
        ])
    if not rows:
        return "This report makes no recommendations."
    return _table(["No.", "Recommendation", "Addressed to", "Due by"], rows)


def _follow_up(report: Report) -> str:
    """The generated counts ("Of the 4 recommendations in X, 1 had been achieved ...") and each
    earlier item's status and evidence (Annex A principles 1 and 10)."""
    from cjji.gates.follow_up import items, summary

    rows = [[escape(i.get("id", "")), escape(str(i.get("kind", "")).replace("-", " ")),
             escape(str(i.get("status", "")).replace("-", " ")), escape(i.get("evidence", ""))]
            for i in items(report)]
    return "\n\n".join([*(escape(sentence) for sentence in summary(report)),
                         _table(["Earlier item", "Kind", "Status", "What we found"], rows)])


def framework_annex(report: Report, policy: Policy) -> str:
    """The annex, or '' for a document that is not an inspection report (the programme's plan
    sets report.extra["framework_annex"] to False: the annex describes an inspection)."""
    if report.extra.get("framework_annex") is False:
        return ""
    parts = [
        _heading(1, TITLE, "framework"),
        "This annex shows how the inspection meets the joint inspection framework agreed by the "
        "criminal justice chief inspectors. It is generated from the report itself.",
        _heading(2, "Criteria", "framework-criteria"),
        _criteria(report),
        _heading(2, "The ten principles of inspection", "framework-principles"),
        _principles(report, policy),
        _heading(2, "Cross-cutting issues", "framework-cross-cutting"),
        _cross_cutting(report, policy),
        _heading(2, "Impact assessment", "framework-impact"),
        _impact(report),
        _heading(2, "Recommendations", "framework-recommendations"),
        _recommendations_table(report, policy),
    ]
    if isinstance(report.meta.get("follows_up"), dict):
        parts += [_heading(2, "Follow-up of the earlier inspection", "framework-follow-up"), _follow_up(report)]
    return "\n\n".join(parts) + "\n"


def recommendations_list(report: Report, policy: Policy) -> str:
    return "\n\n".join([_heading(1, "Recommendations", "recommendations"),
                        _recommendations_table(report, policy)]) + "\n"
