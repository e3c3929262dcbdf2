"""numbers: one to nine in words, 10 and over in numerals (the inspectorates' house style), with
what real reports rightly write as numerals left alone:

- identifiers: a numeral after a word such as Phase, Outcome, section, Annex, Table, Figure,
  Recommendation (`identifiers`), including lists of them ("phases 1 and 2", "sections 2, 3 and 5");
- numbers compared in one sentence: a sentence with a numeral of 10 or more keeps its small
  numerals too ("of the 14 cases, 6 had a plan"), and so does a ratio ("1 in 5", "3 out of 10");
- measurements, percentages, money, dates, times, decimals, ranges and ids (R1, 2a).

Fields: identifiers (words, any case; a trailing 's' is allowed), units (words after the number).
Placeholders: {match}, {word}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import sentences

_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMERAL = re.compile(r"(?<![\w.,:/£$€#-])(\d+(?:[.,]\d+)*)(?![\w%]|[.,:/-]\d)")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December"
           "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    identifiers = [re.escape(w.lower()) for w in rule.get("identifiers", [])]
    units = [re.escape(u) for u in rule.get("units", [])]
    before = re.compile(r"(?:^|\W)(?:" + "|".join(identifiers or ["$^"]) + r")s?\.?\s*$", re.I)
    listed = re.compile(r"(?:^|\W)(?:" + "|".join(identifiers or ["$^"]) +
                        r")s?\s+[\dA-Z]+(?:\s*(?:,|and|or|to|-|–)\s*[\dA-Z]+)*\s*(?:,|and|or|to|-|–)\s*$", re.I)
    after = re.compile(r"\s?(?:per cent|%|" + _MONTHS + r"|(?:" + "|".join(units or ["$^"]) + r")\b)", re.I)
    ratio = re.compile(r"\s+(?:in|out of|of every)\s+\d", re.I)
    for block in doc.blocks_for(rule):
        text = block.text
        for start, end in sentences(text):
            sentence = text[start:end]
            found = list(_NUMERAL.finditer(sentence))
            if any(_value(m.group(1)) >= 10 and not _year(m.group(1)) for m in found):
                continue  # numbers compared in one sentence stay numerals
            for m in found:
                value = m.group(1)
                if not value.isdigit() or not 1 <= int(value) <= 9:
                    continue
                head, tail = sentence[:m.start()], sentence[m.end():]
                if (before.search(head[-40:]) or listed.search(head[-80:]) or after.match(tail)
                        or ratio.match(tail) or _ratio_before(head)):
                    continue
                word = _WORDS[int(value) - 1]
                yield Hit(block, start + m.start(), rule.say(rule.message, match=value, word=word),
                          rule.say(rule.hint, match=value, word=word))


def _value(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return 0.0


def _year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


def _ratio_before(head: str) -> bool:
    """The second number of a ratio: '1 in 5', '3 out of 7'."""
    return bool(re.search(r"\d\s+(?:in|out of|of every)\s*$", head, re.I))
