"""Gate `outputs`: check the files `cjji build` produced, as a reader's software will see them.

Unlike the other gates it reads files, so it is not in the ALL list that `cjji check` runs:
`cjji build` calls `run(report, files)` on what it has just written. Word: the file opens, has a
title, authors and the en-GB language, real Heading styles, repeating table header rows and alt
text on every image. PDF: tagged (StructTreeRoot, MarkInfo /Marked), /Lang, the title shown in the
window (DisplayDocTitle) and /Alt on every Figure. HTML: cjji.build.html_check's findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjji.findings import Finding, error
from cjji.report import Report, display_path

ID = "outputs"
DESCRIPTION = "the built Word, PDF and HTML files carry their title, language, tags and alt text"
LANGUAGE = "en-GB"

if TYPE_CHECKING:
    from markdown_it.token import Token


def _problem(path: Path, rule: str, message: str, hint: str = "") -> Finding:
    return error(ID, rule, display_path(path), 0, 0, message, hint)


def docx_findings(path: Path, language: str = LANGUAGE) -> list[Finding]:
    from docx import Document
    from docx.oxml.ns import qn

    try:
        doc = Document(str(path))
    except Exception as exc:  # a broken zip or XML: any reader would fail too
        return [_problem(path, "docx-unreadable", f"the Word file does not open: {exc}")]
    found = []
    props = doc.core_properties
    if not (props.title or "").strip():
        found.append(_problem(path, "docx-title", "the Word file has no title property"))
    if not (props.author or "").strip():
        found.append(_problem(path, "docx-author", "the Word file does not name the inspectorates as authors"))
    if props.language != language:
        found.append(_problem(path, "docx-language", f"the Word file's language is '{props.language}', not {language}"))
    if (props.last_modified_by or "").strip():
        found.append(_problem(path, "docx-personal-data",
                              f"the Word file names whoever built it ('{props.last_modified_by}')"))
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is None or lang.get(qn("w:val")) != language:
        found.append(_problem(path, "docx-language", f"the Word text is not marked as {language}"))
    body = doc.element.body
    for prop in body.iter(qn("wp:docPr")):
        if not (prop.get("descr") or "").strip():
            found.append(_problem(path, "docx-alt", f"an image ('{prop.get('name', '')}') has no alt text",
                                  "give every image alt text: ![what the image shows](images/file.png)"))
    for table in body.iter(qn("w:tbl")):
        first = table.find(qn("w:tr"))
        if first is None or first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None:
            found.append(_problem(path, "docx-table-header", "a table's header row is not marked to repeat"))
    names = {s.get(qn("w:styleId")): s.find(qn("w:name")) for s in doc.styles.element.iter(qn("w:style"))}
    used = {e.get(qn("w:val")) for e in body.iter(qn("w:pStyle"))}  # read once: python-docx's per-paragraph
    styles = {names[u].get(qn("w:val")) for u in used if names.get(u) is not None}  # lookup is slow
    if not any(name.startswith(("Heading ", "heading ")) for name in styles):
        found.append(_problem(path, "docx-headings", "the Word file has no Heading styles"))
    return found


def _struct_elements(root: Any) -> Iterator[Any]:
    """Every structure element under StructTreeRoot (iteratively: deep trees are fine)."""
    import pikepdf

    stack = [root.get("/K")]
    seen: set[tuple[int, int]] = set()
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if node.get("/Type") in (None, "/StructElem") and "/S" in node:
            yield node
            stack.append(node.get("/K"))


def pdf_findings(path: Path, figures: list[Any] | None = None, language: str = LANGUAGE) -> list[Finding]:
    """The PDF's own checks; each Figure's page and box go into `figures` (readback.PdfFigure)."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except Exception as exc:
        return [_problem(path, "pdf-unreadable", f"the PDF does not open: {exc}")]
    with pdf:
        found = []
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        if tree is None:
            found.append(_problem(path, "pdf-untagged", "the PDF has no structure tree (it is not tagged)"))
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            found.append(_problem(path, "pdf-marked", "the PDF is not marked as tagged (MarkInfo /Marked)"))
        lang = str(root.get("/Lang", ""))
        if not lang.lower().startswith(language.split("-")[0].lower()):
            found.append(_problem(path, "pdf-language", f"the PDF's language is '{lang}', not {language}"))
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            found.append(_problem(path, "pdf-title-shown", "the PDF viewer shows the file name, not the title"))
        title = pdf.open_metadata().get("dc:title", "")  # read only: no `with`, which writes it back
        if not str(title).strip() and not str(pdf.docinfo.get("/Title", "")).strip():
            found.append(_problem(path, "pdf-title", "the PDF has no title"))
        if tree is not None:  # figures without alt text, markup inside table cells, TH without scope
            from cjji.build.readback import structure

            found.extend(structure(pdf, display_path(path), figures))
        return found


def html_hook() -> Callable[[Path], list[Finding]]:
    """cjji.build.html_check.html_findings (imported when first used; a failed import is a crash,
    never HTML that silently goes unchecked)."""
    from cjji.build.html_check import html_findings

    return html_findings


def html_findings(path: Path) -> list[Finding]:
    return html_hook()(path)


CHECKS: dict[str, Callable[[Path], list[Finding]]] = {
    "docx": docx_findings,
    "pdf": pdf_findings,
    "html": html_findings,
}


def reader_findings(report: Report | None, files: dict[str, Path], policy: Any = None, *,
                    static: bool = False) -> list[Finding]:
    """What a reader of each built file would notice (cjji.build.readback): overprinted or lost
    text, a missing footer, list markup inside table cells, an empty Word contents. The formats
    are read side by side in threads (PDFium and lxml work outside Python's lock)."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from cjji.build import readback

    if report is not None and policy is None:
        policy = _policy_for(report)
    margins = _bands(policy) if report is not None else (0.0, 0.0)
    language = LANGUAGE
    footer = readback.FOOTER
    if report is not None and policy is not None:
        from cjji.blocks import labels_of
        from cjji.build.publication import page_words

        language = labels_of(policy, report).language  # cy for a Welsh edition
        words = page_words(str(labels_of(policy, report).text("page", "footer")))  # "Tudalen 3 o 10"
        footer = readback.footer_pattern(words[0], words[1])
    pool = ThreadPoolExecutor(max_workers=max(len(files), 1))
    # Every file is opened and read first, in its own thread, while the source's items are worked
    # out here; the comparisons (pure Python) follow here once both are ready.
    # PDFium is not thread-safe, and pypdfium2 frees its objects in finalisers that run on whatever
    # thread collects them: reading the PDF beside the others once crashed the process (a segfault
    # in a test run) when a PDFium object outlived its reader. So only the PDF's thread ever calls
    # PDFium, and readback.read_pdf closes every PDFium object it opens, in that thread, even on an
    # error: no finaliser is left to run elsewhere. The Word and HTML readers (lxml) never touch
    # PDFium, and all three run side by side (PDFium and lxml work outside Python's lock).
    with pool:
        readings: dict[str, Future[tuple[list[Finding], Any]]] = {}
        if "pdf" in files:
            readings["pdf"] = pool.submit(_read_pdf_file, files["pdf"], margins, language, static)
        readings.update({fmt: pool.submit(_read_other_file, fmt, path, language, static)
                         for fmt, path in files.items() if fmt != "pdf"})

        body: list[readback.Item] = []
        notes: list[readback.Item] = []
        labels: list[readback.Item] = []
        if report is not None:
            from cjji.build.brand import load_brand
            from cjji.build.publication import resolved_tokens
            from cjji.markdown import parse

            annex = _annex(report, policy)
            annex_tokens = parse(annex) if annex else None  # parsed once for the items and the labels
            tokens = resolved_tokens(report, policy, load_brand(policy.root))  # what the writers were given
            body, notes = readback.report_items(report, annex, tokens, annex_tokens=annex_tokens)
            labels = _labels(report, tokens, policy, annex, annex_tokens)
        notes_expected = readback.note_count(report.tokens) if report is not None else 0
        found = {fmt: _compare(fmt, path, readings[fmt].result(), body, notes, labels, notes_expected, margins,
                               footer)
                 for fmt, path in files.items() if fmt in readings}
    return [f for fmt in files for f in found.get(fmt, [])]


def _compare(fmt: str, path: Path, read: tuple[list[Finding], Any], body: list[Any], notes: list[Any],
             labels: list[Any], notes_expected: int, margins: tuple[float, float], footer: Any) -> list[Finding]:
    """A format's findings: its own checks (read in its thread), then what its reading (or the
    exception that stopped it) shows against the source's items."""
    from cjji.build import readback

    shown = display_path(path)
    found, reading = read
    found = list(found)
    if reading is None or (fmt == "html" and not body):
        return found  # an unreadable file (already reported), or nothing to compare
    if isinstance(reading, Exception):
        if not any(f.rule.endswith("-unreadable") for f in found):
            found.append(_problem(path, f"{fmt}-unreadable", f"the {fmt} file cannot be read back: {reading}"))
        return found
    try:
        if fmt == "pdf":
            pdf, figures = reading
            found += readback.geometry(pdf, shown, body + notes, footer)
            found += readback.figure_gaps(pdf, figures, margins, shown)
            if body:
                text = pdf.text(skip_front=True)
                found += readback.coverage(body, text, "PDF", shown)
                found += readback.coverage(notes, text, "PDF", shown)
                found += readback.coverage(labels, text, "PDF", shown, jumps=0)
        elif fmt == "docx":
            text, note_text, entries, note_count = reading
            found += readback.contents(entries, body, shown)
            if body:
                found += readback.coverage(body, text, "Word file", shown)
                found += readback.coverage(notes, note_text, "Word file", shown)
                found += readback.coverage(labels, text, "Word file", shown, jumps=0)
                found += readback.note_counts(notes_expected, note_count, "Word file", shown)
        elif fmt == "html":
            text, note_text, note_count = reading
            found += readback.coverage(body, text, "HTML page", shown)
            found += readback.coverage(notes, note_text, "HTML page", shown)
            found += readback.coverage(labels, text, "HTML page", shown, jumps=0)
            found += readback.note_counts(notes_expected, note_count, "HTML page", shown)
    except Exception as exc:  # a file a reader's software cannot read at all
        found.append(_problem(path, f"{fmt}-unreadable", f"the {fmt} file cannot be read back: {exc}"))
    return found


def _read_other_file(fmt: str, path: Path, language: str, static: bool) -> tuple[list[Finding], Any]:
    """A Word or HTML file's own checks (if `static`) and its reading: (text, footnote text,
    contents entries, footnote count) or (text, footnote text, footnote count); None after an
    unreadable finding, or the exception that stopped the reading. Never calls PDFium."""
    from cjji.build import readback

    found: list[Finding] = []
    if static and fmt == "docx":
        found += docx_findings(path, language)
    elif static and fmt in CHECKS:
        found += CHECKS[fmt](path)
    if any(f.rule.endswith("-unreadable") for f in found):
        return found, None
    try:
        if fmt == "docx":
            return found, (*readback.read_docx(path), readback.docx_note_count(path))
        if fmt == "html":
            return found, readback.read_html_notes(path)
    except Exception as exc:  # a file a reader's software cannot read at all
        return found, exc
    return found, None


def _read_pdf_file(path: Path, margins: tuple[float, float], language: str, static: bool
                   ) -> tuple[list[Finding], Any]:
    """The PDF's own checks (if `static`), and its reading with its structure tree's figures
    ((readback.PdfReading, [readback.PdfFigure]), None after an unreadable finding, or the
    exception that stopped it). The only place PDFium is called."""
    from cjji.build import readback

    found: list[Finding] = []
    figures: list[readback.PdfFigure] = []
    if static:
        found += pdf_findings(path, figures, language)
        if any(f.rule.endswith("-unreadable") for f in found):
            return found, None
    try:
        return found, (readback.read_pdf(path, margins), figures)
    except Exception as exc:  # a file a reader's software cannot read at all
        return found, exc


def _policy_for(report: Report) -> Any:
    from cjji.policy import load_policy
    from cjji.project import find_root

    try:
        return load_policy(find_root(report.dir))
    except Exception:
        return None


def _annex(report: Report, policy: Any) -> str:
    if policy is None:
        return ""
    from cjji.build.publication import annex_markdown

    try:
        return annex_markdown(report, policy)
    except Exception:
        return ""


def _labels(report: Report, tokens: list[Any], policy: Any, annex: str, annex_tokens: list[Any] | None = None
            ) -> list[Any]:
    """The labels every format must show in order (cjji.build.readback.label_items)."""
    from cjji.blocks import labels_of
    from cjji.build import readback
    from cjji.build.brand import load_brand
    from cjji.build.publication import numbering_options
    from cjji.markdown import parse

    headings, paragraphs = numbering_options(report, load_brand(policy.root)) if policy is not None else (True, True)
    # (tokens, display, line_of): the annex is generated text, with no line of the report to point at
    streams: list[tuple[list[Any], str, Callable[[Token], int] | None]] = [(tokens, report.display, report.line_of)]
    if annex:
        streams.append((annex_tokens if annex_tokens is not None else parse(annex),
                        f"{report.display} (framework annex)", None))
    return readback.label_items(streams, labels_of(policy, report), headings=headings, paragraphs=paragraphs)


def _bands(policy: Any) -> tuple[float, float]:
    """Heights (pt) of the page's top and bottom margins, where the running head and footer sit."""
    if policy is None:
        return (0.0, 0.0)
    from cjji.build.brand import load_brand

    margins = load_brand(policy.root).margins_mm
    return (float(margins["top"]) * 72 / 25.4 - 2, float(margins["bottom"]) * 72 / 25.4 - 2)


def run(report: Report, files: dict[str, Path], policy: Any = None) -> list[Finding]:
    """Findings about the files built for `report` ({format: path})."""
    return reader_findings(report, files, policy, static=True)
