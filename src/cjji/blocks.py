"""The graded blocks, judgements and sections of a report body, read from the one token stream.

Graded findings are fenced divs (`::: {.recommendation #R1 owner="CPS" due="2027-06-30"}`);
judgements are bracketed spans or divs with the class `judgement` and a `criteria` attribute
(`[In 31 of 50 cases ...]{.judgement criteria="C1 C2"}`); a section is a heading (running to the
next heading of the same or a higher level) or a fenced div, named by its id. Everything is
computed once per report and kept in `report.extra`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from markdown_it.token import Token

from cjji.dates import long_date_of
from cjji.findings import Problem
from cjji.markdown import classes
from cjji.report import Report

KINDS = ("recommendation", "cause-of-concern", "area-for-improvement", "notable-practice", "case-study")
JUDGEMENT = "judgement"
# every class cjji gives a meaning to; any other prints as plain paragraphs (the attributes gate warns)
MEANINGFUL_CLASSES = (*KINDS, JUDGEMENT, "cross-cutting", "unnumbered", "annex", "chart")  # chart: cjji.build.chart
# what authors write for a class that has another name here (real reports' own words)
CLASS_ALIASES = {"good-practice": "notable-practice", "effective-practice": "notable-practice",
                 "positive-practice": "notable-practice", "case-example": "case-study", "example": "case-study",
                 "appendix": "annex", "concern": "cause-of-concern", "afi": "area-for-improvement"}
_CLOSE_FENCE = re.compile(r"^\s*:{3,}[ \t]*$")
_ATTR_BLOCK = re.compile(r"\{[^{}\n]*\}")
_CRITERIA_SPLIT = re.compile(r"[\s,;]+")
_TEXT_CHILDREN = ("text", "code_inline")
_BREAK_CHILDREN = ("softbreak", "hardbreak")

T = TypeVar("T")


@dataclass(frozen=True)
class Block:
    """A labelled box: recommendation, cause of concern, area for improvement, notable practice, case study."""

    kind: str
    id: str
    attrs: dict[str, str]  # every attribute except id and class: owner, due, ...
    text: str  # plain text of the content, paragraphs joined by a blank line
    source: str  # the Markdown source lines inside the fences
    line: int  # 1-based line of the opening fence


@dataclass(frozen=True)
class Judgement:
    text: str
    criteria: tuple[str, ...]  # cited criterion ids, in the order written
    line: int  # 1-based line and column of the attribute block ({.judgement ...}) in report.md
    col: int
    has_criteria_attr: bool  # False when no criteria="..." was written at all
    token_index: int  # index in report.tokens of the div or the inline token holding the span


@dataclass(frozen=True)
class Section:
    id: str
    kind: str  # "heading" or "div"
    title: str  # heading text, or the div's id
    classes: tuple[str, ...]
    line: int  # 1-based line of the heading or opening fence
    start: int  # token index range [start, end) in report.tokens
    end: int
    heading_level: int  # 0 for a div

    def words(self, report: Report) -> int:
        """Words in the section's body (a heading's own words are not its content)."""
        body = self.start + 3 if self.kind == "heading" else self.start  # heading_open, inline, close
        return count_words(report.tokens[body : self.end])


def _cached(report: Report, key: str, compute: Callable[[Report], T]) -> T:
    if key not in report.extra:
        report.extra[key] = compute(report)
    return report.extra[key]  # type: ignore[no-any-return]


def plain_text(tokens: list[Token]) -> str:
    """Plain text of block tokens: inline text only, paragraphs separated by a blank line."""
    paragraphs: list[str] = []
    for token in tokens:
        if token.type != "inline":
            continue
        parts: list[str] = []
        for child in token.children or []:
            if child.type in _TEXT_CHILDREN:
                parts.append(child.content)
            elif child.type in _BREAK_CHILDREN:
                parts.append(" ")
        text = " ".join("".join(parts).split())
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def count_words(tokens: list[Token]) -> int:
    return sum(len(t.content.split()) for t in tokens if t.type == "inline")


def _matching_close(tokens: list[Token], start: int) -> int:
    """Index of the token closing tokens[start] (same type family, nesting balanced)."""
    depth = 0
    close = tokens[start].type.replace("_open", "_close")
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token.type == tokens[start].type:
            depth += 1
        elif token.type == close:
            depth -= 1
            if depth == 0:
                return i
    return len(tokens) - 1


def _block_source(report: Report, token: Token) -> str:
    assert token.map is not None
    first, end = token.map[0] + 1, token.map[1]  # 0-based line after the fence; exclusive end
    lines = report.lines[first:end]
    if lines and _CLOSE_FENCE.match(lines[-1]):
        lines = lines[:-1]
    return "\n".join(lines)


def _graded_blocks(report: Report) -> list[Block]:
    found = []
    tokens = report.tokens
    for i, token in enumerate(tokens):
        if token.type != "div_open" or not token.map:
            continue
        kind = next((c for c in classes(token) if c in KINDS), None)
        if kind is None:
            continue
        close = _matching_close(tokens, i)
        attrs = {str(k): str(v) for k, v in token.attrs.items() if k not in ("id", "class")}
        found.append(
            Block(
                kind=kind,
                id=str(token.attrs.get("id", "")),
                attrs=attrs,
                text=plain_text(tokens[i + 1 : close]),
                source=_block_source(report, token),
                line=token.map[0] + 1,
            )
        )
    return found


def graded_blocks(report: Report) -> list[Block]:
    """Every graded block in document order (nested ones included)."""
    return _cached(report, "blocks.graded", _graded_blocks)


def recommendations(report: Report) -> list[Block]:
    return [b for b in graded_blocks(report) if b.kind == "recommendation"]


def split_criteria(value: Any) -> tuple[str, ...]:
    return tuple(p for p in _CRITERIA_SPLIT.split(str(value)) if p) if value is not None else ()


def _locate_attrs(report: Report, first_line: int, end_line: int, nth: int) -> tuple[int, int]:
    """1-based (line, col) of the nth `{... .judgement ...}` attribute block in the given lines."""
    seen = 0
    for n in range(first_line, min(end_line, len(report.lines))):
        for match in _ATTR_BLOCK.finditer(report.lines[n]):
            if JUDGEMENT in match.group(0):
                if seen == nth:
                    return n + 1, match.start() + 1
                seen += 1
    return first_line + 1, 1


def _judgements(report: Report) -> list[Judgement]:
    found: list[Judgement] = []
    tokens = report.tokens
    for i, token in enumerate(tokens):
        if token.type == "div_open" and token.map and JUDGEMENT in classes(token):
            close = _matching_close(tokens, i)
            text = plain_text(tokens[i + 1 : close])
            found.append(_judgement(token, text, token.map[0] + 1, 1, i))
        elif token.type == "inline" and token.map and token.children:
            nth = 0
            for j, child in enumerate(token.children):
                if child.type != "span_open" or JUDGEMENT not in classes(child):
                    continue
                close = _matching_close(token.children, j)
                inside = token.children[j + 1 : close]
                text = "".join(c.content for c in inside if c.type in _TEXT_CHILDREN)
                line, col = _locate_attrs(report, token.map[0], token.map[1], nth)
                nth += 1
                found.append(_judgement(child, " ".join(text.split()), line, col, i))
    return found


def _judgement(token: Token, text: str, line: int, col: int, index: int) -> Judgement:
    value = token.attrs.get("criteria")
    return Judgement(text, split_criteria(value), line, col, value is not None, index)


def judgements(report: Report) -> list[Judgement]:
    """Every judgement (span or div with class `judgement`) in document order."""
    return _cached(report, "blocks.judgements", _judgements)


def _sections(report: Report) -> dict[str, Section]:
    tokens = report.tokens
    found: dict[str, Section] = {}
    for i, token in enumerate(tokens):
        ident = token.attrs.get("id")
        if not ident or not token.map or str(ident) in found:
            continue
        if token.type == "heading_open":
            level = int(token.tag[1:])
            end = next(
                (j for j in range(i + 1, len(tokens))
                 if tokens[j].type == "heading_open" and int(tokens[j].tag[1:]) <= level),
                len(tokens),
            )
            title = tokens[i + 1].content.strip() if i + 1 < len(tokens) else str(ident)
            found[str(ident)] = Section(str(ident), "heading", title, tuple(classes(token)),
                                        token.map[0] + 1, i, end, level)
        elif token.type == "div_open":
            end = _matching_close(tokens, i) + 1
            found[str(ident)] = Section(str(ident), "div", str(ident), tuple(classes(token)),
                                        token.map[0] + 1, i, end, 0)
    return found


def sections(report: Report) -> dict[str, Section]:
    """Every heading or fenced div with an id: the things a metadata `sections:` list may name."""
    return _cached(report, "blocks.sections", _sections)


def enclosing_heading(report: Report, token_index: int) -> Section | None:
    """The innermost heading section (with an id) containing the token at `token_index`."""
    best: Section | None = None
    for section in sections(report).values():
        if section.kind == "heading" and section.start <= token_index < section.end and (
            best is None or section.heading_level > best.heading_level
        ):
            best = section
    return best


# -- labels the reader sees: one place for Word, PDF and HTML -----------------------------------
ENGLISH = "en"
_ENGLISH_WORDS = {"figure": "Figure", "contents": "Contents", "chapter": "chapter", "section": "section",
                  "paragraph": "paragraph", "for": "For", "due": "Due", "and": "and", "and_before_vowel": "and",
                  "figure_data": "Data for figure {n}"}


class MissingText(LookupError):
    """checks/labels.yml gives no words for something a writer prints (a project whose checks/ is
    older than cjji): the build stops with a located error (`finding`), never English instead."""

    def __init__(self, part: str, key: str, code: str) -> None:
        from cjji.findings import error

        where = f"english.text.{part}.{key}" if code == ENGLISH else f"languages.{code}.text.{part}.{key}"
        super().__init__(f"checks/labels.yml has no {where}")
        self.finding = error("build", "labels", "checks/labels.yml", 0, 0,
                             f"checks/labels.yml has no {where}: the formats print no words of their own",
                             "copy checks/labels.yml from cjji's own checks/ (its `english:` and each "
                             "language's `text:`) and adapt it")


@dataclass(frozen=True)
class Labels:
    """The wording of labels in one language: checks/blocks.yml (English) or an entry of
    checks/labels.yml (see `labels_of`)."""

    kinds: dict[str, str]  # class -> "Recommendation"
    table: str = "Table"
    annex: str = "Annex"
    policy: Any = None  # names the addressees (cjji.bodies: checks/bodies.yml, checks/agencies.yml)
    figure: str = "Figure"
    contents: str = "Contents"
    words: dict[str, str] = field(default_factory=lambda: dict(_ENGLISH_WORDS))  # chapter, for, due, and ...
    language: str = "en-GB"  # the BCP 47 tag every format declares (Word, PDF /Lang, <html lang>)
    months: tuple[str, ...] = ()  # month names for dates; empty: English
    code: str = ENGLISH  # the report's `lang`
    texts: dict[str, Any] = field(default_factory=dict)  # checks/labels.yml `text`: front, page, annex
    report_types: dict[str, str] = field(default_factory=dict)  # type id -> its name in this language

    def text(self, part: str, key: str, **fields: Any) -> Any:
        """checks/labels.yml's words for `part` ("front", "page", "annex") and `key`, with any
        {placeholders} filled from `fields`: Word, PDF and HTML print these, never words of their own."""
        try:
            value = self.texts[part][key]
        except KeyError:
            raise MissingText(part, key, self.code) from None
        return value.format(**fields) if fields and isinstance(value, str) else value

    def word(self, key: str) -> str:
        return self.words.get(key) or _ENGLISH_WORDS[key]

    def date(self, value: Any) -> str:
        """A long date in this language ("30 June 2027", "30 Mehefin 2027"); ValueError if not a date."""
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        if not self.months:
            return long_date_of(day)
        return f"{day.day} {self.months[day.month - 1]} {day.year}"

    def join(self, names: list[str]) -> str:
        """"A, B and C" in this language (Welsh "a", "ac" before a vowel)."""
        if len(names) < 2:
            return "".join(names)
        last = names[-1]
        conjunction = self.word("and_before_vowel") if last[:1].lower() in "aeiouwyâêîôûŵŷ" else self.word("and")
        return ", ".join(names[:-1]) + f" {conjunction} " + last


def report_language(meta: Any) -> str:
    """The language a report is written in: its `lang` field ("cy" for a Welsh edition), else English."""
    value = meta.get("lang") if isinstance(meta, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else ENGLISH


def labels_of(policy: Any, language: Any = None) -> Labels:
    """The labels of `language` (a code such as "cy", or a report's metadata): English from
    checks/blocks.yml, any other language from checks/labels.yml. A project without blocks.yml (an
    older copy of checks/) gets each kind's class in words ("notable-practice" -> "Notable practice");
    a language labels.yml does not list gets English (the schema gate names the unknown `lang`)."""
    if hasattr(language, "meta"):  # a Report
        language = language.meta
    code = report_language(language) if isinstance(language, dict) else (str(language or "") or ENGLISH)
    if code != ENGLISH and policy is not None:
        entry = (policy.get("labels") or {}).get("languages", {}).get(code)
        if isinstance(entry, dict):
            return _labels(entry, policy, code, entry.get("text"))
    english = ((policy.get("labels") or {}).get("english") or {}).get("text") if policy is not None else None
    data = policy.get("blocks") if policy is not None else None
    if not isinstance(data, dict):
        return Labels({kind: kind.replace("-", " ").capitalize() for kind in KINDS}, policy=policy,
                      texts=dict(english or {}))
    return _labels(data, policy, ENGLISH, english)


def _labels(data: dict[str, Any], policy: Any, code: str, texts: Any = None) -> Labels:
    words = dict(_ENGLISH_WORDS)
    words.update({k: str(v) for k, v in (data.get("references") or {}).items()})
    words.update({k: str(v) for k, v in (data.get("details") or {}).items()})
    if data.get("figure_data"):  # checks/labels.yml: "Data ar gyfer ffigur {n}"
        words["figure_data"] = str(data["figure_data"])
    return Labels(dict(data["kinds"]), str(data.get("table", "Table")), str(data.get("annex", "Annex")), policy,
                  figure=str(data.get("figure", "Figure")), contents=str(data.get("contents", "Contents")),
                  words=words, language=str(data.get("language", "en-GB")),
                  months=tuple(str(m) for m in data.get("months") or ()), code=code,
                  texts=dict(texts or {}), report_types=dict(data.get("report_types") or {}))


def reference_text(label: str) -> str:
    """How a label reads in running text: "Recommendation 2" -> "recommendation 2"."""
    return label[:1].lower() + label[1:]


def finding_details(token: Token, labels: Labels) -> str:
    """Who a finding is addressed to and when it is due, as every format prints it under the
    label: "For: Crown Prosecution Service. Due: 30 June 2027." ('' when neither is given)."""
    from cjji.bodies import addressees  # cjji.bodies reads policy; blocks stays below it

    parts = []
    names = [a.name_in(labels.code) for a in addressees(token.attrs, labels.policy)]
    if names:
        parts.append(f"{labels.word('for')}: {labels.join(names)}.")
    due = str(token.attrs.get("due") or "")
    if due:
        try:
            parts.append(f"{labels.word('due')}: {labels.date(due)}.")
        except ValueError:
            parts.append(f"{labels.word('due')}: {due}.")
    return " ".join(parts)


def criteria_marker(token: Token) -> str:
    """How a judgement shows the criteria it relates to, in every format: "[C1, C2]" ('' if none)."""
    criteria = split_criteria(token.attrs.get("criteria")) if token.attrs.get("criteria") else ()
    return f"[{', '.join(criteria)}]" if criteria else ""


def finding_kind(token: Token) -> str | None:
    return next((c for c in classes(token) if c in KINDS), None)


def finding_labels(tokens: list[Token], labels: Labels, counts: dict[str, int] | None = None) -> dict[int, str]:
    """Index of each graded finding's div_open -> its label: its kind and its number among the
    findings of that kind ("Recommendation 1", "Notable practice 2"), whatever its id (issue 16:
    real reports read "Recommendation 1", never "Recommendation R1"). `counts` carries the numbers
    on from an earlier token stream (the report, then the framework annex) and is updated."""
    counts = counts if counts is not None else {}
    found = {}
    for i, token in enumerate(tokens):
        if token.type != "div_open":
            continue
        kind = finding_kind(token)
        if kind is None:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        found[i] = f"{labels.kinds.get(kind, kind)} {counts[kind]}"
    return found


def _in_footnote(tokens: list[Token]) -> list[bool]:
    inside, depth = [], 0
    for token in tokens:
        if token.type == "footnote_block_open":
            depth += 1
        inside.append(depth > 0)
        if token.type == "footnote_block_close":
            depth -= 1
    return inside


def table_numbers(tokens: list[Token], start: int = 0) -> dict[int, int]:
    """Index of each table_open -> its number, counting on from `start`, in reading order. Tables
    inside footnotes are numbered after the body's (every writer shows footnotes after the text)."""
    inside = _in_footnote(tokens)
    order = [i for i, t in enumerate(tokens) if t.type == "table_open" and not inside[i]]
    order += [i for i, t in enumerate(tokens) if t.type == "table_open" and inside[i]]
    return {i: start + n for n, i in enumerate(order, 1)}


def _figure_opens(tokens: list[Token]) -> list[int]:
    from cjji.build.numbering import is_figure  # numbering reads cjji.markdown only: no cycle at import

    return [i for i, t in enumerate(tokens) if t.type == "paragraph_open" and is_figure(tokens, i)]


def figure_numbers(tokens: list[Token], start: int = 0) -> dict[int, int]:
    """Index of each figure's paragraph_open (an image alone in its paragraph) -> its number,
    counting on from `start`, in reading order: figures in footnotes after the body's, as tables."""
    inside = _in_footnote(tokens)
    opens = _figure_opens(tokens)
    order = [i for i in opens if not inside[i]] + [i for i in opens if inside[i]]
    return {i: start + n for n, i in enumerate(order, 1)}


_TYPED_NUMBER = re.compile(r"^\s*(?:figure|fig\.|chart)\s+\d+\s*[:.\u2013\u2014-]?\s*", re.IGNORECASE)


def typed_figure_number(title: str, labels: Labels) -> re.Match[str] | None:
    """A number the author typed at the start of a caption ("Figure 1: ..."), which cjji writes itself."""
    own = re.compile(rf"^\s*{re.escape(labels.figure)}\s+\d+\s*[:.\u2013\u2014-]?\s*", re.IGNORECASE)
    return own.match(title) or _TYPED_NUMBER.match(title)


def figure_caption(image: Token, number: int, labels: Labels) -> str:
    """A figure's caption as every format prints it: "Figure 2: <the image title>", the number
    decided here ("Figure 2" alone when the image has no title). A number the author typed at the
    start of the title is replaced, so old captions ("Figure 1: Days taken") are not numbered twice."""
    title = " ".join(str(image.attrs.get("title", "") or "").split())
    if not title and "chart" in classes(image):  # a chart cjji draws: its description is its caption
        title = " ".join(image.content.split())
    typed = typed_figure_number(title, labels)
    if typed:
        title = title[typed.end():]
    label = f"{labels.figure} {number}"
    return f"{label}: {title}" if title else label


def data_url(image: Token) -> str | None:
    """The data file behind a figure: its `data` attribute, or the source of a chart cjji draws."""
    if "chart" in classes(image):
        return str(image.attrs.get("src", ""))
    found = image.attrs.get("data")
    return None if found is None else str(found)


def data_caption(image: Token, number: int, labels: Labels) -> str:
    """The caption of the table of a figure's data: "Data for figure 2: <the image title>"."""
    label = labels.word("figure_data").replace("{n}", str(number)) if number else labels.word("figure_data").replace(
        " {n}", "").replace("{n}", "")
    title = figure_caption(image, number, labels).partition(": ")[2] if number else " ".join(
        str(image.attrs.get("title", "") or image.content).split())
    return f"{label}: {title}" if title else label


def table_id(tokens: list[Token], table_open: int) -> str:
    """The id of a table: the id at the end of its caption (`Table: Cases by area {#tbl-cases}`)."""
    close = next((j for j in range(table_open, len(tokens)) if tokens[j].type == "table_close"), None)
    if close is None or close + 1 >= len(tokens):
        return ""
    from cjji.build.numbering import is_table_caption

    return str(tokens[close + 1].attrs.get("id") or "") if is_table_caption(tokens, close + 1) else ""


def is_annex(token: Token) -> bool:
    """A chapter heading that is an annex: class .annex, or the generated framework annex (#annex-...)."""
    return (token.type == "heading_open" and token.tag == "h1"
            and ("annex" in classes(token) or str(token.attrs.get("id") or "").startswith("annex-")))


def annex_letters(tokens: list[Token], start: int = 0) -> dict[int, str]:
    """Index of each annex heading -> its letter (A, B, ... Z, AA), counting on from `start` annexes."""
    found = {}
    n = start
    for i, token in enumerate(tokens):
        if is_annex(token):
            n += 1
            found[i] = letter(n)
    return found


def letter(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


# -- the data behind a figure: ![Caption](images/days.png){data="data/days.csv"} ----------------
DATA_MAX_ROWS = 200  # checks/limits.yml data.max_rows overrides it
DATA_MAX_BYTES = 1048576
DATA_MAX_TEXT = 200  # characters in a heading or category
DATA_MAX_NUMBER = 24  # characters in a number as written
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATA_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # tab, CR, LF are CSV's own


class DataProblem(Problem):
    """A figure's data file that cannot be used: a rule, a plain-English message and a hint."""


@dataclass(frozen=True)
class FigureData:
    """A figure's data, read from a CSV file with a header row: the first column names the
    categories, each further column is a numeric series. Cells are kept as written (stripped) for
    the tables every format prints, and as numbers for charts."""

    rel: str  # the file, as the digest names it (cjji.resolve)
    header: tuple[str, ...]  # the first column's heading, then each series' name
    categories: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]  # per category, each series' value as written
    values: tuple[tuple[float, ...], ...]  # the same, as numbers

    @property
    def series(self) -> tuple[str, ...]:
        return self.header[1:]


def data_limits(policy: Any) -> dict[str, int]:
    """checks/limits.yml `data` (the most rows and bytes of one figure's CSV)."""
    data = ((policy.get("limits") or {}).get("data") or {}) if policy is not None else {}
    return {"max_rows": int(data.get("max_rows", DATA_MAX_ROWS)),
            "max_bytes": int(data.get("max_bytes", DATA_MAX_BYTES))}


def read_figure_data(url: str, files: Any, limits: dict[str, int] | None = None) -> FigureData:
    """The data a figure's `data="..."` attribute names: resolved among the report's digested files
    (cjji.resolve, as images are) and validated. Raises DataProblem with the reason (and, for a bad
    cell, the CSV's row and column)."""
    from cjji import resolve  # resolve reads cjji.digest only

    try:
        found = resolve.resolve(url, files, "the figure's data file")
    except resolve.Unresolved as exc:
        rule = "data-missing" if exc.rule in ("missing-image", "missing-file") else "data-outside"
        raise DataProblem(rule, exc.message, exc.hint) from None
    stat = found.path.stat()
    limits = {"max_rows": DATA_MAX_ROWS, "max_bytes": DATA_MAX_BYTES, **(limits or {})}
    return _read_csv(found.rel, str(found.path), stat.st_size, stat.st_mtime_ns,
                     limits["max_rows"], limits["max_bytes"])


_DATA_CACHE: dict[tuple[Any, ...], FigureData | DataProblem] = {}


def _read_csv(rel: str, path: str, size: int, mtime: int, max_rows: int, max_bytes: int) -> FigureData:
    key = (rel, path, size, mtime, max_rows, max_bytes)
    if key not in _DATA_CACHE:  # read and validated once per file version
        try:
            _DATA_CACHE[key] = _parse_csv(rel, path, size, max_rows, max_bytes)
        except DataProblem as exc:
            _DATA_CACHE[key] = exc
    found = _DATA_CACHE[key]
    if isinstance(found, DataProblem):
        raise found
    return found


def _parse_csv(rel: str, path: str, size: int, max_rows: int, max_bytes: int) -> FigureData:
    import csv
    import io
    import math

    name = f"the figure's data file '{rel}'"
    hint_shape = ("save it as CSV with a header row: the first column names the categories, each further "
                  "column holds one series of numbers, like\n  Area,Days\n  North,12\n  South,9")
    if size > max_bytes:
        raise DataProblem("data-too-large", f"{name} is {size} bytes; the limit is {max_bytes} bytes "
                          "(checks/limits.yml data.max_bytes)", "a chart's data needs only a few rows: summarise it")
    try:
        with open(path, "rb") as handle:
            text = handle.read(max_bytes + 1).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataProblem("data-not-utf8", f"{name} is not UTF-8 text (byte {exc.start + 1})",
                          "save the file as 'CSV UTF-8' (Excel: File > Save As)") from None
    except OSError as exc:
        raise DataProblem("data-unreadable", f"{name} cannot be read: {exc.strerror}", "check the file") from None
    control = _DATA_CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise DataProblem("data-control-character", f"{name} holds a control character (U+{ord(control.group()):04X}) "
                          f"on line {line}: it is not a plain CSV text file", hint_shape)
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataProblem("data-not-csv", f"{name} is not valid CSV: {exc}", hint_shape) from None
    if not rows:
        raise DataProblem("data-empty", f"{name} is empty", hint_shape)
    header = tuple(" ".join(c.split()) for c in rows[0])
    if len(header) < 2:
        raise DataProblem("data-no-series", f"{name} has one column: it needs the categories and at least one "
                          "column of numbers", hint_shape)
    for col, cell in enumerate(header, 1):
        _not_too_long(name, "CSV row 1", col, cell, DATA_MAX_TEXT)
        if not cell:
            raise DataProblem("data-empty-heading", f"{name}: column {col} of the header row (CSV row 1) has no "
                              "heading", "name every column in the first row")
    body = rows[1:]
    if not body:
        raise DataProblem("data-empty", f"{name} has a header row and no data rows", hint_shape)
    if len(body) > max_rows:
        raise DataProblem("data-too-many-rows", f"{name} has {len(body)} data rows; the limit is {max_rows} "
                          "(checks/limits.yml data.max_rows)",
                          "a chart with that many bars cannot be read: group the categories or show a table")
    categories, cells, values = [], [], []
    line_of = _csv_lines(rows, text)
    for n, row in enumerate(body, 2):
        where = f"CSV row {line_of.get(n - 1, n)}"
        if len(row) != len(header):
            raise DataProblem("data-ragged", f"{name}: {where} has {len(row)} cells; the header row has "
                              f"{len(header)}", "give every row one cell per column (an empty cell still needs "
                              "its comma), and put text with commas in double quotes")
        category = " ".join(row[0].split())  # a line break inside quotes reads as a space
        _not_too_long(name, where, 1, category, DATA_MAX_TEXT)
        if not category:
            raise DataProblem("data-empty-category", f"{name}: {where}, column 1 ('{header[0]}') is empty",
                              "name the category of every row")
        numbers: list[float] = []
        for col, cell in enumerate(row[1:], 2):
            written = cell.strip()
            _not_too_long(name, where, col, written, DATA_MAX_NUMBER)
            number = float(written) if _NUMBER.match(written) else math.nan
            if not math.isfinite(number):
                shown = written if len(written) <= 40 else written[:40] + "…"
                raise DataProblem("data-not-a-number",
                                  f"{name}: {where}, column {col} ('{header[col - 1]}') holds '{shown}', "
                                  "which is not a number", "write plain numbers such as 12 or 3.5 (no thousands "
                                  "separators, units or % signs: put the unit in the column's heading)")
            numbers.append(number)
        categories.append(category)
        cells.append(tuple(c.strip() for c in row[1:]))
        values.append(tuple(numbers))
    return FigureData(rel, header, tuple(categories), tuple(cells), tuple(values))


def _not_too_long(name: str, where: str, col: int, cell: str, most: int) -> None:
    if len(cell) > most:
        raise DataProblem("data-cell-too-long", f"{name}: {where}, column {col} holds {len(cell)} characters; "
                          f"a {'number' if most == DATA_MAX_NUMBER else 'heading or category'} may have at most "
                          f"{most}", "shorten it: a chart's labels must fit beside its bars, and the table "
                          "under the figure shows them as written")


def _csv_lines(rows: list[list[str]], text: str) -> dict[int, int]:
    """Record number (0 = header) -> the line of the file it starts on (blank lines and quoted line
    breaks counted), so a message names the row a spreadsheet shows."""
    import csv
    import io

    out: dict[int, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    n = 0
    start = 1
    for row in reader:
        if any(c.strip() for c in row):
            out[n] = start
            n += 1
        start = reader.line_num + 1
    return out
