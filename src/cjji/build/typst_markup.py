"""Keep the report's words from being read as Typst markup.

Pandoc's typst writer escapes a marker only at the start of a paragraph. Everywhere else that
Typst starts a new line of markup, a text beginning "1. ", "- ", "+ ", "/ " or "= " becomes a
numbered list, a bullet list, a term list or a heading: a table cell (`[1. The purpose]`), a
heading, a link's text, a footnote. So before pandoc sees the tree, every run of inlines whose
first word is such a marker gets that marker's first character escaped (`\\1. The purpose`),
which Typst prints as the character itself. Escaping where no escape is needed is harmless.
"""

from __future__ import annotations

import re
from typing import Any

MARKER = re.compile(r"^(?:=+|-|\+|/|\d+\.)")

# Where each node type keeps a list of inlines that can start a line of Typst markup.
_INLINE_LISTS = {
    "Para": lambda c: c,
    "Plain": lambda c: c,
    "Header": lambda c: c[2],
    "Emph": lambda c: c,
    "Strong": lambda c: c,
    "Underline": lambda c: c,
    "Strikeout": lambda c: c,
    "SmallCaps": lambda c: c,
    "Superscript": lambda c: c,
    "Subscript": lambda c: c,
    "Link": lambda c: c[1],
    "Span": lambda c: c[1],
    "Quoted": lambda c: c[1],
}


def _escape_start(inlines: list[Any]) -> None:
    if not inlines or not isinstance(inlines[0], dict) or inlines[0].get("t") != "Str":
        return
    text = inlines[0]["c"]
    if not MARKER.match(text):
        return
    escaped = [{"t": "RawInline", "c": ["typst", "\\" + text[0]]}]
    if text[1:]:
        escaped.append({"t": "Str", "c": text[1:]})
    inlines[0:1] = escaped


def escape_markup(tree: Any) -> Any:
    """Escape, in place, every leading marker in a pandoc JSON tree (blocks or a document)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("t")
            content = node.get("c")
            if kind in _INLINE_LISTS and content is not None:
                _escape_start(_INLINE_LISTS[kind](content))
            if isinstance(content, list):
                stack.append(content)
            elif kind is None:
                stack.extend(node.values())
    return tree
