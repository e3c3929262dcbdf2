"""substitution: a plain or house alternative for a word or phrase. Fields: swap (pattern ->
replacement; 'a|b' offers two), ignorecase, nonword. Placeholders: {match}, {suggestion}."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from cjji.style.rule import Doc, Hit, Rule


@cache
def _pattern(keys: tuple[str, ...], ignorecase: bool, nonword: bool) -> re.Pattern[str]:
    body = "|".join(f"(?P<s{i}>{k})" for i, k in enumerate(keys))
    if not nonword:
        body = rf"(?<![\w])(?:{body})(?![\w])"
    return re.compile(body, re.IGNORECASE if ignorecase else 0)


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    swap: dict[str, str] = rule.get("swap", {})
    keys = tuple(swap)
    pattern = _pattern(keys, rule.get("ignorecase", True), rule.get("nonword", False))
    for block in doc.blocks_for(rule):
        for m in pattern.finditer(block.text):
            found = m.group()
            options = swap[keys[int(str(m.lastgroup)[1:])]].split("|")
            if any(found.lower() == o.lower() for o in options):
                continue
            suggestion = " or ".join(f"'{_like(o, found)}'" for o in options)
            yield Hit(block, m.start(),
                      rule.say(rule.message, match=found, suggestion=suggestion),
                      rule.say(rule.hint or "write {suggestion}", match=found, suggestion=suggestion))


def _like(option: str, found: str) -> str:
    """Start the suggestion with a capital where the matched text had one."""
    if found[:1].isupper() and option[:1].islower():
        return option[:1].upper() + option[1:]
    return option
