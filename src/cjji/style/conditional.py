"""conditional: a term needs something before it, such as an acronym spelled out at its first
use: "Victim Liaison Unit (VLU)". Fields: first (pattern, group 1 is the term), second (pattern,
group 1 is the term it defines), exceptions. Placeholders: {match}, {line}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    first, second = re.compile(rule.get("first")), re.compile(rule.get("second"))
    exempt = set(rule.get("exceptions", []))
    blocks = doc.blocks_for(rule)
    defined: dict[str, tuple[int, int]] = {}  # term -> where it is first spelled out
    for block in blocks:
        for m in second.finditer(block.text):
            defined.setdefault(m.group(1), block.position(m.start()))
    seen: set[str] = set()
    for block in blocks:
        for m in first.finditer(block.text):
            term = m.group(1)
            if term in seen or term in exempt:
                continue
            seen.add(term)
            where = block.position(m.start())
            if term in defined and defined[term] <= where:
                continue
            line = defined[term][0] if term in defined else 0
            message = rule.get("message_later", rule.message) if line else rule.message
            yield Hit(block, m.start(), rule.say(message, match=term, line=line),
                      rule.say(rule.hint, match=term, line=line))
