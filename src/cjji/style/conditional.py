"""conditional: a term needs something before it, such as an acronym spelled out at its first
use: "Victim Liaison Unit (VLU)". Fields: first (pattern, group 1 is the term), second (pattern,
group 1 is the term it defines), exceptions. Placeholders: {match}, {line}, {expansion}.

With the vocabulary (checks/vocabulary.yml, checks/bodies.yml): an acronym it marks well_known
(BBC, NHS) needs no spelling out; a report's glossary counts as spelling out (a table row or list
item whose text starts with the acronym, then its words); and the hint says what the acronym
stands for ("write 'Crown Prosecution Service (CPS)'"), or, for one with several meanings (HMIP),
that the report must say which."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    first, second = re.compile(rule.get("first")), re.compile(rule.get("second"))
    exempt = set(rule.get("exceptions", []))
    vocab = doc.vocabulary
    if vocab is not None:
        exempt |= vocab.well_known
    blocks = doc.blocks_for(rule)
    defined: dict[str, tuple[int, int]] = {}  # term -> where it is first spelled out
    for block in blocks:
        for m in second.finditer(block.text):
            defined.setdefault(m.group(1), block.position(m.start()))
    glossary = _glossary_terms(doc)
    seen: set[str] = set()
    for block in blocks:
        for m in first.finditer(block.text):
            term = m.group(1)
            if term in seen or term in exempt or term in glossary:
                continue
            seen.add(term)
            where = block.position(m.start())
            if term in defined and defined[term] <= where:
                continue
            line = defined[term][0] if term in defined else 0
            message = rule.get("message_later", rule.message) if line else rule.message
            expansion = vocab.expansion(term) if vocab is not None else ""
            hint = rule.hint
            if expansion and " or " in expansion:
                hint = rule.get("hint_several", hint)
            elif expansion:
                hint = rule.get("hint_known", hint)
            values = {"match": term, "line": line, "expansion": expansion}
            yield Hit(block, m.start(), rule.say(message, **values), rule.say(hint, **values))


def _glossary_terms(doc: Doc) -> set[str]:
    """Acronyms a glossary in the report defines: a table cell that is just the acronym (the next
    cell says what it stands for), or a list item or paragraph 'ACR: words' / 'ACR – words'."""
    terms: set[str] = set()
    for block in doc.blocks:
        text = block.text.strip()
        if block.kind == "table" and re.fullmatch(r"[A-Z][A-Za-z0-9]*[A-Z0-9]s?", text):
            terms.add(text)
        elif block.kind in ("list", "paragraph"):
            m = re.match(r"([A-Z][A-Za-z0-9]*[A-Z0-9])\s*(?::|–|—|-|\t)\s+\w", text)
            if m:
                terms.add(m.group(1))
    return terms
