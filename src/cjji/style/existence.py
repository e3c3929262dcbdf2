"""existence: words and phrases to avoid. Fields: tokens, ignorecase, nonword, exceptions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule, compile_words


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    pattern = compile_words(tuple(rule.get("tokens", [])), rule.get("ignorecase", True),
                            rule.get("nonword", False))
    exceptions = [re.compile(e) for e in rule.get("exceptions", [])]  # as written: case counts
    for block in doc.blocks_for(rule):
        for m in pattern.finditer(block.text):
            if any(e.fullmatch(m.group()) for e in exceptions):
                continue
            yield Hit(block, m.start(), rule.say(rule.message, match=m.group()),
                      rule.say(rule.hint, match=m.group()))
