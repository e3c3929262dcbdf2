"""readability: a grade-level score above a limit. Fields: metrics (Flesch-Kincaid, Gunning-Fog,
SMOG, Coleman-Liau, Automated-Readability; their average is the score), grade, per (block |
document), min_words (shorter blocks are not scored). Placeholders: {score}, {grade}."""

from __future__ import annotations

import math
from collections.abc import Iterator

from cjji.prose import Block
from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import sentences, syllables, words


def counts(blocks: list[Block]) -> dict[str, float]:
    """The counts readability and metric formulas use."""
    n_words = n_sentences = n_chars = n_syllables = complex_words = long_words = 0
    for block in blocks:
        found = words(block.text)
        n_words += len(found)
        n_sentences += sum(1 for _ in sentences(block.text))
        for word in found:
            n_chars += sum(c.isalnum() for c in word)
            s = syllables(word)
            n_syllables += s
            complex_words += s >= 3
            long_words += len(word) > 6
    return {
        "words": n_words, "sentences": max(n_sentences, 1), "characters": n_chars,
        "syllables": n_syllables, "complex_words": complex_words, "long_words": long_words,
        "paragraphs": sum(b.kind == "paragraph" for b in blocks),
        "headings": sum(b.kind == "heading" for b in blocks),
    }


def grade(metric: str, c: dict[str, float]) -> float:
    w, s = max(c["words"], 1), c["sentences"]
    if metric == "Flesch-Kincaid":
        return 0.39 * w / s + 11.8 * c["syllables"] / w - 15.59
    if metric == "Gunning-Fog":
        return 0.4 * (w / s + 100 * c["complex_words"] / w)
    if metric == "SMOG":
        return 1.043 * math.sqrt(c["complex_words"] * 30 / s) + 3.1291
    if metric == "Coleman-Liau":
        return 0.0588 * 100 * c["characters"] / w - 0.296 * 100 * s / w - 15.8
    if metric == "Automated-Readability":
        return 4.71 * c["characters"] / w + 0.5 * w / s - 21.43
    raise ValueError(f"unknown readability metric {metric!r}")


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    blocks = doc.blocks_for(rule)
    groups = [blocks] if rule.get("per", "block") == "document" else [[b] for b in blocks]
    limit, metrics = rule.get("grade"), rule.get("metrics", ["Flesch-Kincaid"])
    for group in groups:
        if not group:
            continue
        c = counts(group)
        if c["words"] < rule.get("min_words", 0):
            continue
        score = sum(grade(m, c) for m in metrics) / len(metrics)
        if score > limit:
            values = {"score": f"{score:.1f}", "grade": limit}
            yield Hit(group[0], 0, rule.say(rule.message, **values), rule.say(rule.hint, **values))
