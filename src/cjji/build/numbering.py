"""Chapter and paragraph numbers, computed once from the token stream for every output format.

Level-1 headings are chapters (1, 2, 3 ...); level-2 headings are numbered within their chapter
(1.1, 1.2 ...), deeper headings are not numbered. Body paragraphs are numbered by chapter, as
inspectorate reports do (1.1, 1.2, ... then 2.1): top-level paragraphs and paragraphs directly
inside a fenced div (recommendations and other findings), not those in lists, quotes, tables or
footnotes, and not a table's `Table: caption` paragraph or a figure (an image alone in a paragraph).
A chapter whose heading has the class `unnumbered` (or `{-}`) numbers nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from cjji.markdown import classes


@dataclass
class Numbering:
    headings: dict[int, str] = field(default_factory=dict)  # index of heading_open -> "2" / "2.1"
    paragraphs: dict[int, str] = field(default_factory=dict)  # index of paragraph_open -> "2.3"


TABLE_CAPTION = "Table:"


def is_table_caption(tokens: Sequence[Token], i: int) -> bool:
    """Is tokens[i] a paragraph_open of a `Table: caption` paragraph right after a table?"""
    return (
        i > 0
        and tokens[i - 1].type == "table_close"
        and i + 1 < len(tokens)
        and tokens[i + 1].type == "inline"
        and tokens[i + 1].content.startswith(TABLE_CAPTION)
    )


def is_figure(tokens: Sequence[Token], i: int) -> bool:
    """Is tokens[i] a paragraph_open of a paragraph holding one image and nothing else?"""
    if i + 1 >= len(tokens) or tokens[i + 1].type != "inline":
        return False
    children = [c for c in tokens[i + 1].children or [] if not (c.type == "text" and not c.content.strip())]
    return len(children) == 1 and children[0].type == "image"


def number(tokens: list[Token], *, paragraphs: bool = True) -> Numbering:
    result = Numbering()
    chapter = section = para = 0
    numbered = False
    containers: list[str] = []  # open block containers, innermost last
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            unnumbered = "unnumbered" in classes(token) or token.attrs.get("-") is not None
            if level == 1:
                numbered = not unnumbered
                section = para = 0
                if numbered:
                    chapter += 1
                    result.headings[i] = str(chapter)
            elif level == 2 and numbered and not unnumbered:
                section += 1
                result.headings[i] = f"{chapter}.{section}"
        elif token.type.startswith("footnote_block"):
            break  # footnote definitions come last and are never numbered
        elif token.nesting == 1 and token.type not in ("paragraph_open", "heading_open"):
            containers.append(token.type)
        elif token.nesting == -1 and token.type not in ("paragraph_close", "heading_close"):
            if containers:
                containers.pop()
        elif (
            token.type == "paragraph_open"
            and paragraphs
            and numbered
            and not token.hidden
            and all(c == "div_open" for c in containers)
            and not is_table_caption(tokens, i)
            and not is_figure(tokens, i)
        ):
            para += 1
            result.paragraphs[i] = f"{chapter}.{para}"
    return result
