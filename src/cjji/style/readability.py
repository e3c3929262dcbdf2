"""readability: a grade-level score above a limit. Fields: metrics (Flesch-Kincaid, Gunning-Fog,
SMOG, Coleman-Liau, Automated-Readability; their average is the score), grade, per (block |
document), min_words (shorter blocks are not scored). Placeholders: {score}, {grade}."""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache

from cjji.prose import Block
from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import sentences, syllables, words


@lru_cache(maxsize=16384)
def _word(word: str) -> tuple[int, int]:
    """(letters and digits, syllables) of one word; words repeat a lot, so this is cached."""
    return sum(c.isalnum() for c in word), syllables(word)


@lru_cache(maxsize=4096)
def _text_counts(text: str) -> tuple[int, int, int, int, int, int]:
    """(words, sentences, characters, syllables, complex words, long words) of one block's text.

    Cached by text: the readability and metric rules both count every block.
    """
    found = words(text)
    n_chars = n_syllables = complex_words = long_words = 0
    for word in found:
        chars, s = _word(word)
        n_chars += chars
        n_syllables += s
        complex_words += s >= 3
        long_words += len(word) > 6
    return len(found), sum(1 for _ in sentences(text)), n_chars, n_syllables, complex_words, long_words


def counts(blocks: list[Block]) -> dict[str, float]:
    """The counts readability and metric formulas use."""
    totals = [sum(column) for column in zip(*(_text_counts(b.text) for b in blocks), strict=True)] or [0] * 6
    n_words, n_sentences, n_chars, n_syllables, complex_words, long_words = totals
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
