"""consistency: one of two spellings throughout a report (focused or focussed). The first one
used wins; every use of the other is found. Fields: either (one -> other), ignorecase.
Placeholders: {match}, {other}, {line}."""

from __future__ import annotations

from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule, compile_words


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    ignorecase = rule.get("ignorecase", True)
    blocks = doc.blocks_for(rule)
    for one, other in rule.get("either", {}).items():
        patterns = [compile_words((one,), ignorecase, False), compile_words((other,), ignorecase, False)]
        uses = sorted(
            ((block.position(m.start()), which, block, m)
             for which, pattern in enumerate(patterns)
             for block in blocks
             for m in pattern.finditer(block.text)),
            key=lambda use: use[0],
        )
        if not uses:
            continue
        (line, _), first, _, first_match = uses[0]
        for (_, _), which, block, m in uses:
            if which != first:
                values = {"match": m.group(), "other": first_match.group(), "line": line}
                yield Hit(block, m.start(), rule.say(rule.message, **values), rule.say(rule.hint, **values))
