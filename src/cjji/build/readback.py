"""Read the built files back as a reader would, and compare them with the source.

Used by the `outputs` gate (cjji.gates.outputs) after every build:

- **PDF geometry** (pypdfium2, PDFium's text layer): no run of text overlaps a run on another line
  or is drawn on top of another run of the same line (overprinting), no text lies outside the
  page, and every page but the cover carries its footer.
- **Text coverage**: every paragraph, heading, table cell, caption and footnote of the source
  (report.md and the generated framework annex) appears, in order, in the PDF text layer, the
  Word document and the HTML page. Text is compared as letters and digits only (NFKC, case
  folded), so line breaks, hyphenation, typographic quotes and dashes do not matter. A source
  paragraph that a reader cannot find is an error naming its line in report.md.
- **Structure**: the PDF's structure tree has no list or heading inside a table cell (the source
  dialect cannot put one there), and every table header cell has a /Scope.
- **Contents**: the Word contents lists the chapters (a TOC field with a stored result).

PDFium is used rather than pdfminer.six/pdfplumber for speed: the whole reading of a 20-page
report takes about a tenth of a second, where pdfminer.six's pure-Python layout analysis takes
seconds, and the reader checks must stay a small part of a build (`make bench` reports it).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from cjji.blocks import labels_of, typed_figure_number
from cjji.build.numbering import is_figure, is_table_caption
from cjji.findings import Finding, error

GATE = "outputs"
FOOTER = re.compile(r"^\s*(Page\s+\S+(\s+of\s+\d+)?|[ivxlcdm]+)\s*$", re.IGNORECASE)


def footer_pattern(page: str = "Page", of: str = "of") -> re.Pattern[str]:
    """FOOTER in the report's language: checks/labels.yml page.footer's words ("Tudalen 3 o 10")."""
    return re.compile(rf"^\s*({re.escape(page)}\s+\S+(\s+{re.escape(of)}\s+\d+)?|[ivxlcdm]+)\s*$", re.IGNORECASE)
FORMAT_IDS = {"PDF": "pdf", "Word file": "docx", "HTML page": "html"}
ROMAN = re.compile(r"^[ivxlcdm]+$")
OVERLAP = 0.2  # share of the smaller run's box covered by another run's box that counts as overprinting
SLACK = 1.0  # points a run may reach beyond the page edge (anti-aliasing, rounding)
MAX_JUMPS = 4  # a paragraph may be split by this many page breaks, footnotes or running heads
MAX_GAP = 4000  # characters of other text one jump may pass over
MAX_REPORTED = 20  # findings of one kind per file; then one line with the count
MAX_BLANK = 0.40  # share of a page's text area that may stay empty before a figure that starts the next page


_NOT_ALNUM = re.compile(r"[\W_]+")
_NOT_ALNUM_OR_SPACE = re.compile(r"[^\w\s]+|_+")


def key(text: str) -> str:
    """Letters and digits only, NFKC-normalised and case-folded: what must match across formats."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Item:
    """A piece of source text a reader must find in every format."""

    kind: str  # paragraph, heading, cell, caption, footnote, code
    text: str
    display: str  # the file shown in findings (report.md, or "... (framework annex)")
    line: int
    level: int = 0  # a heading's level
    group: int = -1  # a table row: its cells may come in any order (a row split across pages)

    @cached_property
    def words(self) -> list[str]:
        """The text's words as `key` keeps them (one pass over the whole text, not one per word)."""
        return _NOT_ALNUM_OR_SPACE.sub("", unicodedata.normalize("NFKC", self.text).casefold()).split()


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def source_items(tokens: list[Token], display: str, line_of: Any = None) -> tuple[list[Item], list[Item]]:
    """(body items in reading order, footnote items in order) of a token stream.

    A table's caption is listed before its cells: every format shows it above the table."""
    def line(token: Token) -> int:
        if line_of is not None:
            return int(line_of(token))
        return token.map[0] + 1 if token.map else 0

    body: list[Item] = []
    notes: list[Item] = []
    kinds: list[str] = []  # open containers
    table_start: int | None = None  # index in body where the open table's items begin
    row = -1
    in_note = 0
    for i, token in enumerate(tokens):
        if token.type == "footnote_open":
            in_note += 1
        elif token.type == "footnote_close":
            in_note -= 1
        if token.type == "table_open":
            table_start = len(body)
        if token.type == "tr_open":
            row = i
        if token.nesting == 1:
            kinds.append(token.type)
        elif token.nesting == -1 and kinds:
            kinds.pop()
        if token.type in ("fence", "code_block") and token.content.strip():
            (notes if in_note else body).append(Item("code", token.content, display, line(token)))
            continue
        if token.type != "inline":
            continue
        parent = kinds[-1] if kinds else ""
        if parent == "paragraph_open" and i >= 1 and is_table_caption(tokens, i - 1):
            text = _inline_text(token).removeprefix("Table:").strip()
            if text:
                item = Item("caption", text, display, line(token))
                body.insert(table_start if table_start is not None else len(body), item)
            continue
        if parent == "paragraph_open" and i >= 1 and is_figure(tokens, i - 1):
            image = next((c for c in token.children or [] if c.type == "image"), None)
            title = " ".join(str(image.attrs.get("title", "") or "").split()) if image is not None else ""
            typed = typed_figure_number(title, labels_of(None))  # the writers print cjji's number instead
            title = title[typed.end():] if typed else title
            if title.strip():
                body.append(Item("caption", title, display, line(token)))
            continue
        text = _inline_text(token)
        kind = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}.get(parent, "paragraph")
        level = int(tokens[i - 1].tag[1:]) if kind == "heading" and tokens[i - 1].tag[1:].isdigit() else 0
        group = row if kind == "cell" else -1
        item = Item("footnote" if in_note else kind, text, display, line(token), level, group)
        if item.words:  # no letter or digit (key(text) == ""): nothing a reader could look for
            (notes if in_note else body).append(item)
    return body, notes


def report_items(report: Any, annex_markdown: str = "", tokens: list[Token] | None = None, *,
                 annex_tokens: list[Token] | None = None) -> tuple[list[Item], list[Item]]:
    """Items of the report (its tokens as the writers get them, cross-references written in:
    cjji.build.publication.resolved_tokens) and of its generated framework annex (`annex_tokens`:
    the annex already parsed)."""
    body, notes = source_items(tokens if tokens is not None else report.tokens, report.display, report.line_of)
    if annex_markdown:
        from cjji.markdown import parse

        parsed = annex_tokens if annex_tokens is not None else parse(annex_markdown)
        more_body, more_notes = source_items(parsed, f"{report.display} (framework annex)")
        body += more_body
        notes += more_notes
    return body, notes


def label_items(streams: list[tuple[list[Token], str, Any]], labels: Any, *, headings: bool = True,
                paragraphs: bool = True) -> list[Item]:
    """The labels every format must show, in order, as cjji.blocks and cjji.build.numbering decide
    them: chapter and section numbers with their headings ("2.1 Why we did this"), paragraph
    numbers with the paragraph's first words ("2.3 We found"), finding labels ("Recommendation
    R1"), table numbers with captions ("Table 2: Cases by area") and annex letters ("Annex A:
    ..."). Each stream is (tokens, display, line_of); numbers carry on from one to the next."""
    from cjji.blocks import annex_letters, figure_caption, figure_numbers, finding_labels, table_numbers
    from cjji.build.numbering import number

    found: list[Item] = []
    counts: dict[str, int] = {}
    tables = annexes = figures = 0
    for n, (tokens, display, line_of) in enumerate(streams):
        numbering = number(tokens, paragraphs=paragraphs and n == 0)  # the annex's paragraphs are not numbered
        findings = finding_labels(tokens, labels, counts)
        table_no = table_numbers(tokens, tables)
        tables += len(table_no)
        figure_no = figure_numbers(tokens, figures)
        figures += len(figure_no)
        letters = annex_letters(tokens, annexes)
        annexes += len(letters)
        inside = [False] * len(tokens)
        depth = 0
        for i, token in enumerate(tokens):
            depth += token.type == "footnote_block_open"
            inside[i] = depth > 0
        for i, token in enumerate(tokens):
            if inside[i]:
                continue
            text = ""
            if token.type == "heading_open" and i + 1 < len(tokens):
                title = _inline_text(tokens[i + 1])
                prefix = " ".join(p for p in ((numbering.headings.get(i) if headings else ""),
                                               (f"{labels.annex} {letters[i]}:" if i in letters else "")) if p)
                text = f"{prefix} {title}" if prefix else ""
            elif token.type == "paragraph_open" and i in numbering.paragraphs and i + 1 < len(tokens):
                text = f"{numbering.paragraphs[i]} {' '.join(_inline_text(tokens[i + 1]).split()[:4])}"
            elif token.type == "div_open" and i in findings:
                text = findings[i]
            elif token.type == "paragraph_open" and i in figure_no:  # "Figure 2: ..." (cjji.blocks)
                image = next((c for c in tokens[i + 1].children or [] if c.type == "image"), None)
                text = figure_caption(image, figure_no[i], labels) if image is not None else ""
            elif token.type == "table_open" and i in table_no:
                close = next((j for j in range(i, len(tokens)) if tokens[j].type == "table_close"), i)
                caption = ""
                if is_table_caption(tokens, close + 1):
                    caption = _inline_text(tokens[close + 2]).removeprefix("Table:").strip()
                text = f"{labels.table} {table_no[i]}" + (f": {caption}" if caption else "")
            if text.strip():
                found.append(Item("label", text, display, _line(tokens[i], line_of)))
            if token.type == "inline":
                found += _judgement_markers(token, display, _line(token, line_of))
    # tables in footnotes come after everything else in every format: leave their order unchecked
    return found


def _judgement_markers(inline: Token, display: str, line: int) -> list[Item]:
    """A judgement span's last words and its criteria marker ("... 120 cases [C1]"), as every
    format must print them."""
    from cjji.blocks import criteria_marker
    from cjji.markdown import classes

    found = []
    children = inline.children or []
    for n, child in enumerate(children):
        if child.type != "span_open" or "judgement" not in classes(child):
            continue
        marker = criteria_marker(child)
        depth, words = 0, []
        for inner in children[n:]:
            depth += inner.nesting if inner.type.startswith("span") else 0
            if inner.type in ("text", "code_inline"):
                words += inner.content.split()
            if depth == 0:
                break
        if marker:
            found.append(Item("label", " ".join([*words[-2:], marker]), display, line))
    return found


def _line(token: Token, line_of: Any) -> int:
    return int(line_of(token)) if line_of is not None else (token.map[0] + 1 if token.map else 0)


def note_count(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if t.type == "footnote_open")


# -- finding items in a text ---------------------------------------------------------------------
def find(words: list[str], text: str, start: int, jumps_allowed: int = MAX_JUMPS) -> tuple[int, int] | None:
    """(begin, end) of `words` in `text` at or after `start`: each word must follow the previous
    one directly, except for up to MAX_JUMPS jumps of at most MAX_GAP characters over other text
    (a page break with its running head and footer, a footnote at the foot of a page)."""
    if not words:
        return (start, start)
    first = text.find(words[0], start)
    while first >= 0:
        pos = first + len(words[0])
        jumps = 0
        for word in words[1:]:
            if text.startswith(word, pos):
                pos += len(word)
                continue
            nxt = text.find(word, pos, pos + MAX_GAP + len(word))
            jumps += 1
            if nxt < 0 or jumps > jumps_allowed:
                break
            pos = nxt + len(word)
        else:
            return (first, pos)
        first = text.find(words[0], first + 1)
    return None


def coverage(items: list[Item], text: str, fmt: str, shown: str, jumps: int = MAX_JUMPS) -> list[Finding]:
    """Errors for items missing from (or out of order in) a format's normalised text. Labels are
    matched with `jumps=0`: "Notable practice 1" must be printed as one piece."""
    found: list[Finding] = []
    cursor = 0
    missing = 0
    group, group_start, group_end = -1, 0, 0
    for item in items:
        words = item.words
        if not words:
            continue
        if item.group != group:  # leaving a table row: carry on after the last of its cells
            cursor = max(cursor, group_end)
            group, group_start, group_end = item.group, cursor, cursor
        hit = find(words, text, group_start if group >= 0 else cursor, jumps)
        if hit is not None:
            if group >= 0:
                group_end = max(group_end, hit[1])
            else:
                cursor = hit[1]
            continue
        missing += 1
        if missing > MAX_REPORTED:
            continue
        anywhere = find(words, text, 0, jumps)
        what = _quote(item.text)
        if anywhere is not None:
            message = f"the {fmt} shows this {item.kind} out of order: {what}"
        else:
            message = f"the {fmt} has lost this {item.kind}: {what}"
        rule = f"{FORMAT_IDS.get(fmt, fmt)}-text-{'lost' if anywhere is None else 'order'}"
        found.append(error(GATE, rule,
                           item.display, item.line, 1 if item.line else 0, message,
                           f"a reader of {shown} cannot find it there; look at that page, then report this as a "
                           "bug in cjji's builder"))
    if missing > MAX_REPORTED:
        found.append(error(GATE, f"{FORMAT_IDS.get(fmt, fmt)}-text-lost", shown, 0, 0,
                           f"and {missing - MAX_REPORTED} more pieces of text are lost or out of order in the {fmt}"))
    return found


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


# -- reading the PDF --------------------------------------------------------------------------------
@dataclass
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    label: str  # the page label a viewer shows ("iii", "4"), or the page number
    body: str  # text between the top and bottom margins (no running head or footer)
    foot: str  # text in the bottom margin
    overprints: list[tuple[str, str]]  # (text, the text it is printed over)
    off_page: list[str]  # text drawn (partly) outside the page
    top: float | None = None  # the highest and lowest edge of text between the margins (points from
    bottom: float | None = None  # the page's foot), None on a page with no text there


@dataclass(frozen=True)
class PdfFigure:
    """A Figure of the PDF's structure tree: where it is drawn (/Pg, /BBox) and its alt text."""

    page: int  # 1-based
    box: tuple[float, float, float, float]  # left, bottom, right, top in points
    alt: str

    def number_label(self, page: PdfPage) -> str:
        return f"{page.number} (page label {page.label})"


@dataclass
class PdfReading:
    pages: list[PdfPage]

    def text(self, *, skip_front: bool = False) -> str:
        """The normalised body text of every page; with `skip_front`, without the front matter
        (cover and contents: the pages labelled in roman numerals)."""
        return "".join(key(page.body) for page in self.pages if not (skip_front and ROMAN.match(page.label)))


def read_pdf(path: Path, bands: tuple[float, float] = (0.0, 0.0)) -> PdfReading:
    """Read every page: its text runs' boxes (PDFium's text rectangles, one per run of text on a
    line), overlapping and off-page runs, and the text inside and below the margins `bands`
    (heights in points of the top and bottom margins)."""
    import pypdfium2 as pdfium

    top_band, bottom_band = bands
    pdf = pdfium.PdfDocument(str(path))
    try:  # every PDFium object is closed here, in this thread: none is left for a finaliser elsewhere
        labels = _page_labels(pdf)
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(_read_page(page, textpage, index, labels, top_band, bottom_band))
                finally:
                    textpage.close()
            finally:
                page.close()
        return PdfReading(pages)
    finally:
        pdf.close()


def _read_page(page: Any, textpage: Any, index: int, labels: list[str], top_band: float, bottom_band: float
               ) -> PdfPage:
    import ctypes

    import pypdfium2.raw as raw

    width, height = page.get_size()
    # textpage.get_rect(n) for each run, with four doubles made once per page, not four per run
    left, top, right, bottom = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    boxes = []
    get_rect, handle = raw.FPDFText_GetRect, textpage.raw
    for n in range(textpage.count_rects()):
        if not get_rect(handle, n, left, top, right, bottom):
            raise ValueError(f"PDFium cannot give the box of text run {n} on page {index + 1}")
        boxes.append((left.value, bottom.value, right.value, top.value))
    overprints, off_page = _collisions(boxes, width, height)
    low, high = (bottom_band, height - top_band) if bottom_band or top_band else (0.12 * height, 0.88 * height)
    inside = [(b, t) for _, b, _, t in boxes if b >= low - SLACK and t <= high + SLACK]
    return PdfPage(
        index + 1, width, height, labels[index] if index < len(labels) else str(index + 1),
        textpage.get_text_bounded(0, bottom_band, width, height - top_band) if bottom_band or top_band
        else textpage.get_text_range(),
        textpage.get_text_bounded(0, 0, width, max(bottom_band, 0.12 * height)),
        [(textpage.get_text_bounded(*boxes[a]), textpage.get_text_bounded(*boxes[b])) for a, b in overprints],
        [textpage.get_text_bounded(*boxes[a]) for a in off_page],
        max((t for _, t in inside), default=None),
        min((b for b, _ in inside), default=None),
    )


def _collisions(boxes: list[tuple[float, float, float, float]], width: float, height: float
                ) -> tuple[list[tuple[int, int]], list[int]]:
    """(pairs of overprinting runs, runs off the page), as indices into `boxes`."""
    order = sorted(range(len(boxes)), key=lambda n: boxes[n][1])  # by bottom edge: a sweep, not all pairs
    pairs: list[tuple[int, int]] = []
    off: list[int] = []
    for position, a in enumerate(order):
        l1, b1, r1, t1 = boxes[a]
        if l1 < -SLACK or b1 < -SLACK or r1 > width + SLACK or t1 > height + SLACK:
            off.append(a)
        for b in order[position + 1:]:
            l2, b2, r2, t2 = boxes[b]
            if b2 >= t1:
                break  # this run and every later one start above the top of run a
            if r2 <= l1 or l2 >= r1:
                continue
            w = min(r1, r2) - max(l1, l2)
            h = min(t1, t2) - max(b1, b2)
            if w <= 0 or h <= 0:
                continue
            smaller = min((r1 - l1) * (t1 - b1), (r2 - l2) * (t2 - b2))
            if smaller > 0 and w * h / smaller > OVERLAP:
                pairs.append((a, b))
    return pairs, off


def _page_labels(pdf: Any) -> list[str]:
    import ctypes

    import pypdfium2.raw as raw

    labels = []
    for index in range(len(pdf)):
        size = raw.FPDF_GetPageLabel(pdf.raw, index, None, 0)
        if size <= 2:
            labels.append(str(index + 1))
            continue
        buffer = ctypes.create_string_buffer(size)
        raw.FPDF_GetPageLabel(pdf.raw, index, buffer, size)
        labels.append(buffer.raw[: size - 2].decode("utf-16-le"))
    return labels


def geometry(reading: PdfReading, shown: str, items: list[Item], footer: re.Pattern[str] = FOOTER) -> list[Finding]:
    """Overprinted text, text off the page, pages without a footer (`footer`: footer_pattern)."""
    found: list[Finding] = []
    overlaps = off = 0
    for page in reading.pages:
        for text in page.off_page:
            off += 1
            if off <= MAX_REPORTED:
                found.append(_located(f"text is drawn off the edge of PDF page {page.number} (page label "
                                      f"{page.label}): {_quote(text)}", "pdf-off-page", text, items, shown))
        for text, other in dict.fromkeys(page.overprints):  # the same two runs once per page
            overlaps += 1
            if overlaps <= MAX_REPORTED:
                found.append(_located(f"text is printed over other text on PDF page {page.number} (page label "
                                      f"{page.label}): {_quote(text, 40)} over {_quote(other, 40)}",
                                      "pdf-overprint", text, items, shown))
        if page.number > 1 and not any(footer.match(line) for line in page.foot.splitlines()):
            found.append(error(GATE, "pdf-footer", shown, 0, 0,
                               f"PDF page {page.number} (page label {page.label}) has no footer with its page "
                               "number", "every page but the cover shows its page number; see "
                               "templates/typst/cjji.typ"))
        elif page.number > 1 and not _footer_matches(page, footer):
            found.append(error(GATE, "pdf-page-label", shown, 0, 0,
                               f"PDF page {page.number} prints a page number that is not its page label "
                               f"({page.label}), so a viewer's 'go to page' lands elsewhere",
                               "see the page numbering in templates/typst/cjji.typ"))
    for count, rule in ((overlaps, "pdf-overprint"), (off, "pdf-off-page")):
        if count > MAX_REPORTED:
            found.append(error(GATE, rule, shown, 0, 0, f"and {count - MAX_REPORTED} more such places in the PDF"))
    return found


def figure_gaps(reading: PdfReading, figures: list[PdfFigure], bands: tuple[float, float] = (0.0, 0.0),
                shown: str = "") -> list[Finding]:
    """A page left more than MAX_BLANK empty because the figure that follows did not fit on it
    (a figure at the top of its page, with the page before ending high up): "PDF page 9 is 45%
    blank before figure 2". Figures on the cover and front matter are not counted."""
    found: list[Finding] = []
    body = [f for f in figures if 1 < f.page <= len(reading.pages)
            and not ROMAN.match(reading.pages[f.page - 1].label)]
    for n, figure in enumerate(body, 1):
        page, before = reading.pages[figure.page - 1], reading.pages[figure.page - 2]
        top_band, bottom_band = bands if bands[0] or bands[1] else (0.12 * page.height, 0.12 * page.height)
        high, low = before.height - top_band, bottom_band
        if page.top is not None and page.top > figure.box[3] + 2:
            continue  # text above the figure: it does not start its page
        lowest = [before.bottom] if before.bottom is not None else []
        lowest += [f.box[1] for f in figures if f.page == before.number]
        end = min(lowest, default=high)
        blank = (end - low) / (high - low) if high > low else 0.0
        if blank > MAX_BLANK:
            alt = f" ({_quote(figure.alt, 40)})" if figure.alt.strip() else ""
            found.append(error(GATE, "pdf-figure-gap", shown, 0, 0,
                               f"PDF page {before.number} (page label {before.label}) is {blank:.0%} blank before "
                               f"figure {n}{alt}, which starts page {figure.number_label(page)}",
                               "the figure did not fit below the text before it; a figure is drawn smaller to fit "
                               "(templates/typst/cjji.typ): report this as a bug in cjji"))
    return found


def _footer_matches(page: PdfPage, footer: re.Pattern[str] = FOOTER) -> bool:
    for line in page.foot.splitlines():
        match = footer.match(line)
        if match:
            words = line.split()
            printed = words[0] if ROMAN.match(line.strip().lower()) or len(words) == 1 else words[1]
            return printed == page.label
    return False


def _located(message: str, rule: str, text: str, items: list[Item], shown: str) -> Finding:
    """A finding at the source line whose text holds `text`, else at the PDF."""
    wanted = key(text)
    hint = "this is layout damage made by the builder: look at that page, then report it as a bug in cjji"
    if len(wanted) >= 4:
        for item in items:
            if wanted in key(item.text):
                return error(GATE, rule, item.display, item.line, 1 if item.line else 0, message, hint)
    return error(GATE, rule, shown, 0, 0, message, hint)


CELL_TAGS = frozenset({"/TD", "/TH"})
BLOCK_MARKUP = frozenset({"/L", "/LI", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"})


def structure(pdf: Any, shown: str, figures: list[PdfFigure] | None = None) -> list[Finding]:
    """Figures without alt text, lists or headings inside table cells, table headers without a
    scope: one walk of the structure tree of an open pikepdf.Pdf, each element visited once with
    the table cell it is in (if any). Each Figure's page and box are added to `figures`."""
    import pikepdf

    pages: dict[tuple[int, int], int] = {}
    if figures is not None:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages, 1)}

    found: list[Finding] = []
    bad_cells: dict[tuple[int, int], set[str]] = {}
    unscoped = 0
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, tuple[int, int] | None]] = [(tree.get("/K"), None)]
    while stack:
        node, cell = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((child, cell) for child in reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        tag = str(node.get("/S"))
        if tag == "/Figure" and not str(node.get("/Alt", "")).strip():
            found.append(error(GATE, "pdf-alt", shown, 0, 0, "a figure in the PDF has no alt text"))
        if tag == "/Figure" and figures is not None:
            figure = _figure(node, pages)
            if figure is not None:
                figures.append(figure)
        if cell is not None and tag in BLOCK_MARKUP:
            bad_cells.setdefault(cell, set()).add(tag[1:])
        if tag in CELL_TAGS:
            cell = node.objgen if node.is_indirect else (len(seen), -1)
            if tag == "/TH" and not _scope(node):
                unscoped += 1
        kids = node.get("/K")
        if kids is not None:
            stack.append((kids, cell))
    if bad_cells:
        what = ", ".join(sorted(set().union(*bad_cells.values())))
        found.append(error(GATE, "pdf-cell-markup", shown, 0, 0,
                           f"{len(bad_cells)} table cell(s) in the PDF hold {what}: their text was read as list or "
                           "heading markup (a cell beginning '1. ', '- ', '= ' ...)",
                           "report this as a bug in cjji's PDF builder (cjji.build.typst_markup)"))
    if unscoped:
        found.append(error(GATE, "pdf-th-scope", shown, 0, 0,
                           f"{unscoped} table header cell(s) in the PDF have no /Scope, so a screen reader cannot "
                           "tell which cells they head"))
    return found


def _figure(node: Any, pages: dict[tuple[int, int], int]) -> PdfFigure | None:
    import pikepdf

    page = node.get("/Pg")
    attrs = node.get("/A")
    seq = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
    box = next((a.get("/BBox") for a in seq if isinstance(a, pikepdf.Dictionary) and "/BBox" in a), None)
    if page is None or box is None or len(box) != 4 or page.objgen not in pages:
        return None
    left, bottom, right, top = (float(v) for v in box)
    return PdfFigure(pages[page.objgen], (left, bottom, right, top), str(node.get("/Alt", "")))


def _scope(element: Any) -> bool:
    import pikepdf

    attrs = element.get("/A")
    seq = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
    return any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in seq)


# -- reading Word -----------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(xml: bytes | Any, *, skip_toc: bool, numbering: WordNumbering | None = None) -> str:
    """The normalised text of a Word part (bytes, or its parsed root), list numbers included; with
    `skip_toc`, without the contents (its w:sdt, removed from a root passed in)."""
    from lxml import etree

    root = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    if skip_toc:
        for sdt in list(root.iter(f"{W}sdt")):
            gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
            if gallery is not None and "Contents" in (gallery.get(f"{W}val") or "") and sdt.getparent() is not None:
                sdt.getparent().remove(sdt)
    parts: list[str] = []
    tags = (f"{W}t", f"{W}p") if numbering is not None else (f"{W}t",)
    for element in root.iter(*tags):  # lxml walks the tree in C, in document order
        if element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag == f"{W}p" and numbering is not None:
            parts.append(numbering.number(element))  # list numbering is not text, but a reader sees it
    return key("".join(parts))


class WordNumbering:
    """The numbers Word shows for list-numbered paragraphs (numbering.xml, styles bound to
    levels): enough of Word's rules for cjji's own lists (decimal levels, lvlText, lvlRestart,
    numId 0 to take a paragraph out)."""

    def __init__(self, numbering_xml: bytes, styles_xml: bytes) -> None:
        from lxml import etree

        self.levels: dict[str, dict[int, tuple[str, int, int]]] = {}  # numId -> ilvl -> (lvlText, start, restart)
        self.suffixes: dict[tuple[str, int], str] = {}  # (numId, ilvl) -> what follows the number
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        if numbering_xml:
            root = etree.fromstring(numbering_xml)
            abstract: dict[str, dict[int, tuple[str, int, int]]] = {}
            suffixes: dict[tuple[str, int], str] = {}
            for a in root.iter(f"{W}abstractNum"):
                levels = {}
                for lvl in a.findall(f"{W}lvl"):
                    ilvl = int(lvl.get(f"{W}ilvl", "0"))
                    suff = lvl.find(f"{W}suff")
                    suffixes[(a.get(f"{W}abstractNumId", ""), ilvl)] = {"space": " ", "nothing": ""}.get(
                        suff.get(f"{W}val", "tab") if suff is not None else "tab", "\t")
                    text = lvl.find(f"{W}lvlText")
                    start = lvl.find(f"{W}start")
                    restart = lvl.find(f"{W}lvlRestart")
                    levels[ilvl] = (text.get(f"{W}val", "") if text is not None else "",
                                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                                    int(restart.get(f"{W}val")) if restart is not None else ilvl)
                abstract[a.get(f"{W}abstractNumId", "")] = levels
            for num in root.iter(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                if ref is not None:
                    self.levels[num.get(f"{W}numId", "")] = abstract.get(ref.get(f"{W}val", ""), {})
                    for (abstract_id, ilvl), suffix in suffixes.items():
                        if abstract_id == ref.get(f"{W}val", ""):
                            self.suffixes[(num.get(f"{W}numId", ""), ilvl)] = suffix
        if styles_xml:
            for style in etree.fromstring(styles_xml).iter(f"{W}style"):
                numpr = style.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    self.style_num[style.get(f"{W}styleId", "")] = _numpr(numpr)

    def number(self, para: Any) -> str:
        numpr = para.find(f"{W}pPr/{W}numPr")
        found = _numpr(numpr) if numpr is not None else None
        if found is None:
            style = para.find(f"{W}pPr/{W}pStyle")
            found = self.style_num.get(style.get(f"{W}val", "") if style is not None else "")
        if found is None or found[0] in ("", "0") or found[0] not in self.levels:
            return ""
        num_id, ilvl = found
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [levels.get(n, ("", 1, n))[1] - 1 for n in range(9)])
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            _, start, restart = levels.get(deeper, ("", 1, deeper))
            if restart and ilvl < restart:
                counters[deeper] = start - 1
        text = levels[ilvl][0]
        for n in range(9, 0, -1):
            text = text.replace(f"%{n}", str(counters[n - 1]))
        return text + self.suffixes.get((num_id, ilvl), "\t")


def _numpr(numpr: Any) -> tuple[str, int]:
    num = numpr.find(f"{W}numId")
    ilvl = numpr.find(f"{W}ilvl")
    return (num.get(f"{W}val", "") if num is not None else "", int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0)


def docx_note_count(path: Path) -> int:
    """Footnotes in a Word file (not the separator 'footnotes' Word keeps at ids -1 and 0)."""
    with zipfile.ZipFile(path) as z:
        if "word/footnotes.xml" not in z.namelist():
            return 0
        from lxml import etree

        root = etree.fromstring(z.read("word/footnotes.xml"))
    return sum(1 for note in root.iter(f"{W}footnote") if note.get(f"{W}type") in (None, "normal")
               and int(note.get(f"{W}id", "0")) > 0)


def read_docx(path: Path) -> tuple[str, str, list[str]]:
    """(body text, footnote text, contents entries) of a Word file, normalised."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        document = etree.fromstring(z.read("word/document.xml"))  # parsed once for text and contents
        notes = z.read("word/footnotes.xml") if "word/footnotes.xml" in names else b""
        numbering = WordNumbering(z.read("word/numbering.xml") if "word/numbering.xml" in names else b"",
                                  z.read("word/styles.xml") if "word/styles.xml" in names else b"")
    entries = toc_entries(document)  # before _docx_text takes the contents out
    return (_docx_text(document, skip_toc=True, numbering=numbering),
            _docx_text(notes, skip_toc=False) if notes else "", entries)


def toc_entries(document: bytes | Any) -> list[str]:
    """The stored entries of the Word contents: the text of every paragraph inside the TOC."""
    from lxml import etree

    root = etree.fromstring(document) if isinstance(document, bytes) else document
    entries: list[str] = []
    for sdt in root.iter(f"{W}sdt"):
        gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
        if gallery is None or "Contents" not in (gallery.get(f"{W}val") or ""):
            continue
        for para in sdt.iter(f"{W}p"):
            style = para.find(f"{W}pPr/{W}pStyle")
            if style is not None and re.fullmatch(r"TOC\d", (style.get(f"{W}val") or "").replace(" ", "").upper()):
                text = "".join(t.text or "" for t in para.iter(f"{W}t"))
                if text.strip():
                    entries.append(text)
    return entries


def note_counts(expected: int, found: int, fmt: str, shown: str) -> list[Finding]:
    if expected == found:
        return []
    return [error(GATE, f"{FORMAT_IDS.get(fmt, fmt)}-footnotes", shown, 0, 0,
                  f"the {fmt} has {found} footnotes; the report has {expected}",
                  "a footnote was lost or duplicated by the builder: report this as a bug in cjji")]


def contents(entries: list[str], body: list[Item], shown: str) -> list[Finding]:
    """The Word contents must list every chapter (level-1 heading), in order."""
    chapters = [item for item in body if item.kind == "heading" and item.level == 1]
    if not chapters:
        return []
    if not entries:
        return [error(GATE, "docx-contents", shown, 0, 0,
                      "the Word file's contents page is empty: it lists no chapters until Word updates it",
                      "the builder writes the contents' entries; report this as a bug in cjji")]
    text = key(" ".join(entries))
    found = []
    cursor = 0
    for item in chapters:
        hit = find(item.words, text, cursor)
        if hit is None:
            found.append(error(GATE, "docx-contents", item.display, item.line, 1,
                               f"the Word file's contents does not list the chapter {_quote(item.text)}",
                               "the builder writes the contents' entries; report this as a bug in cjji"))
        else:
            cursor = hit[1]
    return found


# -- reading HTML -----------------------------------------------------------------------------------
HIDDEN_TAGS = frozenset({"script", "style", "nav", "template", "head", "title"})


def read_html(path: Path) -> tuple[str, str]:
    """(body text, footnote text) of a built page, normalised; navigation, scripts and text hidden
    from sight (class visually-hidden) left out. Parsed by lxml (libxml2's HTML parser)."""
    import lxml.html

    root = lxml.html.fromstring(path.read_bytes())
    return _html_text(root)


def html_note_count(path: Path) -> int:
    import lxml.html

    return _html_note_count(lxml.html.fromstring(path.read_bytes()))


def read_html_notes(path: Path) -> tuple[str, str, int]:
    """read_html's (body text, footnote text) and html_note_count's count, from one parse."""
    import lxml.html

    root = lxml.html.fromstring(path.read_bytes())
    count = _html_note_count(root)  # before _html_text walks the tree (it changes nothing)
    return (*_html_text(root), count)


def _html_note_count(root: Any) -> int:
    return len(root.xpath('//section[contains(concat(" ", @class, " "), " footnotes ")]//li'))


def _html_text(root: Any) -> tuple[str, str]:
    body: list[str] = []
    notes: list[str] = []
    stack: list[tuple[Any, list[str]]] = [(root, body)]
    while stack:  # iteratively: a deeply nested page is fine
        element, into = stack.pop()
        if isinstance(element, str):  # the text after an element (its tail), in reading order
            into.append(element)
            continue
        tag = element.tag if isinstance(element.tag, str) else ""  # comments have no text of their own
        cls = (element.get("class") or "").split() if tag else []
        if not tag or tag in HIDDEN_TAGS or "visually-hidden" in cls:
            continue
        if tag == "section" and "footnotes" in cls:
            into = notes
        if element.text:
            into.append(element.text)
        for child in reversed(element):
            if child.tail:
                stack.append((child.tail, into))
            stack.append((child, into))
    return key("".join(body)), key("".join(notes))
