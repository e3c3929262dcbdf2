"""The text blocks of report.md as the Word file shows them, each with where it sits in the source.

A review copy anchors every paragraph, heading, table cell, caption and footnote of the Word file
to one of these blocks. Each block knows its text exactly as the docx builder writes it (typographic
quotes, runs of spaces as one, the chapter or paragraph number in front) and, for every character of
that text, the offset in report.md it came from. That is what turns "a comment on characters 40-52
of paragraph 3.4" into report.md line and column.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from markdown_it.token import Token

from cjji.build.numbering import Numbering, is_figure, is_table_caption, number
from cjji.build.typography import smarten
from cjji.report import Report

NO_POSITION = -1
_SPACES = " \t"
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
_TABLE_CAPTION = re.compile(r"^Table:[ \t]*")


@dataclass
class SourceBlock:
    """One paragraph-like piece of the report as the Word file shows it."""

    kind: str  # heading | paragraph | cell | caption | table-caption | footnote | code
    text: str  # the text as the docx shows it, without the number in front
    prefix: str  # what the docx writes before it: "3.4\t", "2.1 ", " " (footnotes) or ""
    offsets: list[int] = field(repr=False)  # offset in report.md of each character of text (-1: none)
    line: int = 0  # 1-based line and column where the text starts in report.md
    col: int = 0
    end_line: int = 0  # last line of the block
    finding: str = ""  # id of the recommendation or other graded finding it belongs to

    @property
    def docx_text(self) -> str:
        return self.prefix + self.text

    @property
    def digest(self) -> str:
        return text_hash(self.kind, self.text)


def text_hash(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\0{normalise(text)}".encode()).hexdigest()[:10]


def normalise(text: str) -> str:
    """Text compared between the export and the returned file: quotes straightened, spaces as one."""
    return " ".join(text.translate(_QUOTES).replace("\u00a0", " ").split())


class LineIndex:
    """Offsets in a text <-> 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, col: int) -> int:
        if not 1 <= line <= len(self.starts):
            return NO_POSITION
        return self.starts[line - 1] + col - 1


def _find(text: str, needle: str, start: int, end: int) -> int:
    """Where `needle` sits in text[start:end]; quotes count as equal to their typographic forms."""
    found = text.find(needle, start, end)
    if found >= 0 or not needle:
        return found
    straight = needle.translate(_QUOTES)
    return text.translate(_QUOTES).find(straight, start, end) if straight != needle else -1


def _char_offsets(text: str, raw: str, start: int, end: int) -> tuple[list[int], int]:
    """Offsets of each character of `raw` in text[start:end], matched in order (escapes and
    entities in the source are skipped); unmatched characters get NO_POSITION."""
    found = _find(text, raw, start, end)
    if found >= 0:
        return list(range(found, found + len(raw))), found + len(raw)
    out = []
    cursor = start
    for ch in raw:
        want = ch.translate(_QUOTES)
        k = cursor
        while k < end and text[k].translate(_QUOTES) != want and not (ch in _SPACES and text[k] in " \t\n"):
            k += 1
        if k < end:
            out.append(k)
            cursor = k + 1
        else:
            out.append(NO_POSITION)
    return out, cursor


def render_inline(report_text: str, inline: Token, start: int, end: int) -> tuple[str, list[int]]:
    """The text the docx builder writes for an inline token, and each character's source offset.

    Mirrors cjji.build.pandoc_ast: text is smartened (typographic quotes), runs of spaces become one
    space, a soft line break is a space, a hard one a line break; images, footnote references and raw
    HTML write no text.
    """
    chars: list[str] = []
    offsets: list[int] = []
    cursor = start
    before = ""
    for child in inline.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            raw = child.content
            where, cursor = _char_offsets(report_text, raw, cursor, end)
            shown = smarten(raw, before) if kind == "text" else raw
            for ch, at in zip(shown, where, strict=True):
                if ch in _SPACES and kind == "text":
                    if chars and chars[-1] == " ":
                        continue
                    ch = " "
                chars.append(ch)
                offsets.append(at)
            before = shown[-1:] or before
        elif kind in ("softbreak", "hardbreak"):
            newline = report_text.find("\n", cursor, end)
            at = newline if newline >= 0 else NO_POSITION
            cursor = newline + 1 if newline >= 0 else cursor
            chars.append(" " if kind == "softbreak" else "\n")
            offsets.append(at)
            before = " "
    return "".join(chars), offsets


@dataclass
class _Walk:
    report: Report
    numbering: Numbering
    number_headings: bool
    index: LineIndex
    blocks: list[SourceBlock] = field(default_factory=list)


def _span(walk: _Walk, token: Token) -> tuple[int, int]:
    assert token.map is not None
    starts = walk.index.starts
    first = starts[token.map[0]] if token.map[0] < len(starts) else len(walk.index.text)
    last = starts[token.map[1]] if token.map[1] < len(starts) else len(walk.index.text)
    return first, last


def _add(walk: _Walk, kind: str, text: str, offsets: list[int], prefix: str, token: Token, finding: str) -> None:
    if not text.strip():
        return
    first = next((o for o in offsets if o != NO_POSITION), NO_POSITION)
    line, col = walk.index.position(first) if first != NO_POSITION else (walk.report.line_of(token), 1)
    end_line = token.map[1] if token.map else line
    walk.blocks.append(SourceBlock(kind, text, prefix, offsets, line, col, max(line, end_line), finding))


def _figure_caption(walk: _Walk, inline: Token, finding: str) -> None:
    image = next(c for c in inline.children or [] if c.type == "image")
    title = str(image.attrs.get("title", "") or "")
    if not title.strip():
        return
    start, end = _span(walk, inline)
    text = walk.report.text
    where = _find(text, title, start, end)
    offsets = list(range(where, where + len(title))) if where >= 0 else [NO_POSITION] * len(title)
    shown = smarten(title)
    chars: list[str] = []
    kept: list[int] = []
    for ch, at in zip(shown, offsets, strict=True):
        if ch in _SPACES:
            if chars and chars[-1] == " ":
                continue
            ch = " "
        chars.append(ch)
        kept.append(at)
    _add(walk, "caption", "".join(chars).strip(), kept[: len("".join(chars).strip())], "", inline, finding)


def source_blocks(report: Report, *, number_headings: bool = True, number_paragraphs: bool = True) -> list[SourceBlock]:
    """Every text block of the report body in document order (footnotes last, as markdown-it
    lists them), with the numbers the docx builder puts in front of headings and paragraphs."""
    from cjji.blocks import KINDS

    tokens = report.tokens
    walk = _Walk(report, number(tokens, paragraphs=number_paragraphs), number_headings, LineIndex(report.text))
    graded: list[str] = []  # ids of the enclosing graded divs
    in_footnote = 0
    table_start = 0  # the docx writes a table's caption before the table, so it goes there
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "table_open":
            table_start = len(walk.blocks)
        elif kind == "div_open":
            classes = str(token.attrs.get("class", "")).split()
            graded.append(str(token.attrs.get("id", "")) if any(c in KINDS for c in classes) else "")
        elif kind == "div_close" and graded:
            graded.pop()
        elif kind == "footnote_open":
            in_footnote += 1
        elif kind == "footnote_close":
            in_footnote -= 1
        elif kind in ("fence", "code_block") and token.map:
            start, end = _span(walk, token)
            content = token.content.removesuffix("\n")
            where = _find(report.text, content, start, end)
            offsets = list(range(where, where + len(content))) if where >= 0 else [NO_POSITION] * len(content)
            _add(walk, "code", content, offsets, "", token, _innermost(graded))
        if kind != "inline" or not token.map or i == 0:
            continue
        parent = tokens[i - 1]
        finding = _innermost(graded)
        start, end = _span(walk, token)
        if parent.type == "heading_open":
            text, offsets = render_inline(report.text, token, start, end)
            num = walk.numbering.headings.get(i - 1) if walk.number_headings else None
            _add(walk, "heading", text, offsets, f"{num} " if num else "", token, finding)
        elif parent.type in ("th_open", "td_open"):
            text, offsets = render_inline(report.text, token, start, end)
            _add(walk, "cell", text, offsets, "", token, finding)
        elif parent.type == "paragraph_open":
            if is_figure(tokens, i - 1):
                _figure_caption(walk, token, finding)
                continue
            text, offsets = render_inline(report.text, token, start, end)
            if is_table_caption(tokens, i - 1):
                cut = _TABLE_CAPTION.match(text)
                cut_at = cut.end() if cut else 0
                _add(walk, "table-caption", text[cut_at:], offsets[cut_at:], "", token, finding)
                if walk.blocks and walk.blocks[-1].kind == "table-caption":
                    walk.blocks.insert(table_start, walk.blocks.pop())
            elif in_footnote:
                _add(walk, "footnote", text, offsets, " ", token, finding)
            else:
                num = walk.numbering.paragraphs.get(i - 1)
                _add(walk, "paragraph", text, offsets, f"{num}\t" if num else "", token, finding)
    return walk.blocks


def _innermost(graded: list[str]) -> str:
    return next((g for g in reversed(graded) if g), "")
