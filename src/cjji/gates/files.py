"""[files] Every image and local link stays inside the report folder; images are safe to publish.

`../`, absolute paths, `file:` addresses and symbolic links leading out of the report folder are
errors, and so are images on the internet (the build would fetch them), and hidden or temporary
files (`.chart.png`, `chart.png~`) and files in signoffs/, which the sign-off digest leaves out.
Each image must exist and is checked by its content (cjji.gates.images): type, size and pixel
count from checks/limits.yml, and SVG without scripts, event handlers or external references.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from cjji.digest import SIGNOFFS, is_ignored
from cjji.findings import Finding, warning
from cjji.gates import images
from cjji.gates.base import Context, Gate
from cjji.gates.html import url_scheme
from cjji.gates.locate import find_in_block, inline_tokens
from cjji.report import Report

ID = "files"
DEFAULT_LIMITS: dict[str, object] = {"max_bytes": 5 * 1048576, "max_pixels": 25_000_000,
                                     "types": ["png", "jpeg", "gif", "svg"]}
_HTML_GATE_SCHEMES = ("javascript", "vbscript", "data")  # the html gate reports these
_KEEP_INSIDE = "keep every file the report uses inside its own folder (for example images/) " \
               "and refer to it from there, like images/chart.png"


def _is_inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _climbs_out(path: str) -> bool:
    """True if the relative path goes above its starting folder at any step (`../x/images/a.png`)."""
    depth = 0
    for part in path.split("/"):
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return True
    return False


def local_path(url: str) -> str:
    """The file path a relative URL names: without ?query or #fragment, %-escapes decoded."""
    return unquote(url.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")


def _where_problem(report: Report, url: str, is_image: bool) -> tuple[str, str, str] | None:
    """(rule, message, hint) if `url` leads outside the report folder or to the internet."""
    what = "the image" if is_image else "the link"
    url = unquote(url)
    scheme = url_scheme(url)
    stripped = url.strip()
    if scheme in _HTML_GATE_SCHEMES or stripped.startswith("#"):
        return None
    if scheme == "file":
        return ("file-url", f"{what} '{url}' is a file: address on one computer", _KEEP_INSIDE)
    if len(scheme) == 1 or (stripped.startswith(("/", "\\"))
                            and not stripped.startswith(("//", "\\\\"))):
        return ("absolute-path", f"{what} '{url}' is an absolute path, which works only on one computer",
                _KEEP_INSIDE)
    if scheme or stripped.startswith(("//", "\\\\")):
        if not is_image:
            return None  # a link to a web page
        return ("remote-image", f"the image '{url}' would be fetched from the internet when the report is built",
                "save the image in the report's images/ folder (check you may use it) and refer to "
                "images/name.png")
    path = local_path(stripped)
    if "\0" in path:
        return ("bad-path", f"{what} '{url}' contains a NUL character", "retype the file name")
    folder = os.path.abspath(report.dir)
    target = os.path.normpath(os.path.join(folder, path))
    if _climbs_out(path) or not _is_inside(target, folder):
        return ("outside", f"{what} '{url}' points outside the report folder", _KEEP_INSIDE)
    if not _is_inside(os.path.realpath(target), os.path.realpath(folder)):
        return ("symlink-outside",
                f"{what} '{url}' goes through a symbolic link that leads outside the report folder",
                "copy the file into the report folder instead of linking to it")
    parts = os.path.relpath(target, folder).split(os.sep)
    if parts[0] == SIGNOFFS:
        return ("signoffs-file", f"{what} '{url}' is in the signoffs/ folder, which sign-offs do not cover",
                "move the file to another folder of the report, such as images/")
    hidden = next((part for part in parts if is_ignored(part)), None)
    if hidden is not None:
        return ("hidden-file",
                f"{what} '{url}' names a hidden or temporary file ('{hidden}'), which sign-offs do not "
                "cover: it could change after the gatekeepers signed",
                "rename the file without the leading '.' (or the ending like '~' or '.bak') and refer to the new name")
    return None


def _image_problems(report: Report, url: str, limits: dict[str, object],
                    seen: dict[str, list[images.Problem]]) -> list[images.Problem]:
    path = Path(os.path.normpath(os.path.join(os.path.abspath(report.dir), local_path(url.strip()))))
    key = str(path)
    if key not in seen:
        if not path.exists():
            seen[key] = [images.Problem("missing-image", "does not exist",
                                        "check the spelling and the folder: the path is relative to "
                                        "the report folder, and capital letters matter")]
        elif not path.is_file():
            seen[key] = [images.Problem("missing-image", "is a folder or a device, not an image file",
                                        "refer to the image file itself, like images/chart.png")]
        else:
            seen[key] = images.inspect(path, limits)
    return seen[key]


def _targets(report: Report) -> Iterator[tuple[Token, Token, str, bool]]:
    """(block, token, url, is_image) for every image and link in the body."""
    for block in report.tokens:
        for child in inline_tokens(block):
            if child.type == "image":
                yield block, child, str(child.attrs.get("src", "")), True
            elif child.type == "link_open":
                yield block, child, str(child.attrs.get("href", "")), False


def _source_outside(report: Report) -> list[Finding]:
    """report.md itself must not be a link to a file elsewhere (it would be published)."""
    if _is_inside(os.path.realpath(report.path), os.path.realpath(report.dir)):
        return []
    return [report.finding(ID, "symlink-outside", 1, 1,
                           f"{report.path.name} is a symbolic link to a file outside the report folder",
                           "replace the link with the file itself")]


def run(report: Report, context: Context) -> list[Finding]:
    limits = {**DEFAULT_LIMITS, **dict((context.policy.get("limits") or {}).get("images", {}))}
    findings: list[Finding] = _source_outside(report)
    seen: dict[str, list[images.Problem]] = {}
    cursors: dict[int, int] = {}
    for block, _token, url, is_image in _targets(report):
        cursor = cursors.get(id(block), 0)
        for needle in dict.fromkeys((unquote(url), local_path(url), url)):
            line, col, end = find_in_block(report, block, needle, cursor)
            if end != cursor:
                break
        cursor = end
        cursors[id(block)] = cursor
        if is_image and not url.strip():
            findings.append(report.finding(ID, "missing-image", line, col, "the image names no file",
                                           "write ![description](images/name.png)"))
            continue
        if not url.strip():
            findings.append(report.finding(ID, "empty-link", line, col, "the link has no address",
                                           "put the address in the brackets: [text](https://...) or "
                                           "[text](#section-id)"))
            continue
        problem = _where_problem(report, url, is_image)
        if problem:
            findings.append(report.finding(ID, problem[0], line, col, problem[1], problem[2]))
            continue
        if not is_image or url_scheme(url) in _HTML_GATE_SCHEMES:
            continue
        for p in _image_problems(report, url, limits, seen):
            message = f"the image '{unquote(url)}' {p.message}"
            if p.severity == "warning":
                findings.append(warning(ID, p.rule, report.display, line, col, message, p.hint))
            else:
                findings.append(report.finding(ID, p.rule, line, col, message, p.hint))
    return findings


GATE = Gate(ID, "Images and local links stay in the report folder; images are safe, "
                "allowed types within size limits", run)
