"""The one way a Markdown URL in a report becomes a file of that report.

Every gate and every writer that follows an image or a local link asks this module, so the file the
checks inspect is the file every output shows (issue 13: the files gate once decoded `%` and the
HTML builder did not, so `images/chart%31.svg` was checked as `chart1.svg` and published as the
literal `chart%31.svg`).

`resolve(folder, url, files)`:

- drops `?query` and `#fragment`, then decodes `%` escapes exactly once (as a browser does), as
  UTF-8; an escape that is not UTF-8 is refused;
- refuses addresses with a scheme (`https:`, `file:`, `data:` ...), absolute paths, backslashes,
  control characters, `..` segments, names that are not in Unicode NFC, hidden and editor files
  (`.x.png`, `x.png~`) and anything in `signoffs/`;
- and finds the result among the report's digested files (`cjji.digest.files_of`): a file the
  sign-off digest does not cover is never used, whatever the disk holds.

It raises `Unresolved` (a rule, a plain-English message and a hint) or returns the file's
relative POSIX path (exactly as the digest spells it) and its path on disk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cjji.digest import SIGNOFFS, DigestError, files_of, is_ignored
from cjji.findings import Problem

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KEEP_INSIDE = ("keep every file the report uses inside its own folder (for example images/) "
                "and refer to it from there, like images/chart.png")


class Unresolved(Problem):
    """A URL that does not name one of the report's own (digested) files."""


@dataclass(frozen=True)
class Resolved:
    rel: str  # relative POSIX path inside the report folder, as the digest names it (NFC)
    path: Path  # the file on disk


def strip_url(url: str) -> str:
    """The path part of a relative URL: without `#fragment` or `?query`, still %-encoded."""
    return url.strip().split("#", 1)[0].split("?", 1)[0]


def decode(url: str) -> str:
    """The path a relative URL names, %-escapes decoded once (raises Unresolved if they are not UTF-8)."""
    try:
        return unquote(strip_url(url), encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Unresolved("bad-path", f"'{shown(url)}' has a %-escape that is not UTF-8 text",
                         "write the file name as it is, or encode each character as UTF-8 (%20 is a space)") from None


def shown(url: str) -> str:
    """A URL as the author wrote it, near enough (%-escapes decoded) for messages."""
    return unquote(url.strip(), errors="replace")


def report_path(url: str, what: str = "the image") -> str:
    """The checked relative POSIX path (normalised, no `.` or `..`) a report URL names, without
    touching the disk. Raises Unresolved with the reason it cannot name a report file."""
    text = url.strip()
    name = shown(url)
    if not text:
        raise Unresolved("missing-image" if what == "the image" else "empty-link",
                         f"{what} names no file", "write the file's path, like images/chart.png")
    scheme = text.split(":", 1)[0].lower() if _SCHEME.match(text) else ""
    if scheme == "file":
        raise Unresolved("file-url", f"{what} '{name}' is a file: address on one computer", _KEEP_INSIDE)
    if len(scheme) > 1 or text.startswith(("//", "\\\\")):
        raise Unresolved("remote-image", f"{what} '{name}' would be fetched from the internet when the report "
                         "is built", "save the image in the report's images/ folder (check you may use it) and "
                         "refer to images/name.png")
    path = decode(text)
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        raise Unresolved("absolute-path", f"{what} '{name}' is an absolute path, which works only on one computer",
                         _KEEP_INSIDE)
    if "\\" in path:
        raise Unresolved("bad-path", f"{what} '{name}' contains a backslash '\\'",
                         "separate folders with '/', like images/chart.png")
    if _CONTROL.search(path):
        raise Unresolved("bad-path", f"{what} '{name}' contains a control character (a NUL, tab or line break)",
                         "retype the file name")
    if unicodedata.normalize("NFC", path) != path:
        raise Unresolved("not-nfc", f"{what} '{name}' is not written in Unicode NFC form: the same name can be "
                         "spelled with different bytes, so the file checked might not be the file published",
                         "retype the file name (most editors write NFC), or rename the file with plain letters")
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if not parts:
                raise Unresolved("outside", f"{what} '{name}' points outside the report folder", _KEEP_INSIDE)
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    if not parts:
        raise Unresolved("missing-image" if what == "the image" else "empty-link",
                         f"{what} '{name}' names a folder, not a file",
                         "refer to the file itself, like images/chart.png")
    if parts[0] == SIGNOFFS:
        raise Unresolved("signoffs-file", f"{what} '{name}' is in the signoffs/ folder, which sign-offs do not cover",
                         "move the file to another folder of the report, such as images/")
    hidden = next((p for p in parts if is_ignored(p)), None)
    if hidden is not None:
        raise Unresolved("hidden-file",
                         f"{what} '{name}' names a hidden or temporary file ('{hidden}'), which sign-offs do not "
                         "cover: it could change after the gatekeepers signed",
                         "rename the file without the leading '.' (or the ending like '~' or '.bak') and refer "
                         "to the new name")
    return "/".join(parts)


def digested(folder: Path) -> dict[str, Path]:
    """The report's digested files: relative POSIX path -> path (raises DigestError)."""
    return dict(files_of(folder))


def report_files(report: Any) -> dict[str, Path]:
    """`digested(report.dir)`, remembered on the report (raises DigestError)."""
    key = "resolve.files"
    if key not in report.extra:
        try:
            report.extra[key] = digested(report.dir)
        except DigestError as exc:
            report.extra[key] = exc
    found = report.extra[key]
    if isinstance(found, DigestError):
        raise found
    return found  # type: ignore[no-any-return]


def resolve(url: str, files: Mapping[str, Path], what: str = "the image") -> Resolved:
    """The digested report file `url` names. Raises Unresolved with the reason if there is none."""
    rel = report_path(url, what)
    path = files.get(rel)
    if path is None:
        lower = {name.lower(): name for name in files}
        near = lower.get(rel.lower())
        hint = (f"the file is called '{near}': capital letters matter" if near else
                "check the spelling and the folder: the path is relative to the report folder, and capital "
                "letters matter")
        if any(name.startswith(rel + "/") for name in files):
            raise Unresolved("missing-image", f"{what} '{shown(url)}' is a folder, not a file",
                             "refer to the file itself, like images/chart.png")
        raise Unresolved("missing-image" if what == "the image" else "missing-file",
                         f"{what} '{shown(url)}' does not exist in the report folder", hint)
    return Resolved(rel, path)


def resolve_in(folder: Path, url: str, what: str = "the image") -> Resolved:
    """`resolve` against the files of `folder` (read now); a folder that cannot be digested is
    Unresolved too."""
    try:
        files = digested(folder)
    except DigestError as exc:
        raise Unresolved("bad-folder", f"the report folder cannot be read: {exc}",
                         "fix the folder first (`cjji digest` says what is wrong)") from None
    return resolve(url, files, what)
