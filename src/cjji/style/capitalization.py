"""capitalization: text in a given case, such as headings in sentence case. Fields: match
($sentence, $lower, $upper or a pattern), exceptions (words and phrases kept as written).
Proper nouns from checks/wordlist.txt and the report's `words` are exceptions too."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.prose import OBJECT
from cjji.style.rule import Doc, Hit, Rule

_WORD = re.compile(r"[^\W_][\w'’-]*")


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    style = rule.get("match", "$sentence")
    phrases = sorted(rule.get("exceptions", []), key=len, reverse=True)
    keep = {p for p in phrases if " " not in p} | doc.proper_nouns
    for block in doc.blocks_for(rule):
        text = block.text
        for phrase in (p for p in phrases if " " in p):  # blank out exceptions, keeping offsets
            text = text.replace(phrase, OBJECT * len(phrase))
        offset = _offence(text, style, keep)
        if offset is not None:
            found = _WORD.match(block.text, offset)
            word = found.group() if found else block.text.strip()
            yield Hit(block, offset, rule.say(rule.message, match=word, text=block.text.strip()),
                      rule.say(rule.hint, match=word, text=block.text.strip()))


def _offence(text: str, style: str, keep: set[str]) -> int | None:
    """Offset of the first word breaking the style, or None."""
    words = list(_WORD.finditer(text))
    if style == "$lower":
        return next((m.start() for m in words if m.group() != m.group().lower() and m.group() not in keep), None)
    if style == "$upper":
        return next((m.start() for m in words if m.group() != m.group().upper() and m.group() not in keep), None)
    if style != "$sentence":
        return None if re.fullmatch(style, text.strip()) else 0
    for i, m in enumerate(words):
        word = m.group()
        if i == 0:
            if word[0].islower():
                return m.start()
            continue
        if ":" in text[words[i - 1].end():m.start()]:  # a subtitle after a colon may start with a capital
            continue
        if word[0].isupper() and not _kept(word, keep):
            return m.start()
    return None


def _kept(word: str, keep: set[str]) -> bool:
    base = re.sub(r"['’]s?$", "", word)
    return (
        word in keep or base in keep
        or word == "I"
        or any(c.isdigit() for c in word)
        or (len(base) > 1 and base.isupper())  # an acronym
        or any(c.isupper() for c in base[1:])  # HMIProbation, McKenzie
    )
