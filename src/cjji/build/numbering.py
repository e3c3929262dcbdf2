"""Chapter and paragraph numbers, computed once from the token stream for every output format.

Level-1 headings are chapters (1, 2, 3 ...); level-2 headings are numbered within their chapter
(1.1, 1.2 ...), deeper headings are not numbered. Body paragraphs are numbered by chapter, as
inspectorate reports do (1.1, 1.2, ... then 2.1): top-level paragraphs and paragraphs directly
inside a fenced div (recommendations and other findings), not those in lists, quotes, tables or
footnotes, and not a table's `Table: caption` paragraph or a figure (an image alone in a paragraph).
A chapter whose heading has the class `unnumbered` (or `{-}`) numbers nothing. A chapter whose
heading carries `paragraphs="S"` (a custody report's summary) takes no chapter number, and its
paragraphs are numbered with that prefix: S1, S2, ... (its sections are not numbered). An annex
(a chapter with the class `.annex`) takes its letter, not a number: "Annex A: Methodology", its
paragraphs A.1, A.2 ... as HMCPSI numbers them (its sections are not numbered; `.annex
.unnumbered` numbers nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from cjji.markdown import classes


def is_annex(token: Token) -> bool:
    from cjji.blocks import is_annex as annex  # cjji.blocks reads this module: imported when first used

    return annex(token)


def letter(n: int) -> str:
    from cjji.blocks import letter as annex_letter

    return annex_letter(n)


@dataclass
class Numbering:
    headings: dict[int, str] = field(default_factory=dict)  # index of heading_open -> "2" / "2.1"
    paragraphs: dict[int, str] = field(default_factory=dict)  # index of paragraph_open -> "2.3"


TABLE_CAPTION = "Table:"
PREFIX_ATTRIBUTE = "paragraphs"  # `# Summary {#summary paragraphs="S"}`: paragraphs S1, S2 ...


def paragraph_prefix(token: Token) -> str:
    """The prefix a chapter heading gives its paragraphs ("S"), or '' (numbered by chapter)."""
    if token.type != "heading_open" or token.tag != "h1":
        return ""
    value = str(token.attrs.get(PREFIX_ATTRIBUTE) or "").strip()
    return value if value.isalpha() and value.isascii() else ""


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
    annexes = 0
    prefix = ""  # a chapter numbering its paragraphs S1, S2 ... (paragraph_prefix)
    containers: list[str] = []  # open block containers, innermost last
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            unnumbered = "unnumbered" in classes(token) or token.attrs.get("-") is not None
            if level == 1:
                prefix = paragraph_prefix(token)
                if is_annex(token):
                    annexes += 1
                    prefix = f"{letter(annexes)}." if not unnumbered else ""
                numbered = not unnumbered or bool(prefix)
                section = para = 0
                if numbered and not prefix:
                    chapter += 1
                    result.headings[i] = str(chapter)
            elif level == 2 and numbered and not prefix and not unnumbered:
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
            result.paragraphs[i] = f"{prefix}{para}" if prefix else f"{chapter}.{para}"
    return result


def paragraph_series(number: str) -> tuple[str, str]:
    """(series, Word level text) of a paragraph number, for list numbering that restarts with each
    chapter: "3.2" -> ("3", "3.%1"); a prefixed summary's "S4" -> ("S", "S%1")."""
    if "." in number:
        chapter = number.rsplit(".", 1)[0]
        return chapter, f"{chapter}.%1"
    prefix = number.rstrip("0123456789")
    return prefix, f"{prefix}%1"
