"""capitalization: text in a given case, such as headings in sentence case. Fields: match
($sentence, $lower, $upper or a pattern), exceptions (words and phrases kept as written),
identifiers (words that take a capital before a number or letter: "Outcome 16", "Annex A",
"Phase III"). Proper nouns are exceptions too: the names in checks/vocabulary.yml and
checks/bodies.yml (whole names: "Lord Chancellor", not "Lord" alone), the capitalised words of
checks/wordlist.txt and the report's `words`, acronyms and roman numerals."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cjji.prose import OBJECT
from cjji.style.rule import Doc, Hit, Rule

_WORD = re.compile(r"[^\W_][\w'’-]*")


_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})$")


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    style = rule.get("match", "$sentence")
    vocab = doc.vocabulary
    phrases = sorted(set(rule.get("exceptions", [])) | (vocab.phrases if vocab else set()), key=len, reverse=True)
    keep = {p for p in phrases if " " not in p} | doc.proper_nouns | (
        vocab.single_names | set(vocab.acronyms) if vocab else set())
    identifiers = {w.lower() for w in rule.get("identifiers", [])}
    multi = [p for p in phrases if " " in p]
    for block in doc.blocks_for(rule):
        text = block.text
        for phrase in multi:  # blank out exceptions, keeping offsets
            if phrase in text:
                text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", lambda m: OBJECT * len(m.group()), text)
        text = _blank_identifiers(text, identifiers)
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
    opens_with_name = text.lstrip()[:1] == OBJECT  # "Victims' Code changes": a name comes first
    for i, m in enumerate(words):
        word = m.group()
        part = re.search(r"-([A-Z])", word)
        if word[0].islower() and part:  # 'decision-Making': a capital after a hyphen in a common word
            return m.start() + part.start(1)
        if i == 0 and not opens_with_name:
            if word[0].islower():
                return m.start()
            continue
        if ":" in text[words[i - 1].end() if i else 0:m.start()]:  # a subtitle after a colon may start with a capital
            continue
        if word[0].isupper() and not _kept(word, keep):
            return m.start()
    return None


def _blank_identifiers(text: str, identifiers: set[str]) -> str:
    """'Outcome 16', 'Annex A', 'Phase III', 'Table 3': the word and its number are an identifier."""
    def blank(m: re.Match[str]) -> str:
        if m.group(1).lower().rstrip("s") in identifiers or m.group(1).lower() in identifiers:
            return OBJECT * len(m.group())
        return m.group()
    return re.sub(r"\b([A-Z][a-z]+)\s+(\d+[a-z]?(?:\.\d+)*|[A-Z]\b|[IVXLC]+\b)", blank, text)


def _kept(word: str, keep: set[str]) -> bool:
    base = re.sub(r"['’]s?$", "", word)
    return (
        word in keep or base in keep
        or word == "I"
        or any(c.isdigit() for c in word)
        or (len(base) > 1 and base.isupper())  # an acronym
        or any(c.isupper() for c in base[1:])  # HMIProbation, McKenzie
        or bool(_ROMAN.match(base))  # Part III
    )
