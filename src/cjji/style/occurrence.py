"""occurrence: too many (or too few) tokens in a sentence or block, such as words in a sentence.
Fields: per (sentence | block), max, min, token. Placeholders: {count}, {max}, {min}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import WORD, sentences


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    token = re.compile(rule.get("token")) if rule.get("token") else WORD
    most, least = rule.get("max"), rule.get("min")
    for block in doc.blocks_for(rule):
        spans = sentences(block.text) if rule.get("per", "sentence") == "sentence" else [(0, len(block.text))]
        for start, end in spans:
            count = len(token.findall(block.text, start, end))
            if (most is not None and count > most) or (least is not None and count < least):
                values = {"count": count, "max": most, "min": least}
                yield Hit(block, start, rule.say(rule.message, **values), rule.say(rule.hint, **values))
