"""serial-comma: one way of writing lists throughout a report, with the comma before the last
'and' or 'or' (the Oxford comma: "police, prosecutors, and courts") or without it ("police,
prosecutors and courts"). The style of the first list in the report wins (or `prefer`); lists
written the other way are found. Only unmistakable lists count: three or more short items (one to
`max_words` words each) separated by commas; a comma before a last item that has its own 'and'
or 'or' ("serious crime, targeted victims, and vulnerable or intimidated victims") is for clarity
and always allowed.

Fields: prefer (first | oxford | none), max_words (default 3). Placeholders: {style}, {line}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule


def _pattern(max_words: int) -> re.Pattern[str]:
    word = r"(?!(?:and|or)\b)[A-Za-z][\w'’-]*"  # an item never has 'and' or 'or' in it
    item = rf"{word}(?:\s+{word}){{0,{max_words - 1}}}"
    return re.compile(rf"(?<![\w,])({item})((?:,\s+{item})+)(,?)\s+(and|or)\s+({item})(?![\w-])")


_CLAUSE = re.compile(r"\b(?:we|they|it|he|she|there|this|that|which|who|was|were|is|are|had|has|have|did|will"
                     r"|would|could|should)\b", re.I)


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    pattern = _pattern(int(rule.get("max_words", 3)))
    prefer = rule.get("prefer", "first")
    found = []
    for block in doc.blocks_for(rule):
        if "," not in block.text or ("and" not in block.text and "or" not in block.text):
            continue  # every list has a comma and an 'and' or 'or': the pattern need not try each place
        for m in pattern.finditer(block.text):
            # the first item may have swallowed words before the list ("We examined letters"):
            # only the items after it show whether this is a list of things or of clauses
            items = [*[i.strip() for i in m.group(2).split(",") if i.strip()], m.group(5)]
            if any(_CLAUSE.search(i) for i in items):
                continue  # clauses joined by commas, not a list of things
            if re.match(r"\s+(?:and|or)\s", block.text[m.end():]):
                continue  # the last item has its own 'and' or 'or': a comma there is for clarity
            found.append((block.position(m.start()), block, m, "oxford" if m.group(3) else "none"))
    if not found:
        return
    found.sort(key=lambda f: f[0])
    style = prefer if prefer in ("oxford", "none") else found[0][3]
    line = next((where[0] for where, _, _, s in found if s == style), 0)
    for _, block, m, kind in found:
        if kind != style:
            offset = m.start(3) if kind == "oxford" else m.end(2)
            values = {"style": "with" if style == "oxford" else "without", "line": line}
            yield Hit(block, offset, rule.say(rule.message, **values), rule.say(rule.hint, **values))
