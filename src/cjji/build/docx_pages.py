"""Page numbers in a built Word file's contents, from LibreOffice (opt-in: `cjji build --word-page-numbers`).

A built .docx carries its contents as a TOC field whose stored result lists the chapters without
page numbers (cjji.build.docx.fill_contents): only a layout engine knows them, and Word fills them
in when it updates the field on opening (w:updateFields). Viewers that never update fields (the
review copy sent to an inspected body, previews, LibreOffice) show no numbers. This module asks
LibreOffice for them:

1. a copy of the document gets a bookmark of its own inside each contents entry's heading and at
   the start of each section (LibreOffice drops pandoc's bookmarks that sit between a table and
   the heading, so those are not relied on), and a placeholder number in each entry, so that the
   copy is laid out as the numbered file will be;
2. `soffice --headless` turns the copies into PDF, all in one run, with a private temporary
   profile, offline (cjji.build.sandbox.run_limited: `unshare -rn` where the kernel allows, proxies
   pointing nowhere) and within checks/limits.yml's build time limit; the bookmarks become named
   destinations (ExportBookmarksToPDFDestination), read with pikepdf;
3. each page is given the number printed on it, from the sections' w:pgNumType (the cover is i,
   the front matter ii, iii ... in roman, the body restarts at 1, as cjji.build.docx numbers them);
4. the numbers are written after a tab into the TOC field's stored result of the original file
   (the "toc 1"/"toc 2" styles carry a right-aligned tab stop with a dot leader at the text
   width); only word/document.xml changes, every other part keeps its bytes, and the file is
   replaced atomically (cjji.atomic).

The numbered file depends on LibreOffice's version and fonts, so it is never what is published:
`cjji publish` and `cjji verify-site` build the Word file without it and compare SHA-256.
Bad input (not a Word file, no contents, LibreOffice missing or failing) is a PageNumberError
naming the file, never a traceback, and leaves the file as it was.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
import zlib
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cjji import atomic
from cjji.build.docx import normalise_zip
from cjji.build.sandbox import DEFAULT_LIMITS, LimitError, ToolError, run_limited
from cjji.findings import Finding, display_path, error

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
MAX_PART_BYTES = 256 * 1024 * 1024  # an uncompressed document.xml larger than this is refused (zip bombs)
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # and a whole file larger than this uncompressed
UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError, ValueError,
              zlib.error)
MARK = "cjjiPage"  # prefix of the bookmarks added to the rendering copy
PLACEHOLDER = "888"  # as wide as most page numbers: the copy's contents wrap as the numbered file's will
PDF_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
GATE = "build"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class PageNumberError(Exception):
    """Why a file's contents could not be given page numbers; `finding` names the file."""

    def __init__(self, path: Path, rule: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.finding: Finding = error(GATE, rule, display_path(path), 0, 0, message, hint)


@dataclass
class Numbered:
    """What was written into one file: the contents entries' texts and printed page numbers, and
    the entries LibreOffice gave no page for (left without a number)."""

    path: Path
    entries: list[tuple[str, str]]
    missing: list[str]


@dataclass
class _Parsed:
    path: Path
    data: bytes
    root: etree._Element
    entries: list[tuple[etree._Element, etree._Element]]  # (contents paragraph, its hyperlink)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


def _serialise(root: etree._Element) -> bytes:
    # as python-docx writes its parts, so an unchanged tree gives back the same bytes
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))


def _read(path: Path) -> _Parsed:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PageNumberError(path, "word-pages-read", f"the Word file could not be read: {exc.strerror}") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo(DOCUMENT)
        total = sum(i.file_size for i in archive.infolist())
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise PageNumberError(path, "word-pages-read", f"the Word file is {total} bytes uncompressed "
                                  f"({DOCUMENT} {info.file_size}), more than this step reads "
                                  f"({MAX_TOTAL_BYTES}, and {MAX_PART_BYTES} for {DOCUMENT})")
        xml = archive.read(DOCUMENT)
    except PageNumberError:
        raise
    except UNREADABLE:
        raise PageNumberError(path, "word-pages-read", "this is not a Word file that cjji built (no readable "
                              f"{DOCUMENT} in a zip)", "build it again with `cjji build`") from None
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PageNumberError(path, "word-pages-read", f"{DOCUMENT} is not well-formed XML: {exc}",
                              "build it again with `cjji build`") from None
    entries = _contents_entries(root)
    if not entries:
        raise PageNumberError(path, "word-pages-contents", "the Word file has no contents field with entries",
                              "cjji builds one in every report; build it again with `cjji build`")
    return _Parsed(path, data, root, entries)


def _contents_entries(root: etree._Element) -> list[tuple[etree._Element, etree._Element]]:
    """The contents entries (paragraph, hyperlink to the heading's bookmark) in the stored result
    of the document's first TOC field, in order."""
    body = root.find(w("body"))
    if body is None:
        return []
    paragraphs = list(body.iter(w("p")))
    start = None
    for n, para in enumerate(paragraphs):
        if any((t.text or "").strip().startswith("TOC") for t in para.iter(w("instrText"))):
            start = n
            break
    if start is None:
        return []
    entries = []
    for para in paragraphs[start:]:
        for link in para.iter(w("hyperlink")):
            if link.get(w("anchor")):
                entries.append((para, link))
                break
        if any(c.get(w("fldCharType")) == "end" for c in para.iter(w("fldChar"))):
            break
    return entries


def entry_text(link: etree._Element) -> str:
    """A contents entry's text, without a page number written after its tab."""
    parts = []
    for run in link.iter(w("r")):
        if run.find(w("tab")) is not None:
            break
        parts += [t.text or "" for t in run.iter(w("t"))]
    return "".join(parts).strip()


def entry_number(link: etree._Element) -> str:
    """The page number written after a contents entry's tab ('' if none)."""
    after = False
    parts = []
    for run in link.iter(w("r")):
        if run.find(w("tab")) is not None:
            after = True
        elif after:
            parts += [t.text or "" for t in run.iter(w("t"))]
    return "".join(parts).strip()


def _set_number(link: etree._Element, number: str) -> None:
    """Put `number` after a tab at the end of the entry's hyperlink (Word keeps it inside the link),
    replacing a number written before."""
    runs = link.findall(w("r"))
    for k, run in enumerate(runs):
        if run.find(w("tab")) is not None:
            for old in runs[k:]:
                link.remove(old)
            break
    if not number:
        return
    tab_run = etree.SubElement(link, w("r"))
    etree.SubElement(tab_run, w("tab"))
    number_run = etree.SubElement(link, w("r"))
    text = etree.SubElement(number_run, w("t"))
    text.text = number


def _bookmark(para: etree._Element, name: str, ident: int) -> None:
    start = etree.Element(w("bookmarkStart"))
    start.set(w("id"), str(ident))
    start.set(w("name"), name)
    end = etree.Element(w("bookmarkEnd"))
    end.set(w("id"), str(ident))
    ppr = para.find(w("pPr"))
    at = 1 if ppr is not None and para.index(ppr) == 0 else 0
    para.insert(at, end)
    para.insert(at, start)


def _headings(body: etree._Element) -> dict[str, etree._Element]:
    """Bookmark name -> the paragraph it marks: the one holding it, or the next one after it."""
    found: dict[str, etree._Element] = {}
    for mark in body.iter(w("bookmarkStart")):
        name = mark.get(w("name")) or ""
        if not name or name in found:
            continue
        parent = mark.getparent()
        if parent is not None and parent.tag == w("p"):
            found[name] = parent
            continue
        following = mark.getnext()
        while following is not None and following.tag != w("p"):
            following = following.getnext()
        if following is not None:
            found[name] = following
    return found


@dataclass
class _Section:
    mark: str  # bookmark at its first paragraph ('' for the first section: page 1)
    fmt: str
    start: int | None  # w:pgNumType/@w:start, or None to continue from the section before


def _rendering_copy(parsed: _Parsed) -> tuple[bytes, list[str], list[_Section]]:
    """The document with a bookmark in each entry's heading and at each section's start, and a
    placeholder number in each entry. Returns (docx bytes, entry marks ('' if its heading was not
    found), sections in order)."""
    root = deepcopy(parsed.root)
    body = root.find(w("body"))
    assert body is not None  # _contents_entries found entries in it
    entries = _contents_entries(root)
    ids = [int(v) for m in root.iter(w("bookmarkStart")) if (v := m.get(w("id")) or "").isdigit()]
    next_id = max(ids, default=0) + 100000
    marks: list[str] = []
    headings = _headings(body)
    for n, (_, link) in enumerate(entries):
        _set_number(link, PLACEHOLDER)
        heading = headings.get(link.get(w("anchor")) or "")
        if heading is None:
            marks.append("")
            continue
        name = f"{MARK}{n}"
        _bookmark(heading, name, next_id)
        next_id += 1
        marks.append(name)
    sections = [_Section("", "decimal", None)]
    pending = False  # the paragraph after a section break starts the next section
    for para in list(body.iter(w("p"))):
        if pending:
            name = f"{MARK}S{len(sections) - 1}"
            _bookmark(para, name, next_id)
            next_id += 1
            sections[-1].mark = name
            pending = False
        sect = para.find(f"{w('pPr')}/{w('sectPr')}")
        if sect is not None:
            _numbering(sections[-1], sect)
            sections.append(_Section("", "decimal", None))
            pending = True
    final = body.find(w("sectPr"))
    if final is not None:
        _numbering(sections[-1], final)
    data = normalise_zip(parsed.data, {DOCUMENT: _serialise(root)})
    return data, marks, sections


def _numbering(section: _Section, sect: etree._Element) -> None:
    numbers = sect.find(w("pgNumType"))
    if numbers is None:
        return
    section.fmt = numbers.get(w("fmt")) or "decimal"
    start = numbers.get(w("start")) or ""
    section.start = int(start) if start.isdigit() else None


def roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _printed(number: int, fmt: str) -> str:
    if fmt == "lowerRoman":
        return roman(number)
    if fmt == "upperRoman":
        return roman(number).upper()
    return str(number)


def page_labels(sections: list[_Section], starts: list[int | None], pages: int) -> list[str]:
    """The number printed on each of `pages` pages (0-based index -> label), given each section's
    first page (the first section's is 0; None if unknown, when its pages count as the section
    before's) and numbering, as Word counts: a section with a start restarts there, one without
    continues from the page before."""
    begins: dict[int, list[int]] = {}
    for k, start in enumerate(starts):
        if start is not None:
            begins.setdefault(0 if k == 0 else start, []).append(k)
    labels: list[str] = []
    number, fmt = 0, "decimal"
    for page in range(pages):
        for k in begins.get(page, []):
            section = sections[k]
            fmt = section.fmt
            if section.start is not None:
                number = section.start - 1
        number += 1
        labels.append(_printed(number, fmt))
    return labels


def _destinations(pdf_path: Path) -> tuple[dict[str, int], int]:
    """Named destination -> 0-based page index, and the page count, of a PDF LibreOffice wrote."""
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        pages: dict[tuple[int, int], int] = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        found: dict[str, int] = {}
        items: list[tuple[str, object]] = []
        if "/Dests" in pdf.Root:
            items += [(str(k), v) for k, v in pdf.Root.Dests.items()]
        names = pdf.Root.get("/Names")
        if names is not None and "/Dests" in names:
            items += [(str(k), v) for k, v in pikepdf.NameTree(names.Dests).items()]
        for key, value in items:
            target = value.get("/D") if isinstance(value, pikepdf.Dictionary) else value
            if isinstance(target, pikepdf.Array) and len(target) and isinstance(target[0], pikepdf.Dictionary):
                page = pages.get(target[0].objgen)
                if page is not None:
                    found[key.removeprefix("/")] = page
        return found, len(pdf.pages)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _render(copies: list[Path], outdir: Path, profile: Path, seconds: int, soffice: str) -> str:
    """Run LibreOffice once over every copy; returns its error output (empty if it said nothing)."""
    command = [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", PDF_FILTER, "--outdir", str(outdir),
               *map(str, copies)]
    done = run_limited(command, b"", seconds, "LibreOffice", "build.seconds")
    said = (done.stderr + done.stdout).decode("utf-8", "replace").splitlines()
    return " ".join(line for line in said if "javaldx" not in line and not line.startswith("convert "))


def add_page_numbers(paths: list[Path], seconds: int = DEFAULT_LIMITS["seconds"], soffice: str | None = None
                     ) -> tuple[list[Numbered], list[PageNumberError]]:
    """Write the page numbers LibreOffice lays out into the contents of each Word file in `paths`.
    Returns what was written and, for each file that could not be numbered, why (that file is
    left byte for byte as it was). LibreOffice runs once for all of them."""
    done: list[Numbered] = []
    problems: list[PageNumberError] = []
    parsed: list[_Parsed] = []
    for path in paths:
        try:
            parsed.append(_read(path))
        except PageNumberError as exc:
            problems.append(exc)
    if not parsed:
        return done, problems
    program = shutil.which(soffice) if soffice else soffice_path()
    if program is None:
        for item in parsed:
            problems.append(PageNumberError(
                item.path, "word-pages-soffice", "LibreOffice (soffice) is not installed, so the contents' page "
                "numbers cannot be worked out; the Word file is unchanged (Word fills them in on opening)",
                "install LibreOffice Writer (Debian: apt-get install libreoffice-writer), or build without "
                "--word-page-numbers"))
        return done, problems
    with tempfile.TemporaryDirectory(prefix="cjji-word-pages-") as tmp:
        work = Path(tmp)
        copies: list[tuple[_Parsed, Path, list[str], list[_Section]]] = []
        for n, item in enumerate(parsed):
            try:
                data, marks, sections = _rendering_copy(item)
            except UNREADABLE:  # another part of the zip is damaged (normalise_zip reads them all)
                problems.append(_damaged(item.path))
                continue
            copy = work / f"{n}.docx"
            copy.write_bytes(data)
            copies.append((item, copy, marks, sections))
        if not copies:
            return done, problems
        try:
            said = _render([c for _, c, _, _ in copies], work / "pdf", work / "profile", seconds, program)
        except (LimitError, ToolError) as exc:
            for item, *_ in copies:
                problems.append(PageNumberError(item.path, "word-pages-soffice", f"{exc}; the Word file is unchanged",
                                                "try again, or build without --word-page-numbers"))
            return done, problems
        for item, copy, marks, sections in copies:
            pdf = work / "pdf" / (copy.stem + ".pdf")
            try:
                dests, pages = _destinations(pdf)
            except Exception:  # no PDF, or one pikepdf cannot read: LibreOffice could not lay it out
                detail = " ".join(said.split())[-300:]
                problems.append(PageNumberError(
                    item.path, "word-pages-soffice", "LibreOffice could not lay out the Word file"
                    + (f" ({detail})" if detail else "") + "; the Word file is unchanged",
                    "open it in LibreOffice to see why, or build without --word-page-numbers"))
                continue
            if not any(dests.get(m) is not None for m in marks if m):
                problems.append(PageNumberError(
                    item.path, "word-pages-soffice", "LibreOffice laid out the Word file but placed none of the "
                    "headings its contents lists; the Word file is unchanged",
                    "the contents' links must point at the headings' bookmarks, as cjji builds them"))
                continue
            try:
                done.append(_write(item, marks, sections, dests, pages))
            except UNREADABLE:
                problems.append(_damaged(item.path))
    return done, problems


def _damaged(path: Path) -> PageNumberError:
    return PageNumberError(path, "word-pages-read", "a part of the Word file cannot be read (the zip is damaged); "
                           "the Word file is unchanged", "build it again with `cjji build`")


def _write(item: _Parsed, marks: list[str], sections: list[_Section], dests: dict[str, int], pages: int) -> Numbered:
    starts = [0] + [dests.get(s.mark) if s.mark else None for s in sections[1:]]
    labels = page_labels(sections, starts, pages)
    entries: list[tuple[str, str]] = []
    missing: list[str] = []
    for (_, link), mark in zip(item.entries, marks, strict=True):
        text = entry_text(link)
        page = dests.get(mark) if mark else None
        number = labels[page] if page is not None and 0 <= page < len(labels) else ""
        _set_number(link, number)
        if number:
            entries.append((text, number))
        else:
            missing.append(text)
    atomic.write_bytes(item.path, normalise_zip(item.data, {DOCUMENT: _serialise(item.root)}))
    return Numbered(item.path, entries, missing)
