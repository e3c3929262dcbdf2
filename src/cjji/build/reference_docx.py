"""The Word reference document, generated from templates/brand.yml (never edited by hand).

Starts from pandoc's own default reference.docx (so every style pandoc writes exists) and restyles
it with python-docx: fonts, sizes, colours, heading styles, A4 page and margins, the document
language, and the styles cjji adds (numbered paragraphs, callouts for graded findings).
The result is cached under .cache/word/ by a digest of brand.yml, this code and pandoc's version.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle

from cjji import atomic
from cjji.build.brand import Brand
from cjji.build.pandoc import pandoc_path
from cjji.build.pandoc_ast import CALLOUT_DETAILS_STYLE, CALLOUT_LABEL_STYLE, CALLOUT_STYLE, PARAGRAPH_STYLE
from cjji.build.publication import LANGUAGE

HANGING = Cm(1.4)  # room for a paragraph number (12.10) in the margin column


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.removeprefix("#").upper())


def _set_font(style: CharacterStyle, families: list[str], size: float | None = None, colour: str | None = None,
              bold: bool | None = None) -> None:
    font = style.font
    font.name = families[0]
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        if key.endswith("Theme"):
            del fonts.attrib[key]
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), families[0])
    if size is not None:
        font.size = Pt(size)
    if colour is not None:
        font.color.rgb = rgb(colour)
    if bold is not None:
        font.bold = bold


def _shade(ppr_owner: BaseStyle, fill: str, border: str | None = None) -> None:
    ppr = ppr_owner.element.get_or_add_pPr()
    if border:
        borders = OxmlElement("w:pBdr")
        left = OxmlElement("w:left")
        for key, value in (("w:val", "single"), ("w:sz", "24"), ("w:space", "8"), ("w:color", border[1:])):
            left.set(qn(key), value)
        borders.append(left)
        ppr.append(borders)
    shd = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill[1:])):
        shd.set(qn(key), value)
    ppr.append(shd)


def _paragraph_style(doc: WordDocument, name: str, base: str = "Body Text") -> ParagraphStyle:
    # python-docx leaves Styles.__getitem__ and add_style unannotated: every name used here is a
    # paragraph style of pandoc's reference.docx, or one added here as a paragraph style
    styles = doc.styles
    found = _named(doc, name)
    if found is not None:
        return cast(ParagraphStyle, found)
    style = cast(ParagraphStyle, styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
    style.base_style = _named(doc, base)
    style.quick_style = True
    return style


def _named(doc: WordDocument, name: str) -> BaseStyle | None:
    """The style whose name is `name`, case aside. Not `styles[name]`: for a name it does not know
    python-docx falls back to the style id, with a deprecation warning ("Caption" in pandoc's
    reference is spelled with a capital, where python-docx expects Word's internal "caption")."""
    wanted = name.casefold()
    for style in doc.styles:
        if (style.name or "").casefold() == wanted:
            return cast(BaseStyle, style)
    return None


def _defaults(doc: WordDocument, colour: str) -> None:
    """Language and text colour as document defaults (a table style's header colour can override
    these, but not a colour set on the Normal style)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    rpr.find(qn("w:lang")).set(qn("w:val"), LANGUAGE)
    colour_element = OxmlElement("w:color")
    colour_element.set(qn("w:val"), colour[1:])
    rpr.find(qn("w:sz")).addprevious(colour_element)


def _table_style(doc: WordDocument, brand: Brand) -> None:
    """Pandoc's 'Table' style: header row filled with the primary colour, light rules between rows."""
    style = doc.styles["Table"]
    element = style.element
    for old in element.findall(qn("w:tblStylePr")):
        element.remove(old)
    colours = brand.colours
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    bold = OxmlElement("w:b")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), colours["table_header_text"][1:])
    rpr.extend([bold, colour])
    tcpr = OxmlElement("w:tcPr")
    shd = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", colours["primary"][1:])):
        shd.set(qn(key), value)
    tcpr.append(shd)
    first.extend([rpr, tcpr])
    element.append(first)
    tblpr = element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        element.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "bottom", "insideH"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "B1B4B6")):
            edge.set(qn(key), value)
        borders.append(edge)
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    tblpr.append(borders)


def restyle(data: bytes, brand: Brand) -> bytes:
    """Pandoc's default reference.docx restyled with the brand."""
    doc = Document(io.BytesIO(data))
    styles = doc.styles
    colours, fonts, sizes = brand.colours, brand.fonts, brand.sizes
    _defaults(doc, colours["text"])
    _set_font(styles["Normal"], fonts["body"], sizes["body"])
    for name in ("Body Text", "First Paragraph", "Compact"):
        _set_font(styles[name], fonts["body"])
    styles["Body Text"].paragraph_format.space_before = Pt(0)
    styles["Body Text"].paragraph_format.space_after = Pt(8)
    styles["Body Text"].paragraph_format.line_spacing = 1.15
    _set_font(styles["Title"], fonts["heading"], sizes["title"], colours["primary"], bold=True)
    _set_font(styles["Subtitle"], fonts["heading"], sizes["subtitle"], colours["text"], bold=False)
    _set_font(styles["Date"], fonts["heading"], sizes["subtitle"], colours["primary"])
    for name in ("Title", "Subtitle", "Date"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for level, size in ((1, sizes["heading1"]), (2, sizes["heading2"]), (3, sizes["heading3"])):
        style = styles[f"Heading {level}"]
        _set_font(style, fonts["heading"], size, colours["primary"], bold=True)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.page_break_before = level == 1
    for level in range(4, 10):
        _set_font(styles[f"Heading {level}"], fonts["heading"], sizes["body"], colours["primary"], bold=True)
    _set_font(styles["TOC Heading"], fonts["heading"], sizes["heading1"], colours["primary"], bold=True)
    for name in ("Image Caption", "Table Caption"):
        _set_font(styles[name], fonts["body"], sizes["small"], colours["muted"])
        styles[name].font.italic = False
    _set_font(styles["Hyperlink"], fonts["body"], colour=colours["link"])
    _set_font(styles["Verbatim Char"], fonts["mono"])
    _set_font(styles["Footnote Text"], fonts["body"], sizes["small"])
    _set_font(styles["Block Text"], fonts["body"], colour=colours["text"])
    styles["Block Text"].font.italic = True

    numbered = _paragraph_style(doc, PARAGRAPH_STYLE)
    numbered.paragraph_format.left_indent = HANGING
    numbered.paragraph_format.first_line_indent = -HANGING
    numbered.paragraph_format.tab_stops.add_tab_stop(HANGING)
    callout = _paragraph_style(doc, CALLOUT_STYLE)
    callout.paragraph_format.left_indent = HANGING
    callout.paragraph_format.first_line_indent = -HANGING
    callout.paragraph_format.tab_stops.add_tab_stop(HANGING)
    callout.paragraph_format.space_after = Pt(0)
    _shade(callout, colours["table_stripe"], colours["accent"])
    label = _paragraph_style(doc, CALLOUT_LABEL_STYLE)
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.space_before = Pt(6)
    label.paragraph_format.space_after = Pt(0)
    _set_font(label, fonts["heading"], colour=colours["primary"], bold=True)
    _shade(label, colours["table_stripe"], colours["accent"])
    for level in (1, 2, 3):  # the contents' entries (Word's built-in "toc 1" ... names)
        toc = _paragraph_style(doc, f"TOC {level}", "Normal")
        toc.element.find(qn("w:name")).set(qn("w:val"), f"toc {level}")
        _set_font(toc, fonts["body"], sizes["body"], bold=level == 1)
        toc.paragraph_format.left_indent = Mm(6 * (level - 1))
        toc.paragraph_format.space_after = Pt(3)
        # the page number at the right margin, after a dot leader (A4 less the brand's margins)
        text_width = Mm(210 - brand.margins_mm["left"] - brand.margins_mm["right"])
        toc.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        toc.paragraph_format.right_indent = Mm(10)  # a long entry wraps short of the page numbers' column
    for name in ("List Bullet", "List Number"):
        _set_font(_paragraph_style(doc, name), fonts["body"])
    caption = _paragraph_style(doc, "Caption", "Normal")
    _set_font(caption, fonts["body"], sizes["small"], colours["muted"])
    caption.font.italic = False
    details = _paragraph_style(doc, CALLOUT_DETAILS_STYLE)
    details.paragraph_format.left_indent = HANGING
    details.paragraph_format.space_after = Pt(0)
    details.font.italic = True
    _shade(details, colours["table_stripe"], colours["accent"])
    _table_style(doc, brand)
    styles["Table"].element.find(qn("w:name")).set(qn("w:val"), f"{brand.name} Table")  # the branded table style
    for name in ("Header", "Footer"):
        _set_font(_paragraph_style(doc, name, "Normal"), fonts["body"], sizes["small"], colours["muted"])

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    margins = brand.margins_mm
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _digest(brand: Brand) -> str:
    digest = hashlib.sha256(json.dumps(brand.data, sort_keys=True).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(pandoc_path().encode())
    return digest.hexdigest()[:16]


def reference_docx(brand: Brand, project: Path) -> Path:
    """The branded reference document for pandoc, generated once per brand.yml into the project's
    .cache/ (never beside the brand, which may be cjji's installed, read-only data)."""
    path = project / ".cache" / "word" / f"reference-{_digest(brand)}.docx"
    if not path.is_file():
        default = subprocess.run([pandoc_path(), "--print-default-data-file", "reference.docx"],
                                 capture_output=True, check=True, timeout=60).stdout
        atomic.write_bytes(path, restyle(default, brand))
    return path
