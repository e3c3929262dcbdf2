"""Cross-references: a link with no text to an id (`[](#findings)`, `[](#p-fees)`) reads as what it
points at ("chapter 3", "section 3.2", "paragraph 6.9", "recommendation 2", "figure 1", "table 2",
"annex A"), in every format, in the report's language ("paragraff 6.9", "ffigur 1" in a Welsh
edition: checks/labels.yml).

The text is decided here, once, from the numbers of cjji.build.numbering, and written into the
link as ordinary text before any writer sees the tokens: Word, PDF and HTML print the same words,
and the numbers never go stale when paragraphs move. A link that already has text keeps it.
"""

from __future__ import annotations

from urllib.parse import unquote

from markdown_it.token import Token

from cjji.blocks import (
    Labels,
    annex_letters,
    figure_numbers,
    finding_labels,
    labels_of,
    reference_text,
    table_id,
    table_numbers,
)
from cjji.build.numbering import Numbering


def targets(tokens: list[Token], numbering: Numbering, labels: Labels | None = None) -> dict[str, str]:
    """id -> the words a reference to it reads as: chapters, sections, annexes, paragraphs, graded
    findings, figures and tables, with the numbers and labels every writer prints (cjji.blocks)."""
    labels = labels or labels_of(None)
    boxes = finding_labels(tokens, labels)
    annexes = annex_letters(tokens)
    figures = figure_numbers(tokens)
    tables = table_numbers(tokens)
    found: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if token.type == "table_open" and i in tables:
            own = table_id(tokens, i)
            if own:
                found.setdefault(own, reference_text(f"{labels.table} {tables[i]}"))
            continue
        if i in figures:
            image = next((c for c in tokens[i + 1].children or [] if c.type == "image"), None)
            image_id = image.attrs.get("id") if image is not None else None
            if image_id:
                found.setdefault(str(image_id), reference_text(f"{labels.figure} {figures[i]}"))
            continue
        ident = token.attrs.get("id")
        if not ident or str(ident) in found:
            continue
        if token.type == "heading_open":
            number = numbering.headings.get(i)
            title = tokens[i + 1].content.strip() if i + 1 < len(tokens) else str(ident)
            if i in annexes:
                found[str(ident)] = reference_text(f"{labels.annex} {annexes[i]}")
            elif number:
                found[str(ident)] = f"{labels.word('chapter' if '.' not in number else 'section')} {number}"
            else:
                found[str(ident)] = title
        elif token.type == "paragraph_open" and numbering.paragraphs.get(i):
            found[str(ident)] = f"{labels.word('paragraph')} {numbering.paragraphs[i]}"
        elif i in boxes:
            found[str(ident)] = reference_text(boxes[i])
    return found


def empty_links(inline: Token) -> list[tuple[int, str]]:
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
        empty = empty_links(token) if token.type == "inline" else []
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
