"""The criminal justice vocabulary: checks/vocabulary.yml (acronyms, statutes, programmes,
places, words) and checks/bodies.yml (bodies and office-holders), read once per policy.

The spelling gate accepts its words (and their families), the acronyms rule knows each
expansion, the headings rule accepts its names as proper nouns, the names rule finds near misses
of its names, and `glossary()` lists the acronyms a report uses with what they stand for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cjji.policy import Policy

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ACRONYM = re.compile(r"(?<![\w&])[A-Z][A-Za-z0-9]*[A-Z0-9](?![\w&])")
_LINKING = frozenset({"of", "and", "for", "the", "in", "on", "to", "&", "at", "by"})


@dataclass(frozen=True)
class Name:
    text: str  # as written
    kind: str  # a body's kind, or statute, programme, place
    canonical: str  # the name it stands for (a body's current name, a statute's full title)
    current: bool = True  # False for a former name


@dataclass(frozen=True)
class Vocabulary:
    acronyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # acronym -> expansions
    well_known: frozenset[str] = frozenset()  # acronyms that stand alone
    names: tuple[Name, ...] = ()  # every name and alias of every body, statute, programme, place
    statutes: dict[str, frozenset[str]] = field(default_factory=dict)  # title (no year) -> years
    words: frozenset[str] = frozenset()  # every word the spelling gate accepts from here
    phrases: frozenset[str] = frozenset()  # multi-word proper names (headings keep their capitals)
    single_names: frozenset[str] = frozenset()  # one-word proper names (Soteria, Belmarsh, Ofsted)
    terms: frozenset[str] = frozenset()  # the `words` list: terms that are right (neurodiversity)
    # what the style rules work out from this vocabulary once (cjji.style.names' patterns)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def expansion(self, acronym: str) -> str:
        """What an acronym stands for, in words ('' if unknown); several are joined by ' or '."""
        return " or ".join(self.acronyms.get(acronym, ()))


def load(policy: Policy) -> Vocabulary:
    """The vocabulary of this policy (built once per policy: Policy.derived)."""
    return policy.derived("style.vocabulary",
                          lambda: _build(policy.get("vocabulary") or {}, policy.get("bodies") or {}))


def _build(vocab: dict[str, Any], body_data: dict[str, Any]) -> Vocabulary:
    acronyms: dict[str, tuple[str, ...]] = {}
    well_known: set[str] = set()
    names: list[Name] = []
    statutes: dict[str, set[str]] = {}
    words: set[str] = set()

    for entry in vocab.get("acronyms") or []:
        expansions = tuple(entry.get("expansions") or [entry.get("expansion", "")])
        acronyms[entry["acronym"]] = tuple(e for e in expansions if e)
        if entry.get("well_known"):
            well_known.add(entry["acronym"])
    for body in body_data.get("bodies") or []:
        kind = str(body.get("kind", "body"))
        short = body.get("short")
        if short and " " not in short and short not in acronyms:
            acronyms[short] = (body["name"],)
        names.append(Name(body["name"], kind, body["name"]))
        names.extend(Name(a, kind, body["name"]) for a in body.get("aliases") or [])
        names.extend(Name(a, kind, body["name"], current=False) for a in body.get("former") or [])
        if short and " " in short:
            names.append(Name(short, kind, body["name"]))
    for statute in vocab.get("statutes") or []:
        full = statute["name"]
        title, _, year = full.rpartition(" ")
        statutes.setdefault(title, set()).add(year)
        names.append(Name(full, "statute", full))
        names.append(Name(title, "statute", full))
        if statute.get("short") and statute["short"] not in acronyms:
            acronyms[statute["short"]] = (full,)
    for section, kind in (("programmes", "programme"), ("places", "place")):
        for entry in vocab.get(section) or []:
            names.append(Name(entry["name"], entry.get("kind", kind), entry["name"]))
            names.extend(Name(a, entry.get("kind", kind), entry["name"]) for a in entry.get("aliases") or [])
            if entry.get("short") and entry["short"] not in acronyms:
                acronyms[entry["short"]] = (entry["name"],)
    words.update(str(w) for w in vocab.get("words") or [])
    for text in [n.text for n in names] + [e for ex in acronyms.values() for e in ex] + list(acronyms):
        words.update(m.group().replace("’", "'") for m in _TOKEN.finditer(text))
    phrases = {n.text for n in names if " " in n.text and n.text[:1].isupper()}
    single = {n.text for n in names if " " not in n.text and n.text[:1].isupper()}
    return Vocabulary(
        acronyms=acronyms, well_known=frozenset(well_known), names=tuple(names),
        statutes={t: frozenset(y) for t, y in statutes.items()}, words=frozenset(words),
        phrases=frozenset(phrases), single_names=frozenset(single),
        terms=frozenset(str(w) for w in vocab.get("words") or []))


# -- the glossary --------------------------------------------------------------------------------

def definitions(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms a report spells out itself, 'Crown Prosecution Service (CPS)': acronym -> words."""
    found: dict[str, str] = {}
    for text in texts:
        for m in re.finditer(r"\(([A-Z][A-Za-z0-9]*[A-Z0-9])s?\)", text):
            acronym = m.group(1)
            if acronym in found:
                continue
            words = re.findall(r"[\w'’&-]+", text[:m.start()])[-(len(acronym) + 4):]
            expansion = _expansion_in(words, acronym)
            if expansion:
                found[acronym] = expansion
    return found


def _expansion_in(words: list[str], acronym: str) -> str:
    """The shortest run of words ending the list whose first word starts with the acronym's first
    letter and whose significant initials contain the acronym's letters in order."""
    letters = [c for c in acronym if c.isupper()]
    for k in range(1, len(words) + 1):
        run = words[-k:]
        if run[0][:1].upper() != letters[0] or run[0].lower() in _LINKING:
            continue
        initials = "".join(w[0].upper() for w in run if w.lower() not in _LINKING)
        it = iter(initials)
        if all(c in it for c in letters) and len(run) >= min(len(letters), 2) - 1:
            return " ".join(run)
    return ""


def glossary(texts: Iterable[str], vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(acronym, expansion) for every acronym the texts use that the report or the vocabulary can
    expand, in alphabetical order. The report's own spelling out wins; an acronym the vocabulary
    gives several expansions for (HMIP) takes the one the report names, or all of them."""
    texts = list(texts)
    own = definitions(texts)
    joined = "\n".join(texts)
    used = {m.group() for m in _ACRONYM.finditer(joined)}
    used |= {m.group()[:-1] for m in re.finditer(r"(?<![\w&])[A-Z][A-Za-z0-9]*[A-Z0-9]s(?![\w&])", joined)}
    out = []
    for acronym in sorted(used, key=str.lower):
        if acronym in own:
            out.append((acronym, own[acronym]))
        elif acronym in vocabulary.acronyms:
            options = vocabulary.acronyms[acronym]
            named = [o for o in options if o in joined]
            out.append((acronym, " or ".join(named or options)))
    return out


def report_glossary(report: object, policy: Policy) -> list[tuple[str, str]]:
    """The glossary of a loaded report (cjji.report.Report): for the annex or `cjji glossary`."""
    from cjji import prose

    return glossary((b.text for b in prose.extract(report).blocks), load(policy))  # type: ignore[arg-type]
