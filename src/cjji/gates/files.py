"""[files] Every image and local link stays inside the report folder; images are safe to publish.

`../`, absolute paths, `file:` addresses and symbolic links leading out of the report folder are
errors, and so are images on the internet (the build would fetch them), and hidden or temporary
files (`.chart.png`, `chart.png~`) and files in signoffs/, which the sign-off digest leaves out.
Each image must exist and is checked by its content (cjji.gates.images): type, size and pixel
count from checks/limits.yml, and SVG without scripts, event handlers or external references.
A figure's data file (`{data="data/days.csv"}`) is a file the report uses too: it must be one of
the report's digested files, and a CSV every format can show (cjji.blocks.read_figure_data).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from markdown_it.token import Token
from PIL import Image, UnidentifiedImageError

from cjji import digest, resolve
from cjji.blocks import DataProblem, data_limits, read_figure_data
from cjji.build.chart import CHART_INLINE, CHART_INLINE_HINT, chart_problem, is_chart, kind_of
from cjji.build.numbering import is_figure
from cjji.digest import DigestError
from cjji.findings import Finding, warning
from cjji.gates import images
from cjji.gates.base import Context, Gate
from cjji.gates.html import url_scheme
from cjji.gates.locate import find_in_block, inline_tokens
from cjji.report import Report

ID = "files"
DEFAULT_LIMITS: dict[str, object] = {"max_bytes": 5 * 1048576, "max_pixels": 25_000_000,
                                     "max_total_pixels": 150_000_000,
                                     "types": ["png", "jpeg", "gif", "svg"]}
_HTML_GATE_SCHEMES = ("javascript", "vbscript", "data")  # the html gate reports these


def _is_inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def local_path(url: str) -> str:
    """The relative file path a URL names, as cjji.resolve reads it (for locating it in the text)."""
    try:
        return resolve.decode(url)
    except resolve.Unresolved:
        return resolve.strip_url(url)


def _where_problem(report: Report, url: str, is_image: bool) -> tuple[str, str, str] | None:
    """(rule, message, hint) if `url` is not one of the report's own digested files (images), or
    leads outside the report folder (links)."""
    what = "the image" if is_image else "the link"
    scheme = url_scheme(url)
    stripped = url.strip()
    if scheme in _HTML_GATE_SCHEMES or stripped.startswith("#"):
        return None
    remote = (len(scheme) > 1 and scheme != "file") or stripped.startswith(("//", "\\\\"))
    if remote and not is_image:
        return None  # a link to a web page
    try:
        rel = resolve.report_path(url, what)
    except resolve.Unresolved as exc:
        return exc.rule, exc.message, exc.hint
    folder = os.path.abspath(report.dir)
    target = os.path.join(folder, *rel.split("/"))
    if not _is_inside(os.path.realpath(target), os.path.realpath(folder)):
        return ("symlink-outside",
                f"{what} '{url}' goes through a symbolic link that leads outside the report folder",
                "copy the file into the report folder instead of linking to it")
    if not is_image and not os.path.lexists(target):
        return None  # a link to a file that is not there is the author's business, as before
    try:
        resolve.resolve(url, _files(report), what)
    except resolve.Unresolved as exc:
        return exc.rule, exc.message, exc.hint
    return None


def _files(report: Report) -> dict[str, Path]:
    """The report's digested files; if the folder cannot be digested (reported once by `run`),
    the regular files inside it that are not hidden, so that each image is still judged."""
    try:
        return resolve.report_files(report)
    except DigestError:
        pass
    key = "files.fallback"
    if key not in report.extra:
        folder = os.path.realpath(report.dir)
        found: dict[str, Path] = {}
        for here, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                path = Path(here) / name
                if _is_inside(os.path.realpath(path), folder) and path.is_file():
                    found[unicodedata.normalize("NFC", path.relative_to(folder).as_posix())] = path
        report.extra[key] = found
    return report.extra[key]  # type: ignore[no-any-return]


def _digest_problem(report: Report) -> list[Finding]:
    """Why the folder cannot be digested: each refused name at the line that uses it
    (cjji.digest.name_findings), else the digest's own reason at line 1."""
    try:
        resolve.report_files(report)
    except DigestError as exc:
        named = getattr(digest, "name_findings", None)
        found: list[Finding] = named(report, ID) if named is not None else []
        return found or [report.finding(ID, "bad-folder", 1, 1, f"the report folder cannot be digested: {exc}",
                               "the sign-off digest and the build read only the folder's own files: "
                               "fix this first (`cjji digest` says the same)")]
    return []


def _pixels(path: Path) -> int:
    """Width x height of a raster image from its header (0 for SVG or what Pillow cannot read)."""
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError, UnidentifiedImageError):
        return 0
    return int(width) * int(height)


def _image_problems(report: Report, url: str, limits: dict[str, object],
                    seen: dict[str, list[images.Problem]]) -> list[images.Problem]:
    found = resolve.resolve(url, _files(report))
    key = found.rel
    if key not in seen:
        seen[key] = images.inspect(found.path, limits)
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
    findings: list[Finding] = _source_outside(report) or _digest_problem(report)
    seen: dict[str, list[images.Problem]] = {}
    cursors: dict[int, int] = {}
    counted: set[str] = set()
    total = 0
    figures = {id(report.tokens[i + 1]) for i, t in enumerate(report.tokens)
               if t.type == "paragraph_open" and is_figure(report.tokens, i)}
    for block, _token, url, is_image in _targets(report):
        if is_image and "data" in _token.attrs and not is_chart(_token):
            findings += _data_findings(report, block, str(_token.attrs["data"]), data_limits(context.policy))
        cursor = cursors.get(id(block), 0)
        for needle in dict.fromkeys((local_path(url), url)):
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
        if not _token.content.strip():  # the Word and PDF builders refuse it (PDF/UA): say so here
            findings.append(report.finding(
                ID, "image-no-alt", line, col, f"the image '{local_path(url)}' has no alt text",
                "describe what the image shows inside the brackets, like ![Bar chart of days taken, by area]"
                "(images/chart.png): screen readers say it, and the PDF/UA standard requires it"))
        if is_chart(_token):  # drawn by cjji from the CSV it names (cjji.build.chart): no image to inspect
            if id(block) not in figures:
                findings.append(report.finding(ID, "chart-inline", line, col, CHART_INLINE, CHART_INLINE_HINT))
            findings += _chart_findings(report, line, col, url, kind_of(_token), data_limits(context.policy))
            continue
        problems = _image_problems(report, url, limits, seen)
        for p in problems:
            message = f"the image '{local_path(url)}' {p.message}"
            if p.severity == "warning":
                findings.append(warning(ID, p.rule, report.display, line, col, message, p.hint))
            else:
                findings.append(report.finding(ID, p.rule, line, col, message, p.hint))
        found = resolve.resolve(url, _files(report))
        if found.rel in counted or any(p.severity == "error" for p in problems):
            continue
        counted.add(found.rel)
        before, total = total, total + _pixels(found.path)
        most = int(limits.get("max_total_pixels", DEFAULT_LIMITS["max_total_pixels"]))
        if before <= most < total:
            findings.append(report.finding(
                ID, "images-too-many-pixels", line, col,
                f"with the image '{local_path(url)}' the report's images hold {total / 1e6:.0f} megapixels; "
                f"the limit for one report is {most / 1e6:.0f} megapixels (checks/limits.yml "
                "images.max_total_pixels), because building the PDF needs memory for every pixel",
                "make the images smaller (a figure rarely needs more than 2000 pixels across) or use fewer"))
    return findings


def _data_findings(report: Report, block: Token, url: str, limits: dict[str, int]) -> list[Finding]:
    """A figure's data file: inside the report folder, digested, and a CSV of categories and numbers."""
    line, col, _end = find_in_block(report, block, url, 0)
    if not line:
        line, col = (block.map[0] + 1 if block.map else 0), 1
    problem = _where_problem(report, url, False) if url.strip() else None
    if problem:
        return [report.finding(ID, problem[0], line, col, problem[1].replace("the link", "the figure's data file", 1),
                               problem[2])]
    try:
        read_figure_data(url, _files(report), limits)
    except DataProblem as exc:
        return [report.finding(ID, exc.rule, line, col, exc.message, exc.hint)]
    return []


def _chart_findings(report: Report, line: int, col: int, url: str, kind: str,
                    limits: dict[str, int]) -> list[Finding]:
    """A chart's data: a CSV of categories and numbers that cjji can draw as `kind`."""
    try:
        data = read_figure_data(url, _files(report), limits)
    except DataProblem as exc:
        return [report.finding(ID, exc.rule, line, col, exc.message, exc.hint)]
    problem = chart_problem(data, kind)
    return [report.finding(ID, problem.rule, line, col, problem.message, problem.hint)] if problem else []


GATE = Gate(ID, "Images and local links stay in the report folder; images are safe, "
                "allowed types within size limits", run)
