"""The prose a reader sees, taken from a report's tokens, with a map back to report.md.

Prose is headings, paragraphs, list items, table cells, quotations, footnotes, image alt text and
captions (an image's title, a `Table: ...` line). Not prose, so never checked for language: code
spans and blocks, raw HTML, link and image addresses, attribute blocks (`{#R1 .recommendation}`),
footnote markers, URLs, bare domains (justiceinspectorates.gov.uk/hmcpsi), e-mail addresses and citation keys
(`@smith2020`). Each of those that
sits inside a sentence becomes one OBJECT character (U+FFFC) in the block's text, so sentences
keep their shape and no rule matches across it.

Every character of a Block's text maps back to its 1-based (line, column) in report.md through
`Block.position(offset)`. Inline tokens carry only their block's lines, so each piece of text is
found in the source lines by a cursor that moves forward past the markup between pieces.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from markdown_it.token import Token

from cjji.report import Report

OBJECT = "\ufffc"
# URLs, e-mail addresses and pandoc citation keys inside ordinary text
_NOT_PROSE = re.compile(
    r"(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|www\.[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    # a bare domain with a path or not, as link text often is: justiceinspectorates.gov.uk/hmicfrs
    r"|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:uk|com|org|net|gov|int|eu|info|io|scot|wales|cymru)\b"
    r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)\]])?"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w@])-?@[A-Za-z0-9_][\w:.#$%&+?<>~/-]*\w"
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CODE_MARKUP = {"`"}


@dataclass(frozen=True)
class Comment:
    """An HTML comment in the body (where suppressions live)."""

    line: int
    col: int
    text: str  # without <!-- and -->, stripped
    end_line: int


@dataclass
class Block:
    """One run of prose: a heading, a paragraph, a table cell, an alt text or a caption.

    kind is one of heading, paragraph, list, table, blockquote, footnote, alt, caption.
    """

    kind: str
    text: str = ""
    level: int = 0  # heading level (1-6), 0 otherwise
    _starts: list[int] = field(default_factory=list, repr=False)
    _places: list[tuple[int, int]] = field(default_factory=list, repr=False)

    @property
    def line(self) -> int:
        return self._places[0][0] if self._places else 0

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in report.md of character `offset` of `text`."""
        if not self._starts:
            return (0, 0)
        i = max(bisect_right(self._starts, offset) - 1, 0)
        line, col = self._places[i]
        return line, col + max(offset - self._starts[i], 0)

    def add(self, text: str, line: int, col: int) -> None:
        """Append text that sits contiguously on one source line starting at (line, col)."""
        if not text:
            return
        self._starts.append(len(self.text))
        self._places.append((line, col))
        self.text += text

    def has_words(self) -> bool:
        return any(c.isalpha() for c in self.text)


@dataclass
class Prose:
    blocks: list[Block]
    comments: list[Comment]


class _Source:
    """The file lines of one block, as one string, with offsets turned into (line, col)."""

    def __init__(self, report: Report, first: int, last: int) -> None:
        self.first = first  # 0-based file line
        lines = report.lines[first:last]
        self.text = "\n".join(lines)
        self.starts = [0]
        for line in lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def place(self, offset: int) -> tuple[int, int]:
        i = max(bisect_right(self.starts, offset) - 1, 0)
        return self.first + i + 1, offset - self.starts[i] + 1


def _walk_match(content: str, src: str, start: int) -> list[int] | None:
    """Source offsets of each character of `content` read from `start`, allowing for backslash
    escapes and character entities; None if the content does not start there."""
    offsets: list[int] = []
    i, n, k = start, len(src), 0
    while k < len(content):
        ch = content[k]
        k += 1
        if (i < n and src[i] == "&" and (m := _ENTITY.match(src, i))
                and content.startswith(decoded := html.unescape(m.group()), k - 1)):
            offsets.extend([i] * len(decoded))  # one entity may stand for two characters
            k += len(decoded) - 1
            i = m.end()
        elif i < n and src[i] == ch:
            offsets.append(i)
            i += 1
        elif i + 1 < n and src[i] == "\\" and src[i + 1] == ch:
            offsets.append(i)
            i += 2
        elif ch == "\n":  # a line break inside a text token (should not happen): skip line prefixes
            j = src.find("\n", i)
            if j < 0:
                return None
            offsets.append(j)
            i = j + 1
        else:
            return None
    return offsets


class _Extractor:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.blocks: list[Block] = []
        self.comments: list[Comment] = []
        self.line_cursor: dict[int, int] = {}  # table cells share a line: where the last one ended

    # -- block level --------------------------------------------------------------------------

    def run(self) -> Prose:
        stack: list[str] = []
        tokens = self.report.tokens
        for i, token in enumerate(tokens):
            if token.nesting == 1:
                stack.append(token.type)
            elif token.nesting == -1 and stack:
                stack.pop()
            if token.type == "html_block" and token.map:
                self._html_block(token)
            elif token.type == "inline" and token.map:
                previous = tokens[i - 1] if i else None
                self._inline(token, _kind(stack, token), previous)
        return Prose([b for b in self.blocks if b.has_words()], self.comments)

    def _html_block(self, token: Token) -> None:
        source = _Source(self.report, token.map[0], token.map[1])  # type: ignore[index]
        for m in re.finditer(r"<!--(.*?)-->", source.text, re.S):
            line, col = source.place(m.start())
            end_line, _ = source.place(m.end())
            self.comments.append(Comment(line, col, m.group(1).strip(), end_line))

    def _inline(self, token: Token, kind: str, previous: Token | None) -> None:
        first, last = token.map  # type: ignore[misc]
        source = _Source(self.report, first, last)
        cursor = self.line_cursor.get(first, 0) if kind == "table" else 0
        level = int(previous.tag[1:]) if kind == "heading" and previous is not None else 0
        if kind == "paragraph" and token.content.startswith("Table:"):
            kind = "caption"
        block = Block(kind, level=level)
        self.blocks.append(block)
        cursor = self._children(token.children or [], source, cursor, block)
        if kind == "table":
            self.line_cursor[first] = cursor

    # -- inline level -------------------------------------------------------------------------

    def _children(self, children: list[Token], source: _Source, cursor: int, block: Block) -> int:
        src = source.text
        skip_until_close = False
        i = 0
        while i < len(children):
            child = children[i]
            kind = child.type
            if skip_until_close:  # inside an autolink: the text is the address
                if kind == "link_close":
                    skip_until_close = False
                i += 1
                continue
            if kind == "text":
                cursor = self._text(child.content, source, cursor, block)
            elif kind in ("softbreak", "hardbreak"):
                found = src.find("\n", cursor)
                if found >= 0:
                    block.add(" ", *source.place(found))
                    cursor = found + 1
            elif kind == "code_inline":
                cursor = self._object(source, cursor, block, child.markup, _code_end)
            elif kind == "html_inline":
                found = src.find(child.content, cursor)
                if found >= 0:
                    if child.content.startswith("<!--"):
                        line, col = source.place(found)
                        end_line, _ = source.place(found + len(child.content))
                        self.comments.append(Comment(line, col, child.content[4:-3].strip(), end_line))
                    cursor = found + len(child.content)
            elif kind == "link_open" and child.markup == "autolink":
                cursor = self._object(source, cursor, block, "<", lambda s, p: _after(s, ">", p))
                skip_until_close = True
            elif kind in ("link_open", "span_open"):
                found = src.find("[", cursor)
                cursor = found + 1 if found >= 0 else cursor
            elif kind in ("link_close", "span_close"):
                cursor = _after_destination(src, cursor, _next_text(children, i))
            elif kind == "footnote_ref":
                found = src.find(f"[^{child.meta.get('label', '')}]", cursor)
                if found >= 0:
                    cursor = found + len(child.meta.get("label", "")) + 3
            elif kind == "image":
                cursor = self._image(child, source, cursor, block, _next_text(children, i))
            i += 1
        return cursor

    def _text(self, content: str, source: _Source, cursor: int, block: Block) -> int:
        src = source.text
        found, offsets = src.find(content, cursor), None
        if found < 0 or _may_escape(src, cursor, found + len(content)):
            # an escaped or entity-encoded match may start before the verbatim one
            earlier, walked = _tolerant_find(content, src, cursor, found)
            if earlier >= 0:
                found, offsets = earlier, walked
        if found < 0:  # cannot place it: keep the text, at the cursor
            found = cursor
        pos = 0
        for m in _NOT_PROSE.finditer(content):
            self._add_run(content, pos, m.start(), found, offsets, source, block)
            block.add(OBJECT, *source.place(_at(found, offsets, m.start())))
            pos = m.end()
        self._add_run(content, pos, len(content), found, offsets, source, block)
        end = offsets[-1] + 1 if offsets else found + len(content)
        return max(end, cursor)

    @staticmethod
    def _add_run(content: str, start: int, end: int, found: int, offsets: list[int] | None,
                 source: _Source, block: Block) -> None:
        if start >= end:
            return
        if offsets is None:
            block.add(content[start:end], *source.place(found + start))
            return
        for k in range(start, end):  # escapes or entities: place character by character
            block.add(content[k], *source.place(offsets[k]))

    @staticmethod
    def _object(source: _Source, cursor: int, block: Block, opener: str, end_of) -> int:  # type: ignore[no-untyped-def]
        found = source.text.find(opener, cursor)
        if found < 0:
            return cursor
        block.add(OBJECT, *source.place(found))
        return int(end_of(source.text, found))

    def _image(self, image: Token, source: _Source, cursor: int, block: Block, following: str) -> int:
        src = source.text
        found = src.find("![", cursor)
        if found < 0:
            return cursor
        block.add(OBJECT, *source.place(found))
        alt = Block("alt")
        self.blocks.append(alt)
        cursor = self._children(image.children or [], source, found + 2, alt)
        close = src.find("]", cursor)
        if close < 0:
            return cursor
        end = _after_destination(src, close, following)
        title = str(image.attrs.get("title") or "")
        if title:
            at = src.find(title, close, end)
            caption = Block("caption")
            self.blocks.append(caption)
            if at >= 0:
                self._text(title, source, at, caption)
            else:  # a reference image: the title is on its definition line
                caption.add(title, *(self._in_file(title) or source.place(close)))
        return end

    def _in_file(self, needle: str) -> tuple[int, int] | None:
        lines = self.report.lines
        for n in range(self.report.body_start - 1, len(lines)):
            col = lines[n].find(needle)
            if col >= 0:
                return n + 1, col + 1
        return None


def _kind(stack: list[str], token: Token) -> str:
    if stack and stack[-1] == "heading_open":
        return "heading"
    for container, kind in (("th_open", "table"), ("td_open", "table"), ("footnote_open", "footnote"),
                            ("blockquote_open", "blockquote"), ("list_item_open", "list")):
        if container in stack:
            return kind
    return "paragraph"


def _at(found: int, offsets: list[int] | None, k: int) -> int:
    return offsets[k] if offsets else found + k


def _after(src: str, needle: str, pos: int) -> int:
    found = src.find(needle, pos + 1)
    return found + len(needle) if found >= 0 else pos + 1


def _code_end(src: str, pos: int) -> int:
    run = re.match(r"`+", src[pos:])
    ticks = run.group() if run else "`"
    close = re.compile(r"(?<!`)" + re.escape(ticks) + r"(?!`)")
    m = close.search(src, pos + len(ticks))
    return m.end() if m else pos + len(ticks)


def _next_text(children: list[Token], i: int) -> str:
    return children[i + 1].content if i + 1 < len(children) and children[i + 1].type == "text" else ""


def _after_destination(src: str, cursor: int, following: str = "") -> int:
    """From the `]` that closes a link, span or image: past its (destination "title"), [label]
    and {attributes}, whichever follow. If the text that follows in the tokens starts right after
    the `]`, it is text (a reference link followed by brackets), not a destination."""
    close = src.find("]", cursor)
    if close < 0:
        return cursor
    pos = close + 1
    if following and src.startswith(following, pos):
        return pos
    if src.startswith("(", pos):
        pos = _balanced(src, pos, "(", ")")
    elif src.startswith("[", pos):
        end = src.find("]", pos)
        pos = end + 1 if end >= 0 else pos
    if src.startswith("{", pos):
        pos = _balanced(src, pos, "{", "}")
    return pos


def _balanced(src: str, pos: int, opener: str, closer: str) -> int:
    depth, quote, i = 0, "", pos
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'" and closer == "}" or ch == '"':
            quote = ch
        elif ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return pos + 1


def _may_escape(src: str, start: int, end: int) -> bool:
    return "\\" in src[start:end] or "&" in src[start:end]


def _tolerant_find(content: str, src: str, cursor: int, before: int = -1) -> tuple[int, list[int] | None]:
    """The first place from `cursor` (and before `before`, if given) where the content is
    written with escapes or entities."""
    for start in range(cursor, before if before >= 0 else len(src)):
        if src[start] in (content[:1], "\\", "&"):
            offsets = _walk_match(content, src, start)
            if offsets is not None:
                return start, offsets
    return -1, None


def readable_blocks(report: Report, max_chars: int) -> list[Block]:
    """The prose blocks a language gate reads: one longer than `max_chars` (checks/limits.yml) is
    the limits gate's to refuse, and spelling or style on it could take minutes."""
    return [b for b in extract(report).blocks if len(b.text) <= max_chars]


def extract(report: Report) -> Prose:
    """The report's prose (computed once per report and kept on it)."""
    cached = report.extra.get("prose")
    if isinstance(cached, Prose):
        return cached
    prose = _Extractor(report).run()
    report.extra["prose"] = prose
    return prose
