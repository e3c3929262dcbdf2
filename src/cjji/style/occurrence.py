"""occurrence: too many (or too few) tokens in a sentence, block or report, such as words in a
sentence. Fields: per (sentence | block | document), max, min, token. Placeholders: {count},
{max}, {min}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import WORD, sentences


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    token = re.compile(rule.get("token")) if rule.get("token") else WORD
    most, least = rule.get("max"), rule.get("min")
    per = rule.get("per", "sentence")
    blocks = doc.blocks_for(rule)
    if per == "document":
        counted = [(blocks[0], 0, sum(len(token.findall(b.text)) for b in blocks))] if blocks else []
    else:
        counted = [
            (block, start, len(token.findall(block.text, start, end)))
            for block in blocks
            for start, end in (sentences(block.text) if per == "sentence" else [(0, len(block.text))])
        ]
    for block, start, count in counted:
        if (most is not None and count > most) or (least is not None and count < least):
            values = {"count": count, "max": most, "min": least}
            yield Hit(block, start, rule.say(rule.message, **values), rule.say(rule.hint, **values))
