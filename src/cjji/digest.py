"""The content digest of a report folder: one SHA-256 over every file that reaches the outputs.

Canonical form: for every file in the folder (report.md, images, the impact assessment, any other
file), except the `signoffs/` folder and hidden or editor files, one line
`<sha256 of the file>  <relative POSIX path>\\n` (the `sha256sum` format), sorted by path; the
digest is the SHA-256 of those lines. It does not depend on where the folder is checked out or on
the order the file system lists files in, and anyone can recompute it with standard tools:

    cd reports/<id> && find . -path ./signoffs -prune -o -type f -print | sed 's|^\\./||' \\
      | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum

File names are taken exactly as the disk spells them, never normalised: two spellings of one name
would otherwise count as one file, and a file added after sign-off under the other spelling would
not change the digest (issue 13). So a folder is refused (`DigestError`, and `name_problems` for
the gates) when a name of a file or folder in it
- is not in Unicode NFC (an accent written as a separate character, as macOS's old HFS+ did),
- contains an invisible or control character (zero-width spaces and joiners, direction marks and
  overrides, tabs, line breaks, a byte that is not UTF-8), a space other than the plain one, or a
  character Windows cannot hold or that a Markdown link reads differently (`< > : " | ? * \\ % #`),
- starts or ends with a space, or ends with a dot (Windows drops those), or is a name Windows
  reserves (CON, NUL, COM1, ...),
- mixes letters of the Latin, Greek and Cyrillic alphabets (a Cyrillic "а" in "chаrt.png"),
- or clashes with another name in the folder: the same once case, compatibility forms (the "ﬁ"
  ligature, full-width letters) and invisible characters are set aside, as a case-insensitive
  checkout (Windows, macOS) or a careless reader would take them.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cjji.hashing import sha256_file

if TYPE_CHECKING:
    from cjji.findings import Finding
    from cjji.report import Report

SIGNOFFS = "signoffs"
PREFIX = "sha256:"
_EDITOR_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".part")
_EDITOR_NAMES = {"Thumbs.db", "desktop.ini"}


class DigestError(Exception):
    """The folder cannot be digested (a link leading outside it, an unreadable file, ...)."""


@dataclass(frozen=True)
class Digest:
    value: str  # "sha256:<hex>"
    files: dict[str, str]  # relative POSIX path -> "sha256:<hex>" of the file

    def manifest(self) -> str:
        """The canonical text the digest is taken over (the `sha256sum` format)."""
        return "".join(f"{h.removeprefix(PREFIX)}  {p}\n" for p, h in sorted(self.files.items()))


def is_ignored(name: str) -> bool:
    """Hidden files and editor leftovers never reach the outputs, so they are not digested."""
    return (
        name.startswith((".", "#", "~$"))
        or name.endswith(_EDITOR_SUFFIXES)
        or name in _EDITOR_NAMES
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _file_digest(path: Path, rel: str) -> str:
    try:
        return PREFIX + sha256_file(path)
    except OSError as exc:
        raise DigestError(f"cannot read {rel}: {exc.strerror}") from None


def _relative(path: Path, folder: Path) -> str:
    """The relative POSIX path exactly as the disk spells it (never normalised: see above)."""
    return path.relative_to(folder).as_posix()


def _check_link(path: Path, folder: Path, rel: str) -> None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise DigestError(
            f"{rel} is a link to a file that does not exist; replace it with the file itself"
        ) from None
    if not _inside(target, folder):
        raise DigestError(
            f"{rel} is a link that leads outside the report folder (to {target}); "
            "copy the file into the report folder instead, so the sign-off covers it"
        )
    if target.is_dir():
        raise DigestError(f"{rel} is a link to a folder; replace it with the folder itself")


def files_of(folder: Path) -> list[tuple[str, Path]]:
    """(relative POSIX path, path) of every file that reaches the outputs, sorted by path.

    Raises DigestError if a name in the folder is ambiguous (see `name_problems`)."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise DigestError(f"{folder} is not a folder")
    problems = name_problems(folder)
    if problems:
        raise DigestError(describe_problems(problems))
    found: list[tuple[str, Path]] = []
    for here, dirs, names in os.walk(folder):
        base = Path(here)
        dirs[:] = [d for d in dirs if not is_ignored(d) and not (base == folder and d == SIGNOFFS)]
        for name in dirs:
            if (base / name).is_symlink():
                _check_link(base / name, folder, _relative(base / name, folder))
        for name in names:
            if is_ignored(name):
                continue
            path = base / name
            rel = _relative(path, folder)
            if path.is_symlink():
                _check_link(path, folder, rel)
            elif not path.is_file():
                raise DigestError(f"{rel} is not a regular file (a device or pipe?); remove it")
            found.append((rel, path))
    return sorted(found)


def digest(folder: Path) -> Digest:
    """The content digest of a report folder. Raises DigestError with a plain-English reason."""
    files = {rel: _file_digest(path, rel) for rel, path in files_of(folder)}
    if not files:
        raise DigestError(f"{folder} holds no files to digest")
    result = Digest("", files)
    value = PREFIX + hashlib.sha256(result.manifest().encode("utf-8")).hexdigest()
    return Digest(value, files)


def changed_files(signed: dict[str, str], current: dict[str, str]) -> list[str]:
    """Files added, removed or changed since `signed`, each with what happened, sorted."""
    out = []
    for rel in sorted(set(signed) | set(current)):
        if rel not in current:
            out.append(f"{rel} (removed)")
        elif rel not in signed:
            out.append(f"{rel} (added)")
        elif signed[rel] != current[rel]:
            out.append(f"{rel} (changed)")
    return out


# ---- file names -------------------------------------------------------------------------------

# Characters Windows cannot hold in a name, or that a Markdown link reads as something else
# (`%` starts an escape, `#` a fragment, `?` a query).
_RESERVED_CHARACTERS = '<>:"|?*\\%#'
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.I)
_ALPHABETS = ("LATIN", "GREEK", "CYRILLIC")
# Categories never allowed in a name: controls, format characters (zero-width, direction marks,
# BOM), line and paragraph separators, surrogates (bytes that are not UTF-8), private use, unassigned.
_BAD_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_IGNORABLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3"
                        "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


@dataclass(frozen=True)
class NameProblem:
    """One file or folder name in a report folder that the digest refuses."""

    rel: str  # relative POSIX path as the disk spells it
    rule: str  # not-nfc, invisible-character, reserved-character, space, windows-name, mixed-alphabets, name-clash
    message: str  # plain English, naming the file (invisible characters spelled out)
    hint: str
    clashes_with: tuple[str, ...] = field(default=())


def shown(text: str) -> str:
    """A name as a reader can see it: invisible, control and combining characters spelled out."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in _BAD_CATEGORIES or category in ("Mn", "Me") or (category == "Zs" and char != " "):
            out.append(f"<U+{ord(char):04X}{' ' + unicodedata.name(char, '') if unicodedata.name(char, '') else ''}>")
        else:
            out.append(char)
    return "".join(out)


def skeleton(name: str) -> str:
    """What a name looks like to a case-insensitive file system or a reader: compatibility forms
    folded (NFKC), invisible characters dropped, case folded, trailing dots and spaces dropped.
    Two different names with one skeleton are a clash."""
    text = unicodedata.normalize("NFKC", _IGNORABLE.sub("", name.encode("utf-8", "surrogateescape")
                                                        .decode("utf-8", "replace")))
    text = unicodedata.normalize("NFKC", text.casefold())
    return "/".join(part.rstrip(". ") for part in text.split("/"))


def _name_problem(rel: str, name: str, what: str) -> NameProblem | None:
    """The first problem with one name (a single path component), or None."""
    where = f"the {what} name '{shown(rel)}'"
    bad = [c for c in name if unicodedata.category(c) in _BAD_CATEGORIES]
    if bad:
        if any(unicodedata.category(c) == "Cs" for c in bad):
            detail = "a byte that is not UTF-8 text"
        else:
            detail = ", ".join(dict.fromkeys(f"U+{ord(c):04X} {unicodedata.name(c, 'a control character')}"
                                             for c in bad))
        return NameProblem(rel, "invisible-character",
                           f"{where} contains an invisible or control character ({detail}), so it can look "
                           "the same as another name",
                           "rename it, typing the name again with ordinary letters, digits, '-' and '_'")
    if not unicodedata.is_normalized("NFC", name):
        return NameProblem(rel, "not-nfc",
                           f"{where} is not in Unicode NFC form (an accent is stored as a separate character): "
                           f"the same name spelled '{unicodedata.normalize('NFC', rel)}' would count as a "
                           "different file, so a file could be swapped after sign-off",
                           "rename it: retype the name (most programs write NFC), or use plain letters without accents")
    reserved = [c for c in name if c in _RESERVED_CHARACTERS]
    if reserved:
        return NameProblem(rel, "reserved-character",
                           f"{where} contains {', '.join(repr(c) for c in dict.fromkeys(reserved))}, which Windows "
                           "cannot hold in a name or a Markdown link reads as something else",
                           "rename it using letters, digits, spaces, '-', '_' and '.'")
    odd_space = [c for c in name if unicodedata.category(c) == "Zs" and c != " "]
    if odd_space:
        return NameProblem(rel, "space",
                           f"{where} contains a space that is not the ordinary one "
                           f"({', '.join(dict.fromkeys(unicodedata.name(c, 'a space') for c in odd_space))}), "
                           "so it looks the same as another name", "rename it, typing the spaces again")
    if name != name.strip(" ") or name.endswith("."):
        return NameProblem(rel, "space",
                           f"{where} starts or ends with a space, or ends with a dot, which Windows drops "
                           "(so two different files could check out as one)",
                           "rename it without the leading or trailing space or dot")
    if _WINDOWS_DEVICES.match(name.rstrip(". ")):
        return NameProblem(rel, "windows-name", f"{where} is a device name Windows reserves, so the report "
                           "cannot be checked out there", "rename it, for example by adding a word")
    alphabets: list[str] = []
    for word in re.findall(r"[^\W\d_]+", name):  # each run of letters on its own: "Δ-delta" is fine
        found = sorted({a for c in word for a in _ALPHABETS if unicodedata.name(c, "").startswith(a + " ")})
        if len(found) > 1:
            alphabets = found
            break
    if alphabets:
        return NameProblem(rel, "mixed-alphabets",
                           f"{where} mixes letters of the {' and '.join(a.title() for a in alphabets)} alphabets, "
                           "which look alike (a Cyrillic 'а' looks like a Latin 'a')",
                           "rename it, typing the name again in one alphabet")
    return None


def _entries(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(relative path, name, "file" | "folder") of every entry the digest looks at."""
    for here, dirs, names in os.walk(folder):
        base = Path(here)
        dirs[:] = sorted(d for d in dirs if not is_ignored(d) and not (base == folder and d == SIGNOFFS))
        for name in dirs:
            yield (base / name).relative_to(folder).as_posix(), name, "folder"
        for name in sorted(names):
            if not is_ignored(name):
                yield (base / name).relative_to(folder).as_posix(), name, "file"


def name_problems(folder: Path) -> list[NameProblem]:
    """Every name in a report folder that the digest refuses, sorted by path (see the module text).

    The files gate calls this (through `name_findings`) to show each problem where report.md
    refers to the file; `files_of` and `digest` refuse the folder with the same messages."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        return []
    problems: list[NameProblem] = []
    by_skeleton: dict[str, list[str]] = {}
    for rel, name, what in _entries(folder):
        problem = _name_problem(rel, name, what)
        if problem:
            problems.append(problem)
        by_skeleton.setdefault(skeleton(rel), []).append(rel)
    for names in by_skeleton.values():
        if len(names) < 2:
            continue
        for rel in names:
            others = tuple(n for n in names if n != rel)
            problems.append(NameProblem(
                rel, "name-clash",
                f"the name '{shown(rel)}' clashes with {', '.join(repr(shown(o)) for o in others)}: they differ "
                "only in capital letters, accents written differently, look-alike or invisible characters, or "
                "a trailing dot or space, so on Windows or macOS, or to a reader, they are the same file",
                "keep one of them, or rename the other so the names clearly differ", others))
    return sorted(problems, key=lambda p: (p.rel, p.rule))


def describe_problems(problems: list[NameProblem]) -> str:
    """One message for a DigestError: the first problems, with their hints."""
    first = problems[:3]
    text = "; ".join(f"{p.message} ({p.hint})" for p in first)
    if len(problems) > len(first):
        text += f"; and {len(problems) - len(first)} more name problem(s) (`cjji check` lists them all)"
    return text


def _spellings(rel: str) -> set[str]:
    from urllib.parse import quote

    found = set()
    for text in {rel, rel.rsplit("/", 1)[-1]}:
        for form in {text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)}:
            found |= {form, quote(form, safe="/"), quote(form, safe="/ ")}
    return {s for s in found if s.strip(". ")}


def name_findings(report: Report, gate: str = "files") -> list[Finding]:
    """`name_problems` of a loaded report as error findings, each at the first line of report.md
    that refers to the file (in any spelling that could reach it), else on the file itself."""
    from cjji.findings import Finding
    from cjji.report import display_path

    findings = []
    lines = report.text.split("\n")
    folded = [skeleton(line) for line in lines]
    for problem in name_problems(report.dir):
        line = col = 0
        spellings = _spellings(problem.rel)
        base_skeleton = skeleton(problem.rel.rsplit("/", 1)[-1])
        for number, text in enumerate(lines, start=1):
            hit = next((text.find(s) for s in sorted(spellings, key=len, reverse=True) if s in text), -1)
            if hit < 0 and len(base_skeleton) > 2 and base_skeleton in folded[number - 1]:
                hit = 0
            if hit >= 0:
                line, col = number, hit + 1
                break
        file = report.display if line else display_path(report.dir / problem.rel)
        findings.append(Finding(file, line, col, "error", gate, problem.rule, problem.message, problem.hint))
    return findings
