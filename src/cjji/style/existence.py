"""existence: words and phrases to avoid. Fields: tokens (patterns, or {token, why} where why
says why the word is on the list: it fills {why}), ignorecase, nonword, exceptions.
Placeholders: {match}, {why}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule, compile_words


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    entries = [t if isinstance(t, dict) else {"token": t} for t in rule.get("tokens", [])]
    tokens = tuple(str(e["token"]) for e in entries)
    ignorecase, nonword = rule.get("ignorecase", True), rule.get("nonword", False)
    pattern = compile_words(tokens, ignorecase, nonword)
    singles = [compile_words((t,), ignorecase, nonword) for t in tokens] if len(tokens) > 1 else []
    exceptions = [re.compile(e) for e in rule.get("exceptions", [])]  # as written: case counts
    for block in doc.blocks_for(rule):
        for m in pattern.finditer(block.text):
            if any(e.fullmatch(m.group()) for e in exceptions):
                continue
            i = next((k for k, one in enumerate(singles) if one.fullmatch(m.group())), 0)
            why = str(entries[i].get("why", "")) if entries else ""
            yield Hit(block, m.start(), rule.say(rule.message, match=m.group(), why=why),
                      rule.say(rule.hint, match=m.group(), why=why))
