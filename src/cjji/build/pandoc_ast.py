"""Turn the report's markdown-it token stream into pandoc's JSON document tree.

Word and PDF are written by pandoc from this tree, so they show exactly what the gates checked:
the Markdown is parsed once (cjji.report.load) and never handed to pandoc's own reader.

What each construct becomes:
- headings keep their id, classes and attributes, and get their chapter number (1, 1.1);
- body paragraphs get their paragraph number (2.3) as inspectorate reports print them;
- an image alone in a paragraph is a Figure: caption from the image title, alt text from the
  bracket text; an image must be a file inside the report folder (else a located error);
- a `Table: caption` paragraph right after a table is that table's caption;
- footnotes become notes, fenced divs Divs, bracketed spans Spans, raw HTML is dropped;
- straight quotes become typographic ones (’ ‘ “ ”), except in code.

The target decides the few things pandoc cannot say for us: for "typst" images are raw Typst
`image(..., alt: ...)` (pandoc 3.9's typst writer drops alt text) and paragraph numbers call
`paranum`; for "docx" images are data: URIs (pandoc runs with --sandbox and reads no files) and
styles are named with `custom-style`.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from markdown_it.token import Token

from cjji import resolve
from cjji.attributes import safe_classes, safe_id, safe_pairs
from cjji.blocks import (
    DataProblem,
    Labels,
    annex_letters,
    criteria_marker,
    data_caption,
    data_url,
    figure_caption,
    figure_numbers,
    finding_details,
    finding_labels,
    labels_of,
    read_figure_data,
    table_id,
    table_numbers,
)
from cjji.build.brand import BrandError, load_brand
from cjji.build.chart import (
    CHART_INLINE,
    CHART_INLINE_HINT,
    DEFAULT_FONTS,
    PRINT_WIDTH_CM,
    chart_file,
    chart_svg,
    is_chart,
    kind_of,
)
from cjji.build.numbering import Numbering, is_figure, is_table_caption, number
from cjji.build.sandbox import REPORT_DIR, LimitError, ToolError
from cjji.build.typography import smarten, text_width
from cjji.digest import DigestError
from cjji.findings import Finding
from cjji.markdown import classes

API_VERSION = [1, 23, 1, 1]  # pandoc 3.9 (pypandoc-binary); tests check it against the bundled pandoc
Target = Literal["docx", "typst"]
Node = dict[str, Any]
Cell = list[Any]  # pandoc's Cell is a tuple, [Attr, Alignment, RowSpan, ColSpan, [Block]]: JSON writes it as a list
GATE = "build"

PARAGRAPH_STYLE = "Numbered Paragraph"  # docx styles made by reference_docx.py
HEADING_NUMBER_STYLE = "Heading Number"  # character styles marking numbers that cjji.build.docx makes real numbering
PARAGRAPH_NUMBER_STYLE = "Paragraph Number"
CALLOUT_STYLE = "Callout"
CALLOUT_LABEL_STYLE = "Callout Label"
CALLOUT_DETAILS_STYLE = "Callout Details"  # who a finding is for and when it is due
_ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}
_WIDTH = re.compile(r"^\d+(\.\d+)?(%|cm|mm|in|pt|em)$")
_LABEL = re.compile(r"^[\w:.-]+$")
_SPACES = re.compile(r"([ \t]+)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class BuildError(Exception):
    """The report cannot be built; `findings` say where and why (like any gate's findings)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


@dataclass
class Source:
    """Tokens to convert and where they came from (for located errors)."""

    tokens: list[Token]
    folder: Path  # images must be files inside this folder
    display: str  # file name shown in errors, e.g. reports/x/report.md
    line_of: Callable[[Token], int] = lambda token: token.map[0] + 1 if token.map else 0
    files: dict[str, Path] | None = None  # the digested files of `folder` (cjji.resolve); read if None


@dataclass
class Options:
    target: Target
    number_headings: bool = True
    number_paragraphs: bool = True
    typst_root: Path | None = None  # typst image paths are written relative to this folder
    link_targets: frozenset[str] = frozenset()  # ids defined elsewhere (the report, for its annex)
    labels: Labels | None = None  # checks/blocks.yml's wording (cjji.blocks.labels_of)
    # numbers carried from one token stream to the next (the report, then its annex): tables,
    # annexes and findings of each kind, so the annex's "Table 5" follows the report's "Table 4"
    counters: dict[str, int] = field(default_factory=dict)


def attr(ident: str = "", cls: list[str] | None = None, kvs: list[list[str]] | None = None) -> list[Any]:
    """A pandoc Attr. An id or class that is not plain (cjji.attributes) is dropped: ids and classes
    reach Typst labels and Word styles. `kvs` are cjji's own (custom-style); authors' go through
    token_attr."""
    return [safe_id(ident), safe_classes(cls or []), kvs or []]


def token_attr(token: Token, extra: dict[str, str] | None = None) -> list[Any]:
    """The Attr of a token: its id, classes and only the attributes no writer gives a meaning to
    (cjji.attributes.WRITER_SAFE): `typst:*`, `custom-style` and the like never reach pandoc."""
    own = {"id", "class", "style", "src", "alt", "title", "href"}
    kvs = [[k, v] for k, v in safe_pairs((k, v) for k, v in token.attrs.items() if k not in own)]
    kvs += [[k, v] for k, v in (extra or {}).items()]
    return attr(str(token.attrs.get("id", "")), classes(token), kvs)


def el(kind: str, content: Any = None) -> Node:
    return {"t": kind} if content is None else {"t": kind, "c": content}


def text_inlines(text: str) -> list[Node]:
    """Str and Space elements for a piece of plain text."""
    out: list[Node] = []
    for part in _SPACES.split(text):
        if not part:
            continue
        out.append(el("Space") if part[0] in " \t" else el("Str", part))
    return out


def stringify(inlines: list[Node]) -> str:
    """The plain text of a list of inline elements."""
    parts: list[str] = []
    for node in inlines:
        kind = node["t"]
        content: Any = node.get("c")  # its shape depends on kind (pandoc's JSON); None for Space and breaks
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Code":
            parts.append(content[1])
        elif kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript", "Subscript"):
            parts.append(stringify(content))
        elif kind in ("Span", "Link", "Image") or kind == "Quoted":
            parts.append(stringify(content[1]))
    return "".join(parts)


def typst_string(text: str) -> str:
    """A Typst string literal."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Converter:
    source: Source
    options: Options
    numbering: Numbering = field(default_factory=Numbering)
    findings: list[Finding] = field(default_factory=list)
    notes: dict[int, list[Node]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    line: int = 0  # line of the block being converted: inline tokens have no map of their own
    _close: dict[int, int] = field(default_factory=dict)
    _chart_brand: tuple[list[str], dict[str, str]] | None = None

    def __post_init__(self) -> None:
        tokens = self.source.tokens
        self.numbering = number(tokens, paragraphs=self.options.number_paragraphs)
        labels = self.options.labels or labels_of(None)
        self.labels = labels
        counters = self.options.counters
        self.finding_labels = finding_labels(tokens, labels, counters)
        self.table_numbers = table_numbers(tokens, counters.get("table", 0))
        counters["table"] = counters.get("table", 0) + len(self.table_numbers)
        self.figure_numbers = figure_numbers(tokens, counters.get("figure", 0))  # "Figure 2: ..." (cjji.blocks)
        counters["figure"] = counters.get("figure", 0) + len(self.figure_numbers)
        self.annex_letters = annex_letters(tokens, counters.get("annex", 0))
        counters["annex"] = counters.get("annex", 0) + len(self.annex_letters)
        self.ids = set(self.options.link_targets) | defined_ids(tokens)
        stack: list[int] = []
        for i, token in enumerate(tokens):
            if token.nesting == 1:
                stack.append(i)
            elif token.nesting == -1 and stack:
                self._close[stack.pop()] = i
        for i, token in enumerate(tokens):
            if token.type == "footnote_open":
                self.notes[int(token.meta.get("id", -1))] = self.blocks(i + 1, self._close.get(i, i + 1))

    # -- errors -----------------------------------------------------------------------------
    def error(self, token: Token, rule: str, message: str, hint: str) -> None:
        line = self.source.line_of(token) or self.line
        self.findings.append(Finding(self.source.display, line, 1 if line else 0, "error", GATE, rule, message, hint))

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, start: int, end: int) -> list[Node]:
        tokens = self.source.tokens
        out: list[Node] = []
        i = start
        while i < end:
            token = tokens[i]
            if token.type == "footnote_block_open":
                i = self._close.get(i, end) + 1
                continue
            if token.nesting == 1:
                close = self._close.get(i, end)
                out.extend(self.container(i, close))
                i = close + 1
                continue
            out.extend(self.leaf(token))
            i += 1
        return out

    def leaf(self, token: Token) -> list[Node]:
        kind = token.type
        if kind in ("code_block", "fence"):
            lang = token.info.strip().split()[0] if token.info.strip() else ""
            return [el("CodeBlock", [attr("", [lang] if lang else []), token.content.removesuffix("\n")])]
        if kind == "hr":
            return [el("HorizontalRule")]
        if kind == "inline":  # an inline outside a paragraph (should not happen): keep its text
            return [el("Plain", self.inlines(token))]
        return []  # html_block and anything unknown without content: raw HTML is dropped

    def container(self, i: int, close: int) -> list[Node]:
        tokens = self.source.tokens
        token = tokens[i]
        kind = token.type
        if kind == "paragraph_open":
            return self.paragraph(i, close)
        if kind == "heading_open":
            return [self.heading(i)]
        if kind == "blockquote_open":
            return [el("BlockQuote", self.blocks(i + 1, close))]
        if kind == "bullet_list_open":
            return [el("BulletList", self.items(i + 1, close))]
        if kind == "ordered_list_open":
            start = int(token.attrs.get("start", 1) or 1)
            delim = "OneParen" if token.markup == ")" else "Period"
            return [el("OrderedList", [[start, el("Decimal"), el(delim)], self.items(i + 1, close)])]
        if kind == "table_open":
            return [self.table(i, close)]
        if kind == "dl_open":  # a glossary: term, then its meaning (Word's Definition styles, Typst's term list)
            return [el("DefinitionList", self.definitions(i + 1, close))]
        if kind == "div_open":
            return [self.div(i, close)]
        if kind in ("footnote_open", "footnote_block_open"):
            return []
        return [el("Div", [token_attr(token), self.blocks(i + 1, close)])]  # unknown container

    def items(self, start: int, end: int) -> list[list[Node]]:
        tokens = self.source.tokens
        result = []
        i = start
        while i < end:
            if tokens[i].type == "list_item_open":
                close = self._close.get(i, end)
                result.append(self.blocks(i + 1, close))
                i = close + 1
            else:
                i += 1
        return result

    def definitions(self, start: int, end: int) -> list[list[Any]]:
        """A definition list's items: [term inlines, [each definition's blocks]]."""
        tokens = self.source.tokens
        result: list[list[Any]] = []
        i = start
        while i < end:
            token = tokens[i]
            close = self._close.get(i, i)
            if token.type == "dt_open":
                inline = tokens[i + 1] if i + 1 < close and tokens[i + 1].type == "inline" else None
                result.append([self.inlines(inline) if inline is not None else [], []])
            elif token.type == "dd_open":
                if not result:
                    result.append([[], []])
                result[-1][1].append(self.blocks(i + 1, close))
            i = close + 1 if token.nesting == 1 else i + 1
        return result

    def heading(self, i: int) -> Node:
        tokens = self.source.tokens
        token = tokens[i]
        inlines = self.inlines(tokens[i + 1]) if i + 1 < len(tokens) else []
        num = self.numbering.headings.get(i) if self.options.number_headings else None
        cls = classes(token)
        annex = self.annex_letters.get(i)
        if annex:  # "Annex A: ..." (cjji.blocks decides the letter)
            inlines = [el("Span", [attr("", ["annex-letter"]), text_inlines(f"{self.labels.annex} {annex}:")]),
                       el("Space"), *inlines]
        if num:
            # Word: a character style marks the number, which cjji.build.docx turns into real list numbering
            style = [["custom-style", HEADING_NUMBER_STYLE]] if self.options.target == "docx" else []
            inlines = [el("Span", [attr("", ["section-number"], style), [el("Str", num)]]), el("Space"), *inlines]
        elif "unnumbered" not in cls:
            cls = [*cls, "unnumbered"]
        level = max(1, min(6, int(token.tag[1:]) if token.tag[1:].isdigit() else 1))
        return el("Header", [level, attr(str(token.attrs.get("id", "")), cls, token_attr(token)[2]), inlines])

    def paragraph(self, i: int, close: int) -> list[Node]:
        tokens = self.source.tokens
        token = tokens[i]
        inline = tokens[i + 1] if i + 1 < close else None
        if inline is None or inline.type != "inline":
            return [el("Para", self.blocks_inline_fallback(i + 1, close))]
        if is_table_caption(tokens, i):
            return []  # taken by the table before it
        if is_figure(tokens, i):
            self.line = self.source.line_of(inline) or self.line
            image = next(c for c in inline.children or [] if c.type == "image")
            fig = self.figure_numbers.get(i, 0)
            return [self.figure(image, fig), *self.figure_data(image, fig)]
        inlines = self.inlines(inline)
        ident = safe_id(token.attrs.get("id"))  # an author's {#p-fees}: a link target, never printed
        if ident:  # Typst: a label on an empty box; Word: a bookmark
            anchor = (el("RawInline", ["typst", f"#box[]<{ident}>"]) if self.options.target == "typst"
                      else el("Span", [attr(ident), []]))
            inlines = [anchor, *inlines]
        if token.hidden:
            return [el("Plain", inlines)]
        num = self.numbering.paragraphs.get(i)
        if not num:
            return [el("Para", inlines)]
        if self.options.target == "typst":
            return [el("Para", [el("RawInline", ["typst", f"#paranum({typst_string(num)})"]), *inlines])]
        tab = el("RawInline", ["openxml", "<w:r><w:tab/></w:r>"])
        style = [["custom-style", PARAGRAPH_NUMBER_STYLE]]
        number = el("Span", [attr("", ["paragraph-number"], style), [el("Str", num)]])
        para = el("Para", [number, tab, *inlines])
        return [_with_style(para, PARAGRAPH_STYLE)]

    def blocks_inline_fallback(self, start: int, end: int) -> list[Node]:
        return [n for t in self.source.tokens[start:end] if t.type == "inline" for n in self.inlines(t)]

    def div(self, i: int, close: int) -> Node:
        token = self.source.tokens[i]
        inner = self.blocks(i + 1, close)
        label = self.finding_labels.get(i)  # cjji.blocks decides it, for every format
        if label is None:
            return el("Div", [token_attr(token), inner])
        ident = str(token.attrs.get("id", ""))
        details = finding_details(token, self.labels)
        details_para = el("Para", [el("Emph", text_inlines(details))]) if details else None
        if details_para is not None and self.options.target != "docx":  # who it is for, when it is due
            inner = [*inner, details_para]
        if self.options.target == "typst":
            tag = f" <{ident}>" if _LABEL.match(ident) else ""
            opening = el("RawBlock", ["typst", f"#callout({typst_string(label)})["])
            closing = el("RawBlock", ["typst", f"]{tag}"])
            return el("Div", [attr("", classes(token)), [opening, *inner, closing]])
        styled = [_with_style(b, CALLOUT_STYLE) for b in inner]
        if details_para is not None:  # its own style: generated text, like the label (cjji review skips it)
            styled.append(_with_style(details_para, CALLOUT_DETAILS_STYLE))
        heading = _with_style(el("Para", [el("Strong", text_inlines(label))]), CALLOUT_LABEL_STYLE)
        return el("Div", [token_attr(token), [heading, *styled]])

    def table(self, i: int, close: int) -> Node:
        tokens = self.source.tokens
        head: list[list[Cell]] = []
        body: list[list[Cell]] = []
        aligns: list[str] = []
        rows = head
        row: list[Cell] | None = None
        j = i + 1
        while j < close:
            t = tokens[j]
            if t.type == "tbody_open":
                rows = body
            elif t.type == "tr_open":
                row = []
            elif t.type == "tr_close" and row is not None:
                rows.append(row)
                row = None
            elif t.type in ("th_open", "td_open") and row is not None:
                # no alignment written: left, as GOV.UK tables are (pandoc's typst writer would centre)
                align = _ALIGN.get(str(t.attrs.get("style", "")).removeprefix("text-align:"), "AlignLeft")
                if (rows is head or not aligns) and len(aligns) <= len(row):
                    aligns.append(align)
                content = tokens[j + 1] if tokens[j + 1].type == "inline" else None
                inlines = self.inlines(content) if content else []
                row.append([attr(), el(align), 1, 1, [el("Plain", inlines)] if inlines else []])
            j += 1
        width = max([1, len(aligns), *(len(r) for r in head + body)])
        aligns += ["AlignLeft"] * (width - len(aligns))
        for r in head + body:  # pad short rows: pandoc wants rectangular tables
            r += [[attr(), el("AlignLeft"), 1, 1, []] for _ in range(width - len(r))]
        # every table is numbered and captioned, "Table 2: ..." (cjji.blocks numbers it)
        number = f"{self.labels.table} {self.table_numbers.get(i, '')}".strip()
        caption_inlines: list[Node] = []
        after = close + 1
        if after < len(tokens) and is_table_caption(tokens, after):
            caption_inlines = _strip_prefix(self.inlines(tokens[after + 1]), "Table:")
        caption = [el("Plain", [el("Str", f"{number}:"), el("Space"), *caption_inlines] if caption_inlines
                      else [el("Str", number)])]
        colspecs = [[el(a), w] for a, w in zip(aligns, column_widths(head + body), strict=True)]
        return el("Table", [
            attr(safe_id(table_id(tokens, i))),  # `Table: ... {#tbl-cases}`: a link target
            [None, caption],
            colspecs,
            [attr(), [[attr(), r] for r in head]],
            [[attr(), 0, [], [[attr(), r] for r in body]]],
            [attr(), []],
        ])

    def figure(self, image: Token, number: int = 0) -> Node:
        alt = self.inlines_of(image.children or [])
        title = str(image.attrs.get("title", "") or "")
        caption_inlines = text_inlines(smarten(figure_caption(image, number, self.labels) if number else title))
        ident = str(image.attrs.get("id", ""))
        if is_chart(image):
            return self.chart(image, alt, caption_inlines, title, ident)
        src = self.image_source(image)
        if src is None:
            return el("Para", alt)
        if self.options.target == "typst":
            caption_text = typst_string(stringify(caption_inlines))
            code = f"#figure({self.typst_image(image, src, alt)}, caption: [#{caption_text}])"
            if _LABEL.match(ident):
                code += f" <{ident}>"
            return el("RawBlock", ["typst", code])
        kvs = [kv for kv in token_attr(image)[2] if kv[0] != "data"]  # the data is printed as a table below
        img = el("Image", [attr("", classes(image), kvs), alt, [src, title]])
        caption = [None, [el("Plain", caption_inlines)]] if caption_inlines else [None, []]
        return el("Figure", [attr(ident), caption, [el("Plain", [img])]])

    def chart(self, image: Token, alt: list[Node], caption_inlines: list[Node], title: str, ident: str) -> Node:
        """A chart cjji draws from the CSV the figure names (cjji.build.chart): the SVG itself in the
        PDF (Typst sets its text in the pinned fonts), a PNG Typst renders from it in Word."""
        if not image.content.strip():
            self.error(image, "image-no-alt", "the chart has no description (the PDF/UA standard requires it)",
                       "describe what the chart shows inside the brackets: ![Days to update victims, by area]"
                       "(data/days.csv){.chart kind=bar}")
            return el("Para", alt)
        try:
            data = read_figure_data(str(image.attrs.get("src", "")), self._files())
            svg = chart_svg(data, kind_of(image), stringify(caption_inlines) or image.content, *self._brand())
        except DataProblem as exc:
            self.error(image, exc.rule, exc.message, exc.hint)
            return el("Para", alt)
        width = f"{PRINT_WIDTH_CM:g}cm"
        if self.options.target == "typst":
            caption_text = typst_string(stringify(caption_inlines))
            picture = (f"image(bytes({typst_string(svg)}), format: \"svg\", "
                       f"alt: {typst_string(stringify(alt))}, width: {width})")
            code = f"#figure({picture}, caption: [#{caption_text}])"
            if _LABEL.match(ident):
                code += f" <{ident}>"
            return el("RawBlock", ["typst", code])
        try:
            png = chart_file(svg).read_bytes()  # drawn once, for Word and the HTML
        except (ToolError, LimitError) as exc:
            self.error(image, "chart-render", f"the chart could not be drawn for Word: {exc}",
                       "check the data file; if it is correct, report this as a bug in cjji")
            return el("Para", alt)
        src = f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}"
        img = el("Image", [attr("", ["chart"], [["width", width]]), alt, [src, title]])
        caption = [None, [el("Plain", caption_inlines)]] if caption_inlines else [None, []]
        return el("Figure", [attr(ident), caption, [el("Plain", [img])]])

    def _brand(self) -> tuple[list[str], dict[str, str]]:
        """The brand's body fonts and colours, for charts (templates/brand.yml)."""
        if self._chart_brand is None:
            fonts: list[str] = list(DEFAULT_FONTS)
            colours: dict[str, str] = {}
            if self.options.typst_root is not None:
                try:
                    brand = load_brand(self.options.typst_root)
                    fonts, colours = brand.fonts.get("body", fonts), brand.colours
                except BrandError:
                    pass  # the build reports a broken brand itself
            self._chart_brand = (fonts, colours)
        return self._chart_brand

    def figure_data(self, image: Token, number: int) -> list[Node]:
        """The table of a figure's data (`{data="data/days.csv"}`) right after it, captioned "Data for
        figure 2: <caption>": the numbers behind the chart, for readers who cannot see it."""
        url = data_url(image)
        if url is None:
            return []
        try:
            data = read_figure_data(url, self._files())
        except DataProblem as exc:
            if not is_chart(image):  # a chart's own error is reported once, by chart()
                self.error(image, exc.rule, exc.message, exc.hint)
            return []
        caption = text_inlines(smarten(data_caption(image, number, self.labels)))

        def cell(text: str, align: str) -> list[Any]:
            return [attr(), el(align), 1, 1, [el("Plain", text_inlines(text))] if text else []]

        aligns = ["AlignLeft"] + ["AlignRight"] * len(data.series)
        head = [[attr(), [cell(h, a) for h, a in zip(data.header, aligns, strict=True)]]]
        body = [[attr(), [cell(c, "AlignLeft"), *(cell(v, "AlignRight") for v in row)]]
                for c, row in zip(data.categories, data.cells, strict=True)]
        rows = [[cell(h, a) for h, a in zip(data.header, aligns, strict=True)]]
        rows += [[cell(c, "AlignLeft"), *(cell(v, "AlignRight") for v in row)]
                 for c, row in zip(data.categories, data.cells, strict=True)]
        colspecs = [[el(a), w] for a, w in zip(aligns, column_widths(rows), strict=True)]
        return [el("Table", [
            attr("", ["figure-data"]),
            [None, [el("Plain", caption)]],
            colspecs,
            [attr(), head],
            [[attr(), 1, [], body]],  # the first column heads its row
            [attr(), []],
        ])]

    def typst_image(self, token: Token, src: str, alt: list[Node]) -> str:
        args = [typst_string(src), f"alt: {typst_string(stringify(alt))}"]
        width = str(token.attrs.get("width", ""))
        if _WIDTH.match(width):
            args.append(f"width: {width}")
        return f"image({', '.join(args)})"

    def image_source(self, token: Token) -> str | None:
        """The image reference to write, or None (with a finding) if it is not one of the report's
        digested files (cjji.resolve, the same resolver as the files gate and the HTML page)."""
        raw = str(token.attrs.get("src", ""))
        if not token.content.strip():
            self.error(token, "image-no-alt", f"the image '{raw}' has no alt text (the PDF/UA standard requires it)",
                       f"describe what the image shows inside the brackets: ![Bar chart of ...]({raw})")
            return None
        try:
            found = resolve.resolve(raw, self._files())
        except resolve.Unresolved as exc:
            rule = "image-missing" if exc.rule == "missing-image" else "image-outside"
            self.error(token, rule, exc.message, exc.hint)
            return None
        if self.options.target == "typst":  # Typst reads it from the sandbox (cjji.build.sandbox)
            return f"/{REPORT_DIR}/{found.rel}"
        mime = mimetypes.guess_type(found.rel)[0] or "application/octet-stream"
        return f"data:{mime};base64,{base64.b64encode(found.path.read_bytes()).decode('ascii')}"

    def _files(self) -> dict[str, Path]:
        """The digested files of the report folder (read once per conversion)."""
        if self.source.files is None:
            try:
                self.source.files = resolve.digested(self.source.folder)
            except DigestError as exc:
                self.source.files = {}
                self.findings.append(Finding(self.source.display, 0, 0, "error", GATE, "bad-folder",
                                             f"the report folder cannot be digested: {exc}",
                                             "run `cjji check`: it says what is wrong"))
        return self.source.files

    # -- inlines ----------------------------------------------------------------------------
    def inlines(self, inline: Token) -> list[Node]:
        self.line = self.source.line_of(inline) or self.line
        return self.inlines_of(inline.children or [])

    def inlines_of(self, children: list[Token]) -> list[Node]:
        stack: list[tuple[Token | None, list[Node]]] = [(None, [])]
        before = ""
        for child in children:
            kind = child.type
            out = stack[-1][1]
            if kind == "text":
                text = smarten(child.content, before)
                out.extend(text_inlines(text))
                before = text[-1:] or before
            elif kind == "softbreak":
                out.append(el("SoftBreak"))
                before = " "
            elif kind == "hardbreak":
                out.append(el("LineBreak"))
                before = " "
            elif kind == "code_inline":
                out.append(el("Code", [token_attr(child), child.content]))
                before = child.content[-1:] or before
            elif kind == "image":
                out.extend(self.inline_image(child))
            elif kind == "footnote_ref":
                out.append(el("Note", self.notes.get(int(child.meta.get("id", -1)), [])))
            elif kind.endswith("_open"):
                stack.append((child, []))
            elif kind.endswith("_close") and len(stack) > 1:
                opener, content = stack.pop()
                stack[-1][1].extend(self.wrap(opener, content))
            # html_inline, footnote_anchor and unknown leaves are dropped
        while len(stack) > 1:  # unbalanced (never from markdown-it): keep the content
            opener, content = stack.pop()
            stack[-1][1].extend(self.wrap(opener, content))
        return stack[0][1]

    def wrap(self, opener: Token | None, content: list[Node]) -> list[Node]:
        """Typst refuses a link to a label that does not exist: such a link becomes its text."""
        if (self.options.target == "typst" and opener is not None and opener.type == "link_open"):
            href = str(opener.attrs.get("href", ""))
            if href.startswith("#") and unquote(href[1:]) not in self.ids:
                return content
        return _wrap(opener, content)

    def inline_image(self, token: Token) -> list[Node]:
        alt = self.inlines_of(token.children or [])
        if is_chart(token):  # a chart is a figure: alone in its paragraph (the files gate says so)
            self.error(token, "chart-inline", CHART_INLINE, CHART_INLINE_HINT)
            return alt
        src = self.image_source(token)
        if src is None:
            return alt
        if self.options.target == "typst":
            ident = str(token.attrs.get("id", ""))
            tag = f" <{ident}>" if _LABEL.match(ident) else ""
            return [el("RawInline", ["typst", f"#box({self.typst_image(token, src, alt)}){tag}"])]
        title = str(token.attrs.get("title", "") or "")
        return [el("Image", [token_attr(token), alt, [src, title]])]


def defined_ids(tokens: list[Token]) -> set[str]:
    """Every id a link can point at: headings, divs, spans, images."""
    found = set()
    for token in tokens:
        for t in (token, *(token.children or [])):
            ident = t.attrs.get("id")
            if ident:
                found.add(str(ident))
    return found


def _wrap(opener: Token | None, content: list[Node]) -> list[Node]:
    kind = opener.type.removesuffix("_open") if opener else ""
    if kind == "em":
        return [el("Emph", content)]
    if kind == "strong":
        return [el("Strong", content)]
    if kind == "s":
        return [el("Strikeout", content)]
    if kind == "link" and opener is not None:
        href = str(opener.attrs.get("href", ""))
        return [el("Link", [token_attr(opener), content, [href, str(opener.attrs.get("title", "") or "")]])]
    if kind == "span" and opener is not None:
        marker = criteria_marker(opener) if "judgement" in classes(opener) else ""
        if marker:  # a judgement shows the criteria it relates to, in every format (cjji.blocks)
            content = [*content, el("Space"), el("Span", [attr("", ["criteria"]), [el("Str", marker)]])]
        return [el("Span", [token_attr(opener), content])]
    return content


WIDE = 70  # characters: a table whose longest cells add up to more is set to the full text width
TEXT_WIDTH_PT = 450  # about the text width of an A4 page with the brand's margins (160 mm)
CELL_PT = 11 * 1.06  # the largest cell text of the formats (Word's 11 pt), bold in a header row
CHAR_PT = 5.8  # an average character of that text: a long cell's natural width
CELL_PADDING_PT = 14  # both insets of a cell


def column_widths(rows: list[list[Cell]]) -> list[Node]:
    """ColWidth of each column from its content, as a browser lays out an automatic table: each
    column gets at least its longest word (a header "Recommendation" must not break as
    "Recommendatio/n"; at most half the text width), and the rest of the text width goes to the
    columns in proportion to how much more their longest cell wants. A column of short entries
    ("3, 4") stays narrow beside a column of long text, whatever its header. A table whose content
    is small keeps its natural width (ColWidthDefault)."""
    columns = max((len(r) for r in rows), default=0)
    longest = [0] * columns
    word = [0.0] * columns  # points: the widest word of each column
    for row in rows:
        for n, cell in enumerate(row):
            text = " ".join(stringify(block.get("c", [])) for block in cell[4] if block.get("t") in ("Plain", "Para"))
            longest[n] = max(longest[n], len(text))
            word[n] = max([word[n], *(text_width(w, CELL_PT) for w in text.split())])
    if sum(longest) <= WIDE or columns == 0:
        return [el("ColWidthDefault") for _ in range(columns)]
    least = [min((w + CELL_PADDING_PT) / TEXT_WIDTH_PT, 0.5) for w in word]
    wants = [max((length * CHAR_PT + CELL_PADDING_PT) / TEXT_WIDTH_PT - floor, 0.0)
             for length, floor in zip(longest, least, strict=True)]  # beyond the floor, to set it on one line
    if sum(least) >= 1:  # even the longest words do not fit: share the width by them
        shares = [x / sum(least) for x in least]
    else:
        spare, wanted = 1 - sum(least), sum(wants)
        shares = [f + spare * (w / wanted if wanted else 1 / columns) for f, w in zip(least, wants, strict=True)]
    shares = [round(x, 4) for x in shares]
    shares[-1] = round(1 - sum(shares[:-1]), 4)
    return [el("ColWidth", share) for share in shares]


def _strip_prefix(inlines: list[Node], prefix: str) -> list[Node]:
    """Drop a leading 'Table:' (and the space after it) from a caption."""
    if inlines and inlines[0]["t"] == "Str" and inlines[0]["c"].startswith(prefix):
        rest = inlines[0]["c"][len(prefix):]
        inlines = ([el("Str", rest)] if rest else []) + inlines[1:]
    while inlines and inlines[0]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[1:]
    return inlines


def _with_style(block: Node, style: str) -> Node:
    """Give a docx paragraph a custom style (pandoc applies the innermost custom-style Div)."""
    if block["t"] in ("Para", "Plain"):
        return el("Div", [attr("", [], [["custom-style", style]]), [block]])
    if block["t"] == "Div" and block["c"][0][2] and block["c"][0][2][0][0] == "custom-style":
        return el("Div", [attr("", [], [["custom-style", style]]), block["c"][1]])
    return block


def convert(source: Source, options: Options) -> list[Node]:
    """The blocks of a token stream. Raises BuildError listing every image that is not allowed."""
    converter = Converter(source, options)
    blocks = converter.blocks(0, len(source.tokens))
    if converter.findings:
        raise BuildError(converter.findings)
    return blocks


def meta_string(text: str) -> Node:
    return el("MetaString", text)


def document(blocks: list[Node], meta: dict[str, Node] | None = None) -> dict[str, Any]:
    return {"pandoc-api-version": API_VERSION, "meta": meta or {}, "blocks": blocks}
