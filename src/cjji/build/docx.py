"""Word: pandoc with the branded reference document, then python-docx for what pandoc can't do.

Added after pandoc: core properties (title, subject, the inspectorates as authors, keywords,
en-GB, fixed dates, nobody's name), a cover page (the brand band with title and subtitle, date,
the inspectorates' logos with the lead first, the joint mark), the front matter of
cjji.build.publication.front_matter (inside cover, "Who we are") in a section numbered in roman,
a header and a "Page X" footer in the body (which starts again at 1), table header rows
that repeat on every page (w:tblHeader), table captions as w:tblCaption/w:tblDescription, image
descriptions (wp:docPr/@descr) holding the alt text, figures drawn no taller than lets a figure
pushed to the next page leave at most 40% of a page blank (fit_figures: Word never floats an
inline picture), the contents' entries (their page numbers only with `cjji build
--word-page-numbers`, cjji.build.docx_pages), and our own docProps/app.xml (Application
"cjji" and the real word count instead of pandoc's template figures; no page count, which only
a layout engine such as Word can know). The zip is then normalised (fixed entry times, sorted
entries) so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from cjji import atomic
from cjji.blocks import labels_of
from cjji.build import pandoc
from cjji.build.brand import Brand, load_brand
from cjji.build.numbering import paragraph_series
from cjji.build.pandoc_ast import (
    HEADING_NUMBER_STYLE,
    PARAGRAPH_NUMBER_STYLE,
    document,
    meta_string,
)
from cjji.build.publication import (
    LANGUAGE,
    FrontMatter,
    Publication,
    body_blocks,
    front_matter,
    page_words,
    publication,
)
from cjji.build.reference_docx import reference_docx
from cjji.build.sandbox import build_limits
from cjji.policy import Policy
from cjji.report import Report

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
APP_XML = "docProps/app.xml"
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
DOC_PROPS_VTYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
WORD_BREAKS = {qn("w:p"), qn("w:tab"), qn("w:br"), qn("w:cr")}  # each separates words
LOGO_HEIGHT = Mm(16)
HANGING_TWIPS = 794  # 1.4 cm, the margin column of numbered paragraphs (reference_docx.HANGING)


def build_docx(report: Report, policy: Policy, dest: Path) -> Path:
    brand = load_brand(policy.root)
    pub = publication(report, policy)
    blocks = body_blocks(report, policy, brand, "docx")
    labels = labels_of(policy, report)  # the report's language: en-GB, or cy for a Welsh edition
    meta = {"lang": meta_string(labels.language), "toc-title": meta_string(labels.contents)}
    args = (f"--reference-doc={reference_docx(brand, policy.root)}", "--toc", "--toc-depth=2")
    limits = build_limits(policy)  # checks/limits.yml, as for the PDF
    data = pandoc.run(document(blocks, meta), "docx", args=args, timeout=limits["seconds"],
                      memory_mb=limits["memory_mb"])
    doc = Document(io.BytesIO(data))
    set_properties(doc, pub, labels.language)
    add_cover(doc, pub, brand, policy, front_matter(report, policy, brand), str(labels.text("page", "logo")))
    add_header_footer(doc, pub, page_words(str(labels.text("page", "footer"))))
    mark_tables(doc)
    fit_figures(doc)
    set_image_descriptions(doc)
    numbers = real_numbering(doc)
    fill_contents(doc, numbers)
    tidy_styles(doc)
    update_fields_on_open(doc)
    out = io.BytesIO()
    doc.save(out)
    atomic.write_bytes(dest, normalise_zip(out.getvalue(), {APP_XML: app_properties(doc)}))
    return dest


def word_count(doc: DocumentObject) -> int:
    """Words of the document's body (cover and contents included, headers and footers not, as
    Word counts them): its text runs, with paragraphs, tabs and line breaks between words."""
    parts: list[str] = []
    for element in doc.element.body.iter():
        if element.tag == qn("w:t"):
            parts.append(element.text or "")
        elif element.tag in WORD_BREAKS:
            parts.append(" ")
    return len("".join(parts).split())


def app_properties(doc: DocumentObject) -> bytes:
    """docProps/app.xml: which program made the file and how many words it holds. Without it,
    the file would keep pandoc's template (Microsoft Word 12, 1 page, 83 words) and show those
    figures in File > Properties."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{EXTENDED_PROPERTIES}" xmlns:vt="{DOC_PROPS_VTYPES}">'
        "<Application>cjji</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        f"<Words>{word_count(doc)}</Words><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


RUNNING_HEAD = 90  # characters of the title in the running head (templates/typst/cjji.typ cuts it too)
PROPERTY_LIMIT = 255  # characters python-docx (and Word's core properties) allow in title, author, ...


def fit(text: str, limit: int = PROPERTY_LIMIT) -> str:
    """`text` cut at a word boundary with an ellipsis so it fits a length-limited property (the
    full text is on the cover); six inspectorates' full names joined are longer than 255."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def set_properties(doc: DocumentObject, pub: Publication, language: str = LANGUAGE) -> None:
    props = doc.core_properties
    props.title = fit(pub.title)
    props.subject = fit(pub.subtitle)
    authors = "; ".join(pub.authors)
    props.author = authors if len(authors) <= PROPERTY_LIMIT else fit("; ".join(pub.inspectorates))
    props.keywords = fit(", ".join(pub.keywords))
    props.language = language
    props.last_modified_by = ""
    props.comments = ""
    props.category = ""
    props.revision = 1
    stamp = pub.timestamp.astimezone(dt.UTC).replace(tzinfo=None)
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp


def _insert_before(anchor: object | None, doc: DocumentObject, text: str = "", style: str | None = None) -> Paragraph:
    """A new paragraph placed before the XML element `anchor` (at the end if None)."""
    paragraph = doc.add_paragraph(text, style)
    if anchor is not None:
        anchor.addprevious(paragraph._p)  # type: ignore[attr-defined]
    return paragraph


@cache
def logo_png(svg: Path) -> bytes:
    """An SVG logo rendered to PNG by Typst (python-docx cannot embed SVG)."""
    import typst

    source = f'#set page(width: auto, height: auto, margin: 0pt)\n#image("{svg.name}", height: 3cm)'
    # typst's stubs make input and root one constrained type (both str, or both bytes), but bytes
    # input is the source itself while root is always a path: no overload matches the real call
    png: bytes = typst.compile(source.encode(), root=str(svg.parent), format="png", ppi=300)  # type: ignore[call-overload]
    return png


def add_cover(doc: DocumentObject, pub: Publication, brand: Brand, policy: Policy,
              front: FrontMatter | None = None, logo_alt: str = "{name}") -> None:
    """The cover (the brand band with title and subtitle, the date, the inspectorates' logos with
    the lead first, the joint mark), then the front matter (inside cover: copyright, licence,
    ISBN and number, other formats; "Who we are"), before pandoc's contents. The cover is a
    section of its own with no top margin, header or footer; the front matter and the contents
    are a section numbered i, ii, iii (the cover counts as i, as in the PDF); the body restarts
    at 1 (see sections)."""
    body = doc.element.body
    anchor = body[0] if len(body) and body[0].tag != qn("w:sectPr") else None  # pandoc's contents
    band = _band(doc, pub, brand)
    if anchor is not None:
        anchor.addprevious(band)
    if pub.long_date:
        date = _insert_before(anchor, doc, pub.long_date, "Date")
        date.paragraph_format.space_before = Pt(24)
    names = policy.inspectorates
    logos = _insert_before(anchor, doc, "", "Body Text")
    logos.paragraph_format.space_before = Pt(30)
    for k, code in enumerate(pub.inspectorates):
        path = brand.logo(code)
        if path is None:
            continue
        if k:
            logos.add_run("   ")
        logos.add_run().add_picture(io.BytesIO(logo_png(path)), height=LOGO_HEIGHT)
        _describe_last_picture(logos, logo_alt.format(name=names.get(code, {}).get("name", code)))
    mark = _insert_before(anchor, doc, "", "Body Text")
    mark.paragraph_format.space_before = Pt(330 if len(pub.inspectorates) <= 3 else 270)
    mark.add_run().add_picture(io.BytesIO(logo_png(brand.joint_logo)), height=Mm(14))
    _describe_last_picture(mark, logo_alt.format(name=brand.name))
    _section_break(anchor, doc, "cover", after=mark)  # no empty paragraph after the mark to spill onto a page
    notices = (front.notices if front is not None else
               [[(brand.licence_text(pub.year), "")]])
    for n, paragraph in enumerate(notices):
        para = _insert_before(anchor, doc, "", "Body Text")
        if n == 0:
            para.paragraph_format.space_before = Pt(560 - 45 * min(len(notices), 8))
        for text, href in paragraph:
            run = _hyperlink(doc, para, text, href) if href else para.add_run(text)
            run.font.size = Pt(brand.sizes["small"])
    if front is not None and front.who_we_are:
        heading = _insert_before(anchor, doc, front.who_we_are_title, "Heading 1")  # starts its own page
        _bookmark(heading, "cjji-who-we-are")  # the contents' entry links here
        for statement in front.who_we_are:
            para = _insert_before(anchor, doc, "", "Body Text")
            if statement.before:
                para.add_run(statement.before)
            run = para.add_run(statement.name)
            run.bold = True
            run.font.color.rgb = RGBColor.from_string(brand.colours["primary"][1:].upper())
            para.add_run(" " + statement.does)
    if anchor is not None and anchor.tag == qn("w:sdt"):  # the contents start a page, and end the front matter
        heading = anchor.find(f"{qn('w:sdtContent')}/{qn('w:p')}")
        if heading is not None:
            heading.get_or_add_pPr().insert(1, OxmlElement("w:pageBreakBefore"))
        closing = _insert_before(None, doc, "", "Body Text")
        anchor.addnext(closing._p)
        _section_break(closing._p.getnext(), doc, "front", after=closing)
    else:
        _insert_before(anchor, doc, "", "Body Text").add_run().add_break(WD_BREAK.PAGE)


def _bookmark(paragraph: Paragraph, name: str) -> None:
    ids = [int(b.get(qn("w:id"), "0")) for b in paragraph.part.element.iter(qn("w:bookmarkStart"))]
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(max(ids, default=0) + 1000))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), start.get(qn("w:id")))
    runs = paragraph._p.findall(qn("w:r"))
    if runs:
        runs[0].addprevious(start)
        runs[-1].addnext(end)


def _band(doc: DocumentObject, pub: Publication, brand: Brand) -> object:
    """The cover's brand band: one cell as wide as the page (its indent reaches back over the left
    margin), filled with the primary colour, holding the title and subtitle in white."""
    width = _twips(Mm(210))
    margin = _twips(Mm(brand.margins_mm["left"]))
    table = doc.add_table(rows=1, cols=1)
    tbl = table._tbl
    tblpr = tbl.tblPr
    for old in list(tblpr):
        if old.tag in (qn("w:tblStyle"), qn("w:tblW"), qn("w:tblInd"), qn("w:tblLook")):
            tblpr.remove(old)
    for tag, attrs in (("w:tblW", {"w:w": str(width), "w:type": "dxa"}),
                       ("w:tblInd", {"w:w": str(-margin), "w:type": "dxa"}),
                       ("w:tblLayout", {"w:type": "fixed"})):
        element = OxmlElement(tag)
        for key, value in attrs.items():
            element.set(qn(key), value)
        tblpr.append(element)
    caption = OxmlElement("w:tblCaption")  # a layout table: say what it is
    caption.set(qn("w:val"), "Cover")
    tblpr.append(caption)
    for col in tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"):
        col.set(qn("w:w"), str(width))
    cell = table.rows[0].cells[0]
    tcpr = cell._tc.get_or_add_tcPr()
    tcw = OxmlElement("w:tcW")
    tcw.set(qn("w:w"), str(width))
    tcw.set(qn("w:type"), "dxa")
    shd = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", brand.colours["primary"][1:])):
        shd.set(qn(key), value)
    mar = OxmlElement("w:tcMar")
    for side, size in (("top", Mm(30 if len(pub.title) <= 80 else 20)), ("left", Mm(brand.margins_mm["left"])),
                       ("bottom", Mm(22)), ("right", Mm(brand.margins_mm["right"]))):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(_twips(size)))
        edge.set(qn("w:type"), "dxa")
        mar.append(edge)
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    for old in list(tcpr):
        if old.tag != qn("w:tcW"):
            tcpr.remove(old)
    for old in tcpr.findall(qn("w:tcW")):
        tcpr.remove(old)
    tcpr.extend([tcw, borders, shd, mar])
    on_band = RGBColor.from_string("FFFFFF")
    title = cell.paragraphs[0]
    title.style = doc.styles["Title"]
    run = title.add_run(pub.title)
    run.font.color.rgb = on_band
    if len(pub.title) > 80:
        run.font.size = Pt(brand.sizes["title"] * (0.6 if len(pub.title) > 160 else 0.75))
    if pub.subtitle:
        sub = cell.add_paragraph(style=doc.styles["Subtitle"])
        sub.add_run(pub.subtitle).font.color.rgb = on_band
    return tbl


def _twips(length: int) -> int:
    return int(round(length / 635))  # EMU to twentieths of a point


def _hyperlink(doc: DocumentObject, paragraph: Paragraph, text: str, href: str) -> Any:
    """A run inside an external hyperlink (w:hyperlink r:id) in the Hyperlink character style."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.text.run import Run

    rid = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    run = OxmlElement("w:r")
    link.append(run)
    result = Run(run, paragraph)
    result.text = text
    result.style = doc.styles["Hyperlink"]
    return result


def _section_break(anchor: object | None, doc: DocumentObject, kind: str, after: Paragraph | None = None) -> None:
    """End a section before `anchor`: the cover (no top margin, so the band reaches the page's top
    edge) or the front matter (numbered i, ii ... from ii: the cover is i)."""
    final = doc.element.body.find(qn("w:sectPr"))
    sect = deepcopy(final)
    for old in list(sect):
        if old.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:titlePg"), qn("w:pgNumType")):
            sect.remove(old)
    if kind == "cover":
        margins = sect.find(qn("w:pgMar"))
        if margins is not None:
            margins.set(qn("w:top"), "0")
            margins.set(qn("w:header"), "0")
    else:
        numbers = OxmlElement("w:pgNumType")
        numbers.set(qn("w:fmt"), "lowerRoman")
        numbers.set(qn("w:start"), "2")
        _place_pgnumtype(sect, numbers)
    para = after if after is not None else _insert_before(anchor, doc, "", "Body Text")
    ppr = para._p.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:  # the section's last paragraph takes no room
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:before"), "0")
        ppr.append(spacing)
    spacing.set(qn("w:after"), "0")  # (the cover's joint mark keeps the space above it)
    ppr.append(sect)


def _place_pgnumtype(sect: Any, numbers: Any) -> None:
    later = next((c for c in sect if c.tag in (qn("w:cols"), qn("w:formProt"), qn("w:vAlign"), qn("w:noEndnote"),
                                                qn("w:titlePg"), qn("w:textDirection"), qn("w:bidi"),
                                                qn("w:rtlGutter"), qn("w:docGrid"))), None)
    if later is not None:
        later.addprevious(numbers)
    else:
        sect.append(numbers)


def _describe_last_picture(paragraph: Paragraph, text: str) -> None:
    props = paragraph._p.findall(f".//{qn('wp:docPr')}")
    if props:
        props[-1].set("descr", text)
        props[-1].set("name", text)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.extend([begin, text, separate, shown, end])


def add_header_footer(doc: DocumentObject, pub: Publication, words: list[str]) -> None:
    """With the cover and front matter in sections of their own (add_cover): no header or footer on
    the cover; the front matter's page number in roman; in the body the title in the header and
    'Page X' in the footer, X counting from the body's first page (as the PDF prints them). `words`:
    checks/labels.yml's page.footer around the numbers (publication.page_words: "Page", "of", "")."""
    sections = list(doc.sections)
    body = sections[-1]
    final = body._sectPr
    numbers = OxmlElement("w:pgNumType")  # the body starts again at 1
    numbers.set(qn("w:fmt"), "decimal")
    numbers.set(qn("w:start"), "1")
    for old in final.findall(qn("w:pgNumType")):
        final.remove(old)
    _place_pgnumtype(final, numbers)
    if len(sections) == 1:  # no section of its own for the cover: leave the first page bare
        body.different_first_page_header_footer = True
    for section in sections[1:-1]:  # the front matter
        section.different_first_page_header_footer = False
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        footer = section.footer.paragraphs[0]
        footer.style = doc.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE")
    if len(sections) > 1:
        body.different_first_page_header_footer = False
    body.header.is_linked_to_previous = False
    body.footer.is_linked_to_previous = False
    header = body.header.paragraphs[0]
    header.text = fit(pub.title, RUNNING_HEAD)  # one line, as in the PDF: a long title is cut at a word
    header.style = doc.styles["Header"]  # made by reference_docx.py, like "Footer"
    footer = body.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{words[0]} ")
    _field(footer, "PAGE")
    if len(sections) == 1:
        footer.add_run(f" {words[1]} ")
        _field(footer, "NUMPAGES")
        if words[2]:
            footer.add_run(f" {words[2]}")
    # else no "of Y": NUMPAGES would count the cover and front matter too, and LibreOffice shows
    # SECTIONPAGES (the body's own count) as a fixed "1"


# -- figures: never a page more than MAX_BLANK empty before one ---------------------------------
# Word never floats an inline picture: one that does not fit below the text before it starts the
# next page, with its caption (the figure paragraph keeps with it) and any headings kept with it,
# leaving the rest of the page blank. That blank is less than the height of what moved, so a
# figure is drawn at most as tall as lets that block fit in MAX_BLANK of the text height (its
# width shrinks with it, keeping the aspect). A table right after a figure (its data) starts with
# it, so the block also holds that table's caption and first two rows. The block's other parts are
# estimated from their styles (size, spacing, lines of text at an average glyph width), with two
# body lines of margin.
MAX_BLANK = 0.40  # as the PDF's outputs gate allows (cjji.build.readback.MAX_BLANK)
FIGURE_STYLES = ("CaptionedFigure", "Figure")
TWIP = 635  # EMU per twentieth of a point
POINT = 12700  # EMU per point
GLYPH_WIDTH = 0.55  # an average Arial glyph, in ems: how many characters fill a line
LINE = 1.15  # a line's height in font sizes (Arial at single spacing)


def fit_figures(doc: DocumentObject) -> None:
    """Shrink each figure whose picture would make its block (headings kept with it, the picture,
    its caption) taller than MAX_BLANK of the text height, keeping its aspect."""
    body = doc.element.body
    final = body.find(qn("w:sectPr"))
    size = final.find(qn("w:pgSz")) if final is not None else None
    margins = final.find(qn("w:pgMar")) if final is not None else None
    if size is None or margins is None:
        return
    page_h = _twips_attr(size, "w:h") * TWIP
    width = (_twips_attr(size, "w:w") - _twips_attr(margins, "w:left") - _twips_attr(margins, "w:right")) * TWIP
    height = page_h - (_twips_attr(margins, "w:top") + _twips_attr(margins, "w:bottom")) * TWIP
    if height <= 0 or width <= 0:
        return
    styles = _Styles(doc.styles.element)
    for para in list(body.iter(qn("w:p"))):
        if _para_style(para) not in FIGURE_STYLES:
            continue
        extents = para.findall(f".//{qn('wp:inline')}/{qn('wp:extent')}")
        if not extents:
            continue
        tallest = max(_emu(e.get("cy")) for e in extents)
        kept, starts_page = styles.kept_before(para, width)
        others = styles.spacing(para) + kept
        caption = _next_paragraph(para)
        if caption is not None and _para_style(caption) in ("ImageCaption", "Caption"):
            others += styles.height(caption, width)
            others += _keep_with_data(caption, styles, width)
        others += int(2 * styles.body_line())  # margin for the estimates, and for Word laying out a little differently
        # after a chapter heading (a page break) nothing is left blank before it: it need only fit
        room = height if starts_page else int(MAX_BLANK * height)
        allowed = max(room - others, int(0.25 * MAX_BLANK * height))
        if tallest <= allowed:
            continue
        scale = allowed / tallest
        for inline in para.iter(qn("wp:inline")):
            _scale_picture(inline, scale)


def _keep_with_data(caption: Any, styles: _Styles, width: int) -> int:
    """A table right after a figure (its data, "Data for figure 2: ...") starts with it: the
    figure's caption keeps with the table's caption, which keeps with its first row. Returns the
    height that adds to the figure's block (the table caption and two rows), or 0 if no table
    follows."""
    table_caption = _next_paragraph(caption)
    if table_caption is None or _para_style(table_caption) != "TableCaption":
        return 0
    table = table_caption.getnext()
    while table is not None and table.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        table = table.getnext()
    if table is None or table.tag != qn("w:tbl"):
        return 0
    ppr = caption.get_or_add_pPr()
    if ppr.find(qn("w:keepNext")) is None:
        keep = OxmlElement("w:keepNext")
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)
    columns = [_twips_attr(col, "w:w") * TWIP for col in table.iter(qn("w:gridCol"))]
    total = styles.height(table_caption, width)
    for row in table.findall(qn("w:tr"))[:2]:  # the header row and the first row of data
        cells = row.findall(qn("w:tc"))
        tallest = 0
        for k, cell in enumerate(cells):
            cell_width = columns[k] if k < len(columns) and columns[k] > 0 else width // max(1, len(cells))
            tallest = max(tallest, sum(styles.height(p, cell_width) for p in cell.iter(qn("w:p"))))
        total += tallest
    return total


def _twips_attr(element: Any, name: str) -> int:
    value = element.get(qn(name)) or "0"
    return int(value) if value.lstrip("-").isdigit() else 0


def _emu(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _scale_picture(inline: Any, scale: float) -> None:
    """Scale a picture's drawn size (wp:extent and the picture's own a:ext) by `scale`."""
    for ext in (inline.find(qn("wp:extent")), *inline.iter(qn("a:ext"))):
        if ext is not None and ext.get("cx") is not None and ext.get("cy") is not None:
            ext.set("cx", str(int(_emu(ext.get("cx")) * scale)))
            ext.set("cy", str(int(_emu(ext.get("cy")) * scale)))


def _next_paragraph(para: Any) -> Any:
    following = para.getnext()
    while following is not None and following.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        following = following.getnext()
    return following if following is not None and following.tag == qn("w:p") else None


def _previous_paragraph(para: Any) -> Any:
    before = para.getprevious()
    while before is not None and before.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        before = before.getprevious()
    return before if before is not None and before.tag == qn("w:p") else None


class _Styles:
    """What fit_figures needs of paragraph styles (following w:basedOn and the document defaults):
    font size, spacing before and after, keep-with-next."""

    def __init__(self, styles: Any) -> None:
        self.by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
        self.defaults = styles.find(qn("w:docDefaults"))
        default = next((s for s in styles.iter(qn("w:style"))
                        if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) == "1"), None)
        self.default_id = default.get(qn("w:styleId")) if default is not None else None

    def _chain(self, para: Any) -> list[Any]:
        """pPr/rPr holders from the paragraph itself to the document defaults."""
        holders = [para]
        style_id = _para_style(para) or self.default_id
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            holders.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        if self.defaults is not None:
            holders += [self.defaults.find(qn("w:pPrDefault")), self.defaults.find(qn("w:rPrDefault"))]
        return [h for h in holders if h is not None]

    def _first(self, para: Any, path: str, attr: str) -> str | None:
        for holder in self._chain(para):
            found = holder.find(path)
            if found is not None and found.get(qn(attr)) is not None:
                return str(found.get(qn(attr)))
        return None

    def size(self, para: Any) -> float:
        """The paragraph's font size in points (the style's; a run's own size is not looked at)."""
        value = self._first(para, f"{qn('w:rPr')}/{qn('w:sz')}", "w:val")
        return int(value) / 2 if value and value.isdigit() else 11.0

    def spacing(self, para: Any) -> int:
        """Space before and after the paragraph, in EMU."""
        total = 0
        for side in ("w:before", "w:after"):
            value = self._first(para, f"{qn('w:pPr')}/{qn('w:spacing')}", side)
            total += int(value) * TWIP if value and value.isdigit() else 0
        return total

    def keeps_with_next(self, para: Any) -> bool:
        return self._on(para, "w:keepNext")

    def _on(self, para: Any, tag: str) -> bool:
        """A paragraph property switched on (w:keepNext, w:pageBreakBefore) by the paragraph or its style."""
        for holder in self._chain(para):
            found = holder.find(f"{qn('w:pPr')}/{qn(tag)}")
            if found is not None:
                return found.get(qn("w:val"), "true") not in ("0", "false", "off")
        return False

    def height(self, para: Any, width: int) -> int:
        """The paragraph's height, estimated: its lines of text at an average glyph width, and its
        spacing, in EMU."""
        size = self.size(para)
        text = "".join(t.text or "" for t in para.iter(qn("w:t")))
        per_line = max(1, int(width / (GLYPH_WIDTH * size * POINT)))
        lines = max(1, -(-len(text) // per_line))
        return int(lines * LINE * size * POINT) + self.spacing(para)

    def kept_before(self, para: Any, width: int) -> tuple[int, bool]:
        """The height of the paragraphs before `para` that keep with it (a heading right above a
        figure moves to the next page with it), and whether the first of them starts a page."""
        total = 0
        before = _previous_paragraph(para)
        while before is not None and self.keeps_with_next(before):
            total += self.height(before, width)
            if self._on(before, "w:pageBreakBefore"):
                return total, True
            before = _previous_paragraph(before)
        return total, False

    def body_line(self) -> float:
        return LINE * 11.0 * POINT


def mark_tables(doc: DocumentObject) -> None:
    """Repeat each table's header row on every page; caption -> w:tblCaption and w:tblDescription."""
    body = doc.element.body
    for table in body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if rows:
            trpr = rows[0].get_or_add_trPr()
            if trpr.find(qn("w:tblHeader")) is None:
                trpr.append(OxmlElement("w:tblHeader"))
        caption = _caption_before(table)
        if caption:
            tblpr = table.find(qn("w:tblPr"))
            for tag in ("w:tblCaption", "w:tblDescription"):
                for old in tblpr.findall(qn(tag)):
                    tblpr.remove(old)
                element = OxmlElement(tag)
                element.set(qn("w:val"), caption)
                tblpr.append(element)


def _caption_before(table: object) -> str:
    previous = table.getprevious()  # type: ignore[attr-defined]
    if previous is None or previous.tag != qn("w:p"):
        return ""
    style = previous.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if style is None or style.get(qn("w:val")) != "TableCaption":
        return ""
    return "".join(t.text or "" for t in previous.iter(qn("w:t"))).strip()


TOC_LEVELS = {"Heading1": "TOC1", "Heading2": "TOC2"}  # pandoc's --toc-depth=2
# Headings are numbered by one multilevel list bound to the Heading 1 and Heading 2 styles
# ("3", "3.2"); body paragraphs by one list per chapter ("3.%1": "3.1", "3.2" ...), so inserting a
# paragraph renumbers the rest of its chapter. (One list cannot do both: Word and LibreOffice
# restart a third level at every section heading.)
HEADING_LEVELS = (("Heading1", "%1"), ("Heading2", "%1.%2"))


def real_numbering(doc: DocumentObject) -> dict[object, str]:
    """Turn the typed numbers pandoc wrote (runs in the 'Heading Number' and 'Paragraph Number'
    character styles, see cjji.build.pandoc_ast) into Word list numbering. Headings that carried
    no number (an unnumbered chapter such as the foreword), and styles based on the heading styles
    (TOC Heading), are taken out of the list (numId 0). Returns {w:p element: its number} for the
    contents. Does nothing if nothing is numbered."""
    body = doc.element.body
    styles = doc.styles.element
    heading_style = _style_id(styles, HEADING_NUMBER_STYLE)
    paragraph_style = _style_id(styles, PARAGRAPH_NUMBER_STYLE)
    marked = [r for r in body.iter(qn("w:r"))
              if (style := r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")) is not None
              and style.get(qn("w:val")) in (heading_style, paragraph_style)]
    if not marked:
        return {}
    numbering = doc.part.numbering_part.element
    headings = _add_list(numbering, [(style_id, text, "space") for style_id, text in HEADING_LEVELS])
    chapters: dict[str, int] = {}
    numbers: dict[object, str] = {}
    for run in marked:
        para = run.getparent()
        while para is not None and para.tag != qn("w:p"):
            para = para.getparent()
        if para is None:
            continue
        number = "".join(t.text or "" for t in run.iter(qn("w:t"))).strip()
        numbers[para] = number
        follower = run.getnext()
        is_heading = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == heading_style
        run.getparent().remove(run)
        # the space (heading) or tab (paragraph) that followed the typed number
        if follower is not None and follower.tag == qn("w:r"):
            texts = follower.findall(qn("w:t"))
            if follower.find(qn("w:tab")) is not None and not texts:
                follower.getparent().remove(follower)
            elif texts and (texts[0].text or "").startswith(" "):
                texts[0].text = texts[0].text[1:]
                if not texts[0].text and len(texts) == 1 and all(c.tag in (qn("w:rPr"), qn("w:t")) for c in follower):
                    follower.getparent().remove(follower)  # nothing left in it (an empty w:t reads back as <w:t/>)
        if is_heading:
            _set_numbering(para, headings, 0 if _para_style(para) == "Heading1" else 1)
        else:
            chapter, level_text = paragraph_series(number)  # "3" and "3.%1", or "S" and "S%1"
            if chapter not in chapters:
                chapters[chapter] = _add_list(numbering, [("", level_text, "tab")])
            _set_numbering(para, chapters[chapter], 0)
    bound = {style_id for style_id, _ in HEADING_LEVELS}
    for para in body.iter(qn("w:p")):  # headings that were not numbered stay so
        if para not in numbers and _para_style(para) in bound:
            _set_numbering(para, 0, 0)
    for style in styles.iter(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        based = style.find(qn("w:basedOn"))
        if style_id in bound:  # bind the styles: a heading added in Word is numbered too
            level = [s for s, _ in HEADING_LEVELS].index(style_id)
            _style_numbering(style, headings, level)
        elif based is not None and based.get(qn("w:val")) in bound:  # TOC Heading inherits Heading 1
            _style_numbering(style, 0, 0)
    return numbers


def _style_numbering(style: object, num_id: int, level: int) -> None:
    ppr = style.get_or_add_pPr()  # type: ignore[attr-defined]
    for old in ppr.findall(qn("w:numPr")):
        ppr.remove(old)
    ppr.insert(0, _num_pr(num_id, level))


def _style_id(styles: object, name: str) -> str:
    for style in styles.iter(qn("w:style")):  # type: ignore[attr-defined]
        names = style.find(qn("w:name"))
        if names is not None and names.get(qn("w:val")) == name:
            return str(style.get(qn("w:styleId")))
    return name.replace(" ", "")


def _para_style(para: object) -> str:
    style = para.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")  # type: ignore[attr-defined]
    return str(style.get(qn("w:val"))) if style is not None else ""


def _num_pr(num_id: int, level: int) -> object:
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    numpr.extend([ilvl, num])
    return numpr


def _set_numbering(para: object, num_id: int, level: int) -> None:
    ppr = para.find(qn("w:pPr"))  # type: ignore[attr-defined]
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        para.insert(0, ppr)  # type: ignore[attr-defined]
    for old in ppr.findall(qn("w:numPr")):
        ppr.remove(old)
    anchor = None  # numPr follows pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl
    for tag in ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl"):
        found = ppr.find(qn(tag))
        if found is not None:
            anchor = found
    if anchor is not None:
        anchor.addnext(_num_pr(num_id, level))
    else:
        ppr.insert(0, _num_pr(num_id, level))


def _add_list(numbering: object, levels: list[tuple[str, str, str]]) -> int:
    """A new decimal list (abstractNum and num) with `levels` of (style id or '', lvlText, suffix);
    returns its numId."""
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]  # type: ignore[attr-defined]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]  # type: ignore[attr-defined]
    abstract_id = max(abstract_ids, default=0) + 1
    num_id = max(num_ids, default=0) + 1
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    multi = OxmlElement("w:multiLevelType")
    multi.set(qn("w:val"), "multilevel" if len(levels) > 1 else "singleLevel")
    abstract.append(multi)
    for level, (style_id, text, suffix) in enumerate(levels):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        children = [("w:start", "1"), ("w:numFmt", "decimal")]
        if style_id:
            children.append(("w:pStyle", style_id))
        children += [("w:suff", suffix), ("w:lvlText", text), ("w:lvlJc", "left")]
        for tag, value in children:
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        if suffix == "tab":  # the number in the margin column, as the typed number was
            ppr = OxmlElement("w:pPr")
            tabs = OxmlElement("w:tabs")
            tab = OxmlElement("w:tab")
            tab.set(qn("w:val"), "num")
            tab.set(qn("w:pos"), str(HANGING_TWIPS))
            tabs.append(tab)
            ind = OxmlElement("w:ind")
            ind.set(qn("w:left"), str(HANGING_TWIPS))
            ind.set(qn("w:hanging"), str(HANGING_TWIPS))
            ppr.extend([tabs, ind])
            lvl.append(ppr)
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))  # type: ignore[attr-defined]
    if first_num is not None:  # every abstractNum comes before every num
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)  # type: ignore[attr-defined]
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    num.append(ref)
    numbering.append(num)  # type: ignore[attr-defined]
    return num_id


def fill_contents(doc: DocumentObject, numbers: dict[object, str] | None = None) -> None:
    """Give pandoc's contents field (TOC \\o "1-2") a stored result: one linked entry per chapter
    and section heading, so LibreOffice, previews and read-only viewers show the contents before
    Word updates it (without page numbers, which only a layout engine knows; Word adds them when it
    updates the field on opening, see update_fields_on_open)."""
    body = doc.element.body
    field = None
    for instr in body.iter(qn("w:instrText")):
        if (instr.text or "").strip().startswith("TOC"):
            field = instr.getparent()
            break
    if field is None:
        return
    separate = next((c for c in field if c.tag == qn("w:fldChar") and c.get(qn("w:fldCharType")) == "separate"), None)
    end = next((c for c in field if c.tag == qn("w:fldChar") and c.get(qn("w:fldCharType")) == "end"), None)
    if separate is None or end is None:
        return
    first = field.getparent()  # the w:p holding the whole field
    entries = []
    bookmark = ""
    for element in body:
        if element.tag == qn("w:bookmarkStart"):
            bookmark = element.get(qn("w:name")) or ""
            continue
        if element.tag != qn("w:p"):
            bookmark = ""
            continue
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        level = TOC_LEVELS.get(style.get(qn("w:val")) if style is not None else "")
        inner = element.find(qn("w:bookmarkStart"))
        name = bookmark or (inner.get(qn("w:name")) if inner is not None else "")
        bookmark = ""
        if level:
            text = "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()
            if numbers and element in numbers:  # the number is list numbering now, not text
                text = f"{numbers[element]} {text}"
            if text:
                entries.append((level, text, name))
    if not entries:
        return
    field.remove(end)
    paragraphs = [first]
    for n, (level, text, name) in enumerate(entries):
        para = first if n == 0 else OxmlElement("w:p")
        ppr = para.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            para.insert(0, ppr)
        for old in ppr.findall(qn("w:pStyle")):
            ppr.remove(old)
        pstyle = OxmlElement("w:pStyle")
        pstyle.set(qn("w:val"), level)
        ppr.insert(0, pstyle)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
        if name:
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), name)
            link.set(qn("w:history"), "1")
            link.append(run)
            para.append(link)
        else:
            para.append(run)
        if n:
            paragraphs[-1].addnext(para)
            paragraphs.append(para)
    closing = OxmlElement("w:r")
    closing.append(end)
    paragraphs[-1].append(closing)


def tidy_styles(doc: DocumentObject) -> None:
    """A clean style gallery: pandoc's syntax-highlighting styles (…Tok) only when the report has
    code, and its 'First Paragraph' folded into Body Text (the first paragraph looks the same)."""
    body = doc.element.body
    styles = doc.styles.element
    used = {e.get(qn("w:val")) for tag in ("w:rStyle", "w:pStyle") for e in body.iter(qn(tag))}
    for element in body.iter(qn("w:pStyle")):
        if element.get(qn("w:val")) == "FirstParagraph":
            element.set(qn("w:val"), "BodyText")
    for style in list(styles.iter(qn("w:style"))):
        style_id = style.get(qn("w:styleId")) or ""
        unused = style_id not in used
        if (unused and (style_id.endswith("Tok") or style_id in UNUSED_PANDOC_STYLES)) or style_id == "FirstParagraph":
            styles.remove(style)


# pandoc's reference styles for things a report never has (abstract, bibliography, definition
# lists, author lines) and the number markers real_numbering has replaced: removed when unused
UNUSED_PANDOC_STYLES = frozenset({"Abstract", "AbstractTitle", "Author", "Bibliography", "Definition",
                                  "DefinitionTerm", "SectionNumber", "HeadingNumber", "ParagraphNumber"})


def update_fields_on_open(doc: DocumentObject) -> None:
    """w:updateFields in settings.xml: Word refreshes the contents (and its page numbers) on opening."""
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = next((c for c in settings if c.tag in _AFTER_UPDATE_FIELDS), None)  # Word wants schema order
    if later is not None:
        later.addprevious(update)
    else:
        settings.append(update)


_AFTER_UPDATE_FIELDS = {qn(f"w:{name}") for name in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator")} | {"{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary"}


def set_image_descriptions(doc: DocumentObject) -> None:
    """wp:docPr/@descr holds the alt text, which pandoc writes from the image's bracket text; the
    title (the figure caption, shown under the image anyway) is removed so it is not read twice."""
    for prop in doc.element.body.iter(qn("wp:docPr")):
        prop.attrib.pop("title", None)


def normalise_zip(data: bytes, parts: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a docx with fixed entry times and sorted entries ([Content_Types].xml first),
    with `parts` (name -> bytes) in place of the entries of those names."""
    parts = parts or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
    missing = sorted(set(parts) - set(names))
    if missing:  # a new part would also need its content type and relationship
        raise ValueError(f"normalise_zip: no part {', '.join(missing)} to replace")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            data_of = parts[name] if name in parts else source.read(name)
            target.writestr(info, data_of, compresslevel=6)
    return out.getvalue()
