"""consistency: one of two spellings throughout a report (focused or focussed). The first one
used wins; every use of the other is found. Fields: either (one -> other), ignorecase.
Placeholders: {match}, {other}, {line}."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from cjji.prose import Block
from cjji.style.rule import Doc, Hit, Rule


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    pairs = list(rule.get("either", {}).items())
    if not pairs:
        return
    # one pass over the text: group p<i>s<side> is side 0 or 1 of pair i
    body = "|".join(f"(?P<p{i}s{side}>{word})" for i, pair in enumerate(pairs) for side, word in enumerate(pair))
    pattern = re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE if rule.get("ignorecase", True) else 0)
    uses: dict[int, list[tuple[tuple[int, int], int, Block, re.Match[str]]]] = defaultdict(list)
    for block in doc.blocks_for(rule):
        for m in pattern.finditer(block.text):
            pair, side = map(int, str(m.lastgroup)[1:].split("s"))
            uses[pair].append((block.position(m.start()), side, block, m))
    for pair in sorted(uses):
        found = sorted(uses[pair], key=lambda use: use[0])
        (line, _), first, _, first_match = found[0]
        for _, side, block, m in found:
            if side != first:
                values = {"match": m.group(), "other": first_match.group(), "line": line}
                yield Hit(block, m.start(), rule.say(rule.message, **values), rule.say(rule.hint, **values))
