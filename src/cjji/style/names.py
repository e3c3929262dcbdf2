"""names: the names of bodies and statutes written as the vocabulary has them
(checks/bodies.yml, checks/vocabulary.yml). A run of capitalised words that is almost, but not
exactly, a known name ("Crown Prosecutions Service", "National Police Chief's Council") is
flagged with the right name; so is a known statute with the wrong year ("Police and Criminal
Evidence Act 1985") or a near miss of a statute's title. Names the vocabulary does not know are
left alone: this rule corrects near misses, it does not demand that every name be listed.

Fields: cutoff (0-1, how close a near miss must be; default 0.9), kinds (which vocabulary kinds to
compare against; default all). Placeholders: {match}, {suggestion}."""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from cjji.prose import OBJECT
from cjji.style.rule import Doc, Hit, Rule
from cjji.style.text import alternation
from cjji.style.vocabulary import Name, Vocabulary

_CAP = r"(?:[A-Z][\w'’&-]*|&)"
_LINK = r"(?:of|and|for|the|in|on|to|&)"
_RUN = re.compile(rf"{_CAP}(?:\s+(?:{_LINK}\s+)*{_CAP})+")
_ACT = re.compile(rf"((?:{_CAP}|{_LINK}|,)(?:[\s,]+(?:{_CAP}|{_LINK}))*)\s+Act(?:\s+(\d{{4}}))?\b")


def _prepare(vocab: Vocabulary, kinds: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, list[Name]]]:
    """The pattern of every exact name and the index of names by word, built once per vocabulary
    (kept in the vocabulary's own memo, which is built once per policy)."""
    key = ("names.prepared", kinds)
    if key not in vocab.memo:
        names = [n for n in vocab.names if not kinds or n.kind in kinds]
        exact = sorted({_plain(n.text) for n in names}, key=len, reverse=True)
        known = re.compile(r"(?<![\w])(?:" + alternation(exact) + r")(?![\w])") if exact else None
        vocab.memo[key] = (known, _index([n for n in names if n.kind != "statute" and " " in n.text]))
    prepared: tuple[re.Pattern[str] | None, dict[str, list[Name]]] = vocab.memo[key]
    return prepared


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    vocab = doc.vocabulary
    if vocab is None:
        return
    cutoff = float(rule.get("cutoff", 0.9))
    known, index = _prepare(vocab, tuple(sorted(rule.get("kinds", []))))
    for block in doc.blocks_for(rule):
        yield from _statutes(rule, vocab, block, cutoff)
        text = _plain(block.text)  # same length: offsets stay right
        blanked = known.sub(lambda m: OBJECT * len(m.group()), text) if known else text
        for run in _RUN.finditer(blanked):
            if re.search(r"\bAct\b", run.group()):
                continue
            hit = _near_miss(run.group(), index, cutoff)
            if hit:
                wrong, right = hit
                offset = run.start() + run.group().index(wrong)
                wrong = block.text[offset:offset + len(wrong)]
                yield Hit(block, offset, rule.say(rule.message, match=wrong, suggestion=right),
                          rule.say(rule.hint, match=wrong, suggestion=right))


def _plain(text: str) -> str:
    """Typographic apostrophes as straight ones (one character for one)."""
    return text.replace("’", "'")


def _index(names: list[Name]) -> dict[str, list[Name]]:
    """Names by each of their capitalised words (lower case), to compare only likely ones."""
    index: dict[str, list[Name]] = {}
    for name in names:
        for word in set(re.findall(r"[A-Z][\w'’-]*", name.text)):
            index.setdefault(_stem(word), []).append(name)
    return index


def _stem(word: str) -> str:
    return re.sub(r"(?:['’]s?|s)$", "", word.lower())[:6]


def _near_miss(run: str, index: dict[str, list[Name]], cutoff: float) -> tuple[str, str] | None:
    words = run.split()
    best: tuple[float, str, str] | None = None
    for i in range(len(words)):
        if not words[i][:1].isupper() and words[i] != "&":
            continue
        candidates = {_plain(n.text): n for w in words[i:] for n in index.get(_stem(w), [])}
        for j in range(i + 1, len(words) + 1):
            if not words[j - 1][:1].isupper():
                continue
            piece = " ".join(words[i:j])
            if any(piece.lower() == t.lower() or _inflected(piece, t, n.kind) for t, n in candidates.items()):
                break  # a right name (or its plural or possessive) from here: nothing wrong
            lower = piece.lower()
            for text, name in candidates.items():
                if (abs(len(text.split()) - (j - i)) > 1
                        or 2 * min(len(lower), len(text)) < cutoff * (len(lower) + len(text))):
                    continue  # too different in length to be alike enough
                matcher = SequenceMatcher(None, lower, text.lower())
                if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                    continue
                score = matcher.ratio()
                if score >= cutoff and (best is None or score > best[0]) and _same_words(piece, text):
                    best = (score, piece, name.canonical if not name.current else text)
    return (best[1], best[2]) if best else None


_LINKING = frozenset({"of", "and", "for", "the", "in", "on", "to", "&", "at", "by"})


def _same_words(piece: str, name: str) -> bool:
    """The piece is the name with small slips: words in the same places, each alike (a plural, a
    possessive, a letter or two) or a linking word for another ('Ministry for Justice'). A different
    word ('Northshire Constabulary' for 'Cheshire Constabulary') is another name, not a slip."""
    a = [w.lower().strip(",") for w in piece.split()]
    b = [w.lower().strip(",") for w in name.split()]
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            if all(x in _LINKING and y in _LINKING or SequenceMatcher(None, x, y).ratio() >= 0.7
                   for x, y in zip(a[i1:i2], b[j1:j2], strict=True)):
                continue
            return False
        if all(w in _LINKING for w in a[i1:i2] + b[j1:j2]):
            continue
        return False
    return True


_PLURAL_KINDS = frozenset({"office-holder", "commissioner", "court"})


def _inflected(piece: str, name: str, kind: str) -> bool:
    """The name with a possessive ending ("the Home Office's"), or a plural where the name can
    have one ('Police and Crime Commissioners', 'Crown Courts'; not 'Home Offices')."""
    rest = piece[len(name):] if piece.startswith(name) else ""
    return rest in ("'s", "'") or (rest in ("s", "es") and kind in _PLURAL_KINDS)


def _statutes(rule: Rule, vocab: Vocabulary, block, cutoff: float) -> Iterator[Hit]:  # type: ignore[no-untyped-def]
    if "Act" not in block.text:  # every match holds "Act": the pattern need not try each place
        return
    for m in _ACT.finditer(_plain(block.text)):
        words = m.group(1).replace(",", " ,").split()
        year = m.group(2)
        starts = [k for k, w in enumerate(words) if w[:1].isupper()]
        titles = [" ".join(words[k:]).replace(" ,", ",") + " Act" for k in starts]
        match = next((t for t in titles if t in vocab.statutes), None)
        if match:
            if year and year not in vocab.statutes[match]:
                right = f"{match} {sorted(vocab.statutes[match])[0]}" if len(vocab.statutes[match]) == 1 else \
                    " or ".join(f"{match} {y}" for y in sorted(vocab.statutes[match]))
                offset = m.start(1) + m.group(1).rindex(match.split()[0])
                wrong = f"{match} {year}"
                yield Hit(block, offset, rule.say(rule.message, match=wrong, suggestion=right),
                          rule.say(rule.hint, match=wrong, suggestion=right))
            continue
        best: tuple[float, str, str] | None = None
        for title in titles[-8:]:
            for known in vocab.statutes:
                score = SequenceMatcher(None, title.lower(), known.lower()).ratio()
                if score >= cutoff and (best is None or score > best[0]) and _same_words(title, known):
                    best = (score, title, known)
        if best:
            _, wrong, right = best
            years = sorted(vocab.statutes[right])
            right_full = f"{right} {year if year in years else years[0]}"
            wrong_full = f"{wrong} {year}" if year else wrong
            offset = m.start(1) + m.group(1).find(wrong.split()[0])
            yield Hit(block, offset, rule.say(rule.message, match=wrong_full, suggestion=right_full),
                      rule.say(rule.hint, match=wrong_full, suggestion=right_full))
