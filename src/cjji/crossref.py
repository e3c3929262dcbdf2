"""Cross-references: a link with no text to an id (`[](#findings)`, `[](#p-fees)`) reads as what it
points at ("chapter 3", "section 3.2", "paragraph 6.9", "recommendation 2", "annex A"), in every
format.

The text is decided here, once, from the numbers of cjji.build.numbering, and written into the
link as ordinary text before any writer sees the tokens: Word, PDF and HTML print the same words,
and the numbers never go stale when paragraphs move. A link that already has text keeps it.
"""

from __future__ import annotations

from urllib.parse import unquote

from markdown_it.token import Token

from cjji.blocks import Labels, annex_letters, finding_labels, labels_of
from cjji.build.numbering import Numbering


def targets(tokens: list[Token], numbering: Numbering, labels: Labels | None = None) -> dict[str, str]:
    """id -> the words a reference to it reads as: chapters, sections, annexes, paragraphs and
    graded findings, with the numbers and labels every writer prints (cjji.blocks)."""
    labels = labels or labels_of(None)
    boxes = finding_labels(tokens, labels)
    annexes = annex_letters(tokens)
    found: dict[str, str] = {}
    for i, token in enumerate(tokens):
        ident = token.attrs.get("id")
        if not ident:
            continue
        if token.type == "heading_open":
            number = numbering.headings.get(i)
            title = tokens[i + 1].content.strip() if i + 1 < len(tokens) else str(ident)
            if i in annexes:
                found[str(ident)] = f"{labels.annex.lower()} {annexes[i]}"
            elif number:
                found[str(ident)] = f"chapter {number}" if "." not in number else f"section {number}"
            else:
                found[str(ident)] = title
        elif token.type == "paragraph_open" and numbering.paragraphs.get(i):
            found[str(ident)] = f"paragraph {numbering.paragraphs[i]}"
        elif i in boxes:
            found[str(ident)] = boxes[i][0].lower() + boxes[i][1:]
    return found


def _empty_links(inline: Token) -> list[tuple[int, str]]:
    """(index of link_open in inline.children, id) for every link with no content."""
    children = inline.children or []
    return [(j, unquote(str(c.attrs.get("href", ""))[1:])) for j, c in enumerate(children)
            if c.type == "link_open" and str(c.attrs.get("href", "")).startswith("#")
            and j + 1 < len(children) and children[j + 1].type == "link_close"]


def fill(tokens: list[Token], numbering: Numbering, labels: Labels | None = None) -> list[Token]:
    """Tokens with every empty `#id` link given its words; the input is not changed."""
    known = targets(tokens, numbering, labels)
    out = []
    for token in tokens:
        empty = _empty_links(token) if token.type == "inline" else []
        words = [(j, known.get(ident)) for j, ident in empty]
        if not any(w for _, w in words):
            out.append(token)
            continue
        children = list(token.children or [])
        for j, text in reversed(words):
            if text:
                filler = Token("text", "", 0)
                filler.content = text
                children.insert(j + 1, filler)
        copy = Token(token.type, token.tag, token.nesting, attrs=dict(token.attrs), map=token.map,
                     level=token.level, children=children, content=token.content, markup=token.markup,
                     info=token.info, meta=dict(token.meta), block=token.block, hidden=token.hidden)
        out.append(copy)
    return out
