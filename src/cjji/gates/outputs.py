"""Gate `outputs`: check the files `cjji build` produced, as a reader's software will see them.

Unlike the other gates it reads files, so it is not in the ALL list that `cjji check` runs:
`cjji build` reads each file as its builder writes it (`ReaderChecks`, the same checks as
`run(report, files)`, which publishing calls on what it has built). Word: the file opens, has a
title, authors and the en-GB language, real Heading styles, repeating table header rows and alt
text on every image. PDF: tagged (StructTreeRoot, MarkInfo /Marked), /Lang, the title shown in the
window (DisplayDocTitle) and /Alt on every Figure. HTML: cjji.build.html_check's findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
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
    with ReaderChecks(report, policy, static=static) as checks:
        for fmt, path in files.items():
            checks.file_written(fmt, path)
        return checks.findings(files)


class ReaderChecks:
    """The reader checks of one build, begun before its files exist: `file_written(format, path)`
    (cjji.build.build_report's `on_built`) says a file is there; once only one of the formats being
    built (`building`) is still to come, the source's items are worked out in a thread and each
    file written is read (and compared with them) in its own thread, the last one as soon as it
    is written; `findings(files)` waits for what is left. Nothing is skipped or weakened by
    starting early: every file gets exactly the checks `reader_findings` gives it.

    Threads. PDFium is not thread-safe, and pypdfium2 frees its objects in finalisers that run on
    whatever thread collects them: reading the PDF beside the others once crashed the process (a
    segfault in a test run) when a PDFium object outlived its reader. So only the PDF's reading
    thread ever calls PDFium, and readback.read_pdf closes every PDFium object it opens, in that
    thread, even on an error: no finaliser is left to run elsewhere. The PDF's structure tree
    (pikepdf/qpdf), the Word and HTML readers (lxml) never touch PDFium; all run side by side
    (PDFium and lxml work outside Python's lock). Leaving the `with` block waits for every reader
    still running, so no thread outlives the checks (a failed build discards what they found)."""

    def __init__(self, report: Report | None, policy: Any = None, *, static: bool = True,
                 building: tuple[str, ...] = ()) -> None:
        from concurrent.futures import ThreadPoolExecutor
        from threading import Lock

        from cjji.build import readback

        if report is not None and policy is None:
            policy = _policy_for(report)
        self.report, self.policy, self.static = report, policy, static
        self.margins = _bands(policy) if report is not None else (0.0, 0.0)
        self.language = LANGUAGE
        self.footer = readback.FOOTER
        if report is not None and policy is not None:
            from cjji.blocks import MissingText, labels_of
            from cjji.build.publication import page_words

            labels = labels_of(policy, report)
            self.language = labels.language  # cy for a Welsh edition
            try:
                words = page_words(str(labels.text("page", "footer")))  # "Tudalen 3 o 10"
                self.footer = readback.footer_pattern(words[0], words[1])
            except MissingText:  # every builder needs the words too: the build stops with the located error
                pass
        # one thread for the source, one per format, and one more for the PDF's structure tree:
        # a reader waiting for the source's items never holds up another
        self._pool = ThreadPoolExecutor(max_workers=5, thread_name_prefix="cjji-reader")
        self._lock = Lock()
        self._source: Future[tuple[list[Any], list[Any], list[Any], int]] | None = None
        self._done: dict[str, Future[list[Finding]]] = {}
        # While two or more builders are still at work (`building`: the formats being built), the
        # readers wait: the builders' own Python (the PDF's Typst source, the Word file's
        # post-processing) is the build's critical path, and a reader would only take Python's lock
        # from it. Once one builder is left (the PDF, its time spent in the Typst child process),
        # the source's items and every file already written are read at once.
        self._waiting = set(building)
        self._held: dict[str, Path] = {}
        if len(self._waiting) <= 1:
            self._release()

    def __enter__(self) -> ReaderChecks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for every reader still running (and drop those not started)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _source_items(self) -> tuple[list[Any], list[Any], list[Any], int]:
        """(body items, footnote items, labels, footnotes expected) of the report as its writers
        were given it (cjji.build.readback)."""
        from cjji.build import readback

        report, policy = self.report, self.policy
        if report is None:
            return [], [], [], 0
        from cjji.build.brand import load_brand
        from cjji.build.publication import resolved_tokens
        from cjji.markdown import parse

        annex = _annex(report, policy)
        annex_tokens = parse(annex) if annex else None  # parsed once for the items and the labels
        tokens = resolved_tokens(report, policy, load_brand(policy.root))  # what the writers were given
        body, notes = readback.report_items(report, annex, tokens, annex_tokens=annex_tokens)
        labels = _labels(report, tokens, policy, annex, annex_tokens)
        return body, notes, labels, readback.note_count(report.tokens)

    def file_written(self, fmt: str, path: Path) -> None:
        """Start reading `path` (format `fmt`), or hold it until one builder is left; safe to call
        from any thread, once per format (a second call is ignored)."""
        with self._lock:
            if fmt in self._done or fmt in self._held:
                return
            self._waiting.discard(fmt)
            if self._source is None:
                self._held[fmt] = path
                if len(self._waiting) <= 1:
                    self._release()
                return
            self._submit(fmt, path)

    def findings(self, files: dict[str, Path]) -> list[Finding]:
        """Every file's findings, in the order of `files` (a format not yet started is read now)."""
        with self._lock:
            if self._source is None:
                self._release()
        for fmt, path in files.items():
            self.file_written(fmt, path)
        return [f for fmt in files for f in self._done[fmt].result()]

    def _release(self) -> None:
        """Start the source's items and every file held back (called with the lock held)."""
        self._source = self._pool.submit(self._source_items)
        for fmt, path in self._held.items():
            self._submit(fmt, path)
        self._held.clear()

    def _submit(self, fmt: str, path: Path) -> None:
        if fmt == "pdf":
            structure = self._pool.submit(self._pdf_structure, path) if self.static else None
            self._done[fmt] = self._pool.submit(self._check_pdf, path, structure)
        else:
            self._done[fmt] = self._pool.submit(self._check_other, fmt, path)

    def _check_other(self, fmt: str, path: Path) -> list[Finding]:
        read = _read_other_file(fmt, path, self.language, self.static)
        return self._compare(fmt, path, read)

    def _pdf_structure(self, path: Path) -> tuple[list[Finding], list[Any]]:
        """The PDF's own checks and its structure tree's figures (pikepdf: never PDFium)."""
        figures: list[Any] = []
        return pdf_findings(path, figures, self.language), figures

    def _check_pdf(self, path: Path, structure: Future[tuple[list[Finding], list[Any]]] | None) -> list[Finding]:
        from cjji.build import readback

        try:  # the only place PDFium is called
            reading: Any = readback.read_pdf(path, self.margins)
        except Exception as exc:  # a file a reader's software cannot read at all
            reading = exc
        found, figures = structure.result() if structure is not None else ([], [])
        if any(f.rule.endswith("-unreadable") for f in found):
            return found  # pikepdf could not open it: said once, plainly
        return self._compare("pdf", path, (found, reading if isinstance(reading, Exception) else (reading, figures)))

    def _compare(self, fmt: str, path: Path, read: tuple[list[Finding], Any]) -> list[Finding]:
        assert self._source is not None, "released before any file is read"
        body, notes, labels, expected = self._source.result()
        return _compare(fmt, path, read, body, notes, labels, expected, self.margins, self.footer)


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
