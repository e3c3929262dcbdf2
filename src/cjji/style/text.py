"""Sentences, words and syllables in a block of prose (what occurrence, metric and readability
rules count)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from cjji.prose import OBJECT

# a sentence ends at . ! or ? (and any closing quotes or brackets) before a space and a capital,
# a digit, an opening quote or a non-prose object
_SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*\s+(?=[\"'‘“(\[]?[A-Z0-9" + OBJECT + "])")
WORD = re.compile(r"[\w" + OBJECT + r"]+(?:['’.,\-][\w" + OBJECT + r"]+)*")
_VOWELS = re.compile(r"[aeiouy]+")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each sentence, leading spaces excluded."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield from _trimmed(text, start, m.end())
        start = m.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if any(c.isalnum() for c in text[start:end]):
        yield start, end


def words(text: str) -> list[str]:
    return WORD.findall(text)


@cache
def syllables(word: str) -> int:
    """An estimate good enough for readability formulas (vowel groups, silent final e)."""
    word = word.lower().strip("'’")
    if not word.isalpha():
        return 1
    count = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if word.endswith(("ed", "es")) and count > 1 and not word.endswith(("ted", "ded", "ses", "zes", "ces", "ges")):
        count -= 1
    return max(count, 1)


def alternation(texts: list[str], escape: Callable[[str], str] = re.escape, *, ignorecase: bool = False) -> str:
    """The regular expression alternation of TEXTS in their order (longest first, for the longest
    match), grouped by first character: 'A(?:ct|dult)|B(?:ail|ench)'. It matches exactly what the
    flat 'Act|Adult|Bail|Bench' does, since only the group of the character at a place can match
    there and each group keeps the texts' order, but the engine tries a group or two at each place
    instead of every text (most of the names and hyphenation rules' time). ESCAPE turns a piece of
    text into a pattern. With IGNORECASE every text must start with an ASCII character that is not
    upper case (no two groups then match the same letter), else the alternation is left flat."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        first = text[:1]
        if ignorecase and first and not (first.isascii() and not first.isupper()):
            return "|".join(escape(t) for t in texts)  # two groups could match the same letter
        groups.setdefault(first, []).append(text[1:])
    return "|".join(escape(first) + "(?:" + "|".join(escape(rest) for rest in rests) + ")"
                    for first, rests in groups.items() if first) + ("|" if "" in groups else "")
