"""repetition: the same word twice in a row ("the the"), across line breaks too.
Fields: tokens (what counts as a word), ignorecase, exceptions (repeats that are right)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule

_WORD = r"[^\W\d_]+(?:['’][^\W\d_]+)*"


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    token = re.compile("|".join(f"(?:{t})" for t in rule.get("tokens", [])) or _WORD)
    fold = str.lower if rule.get("ignorecase", True) else str
    allowed = {fold(e) for e in rule.get("exceptions", [])}
    for block in doc.blocks_for(rule):
        previous: re.Match[str] | None = None
        for m in token.finditer(block.text):
            if (previous and fold(m.group()) == fold(previous.group()) and fold(m.group()) not in allowed
                    and block.text[previous.end():m.start()].isspace()):
                yield Hit(block, m.start(), rule.say(rule.message, match=m.group()),
                          rule.say(rule.hint, match=m.group()))
            previous = m
