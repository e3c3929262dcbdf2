"""[spelling] British English: hunspell's en_GB dictionary, the criminal justice vocabulary
(checks/vocabulary.yml, checks/bodies.yml), the project word list (checks/wordlist.txt), the
report's own `words`, and the house spellings in checks/language.yml.

Extra words are affix-aware: they go to hunspell as a personal dictionary (`-p`) in which each word
borrows the affix rules of the longest dictionary word it ends with ("neurodiversity/diversity"
accepts neurodiversities), and a compound root covers its derived forms ("neurodivergent" covers
neurodivergence, since "divergence" shares the root of "divergent"). A word misspelt several
times is one finding that lists its lines; suggestions from the vocabulary come first.

hunspell runs in pipe mode, twice per report at most: `hunspell -l` over the distinct words not
seen before (fast), then `hunspell -a` for suggestions on the misspelt ones. Verdicts are cached
for the whole run, so a long report or a hundred reports cost little more than the first.

A draft check also keeps hunspell's verdicts, suggestions and each extra word's model word in
.cache/spelling.json (`Store`), under a key over the hunspell program and the dictionary's files:
one changed report then asks hunspell only about words no earlier run has seen, and the dictionary
(97,000 lines) is read only for a word whose model word is not known yet. Each answer is hunspell's
for that one word, so a stored answer is the answer it would give again; the entry is ignored when
it does not parse, has another key, or .cache/ is committed to git, and a publication check never
reads it.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cjji import prose, suppress
from cjji.findings import Finding, Severity
from cjji.gates import limits
from cjji.gates._framework import placeholder_in
from cjji.gates._language import english_rules_off
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report
from cjji.run import memo as run_memo
from cjji.style import settings, vocabulary

ID = "spelling"
DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))
MAX_SUGGESTED = 40  # words per report given suggestions (each costs hunspell 30-200 ms)
INSTALL_HINT = "run `bash scripts/setup-system.sh` (it installs hunspell and hunspell-en-gb)"

# letters with apostrophes inside; a word touching a digit or underscore (R1, 2nd, fig_1) is an id
WORD = re.compile(r"(?<![\w'’])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w])")
_PLAIN_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_IZE = re.compile(r"^(\w+?)(i|y)z(e|es|ed|ing|ation|ations|er|ers|able)$", re.I)


@dataclass(frozen=True)
class Speller:
    dictionary: str
    path: Path  # the .dic file
    personal: Path | None = None  # extra words with their model words (hunspell -p)

    @property
    def key(self) -> str:
        """What a verdict depends on: the dictionary and the extra words."""
        return f"{self.dictionary}:{self.personal.name if self.personal else ''}"

    def with_words(self, words: Iterable[str]) -> Speller:
        """This dictionary plus these extra words (affix-aware), as a personal dictionary."""
        return Speller(self.dictionary, self.path, personal_dictionary(self.path, words))

    def run(self, flag: str, words: list[str]) -> str:
        command = ["hunspell", flag, "-d", str(self.path.with_suffix("")), "-i", "utf-8"]
        if self.personal:
            command += ["-p", str(self.personal)]
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


@cache
def stems(path: Path) -> frozenset[str]:
    """The dictionary's root words (lower case), to find a model word for an extra word."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    except OSError:
        return frozenset()
    return frozenset(line.split("/", 1)[0].strip().lower() for line in lines if line.strip())


def model_word(path: Path, word: str) -> str:
    """The longest dictionary root (4 letters or more) that the word ends with, whose affix rules
    the word borrows: 'neurodiversity' -> 'diversity', 'caseworker' -> 'worker'; '' if none."""
    if not word.isalpha():
        return ""
    store = Store.current(path)
    if store is None:
        return _model_word(path, word)
    known_model = store.models.get(word)
    if isinstance(known_model, str):
        return known_model
    found = store.models[word] = _model_word(path, word)
    store.dirty = True
    return found


def _model_word(path: Path, word: str) -> str:
    lower, roots = word.lower(), stems(path)
    for i in range(1, len(lower) - 3):
        if lower[i:] in roots:
            return lower[i:]
    return ""


def personal_dictionary(path: Path, words: Iterable[str]) -> Path | None:
    """A hunspell personal dictionary of the extra words, each with its model word
    ("neurodiversity/diversity"), written once per distinct list into the temporary folder."""
    # only words: '/' would name a model word and a leading '*' forbid a word in hunspell's format
    entries = sorted({w.replace("\u2019", "'") for w in words if _PLAIN_WORD.fullmatch(w)})
    if not entries:
        return None
    lines = []
    for word in entries:
        model = model_word(path, word)
        lines.append(f"{word}/{model}" if model and model != word.lower() else word)
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256((str(path) + "\0" + text).encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"cjji-hunspell-{os.getuid()}-{digest}.dic"
    if not target.is_file():
        part = target.with_name(f"{target.name}.{os.getpid()}.part")
        part.write_text(text, encoding="utf-8")
        os.replace(part, target)
    return target


# hunspell's verdicts, kept for the run (cjji.run.memo), not the process:
KNOWN = "spelling.known"  # (speller key, word) -> correct?
SUGGESTED = "spelling.suggested"  # (speller key, word) -> suggestions


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
    verdicts: dict[tuple[str, str], bool] = run_memo(KNOWN)
    new = sorted(w for w in words if (speller.key, w) not in verdicts)
    store = Store.current(speller.path)
    if new and store is not None:  # answered by an earlier run
        stored = store.known.setdefault(speller.key, {})
        for word in new:
            if isinstance(verdict := stored.get(word), bool):
                verdicts[(speller.key, word)] = verdict
        new = [w for w in new if (speller.key, w) not in verdicts]
    if new:
        bad = speller.misspelt(new)
        for word in new:
            verdicts[(speller.key, word)] = word not in bad
        if store is not None:
            store.known[speller.key].update((w, w not in bad) for w in new)
            store.dirty = True
    return {w: verdicts[(speller.key, w)] for w in words}


def suggest(speller: Speller, words: Iterable[str]) -> dict[str, list[str]]:
    words = set(words)
    suggested: dict[tuple[str, str], list[str]] = run_memo(SUGGESTED)
    new = sorted(w for w in words if (speller.key, w) not in suggested)[:MAX_SUGGESTED]
    store = Store.current(speller.path)
    if new and store is not None:  # the same words get suggestions as without the store
        stored = store.suggested.setdefault(speller.key, {})
        for word in new:
            options = stored.get(word)
            if isinstance(options, list) and all(isinstance(o, str) for o in options):
                suggested[(speller.key, word)] = list(options)
        ask = [w for w in new if (speller.key, w) not in suggested]
    else:
        ask = new
    found = speller.suggestions(ask)
    for word in ask:
        suggested[(speller.key, word)] = found.get(word, [])
        if store is not None:
            store.suggested[speller.key][word] = found.get(word, [])
            store.dirty = True
    return {w: suggested.get((speller.key, w), []) for w in words}


STORE = "spelling.json"  # .cache/spelling.json
STORE_FORMAT = 1
MAX_STORE_BYTES = 64 * 1024 * 1024  # larger: not ours, not read
MAX_STORED = 500_000  # answers kept; past it the store starts again empty


class Store:
    """hunspell's answers from earlier draft checks (.cache/spelling.json), for the run's
    dictionary: `known` and `suggested` by speller key and word, `models` by word. Opened by
    `run` for a draft check of a project whose .cache/ is not committed; `Store.current(path)` is
    the run's store for that dictionary, else None (everything is asked, as without it)."""

    TABLE = "spelling.store"

    def __init__(self, file: Path, key: str, dictionary: Path) -> None:
        self.file, self.key, self.dictionary = file, key, dictionary
        self.dirty = False
        self.known, self.suggested, self.models = self._read()

    def _read(self) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]], dict[str, object]]:
        """The tables in the file, or empty ones for any that are missing or of the wrong shape
        (a value of the wrong type inside is skipped where it is looked up)."""
        try:
            with open(self.file, "rb") as handle:
                raw = handle.read(MAX_STORE_BYTES + 1)
            data = json.loads(raw) if len(raw) <= MAX_STORE_BYTES else None
        except (OSError, ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or data.get("format") != STORE_FORMAT or data.get("key") != self.key:
            return {}, {}, {}
        known, suggested, models = data.get("known"), data.get("suggested"), data.get("models")
        return (known if isinstance(known, dict) and all(isinstance(v, dict) for v in known.values()) else {},
                suggested if isinstance(suggested, dict) and all(isinstance(v, dict) for v in suggested.values())
                else {},
                models if isinstance(models, dict) else {})

    @classmethod
    def open(cls, context: Context, dictionary: Path) -> Store | None:
        """The run's store for this project and DICTIONARY (read once per run), now the one
        `current` gives; None (and none current) for a publication check or a project whose
        .cache/ is committed to git."""
        table = run_memo(cls.TABLE)
        table["active"] = None
        if context.for_publication:
            return None
        root = context.policy.root
        if (root, dictionary) not in table:
            from cjji.policy import cache_usable

            usable = cache_usable(root)
            table[(root, dictionary)] = cls(root / ".cache" / STORE, _dictionary_key(dictionary),
                                            dictionary) if usable else None
        store: Store | None = table[(root, dictionary)]
        table["active"] = store
        return store

    @classmethod
    def current(cls, dictionary: Path) -> Store | None:
        """The store `open` made current in this run, if it is for DICTIONARY."""
        store = run_memo(cls.TABLE).get("active")
        return store if isinstance(store, Store) and store.dictionary == dictionary else None

    def save(self) -> None:
        """Write the answers (atomically) when this run added any; a project that cannot be
        written to is simply asked again next time."""
        if not self.dirty:
            return
        from cjji.atomic import write_text

        # what another process (a pool worker) saved meanwhile is kept: ours is added to it
        known, suggested, models = self._read()
        for table, ours in ((known, self.known), (suggested, self.suggested)):
            for speller_key, answers in ours.items():
                table.setdefault(speller_key, {}).update(answers)
        models.update(self.models)
        self.known, self.suggested, self.models = known, suggested, models
        size = len(self.models) + sum(len(t) for t in (*self.known.values(), *self.suggested.values()))
        if size > MAX_STORED:
            self.known, self.suggested, self.models = {}, {}, {}
        with contextlib.suppress(OSError, ValueError, TypeError, RecursionError):
            write_text(self.file, json.dumps({"format": STORE_FORMAT, "key": self.key, "known": self.known,
                                              "suggested": self.suggested, "models": self.models}))
        self.dirty = False


def _dictionary_key(dictionary: Path) -> str:
    """What hunspell's answers depend on besides the words and the personal dictionary (whose
    name is a digest of its text): the hunspell program and the dictionary's .dic and .aff."""
    parts = [f"cjji-spelling-{STORE_FORMAT}", str(dictionary)]
    program = shutil.which("hunspell")
    for path in (program, dictionary, dictionary.with_suffix(".aff")):
        try:
            info = os.stat(path) if path else None
        except OSError:
            info = None
        parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}" if info else f"{path}:absent")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


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


def project_words(policy: Policy) -> list[str]:
    """Words every report may use: the vocabulary's and checks/wordlist.txt's."""
    return sorted(set(vocabulary.load(policy).words) | set(settings.wordlist(policy)))


def compound_roots(speller: Speller, words: Iterable[str]) -> dict[str, set[str]]:
    """Extra words made of a prefix (three letters or more) and a dictionary word, that the
    dictionary itself does not know: prefix (lower case) -> model words.
    'neurodivergent' -> {'neuro': 'divergent'}; 'Independent' is an ordinary word, so no root."""
    found: dict[str, tuple[str, str]] = {}
    for word in words:
        model = model_word(speller.path, word)
        prefix = word.lower()[: len(word) - len(model)] if model else ""
        if len(model) >= 5 and len(prefix) >= 3:
            found.setdefault(word, (prefix, model))
    unknown = {w for w, ok in known(speller, found).items() if not ok}
    roots: dict[str, set[str]] = {}
    for word in sorted(unknown):
        prefix, model = found[word]
        roots.setdefault(prefix, set()).add(model)
    return roots


def _family(word: str, roots: dict[str, set[str]]) -> str | None:
    """The dictionary word a compound is derived from, if the word is prefix + a relative of a
    root's model word ('neurodivergence' -> 'divergence', a relative of 'divergent')."""
    lower = word.lower()
    for prefix, models in roots.items():
        if lower.startswith(prefix) and len(lower) > len(prefix) + 3:
            rest = lower[len(prefix):]
            for model in sorted(models):
                if len(os.path.commonprefix([rest, model])) >= max(5, len(model) - 3):
                    return rest
    return None


def run(report: Report, context: Context) -> list[Finding]:
    other = english_rules_off(report, ID, "spelling", context)
    if other is not None:
        return other
    base = speller(context.policy)
    config = settings.section(context.policy, "spelling")
    severity = settings.severity(context.policy, ID, "misspelt", config.get("severity", "error"))
    if base is None or severity is None:
        return []
    store = Store.open(context, base.path)
    try:
        return _run(report, context, base, config, severity)
    finally:
        if store is not None:
            store.save()


def _run(report: Report, context: Context, base: Speller, config: dict[str, Any],
         severity: Severity) -> list[Finding]:
    extra = project_words(context.policy)
    own = report_words(report)
    spell = base.with_words(extra)
    allowed = Allowed([*extra, *own])
    prefer = {k.lower(): v for k, v in (config.get("prefer") or {}).items()}
    exceptions = {w.lower() for w in config.get("ize_exceptions") or []}
    use_ize = bool(config.get("ize_endings", True))

    places: list[tuple[str, prose.Block, int]] = []
    asked: dict[str, bool] = {}  # word -> to be checked (worked out once per distinct word)
    for block in limits.readable_blocks(report, context):
        for m in WORD.finditer(block.text):
            word = m.group().replace("\u2019", "'")
            check = asked.get(word)
            if check is None:
                check = asked[word] = len(word) > 1 and word not in allowed
            if check:
                places.append((word, block, m.start()))
    distinct = {w for w, _, _ in places}
    variants = {w: v for w in distinct if use_ize and (v := ize_variant(w, exceptions))}
    verdict = known(spell, distinct | set(variants.values()))
    unknown = {w for w in distinct if not verdict[w]}
    if unknown and own:  # the report's own words, affix-aware too: asked only about what is left
        mine = base.with_words(own)  # a small dictionary: only what is still unknown is asked
        unknown = {w for w, ok in known(mine, unknown).items() if not ok}
    roots = compound_roots(base, [*extra, *own])
    relatives = {w: r for w in unknown if (r := _family(w, roots))}
    if relatives:
        related = known(base, set(relatives.values()))
        unknown -= {w for w, r in relatives.items() if related[r]}

    wrong: dict[str, tuple[str, list[str]]] = {}  # word -> (kind, suggestions)
    for word in distinct:
        if word in unknown:
            wrong[word] = ("misspelt", [])
        elif word.lower() in prefer:
            wrong[word] = ("house", [_same_case(prefer[word.lower()], word)])
        elif word in variants and verdict[variants[word]]:
            wrong[word] = ("house", [variants[word]])
    misspelt = [w for w, (kind, _) in wrong.items() if kind == "misspelt"]
    terms = [w for w in extra if len(w) > 3]
    for word, options in suggest(spell, misspelt).items():
        close = [_same_case(t, word) if t.islower() else t
                 for t in difflib.get_close_matches(word, terms, n=3, cutoff=0.8)]
        wrong[word] = ("misspelt", list(dict.fromkeys(close + options)))

    return _one_per_word(report, context, places, wrong, severity,
                         settings.severity(context.policy, ID, "british", severity) or severity)


def _one_per_word(report: Report, context: Context, places: list[tuple[str, prose.Block, int]],
                  wrong: dict[str, tuple[str, list[str]]], severity: str, house_severity: str) -> list[Finding]:
    """One finding per wrong word (in any case), at its first place, listing the lines of the others. A place a
    suppression covers is left out (and the suppression recorded as used)."""
    suppressions, _ = suppress.parse(report)
    lines: dict[str, list[tuple[int, int]]] = {}  # the word in lower case -> its places
    first: dict[str, str] = {}  # ... -> as first written
    for word, block, offset in places:
        if word not in wrong or placeholder_in(word, context.policy):
            continue  # a placeholder (TODO, TBC) is the todo gate's
        line, col = block.position(offset)
        rule = "british" if wrong[word][0] == "house" else "misspelt"
        probe = settings.finding(report.display, ID, rule, "error", line, col, "")
        covering = [s for s in suppressions if s.covers(probe)]
        if covering:
            suppress.mark_used(report, covering)
            continue
        lines.setdefault(word.lower(), []).append((line, col))
        first.setdefault(word.lower(), word)
    findings = []
    for lower, where in lines.items():
        word = first[lower]
        kind, options = wrong[word]
        line, col = where[0]
        also = sorted({n for n, _ in where[1:]} - {line})
        more = f" ({len(where)} times: {_lines(also)})" if len(where) > 1 else ""
        if kind == "house":
            findings.append(settings.finding(
                report.display, ID, "british", house_severity, line, col,  # type: ignore[arg-type]
                f"'{word}' is not the British spelling used in our reports{more}",
                f"write '{options[0]}'"))
        else:
            hint = (f"did you mean {_or_list(options[:5])}? " if options else "") + (
                "If the word is right, add it to the report's `words` list in the metadata "
                "(names of people and places) or to checks/vocabulary.yml (terms for every report)")
            findings.append(settings.finding(
                report.display, ID, "misspelt", severity, line, col,  # type: ignore[arg-type]
                f"'{word}' is not in the British English dictionary{more}", hint))
    return findings


def _lines(lines: list[int], most: int = 10) -> str:
    """'also on lines 8, 12 and 30' (at most `most` numbers, then how many more)."""
    if not lines:
        return "all on this line"
    shown = [str(n) for n in lines[:most]]
    rest = len(lines) - len(shown)
    if rest:
        listed = ", ".join(shown) + f" and {rest} more"
    else:
        listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
    return f"also on line{'s' if len(lines) > 1 else ''} {listed}"


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
