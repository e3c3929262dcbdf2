"""Word: pandoc with the branded reference document, then python-docx for what pandoc can't do.

Added after pandoc: core properties (title, subject, the inspectorates as authors, keywords,
en-GB, fixed dates, nobody's name), a cover page (title, subtitle, date, the inspectorates' logos
with the lead first, the licence notice), a header and a "Page X of Y" footer, table header rows
that repeat on every page (w:tblHeader), table captions as w:tblCaption/w:tblDescription, image
descriptions (wp:docPr/@descr) holding the alt text, and our own docProps/app.xml (Application
"cjji" and the real word count instead of pandoc's template figures; no page count, which only
a layout engine such as Word can know). The zip is then normalised (fixed entry times, sorted
entries) so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from cjji import atomic
from cjji.build import pandoc
from cjji.build.brand import Brand, load_brand
from cjji.build.numbering import paragraph_series
from cjji.build.pandoc_ast import (
    HEADING_NUMBER_STYLE,
    PARAGRAPH_NUMBER_STYLE,
    document,
    meta_string,
)
from cjji.build.publication import LANGUAGE, Publication, body_blocks, publication
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
    meta = {"lang": meta_string(LANGUAGE), "toc-title": meta_string("Contents")}
    args = (f"--reference-doc={reference_docx(brand)}", "--toc", "--toc-depth=2")
    limits = build_limits(policy)  # checks/limits.yml, as for the PDF
    data = pandoc.run(document(blocks, meta), "docx", args=args, timeout=limits["seconds"],
                      memory_mb=limits["memory_mb"])
    doc = Document(io.BytesIO(data))
    set_properties(doc, pub)
    add_cover(doc, pub, brand, policy)
    add_header_footer(doc, pub)
    mark_tables(doc)
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


def set_properties(doc: DocumentObject, pub: Publication) -> None:
    props = doc.core_properties
    props.title = fit(pub.title)
    props.subject = fit(pub.subtitle)
    authors = "; ".join(pub.authors)
    props.author = authors if len(authors) <= PROPERTY_LIMIT else fit("; ".join(pub.inspectorates))
    props.keywords = fit(", ".join(pub.keywords))
    props.language = LANGUAGE
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


def add_cover(doc: DocumentObject, pub: Publication, brand: Brand, policy: Policy) -> None:
    """Title, subtitle, date, logos (lead first) and the licence notice, then a page break."""
    body = doc.element.body
    anchor = body[0] if len(body) and body[0].tag != qn("w:sectPr") else None  # pandoc's contents
    _insert_before(anchor, doc, pub.title, "Title")
    if pub.subtitle:
        _insert_before(anchor, doc, pub.subtitle, "Subtitle")
    if pub.long_date:
        _insert_before(anchor, doc, pub.long_date, "Date")
    names = policy.inspectorates
    logos = _insert_before(anchor, doc, "", "Body Text")
    logos.paragraph_format.space_before = Pt(36)
    for k, code in enumerate(pub.inspectorates):
        path = brand.logo(code)
        if path is None:
            continue
        if k:
            logos.add_run("   ")
        logos.add_run().add_picture(io.BytesIO(logo_png(path)), height=LOGO_HEIGHT)
        _describe_last_picture(logos, f"{names.get(code, {}).get('name', code)} logo")
    notice = _insert_before(anchor, doc, brand.licence_text(pub.year), "Body Text")
    notice.paragraph_format.space_before = Pt(120)
    for run in notice.runs:
        run.font.size = Pt(brand.sizes["small"])
    notice.add_run().add_break(WD_BREAK.PAGE)


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


def add_header_footer(doc: DocumentObject, pub: Publication) -> None:
    """The title in the header and 'Page X of Y' in the footer, none on the cover page."""
    for section in doc.sections:
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.text = pub.title
        header.style = doc.styles["Header"]  # made by reference_docx.py, like "Footer"
        footer = section.footer.paragraphs[0]
        footer.style = doc.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES")


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
