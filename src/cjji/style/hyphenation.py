"""hyphenation: one way of writing a compound throughout a report. A word written both with a
hyphen and closed up ("re-offending" and "reoffending", "co-operation" and "cooperation") is found
wherever it differs from its first form in the report; so is the spaced form of a compound listed
in `open` ("decision-making" and "decision making"), where the spaced form is not a different
part of speech.

Fields: open (hyphenated compounds whose spaced form counts too), exceptions (forms that may
differ, such as 're-cover'). Placeholders: {match}, {other}, {line}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.prose import Block
from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import alternation

_HYPHENATED = re.compile(r"(?<![\w-])([A-Za-z]{2,})-([A-Za-z]{2,})(?![\w-])")


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    blocks = doc.blocks_for(rule)
    exceptions = {e.lower() for e in rule.get("exceptions", [])}
    open_forms = {w.lower() for w in rule.get("open", [])}
    compounds: set[tuple[str, str]] = set()
    for block in blocks:
        for m in _HYPHENATED.finditer(block.text):
            compounds.add((m.group(1).lower(), m.group(2).lower()))
    for word in open_forms:
        left, _, right = word.partition("-")
        compounds.add((left, right))
    if not compounds:
        return
    forms: dict[str, tuple[str, str]] = {}  # any written form (lower case) -> (compound key, form kind)
    for left, right in compounds:
        key = f"{left}-{right}"
        if key in exceptions:
            continue
        forms[key] = (key, "hyphen")
        forms[left + right] = (key, "closed")
        if key in open_forms:
            forms[f"{left} {right}"] = (key, "open")
    alternatives = sorted(forms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + alternation(alternatives, _spaced, ignorecase=True) + r")(?![\w-])", re.I)
    uses: dict[str, list[tuple[tuple[int, int], str, Block, re.Match[str]]]] = {}
    for block in blocks:
        for m in pattern.finditer(block.text):
            key, kind = forms[re.sub(r"\s+", " ", m.group().lower())]
            uses.setdefault(key, []).append((block.position(m.start()), kind, block, m))
    for key in sorted(uses):
        found = sorted(uses[key], key=lambda u: u[0])
        (line, _), first, _, first_match = found[0]
        for _, kind, block, m in found:
            if kind != first:
                values = {"match": m.group(), "other": first_match.group(), "line": line}
                yield Hit(block, m.start(), rule.say(rule.message, **values), rule.say(rule.hint, **values))


def _spaced(text: str) -> str:
    """TEXT as a pattern, a space standing for any run of white space."""
    return re.escape(text).replace(r"\ ", r"\s+")
