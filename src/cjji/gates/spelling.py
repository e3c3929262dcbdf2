"""[spelling] British English: hunspell's en_GB dictionary, the project word list
(checks/wordlist.txt), the report's own `words`, and the house spellings in checks/language.yml.

hunspell runs in pipe mode, twice per report at most: `hunspell -l` over the distinct words not
seen before (fast), then `hunspell -a` for suggestions on the misspelt ones. Verdicts are cached
for the whole run, so a long report or a hundred reports cost little more than the first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cjji import prose
from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report
from cjji.style import settings

ID = "spelling"
DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))
MAX_SUGGESTED = 40  # words per report given suggestions (each costs hunspell 30-200 ms)
INSTALL_HINT = "run `bash scripts/setup-system.sh` (it installs hunspell and hunspell-en-gb)"

# letters with apostrophes inside; a word touching a digit or underscore (R1, 2nd, fig_1) is an id
WORD = re.compile(r"(?<![\w'’])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w])")
_IZE = re.compile(r"^(\w+?)(i|y)z(e|es|ed|ing|ation|ations|er|ers|able)$", re.I)


@dataclass(frozen=True)
class Speller:
    dictionary: str
    path: Path  # the .dic file

    def run(self, flag: str, words: list[str]) -> str:
        command = ["hunspell", flag, "-d", str(self.path.with_suffix("")), "-i", "utf-8"]
        text = "\n".join(words) + "\n"
        done = subprocess.run(command, input=text, capture_output=True, text=True, encoding="utf-8",
                              timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"hunspell failed: {done.stderr.strip()[:200]}")
        return done.stdout

    def misspelt(self, words: list[str]) -> set[str]:
        """The words hunspell does not know (one word per line in, one per line out)."""
        return set(self.run("-l", words).split("\n")) - {""} if words else set()

    def suggestions(self, words: list[str]) -> dict[str, list[str]]:
        """hunspell's suggestions for each word, from its ispell-style pipe mode."""
        if not words:
            return {}
        out = self.run("-a", ["!"] + ["^" + w for w in words])
        found: dict[str, list[str]] = {}
        for line in out.split("\n"):
            if line.startswith("& "):
                head, _, tail = line.partition(": ")
                word = head.split()[1]
                found[word] = [s for s in (t.strip() for t in tail.split(", ")) if s and not _split_of(s, word)]
        return found


def _split_of(suggestion: str, word: str) -> bool:
    """'col or' and 'col-or' for 'color' only cut the word in two: no help to anyone."""
    return suggestion.replace(" ", "").replace("-", "").lower() == word.lower()


_KNOWN: dict[tuple[str, str], bool] = {}  # (dictionary, word) -> correct?
_SUGGESTED: dict[tuple[str, str], list[str]] = {}


def find_dictionary(name: str) -> Path | None:
    if not shutil.which("hunspell"):
        return None
    for folder in DICTIONARY_DIRS:
        path = folder / f"{name}.dic"
        if path.is_file() and path.with_suffix(".aff").is_file():
            return path
    return None


def speller(policy: Policy) -> Speller | None:
    name = str(settings.section(policy, "spelling").get("dictionary", "en_GB"))
    path = find_dictionary(name)
    return Speller(name, path) if path else None


def cache_token(policy: Policy) -> str:
    """What the results cache must know: which dictionary checked the words (none, or which file)."""
    spell = speller(policy)
    return f"{spell.path}:{spell.path.stat().st_mtime_ns}" if spell else "no-dictionary"


def note(context: Context) -> str | None:
    """Said once per run (not per report) when spelling cannot be checked."""
    if speller(context.policy) is None:
        name = settings.section(context.policy, "spelling").get("dictionary", "en_GB")
        return (f"spelling was not checked: hunspell or its {name} dictionary is not installed; "
                f"{INSTALL_HINT}")
    return None


def known(speller: Speller, words: Iterable[str]) -> dict[str, bool]:
    """Whether each word is in the dictionary, asking hunspell only about words not seen yet."""
    words = set(words)
    new = sorted(w for w in words if (speller.dictionary, w) not in _KNOWN)
    if new:
        bad = speller.misspelt(new)
        for word in new:
            _KNOWN[(speller.dictionary, word)] = word not in bad
    return {w: _KNOWN[(speller.dictionary, w)] for w in words}


def suggest(speller: Speller, words: Iterable[str]) -> dict[str, list[str]]:
    words = set(words)
    new = sorted(w for w in words if (speller.dictionary, w) not in _SUGGESTED)[:MAX_SUGGESTED]
    found = speller.suggestions(new)
    for word in new:
        _SUGGESTED[(speller.dictionary, word)] = found.get(word, [])
    return {w: _SUGGESTED.get((speller.dictionary, w), []) for w in words}


class Allowed:
    """Extra words: a lower-case entry allows any case; one with capitals allows itself and its
    all-capitals form. A possessive ('s) of an allowed word is allowed."""

    def __init__(self, words: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.any_case: set[str] = set()
        for word in words:
            word = word.replace("\u2019", "'")
            if word.islower():
                self.any_case.add(word)
            else:
                self.exact.update((word, word.upper()))

    def __contains__(self, word: str) -> bool:
        for w in (word, word[:-2] if word.endswith("'s") else ""):
            if w and (w in self.exact or w.lower() in self.any_case):
                return True
        return False


def report_words(report: Report) -> list[str]:
    words = report.meta.get("words")
    if not isinstance(words, list):
        return []
    return [w for entry in words if isinstance(entry, str) for w in entry.split()]


def ize_variant(word: str, exceptions: set[str]) -> str | None:
    """organize -> organise, analyzed -> analysed; None if the word has no -ize ending."""
    m = _IZE.match(word)
    if not m or word.lower() in exceptions:
        return None
    s = "s" if word[m.end(1) + 1].islower() else "S"
    return m.group(1) + m.group(2) + s + m.group(3)


def run(report: Report, context: Context) -> list[Finding]:
    spell = speller(context.policy)
    config = settings.section(context.policy, "spelling")
    severity = settings.severity(context.policy, ID, "misspelt", config.get("severity", "error"))
    if spell is None or severity is None:
        return []
    allowed = Allowed([*settings.wordlist(context.policy), *report_words(report)])
    prefer = {k.lower(): v for k, v in (config.get("prefer") or {}).items()}
    exceptions = {w.lower() for w in config.get("ize_exceptions") or []}
    use_ize = bool(config.get("ize_endings", True))

    places: list[tuple[str, prose.Block, int]] = []
    for block in prose.extract(report).blocks:
        for m in WORD.finditer(block.text):
            word = m.group().replace("\u2019", "'")
            if len(word) > 1 and word not in allowed:
                places.append((word, block, m.start()))
    distinct = {w for w, _, _ in places}
    variants = {w: v for w in distinct if use_ize and (v := ize_variant(w, exceptions))}
    verdict = known(spell, distinct | set(variants.values()))

    wrong: dict[str, tuple[str, list[str]]] = {}  # word -> (kind, suggestions)
    for word in distinct:
        if not verdict[word]:
            wrong[word] = ("misspelt", [])
        elif word.lower() in prefer:
            wrong[word] = ("house", [_same_case(prefer[word.lower()], word)])
        elif word in variants and verdict[variants[word]]:
            wrong[word] = ("house", [variants[word]])
    misspelt = [w for w, (kind, _) in wrong.items() if kind == "misspelt"]
    for word, options in suggest(spell, misspelt).items():
        wrong[word] = ("misspelt", options)

    findings = []
    house_severity = settings.severity(context.policy, ID, "british", severity) or severity
    for word, block, offset in places:
        if word not in wrong:
            continue
        kind, options = wrong[word]
        line, col = block.position(offset)
        if kind == "house":
            findings.append(settings.finding(
                report.display, ID, "british", house_severity, line, col,
                f"'{word}' is not the British spelling used in our reports",
                f"write '{options[0]}'"))
        else:
            hint = (f"did you mean {_or_list(options[:5])}? " if options else "") + (
                "If the word is right, add it to the report's `words` list in the metadata "
                "(names of people and places) or to checks/wordlist.txt (terms for every report)")
            findings.append(settings.finding(
                report.display, ID, "misspelt", severity, line, col,
                f"'{word}' is not in the British English dictionary", hint))
    return findings


def _same_case(replacement: str, like: str) -> str:
    if like.isupper():
        return replacement.upper()
    if like[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _or_list(options: list[str]) -> str:
    quoted = [f"'{o}'" for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


GATE = Gate(ID, "British English spelling (hunspell en_GB, checks/wordlist.txt, the report's words)", run)
