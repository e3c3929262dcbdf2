"""The content digest of a report folder: one SHA-256 over every file that reaches the outputs.

Canonical form: for every file in the folder (report.md, images, the impact assessment, any other
file), except the `signoffs/` folder and hidden or editor files, one line
`<sha256 of the file>  <relative POSIX path>\\n` (the `sha256sum` format), sorted by path; the
digest is the SHA-256 of those lines. It does not depend on where the folder is checked out or on
the order the file system lists files in, and anyone can recompute it with standard tools:

    cd reports/<id> && find . -path ./signoffs -prune -o -type f -print | sed 's|^\\./||' \\
      | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

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
    sha = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
    except OSError as exc:
        raise DigestError(f"cannot read {rel}: {exc.strerror}") from None
    return PREFIX + sha.hexdigest()


def _relative(path: Path, folder: Path) -> str:
    rel = unicodedata.normalize("NFC", path.relative_to(folder).as_posix())
    if "\n" in rel or "\r" in rel:
        raise DigestError(f"the file name {rel!r} contains a line break; rename it")
    return rel


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
    """(relative POSIX path, path) of every file that reaches the outputs, sorted by path."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise DigestError(f"{folder} is not a folder")
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
