"""The one Markdown dialect of cjji reports, parsed once with markdown-it-py.

CommonMark 0.31 plus: GFM pipe tables, strikethrough, footnotes (`[^1]`), pandoc-style attributes
on headings (`# Title {#id .class}`), an id at the end of a paragraph (`... text. {#p-fees}`),
definition lists (a glossary: a term, then `: its meaning` on the next line), images, links,
inline code and bracketed spans
(`[text]{.judgement criteria="C1"}`), and pandoc-style fenced divs (`::: {.recommendation #R1}`).
Everything reports/README.md documents comes from here; the builders turn the same token
stream into pandoc's document tree, so a heading the checker sees is a heading in every output.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs_text
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

_DIV_OPEN = re.compile(r"^(:{3,})[ \t]*(\{[^\n]*\}|[A-Za-z][\w-]*)[ \t]*:*[ \t]*$")
_DIV_CLOSE = re.compile(r"^:{3,}[ \t]*$")
_HEADING_ATTRS = re.compile(r"[ \t]+(\{[^{}]*\})[ \t]*$")


def parse_attrs(text: str) -> dict[str, str] | None:
    """Parse a pandoc attribute block `{#id .class key="value"}`; None if it is not one."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        # a bare word after ::: is a class, as in pandoc
        return {"class": text} if re.fullmatch(r"[A-Za-z][\w-]*", text) else None
    try:
        end, attrs = parse_attrs_text(text)
    except ParseError:
        return None
    if end not in (len(text) - 1, len(text)):  # mdit-py-plugins returns the index of the "}"
        return None
    return {k: str(v) for k, v in attrs.items()}


def _line(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]]


def _fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Pandoc fenced divs: an opening fence carries attributes, a bare fence closes."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    opening = _DIV_OPEN.match(_line(state, start))
    if not opening:
        return False
    attrs = parse_attrs(opening.group(2))
    if attrs is None:
        return False
    if silent:
        return True
    depth, line, closed = 1, start, False
    while line + 1 < end:
        line += 1
        if state.sCount[line] < state.blkIndent and state.bMarks[line] + state.tShift[line] < state.eMarks[line]:
            break
        if state.sCount[line] - state.blkIndent >= 4:
            continue
        text = _line(state, line)
        if _DIV_CLOSE.match(text):
            depth -= 1
            if depth == 0:
                closed = True
                break
        elif _DIV_OPEN.match(text):
            depth += 1
    last = line if closed else end
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "div"
    state.lineMax = last
    token = state.push("div_open", "div", 1)
    token.markup = opening.group(1)
    token.block = True
    token.info = opening.group(2)
    token.map = [start, last + (1 if closed else 0)]
    for key, value in attrs.items():
        token.attrSet(key, value)
    state.md.block.tokenize(state, start + 1, last)
    token = state.push("div_close", "div", -1)
    token.block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = last + (1 if closed else 0)
    return True


def _heading_attrs(state: StateCore) -> None:
    """Move a trailing `{#id .class}` from a heading's text onto the heading."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        found = _HEADING_ATTRS.search(inline.content)
        if not found:
            continue
        attrs = parse_attrs(found.group(1))
        if attrs is None:
            continue
        inline.content = inline.content[: found.start()]
        for key, value in attrs.items():
            token.attrSet(key, value)


_PARAGRAPH_ATTRS = re.compile(r"[ \t]+(\{#[A-Za-z][\w-]*\})[ \t]*$")


def _paragraph_attrs(state: StateCore) -> None:
    """Move a trailing `{#id}` from a paragraph's last line onto the paragraph, so that authors can
    give a paragraph an id for cross-references and the id never prints (pandoc has no paragraph
    attributes; only an id is taken, as `{#p-6-9}`)."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "paragraph_open" or i + 1 >= len(tokens) or tokens[i + 1].type != "inline":
            continue
        inline = tokens[i + 1]
        found = _PARAGRAPH_ATTRS.search(inline.content)
        attrs = parse_attrs(found.group(1)) if found else None
        if not found or not attrs or set(attrs) != {"id"}:
            continue
        inline.content = inline.content[: found.start()]
        token.attrSet("id", attrs["id"])


MAX_BRACKETS = 2000  # '[' in one paragraph; markdown-it's time grows with their square
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _bracket_guard(state: StateCore) -> None:
    """A paragraph with thousands of '[' takes markdown-it minutes (100,000 take ~10 s): keep such
    a paragraph as plain text (every punctuation mark escaped, which parses in linear time) and
    note it in token.meta["too_many_brackets"], so that loading reports it."""
    for token in state.tokens:
        if token.type == "inline" and token.content.count("[") > MAX_BRACKETS:
            token.meta["too_many_brackets"] = token.content.count("[")
            token.content = _PUNCTUATION.sub(r"\\\1", token.content)


@cache
def parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(attrs_plugin, spans=True)
    )
    md.block.ruler.before(
        "fence", "fenced_div", _fenced_div, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.after("block", "heading_attrs", _heading_attrs)
    md.core.ruler.after("heading_attrs", "paragraph_attrs", _paragraph_attrs)
    md.core.ruler.before("inline", "bracket_guard", _bracket_guard)
    return md


def parse(body: str) -> list[Token]:
    return parser().parse(body)


def classes(token: Token) -> list[str]:
    value = token.attrs.get("class")
    return str(value).split() if value else []
