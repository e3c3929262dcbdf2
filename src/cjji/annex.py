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
from cjji.blocks import Labels, Section, enclosing_heading, judgements, labels_of, recommendations, sections
from cjji.bodies import addressees
from cjji.build.numbering import number
from cjji.gates._framework import (
    coverage_sections,
    cross_cutting_issues,
    listing,
    mapping,
    parse_date,
    principles,
)
from cjji.policy import Policy
from cjji.report import Report

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~^$&])")  # [ is escaped, so ( ) ! cannot start a link


def escape(text: Any) -> str:
    """Plain text as Markdown inline text on one line (safe in a table cell)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _heading(level: int, text: str, ident: str) -> str:
    if not is_id(f"annex-{ident}"):
        raise ValueError(f"not an id: {ident!r}")  # cjji's own constants: a bug, never the author's
    return f"{'#' * level} {escape(text)} {{#annex-{ident} .unnumbered}}"


def _table(header: list[str], rows: list[list[str]], caption: str = "") -> str:
    """A pipe table; `caption` (checks/labels.yml, in the report's language) becomes its
    `Table: ...` paragraph, so every format prints "Table 4: <caption>"."""
    lines = ["| " + " | ".join(escape(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    table = "\n".join(lines)
    return f"{table}\n\nTable: {escape(caption)}" if caption else table


def _words(labels: Labels, key: str, **fields: Any) -> str:
    """checks/labels.yml's annex.<key> in the report's language."""
    return str(labels.text("annex", key, **fields))


def _columns(labels: Labels, key: str) -> list[str]:
    return [str(c) for c in labels.text("annex", key)]


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


def _coverage_cell(report: Report, entry: Any, labels: Labels) -> str:
    entry = mapping(entry)
    ids = coverage_sections(entry)
    if ids:
        return ", ".join(section_link(report, s) for s in ids)
    reason = entry.get("not_applicable")
    if isinstance(reason, str) and reason.strip():
        return escape(_words(labels, "not_applicable", reason=" ".join(reason.split())))
    return escape(_words(labels, "not_recorded"))


def _criteria(report: Report, labels: Labels) -> str:
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
        text = item.get("text") or _words(labels, "criteria_whole")
        source = escape(item.get("source", ""))
        address = item.get("address")
        if isinstance(address, str) and address.startswith("https://") and not _SPECIAL.search(address):
            source = f"[{source}](<{address}>)" if source else f"<{address}>"
        rows.append([escape(ident), escape(text), source, where])
    intro = escape(_words(labels, "criteria_intro"))
    if not rows:
        return f"{intro}\n\n{escape(_words(labels, 'criteria_none'))}"
    return f"{intro}\n\n" + _table(_columns(labels, "criteria_columns"), rows, _words(labels, "criteria_caption"))


def _principles(report: Report, policy: Policy, labels: Labels) -> str:
    claimed = mapping(report.meta.get("principles"))
    rows = []
    for principle in principles(policy):
        name = f"{principle.get('number', '')}. {principle.get('name', '')}"
        rows.append([escape(name), escape(principle.get("text", "")),
                     _coverage_cell(report, claimed.get(str(principle.get("id"))), labels)])
    intro = escape(_words(labels, "principles_intro"))
    return f"{intro}\n\n" + _table(_columns(labels, "principles_columns"), rows, _words(labels, "principles_caption"))


def _cross_cutting(report: Report, policy: Policy, labels: Labels) -> str:
    covered = mapping(report.meta.get("cross_cutting"))
    rows = [[escape(issue.get("name", "")), _coverage_cell(report, covered.get(str(issue.get("id"))), labels)]
            for issue in cross_cutting_issues(policy)]
    intro = escape(_words(labels, "cross_cutting_intro"))
    return f"{intro}\n\n" + _table(_columns(labels, "cross_cutting_columns"), rows,
                                     _words(labels, "cross_cutting_caption"))


def _impact(report: Report, labels: Labels) -> str:
    assessment = mapping(report.meta.get("impact_assessment"))
    if not assessment:
        return escape(_words(labels, "impact_none"))
    kind = str(assessment.get("kind", ""))
    kind = str(mapping(labels.text("annex", "impact_kinds")).get(kind) or kind.replace("-", " "))
    completed = parse_date(assessment.get("completed"))
    if completed:
        text = _words(labels, "impact_done", kind=kind, date=labels.date(completed))
    else:
        text = _words(labels, "impact_done_undated", kind=kind)
    text = text[:1].upper() + text[1:]
    outcome = assessment.get("outcome")
    if isinstance(outcome, str) and outcome.strip():
        text += " " + _words(labels, "impact_outcome", outcome=outcome.strip().rstrip("."))
    return escape(text)


def _recommendations_table(report: Report, policy: Policy, labels: Labels) -> str:
    rows = []
    for n, block in enumerate(recommendations(report), start=1):  # numbered as every format labels them
        due = parse_date(block.attrs.get("due"))
        rows.append([
            link(n, block.id) if block.id else escape(n),
            escape(block.text),
            escape("; ".join(a.name_in(labels.code) for a in addressees(block.attrs, policy))),
            escape(labels.date(due)) if due else escape(block.attrs.get("due", "")),
        ])
    if not rows:
        return escape(_words(labels, "recommendations_none"))
    return _table(_columns(labels, "recommendations_columns"), rows, _words(labels, "recommendations_caption"))


def _follow_up(report: Report, labels: Labels) -> str:
    """The generated counts ("Of the 4 recommendations in X, 1 had been achieved ...") and each
    earlier item's status and evidence (Annex A principles 1 and 10), in the report's language."""
    from cjji.gates.follow_up import STATUS_WORDS, TRACKED, items

    kinds = mapping(labels.text("annex", "follow_up_kinds"))
    statuses = mapping(labels.text("annex", "follow_up_statuses"))
    names = mapping(labels.text("annex", "follow_up_status_names"))
    rows = [[escape(i.get("id", "")), escape(labels.kinds.get(str(i.get("kind", "")), str(i.get("kind", "")))),
             escape(names.get(str(i.get("status", "")), str(i.get("status", "")).replace("-", " "))),
             escape(i.get("evidence", ""))]
            for i in items(report)]
    return "\n\n".join([*(escape(sentence) for sentence in _counts(report, labels, kinds, statuses, TRACKED,
                                                                     list(STATUS_WORDS))),
                         _table(_columns(labels, "follow_up_columns"), rows, _words(labels, "follow_up_caption"))])


def _counts(report: Report, labels: Labels, kinds: dict[str, Any], statuses: dict[str, Any],
            tracked: tuple[str, ...], order: list[str]) -> list[str]:
    """One sentence per kind of earlier item, from checks/labels.yml's follow_up_* words."""
    from collections import Counter

    from cjji.gates.follow_up import items

    title = str(mapping(report.meta.get("follows_up")).get("title", ""))
    sentences = []
    for kind in tracked:
        mine = [i for i in items(report) if i.get("kind") == kind]
        if len(mine) == 1:
            status = str(mine[0].get("status"))
            said = statuses.get(status, [status, status])[0]
            sentences.append(_capital(_words(labels, "follow_up_one", kind=kinds[kind][0], title=title, status=said)))
        elif mine:
            counts = Counter(str(i.get("status")) for i in mine)
            parts = [_words(labels, "follow_up_outcome", n=counts[s], status=statuses[s][0 if counts[s] == 1 else 1])
                     for s in order if counts[s]]
            conjunction = _words(labels, "follow_up_and")
            listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]
            sentences.append(_capital(_words(labels, "follow_up_of", count=len(mine), kinds=kinds[kind][1],
                                             title=title, outcomes=listed)))
    return sentences


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def framework_annex(report: Report, policy: Policy) -> str:
    """The annex, or '' for a document that is not an inspection report (the programme's plan
    sets report.extra["framework_annex"] to False: the annex describes an inspection)."""
    if report.extra.get("framework_annex") is False:
        return ""
    labels = labels_of(policy, report)  # checks/labels.yml: the annex's words in the report's language
    quoted = _words(labels, "quoted")  # a Welsh edition: the framework is quoted in English
    parts = [
        _heading(1, _words(labels, "title"), "framework"),
        escape(_words(labels, "intro")) + (" " + escape(quoted) if quoted.strip() else ""),
        _heading(2, _words(labels, "criteria"), "framework-criteria"),
        _criteria(report, labels),
        _heading(2, _words(labels, "principles"), "framework-principles"),
        _principles(report, policy, labels),
        _heading(2, _words(labels, "cross_cutting"), "framework-cross-cutting"),
        _cross_cutting(report, policy, labels),
        _heading(2, _words(labels, "impact"), "framework-impact"),
        _impact(report, labels),
        _heading(2, _words(labels, "recommendations"), "framework-recommendations"),
        _recommendations_table(report, policy, labels),
    ]
    if isinstance(report.meta.get("follows_up"), dict):
        parts += [_heading(2, _words(labels, "follow_up"), "framework-follow-up"), _follow_up(report, labels)]
    return "\n\n".join(parts) + "\n"


def recommendations_list(report: Report, policy: Policy) -> str:
    labels = labels_of(policy, report)
    return "\n\n".join([_heading(1, _words(labels, "recommendations"), "recommendations"),
                        _recommendations_table(report, policy, labels)]) + "\n"
