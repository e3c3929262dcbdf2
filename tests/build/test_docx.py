"""The Word file, as a reader (and a screen reader) finds it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES, ROOT, examples

from cjji.build.docx import build_docx, normalise_zip
from cjji.policy import load_policy
from cjji.report import load

CONSTRUCTS = FIXTURES / "build" / "2027-all-constructs"
CHART_ALT = "Bar chart of three areas: 40, 90 and 60 days."


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("docx") / "2027-all-constructs.docx"
    return build_docx(load(CONSTRUCTS), load_policy(ROOT), dest)


@pytest.fixture(scope="module")
def doc(built: Path) -> DocumentObject:
    return Document(str(built))


def styled(doc: DocumentObject, style: str) -> list[str]:
    """The text of each paragraph in `style`, with the list number Word shows before it."""
    from cjji.build.readback import WordNumbering

    numbering = WordNumbering(doc.part.numbering_part.element.xml.encode(), doc.styles.element.xml.encode())
    shown = [(p, numbering.number(p._p)) for p in doc.paragraphs]
    return [number + p.text for p, number in shown if p.style is not None and p.style.name == style]


def test_core_properties_name_the_inspectorates_and_nobody_else(doc: DocumentObject) -> None:
    props = doc.core_properties
    assert props.title == "Every construct of the report dialect"
    assert props.subject == "A test report for the Word and PDF builders"
    assert props.author.split("; ") == [  # the lead (HMICFRS) first
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "His Majesty's Crown Prosecution Service Inspectorate",
    ]
    assert "joint inspection" in props.keywords
    assert props.language == "en-GB"
    assert props.last_modified_by == ""
    assert props.created == dt.datetime(2027, 3, 1, tzinfo=dt.UTC)  # the publication date, not the build time


def test_document_language_is_british_english(doc: DocumentObject) -> None:
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"


def test_cover_brand_band_logos_lead_first_and_joint_mark(doc: DocumentObject) -> None:
    band = doc.tables[0]
    cell = band.rows[0].cells[0]
    assert [p.style.name for p in cell.paragraphs] == ["Title", "Subtitle"]
    assert cell.paragraphs[0].text == "Every construct of the report dialect"
    tcpr = cell._tc.tcPr
    assert tcpr.find(qn("w:shd")).get(qn("w:fill")).lower() == "1d4e5f"  # brand.yml primary
    tblpr = band._tbl.tblPr
    assert tblpr.find(qn("w:tblW")).get(qn("w:w")) == "11906"  # the page's whole width, 210 mm
    assert tblpr.find(qn("w:tblInd")).get(qn("w:w")) == "-1417"  # reaching back over the 25 mm margin
    paragraphs = doc.paragraphs
    assert paragraphs[0].text == "1 March 2027"
    logos = [p.get("descr") for p in paragraphs[1]._p.iter(qn("wp:docPr"))]
    assert logos == [
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services logo",
        "His Majesty's Crown Prosecution Service Inspectorate logo",
    ]
    assert [p.get("descr") for p in paragraphs[2]._p.iter(qn("wp:docPr"))] == ["Criminal justice joint inspection logo"]


def test_inside_cover_licence_link_and_who_we_are_come_before_the_contents(doc: DocumentObject) -> None:
    texts = [p.text for p in doc.paragraphs]
    licence = next(p for p in doc.paragraphs if "Open Government Licence v3.0" in p.text)
    assert "© Crown copyright 2027" in licence.text  # the report's year, not the build's
    links = licence._p.findall(qn("w:hyperlink"))
    targets = {licence.part.rels[link.get(qn("r:id"))].target_ref for link in links}
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in targets
    formats = next(t for t in texts if "other formats" in t)
    assert "cjji.publications@cjji-reports.invalid" in formats  # templates/site/site.yml's contact
    every = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))]
    who = every.index("Who we are")
    contents = every.index("Contents")  # the contents' title, inside its w:sdt
    assert every.index(licence.text) < who < contents < every.index("Foreword")
    texts = every
    anchors = [link.get(qn("w:anchor")) for link in doc.element.body.iter(qn("w:hyperlink"))]
    assert "cjji-who-we-are" in anchors  # the contents' entry links to it
    statements = texts[who:contents]
    assert any(t.startswith("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services inspects")
               for t in statements)


def test_real_heading_styles_with_chapter_numbers(doc: DocumentObject) -> None:
    assert styled(doc, "Heading 1")[:4] == ["Who we are", "Foreword", "1 Summary", "2 Recommendations"]
    assert styled(doc, "Heading 2")[0] == "1.1 Findings in detail"
    assert "A third-level heading" in styled(doc, "Heading 3")


def test_paragraphs_are_numbered_by_chapter(doc: DocumentObject) -> None:
    numbered = styled(doc, "Numbered Paragraph")
    assert numbered[0].startswith("1.1\tThe “victims’ code” says")  # typographic quotes too
    assert [p.split("\t")[0] for p in numbered] == ["1.1", "1.2", "1.3", "1.4"]  # not captions, figures, lists, quotes
    assert not any("foreword is not numbered" in p for p in numbered)


def test_recommendation_is_a_labelled_callout(doc: DocumentObject) -> None:
    assert styled(doc, "Callout Label") == ["Recommendation 1"]
    assert styled(doc, "Callout")[0].startswith("2.1\tBy 30 June 2027")


def test_table_header_repeats_and_caption_describes_the_table(doc: DocumentObject) -> None:
    table = doc.tables[1]._tbl
    assert table.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    props = table.find(qn("w:tblPr"))
    assert props.find(qn("w:tblCaption")).get(qn("w:val")) == "Table 1: Cases by area"
    assert props.find(qn("w:tblDescription")).get(qn("w:val")) == "Table 1: Cases by area"
    assert [c.text for c in doc.tables[1].rows[0].cells] == ["Area", "Cases", "Told on time"]


def test_images_describe_themselves_with_alt_text_not_caption(doc: DocumentObject) -> None:
    descriptions = [p.get("descr") for p in doc.element.body.iter(qn("wp:docPr"))][3:]  # after the logos and mark
    assert descriptions == [CHART_ALT, "logo mark"]
    assert not [p for p in doc.element.body.iter(qn("wp:docPr")) if p.get("title")]  # caption not read twice
    assert "Figure 1: Days taken, by area" in styled(doc, "Image Caption")


def test_sections_cover_bare_front_matter_roman_body_from_page_1(doc: DocumentObject) -> None:
    cover, front, body = doc.sections
    assert cover.top_margin == 0 and not cover._sectPr.findall(qn("w:footerReference"))  # band at the top edge
    numbers = front._sectPr.find(qn("w:pgNumType"))
    assert (numbers.get(qn("w:fmt")), numbers.get(qn("w:start"))) == ("lowerRoman", "2")  # the cover is i
    assert [t.text.strip() for t in front.footer._element.iter(qn("w:instrText"))] == ["PAGE"]
    numbers = body._sectPr.find(qn("w:pgNumType"))
    assert (numbers.get(qn("w:fmt")), numbers.get(qn("w:start"))) == ("decimal", "1")
    assert body.header.paragraphs[0].text == "Every construct of the report dialect"
    assert body.footer.paragraphs[0].text.startswith("Page ")
    assert [t.text.strip() for t in body.footer._element.iter(qn("w:instrText"))] == ["PAGE"]


def test_footnotes_raw_html_and_annex(doc: DocumentObject, built: Path) -> None:
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "raw html block is dropped" not in text
    assert "Raw HTML is dropped but its text stays." in text
    assert "Annex A: How this inspection meets the joint inspection framework" in styled(doc, "Heading 1")
    import zipfile

    assert "The Code of Practice for Victims of Crime." in zipfile.ZipFile(built).read("word/footnotes.xml").decode()


def test_normalised_zip_has_fixed_times_and_sorted_entries(built: Path) -> None:
    import zipfile

    infos = zipfile.ZipFile(built).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    names = [i.filename for i in infos]
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert normalise_zip(built.read_bytes()) == built.read_bytes()


def test_a_report_can_switch_paragraph_numbers_off(tmp_path: Path) -> None:
    report = load(CONSTRUCTS)
    report.meta["numbering"] = {"paragraphs": False}
    doc = Document(str(build_docx(report, load_policy(ROOT), tmp_path / "x.docx")))
    assert styled(doc, "Numbered Paragraph") == []
    assert "1 Summary" in styled(doc, "Heading 1")  # chapter numbers stay


def test_app_properties_name_cjji_and_count_the_words_not_pages(built: Path, doc: DocumentObject) -> None:
    """File > Properties shows what docProps/app.xml says: not pandoc's template (Microsoft Word,
    1 page, 83 words) but cjji and the document's own word count; pages only Word can count."""
    import zipfile
    from xml.etree import ElementTree

    app = ElementTree.fromstring(zipfile.ZipFile(built).read("docProps/app.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    fields = {child.tag.removeprefix(ns): child.text for child in app}
    assert fields["Application"] == "cjji"
    assert not {"Pages", "Lines", "Paragraphs", "Characters", "CharactersWithSpaces", "TotalTime",
                "Template", "AppVersion"} & set(fields)
    paragraphs = [Paragraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]
    words = sum(len(p.text.split()) for p in paragraphs)
    assert words > 300
    assert int(fields["Words"]) == words


def test_the_download_label_has_a_page_count_only_when_word_wrote_one(built: Path, tmp_path: Path) -> None:
    from cjji.publish.plan import page_count

    assert page_count("docx", built) is None  # as built: no <Pages>, so "Word, 48.2 KB"
    saved_by_word = tmp_path / "saved.docx"
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.'
           'openxmlformats.org/officeDocument/2006/extended-properties"><Pages>12</Pages></Properties>')
    saved_by_word.write_bytes(normalise_zip(built.read_bytes(), {"docProps/app.xml": app.encode()}))
    assert page_count("docx", saved_by_word) == 12


def test_numbers_are_word_list_numbering_not_typed_text(doc: DocumentObject) -> None:
    """Issue 14: typed numbers meant renumbering a chapter by hand after inserting a paragraph."""
    numbered = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Numbered Paragraph"]
    assert numbered and all(p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None for p in numbered)
    assert not any(p.text[:1].isdigit() for p in numbered)  # the number is no longer in the text
    heading = doc.styles["Heading 1"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    assert heading is not None  # bound to the style: a heading added in Word is numbered too
    [foreword] = [p for p in doc.paragraphs if p.text == "Foreword"]
    assert foreword._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val")) == "0"
    toc_heading = doc.styles["TOC Heading"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    assert toc_heading is not None and toc_heading.get(qn("w:val")) == "0"


def test_style_gallery_is_clean_and_branded(doc: DocumentObject) -> None:
    names = {s.name for s in doc.styles}
    assert not any(name.endswith("Tok") for name in names)  # no code in the report: no syntax styles
    assert not {"First Paragraph", "Abstract", "Bibliography", "Author"} & names
    assert {"toc 1", "toc 2", "toc 3", "List Bullet", "List Number", "Caption", "Callout", "Callout Label",
            "Callout Details", "Numbered Paragraph"} <= names
    assert any(name.endswith(" Table") for name in names)  # the branded table style


# -- figures: no page left more than 40% blank before one (issue 14) -------------------------------

TALL_ID = "2027-tall-figures"
TALL_SIZES = [(300, 600), (480, 480), (400, 1600), (480, 240), (360, 540), (200, 700), (300, 100)]  # pixels
TALL_FIGURES = 18


def _tall_report(reports: Path) -> Path:
    """A report whose Figures chapter holds figures from wide to much taller than a page, after
    paragraphs of varied length (so they meet the foot of a page at every height), some right
    under a section heading that keeps with them."""
    from build.stress_support import FRONT_MATTER, STRESS_ID
    from PIL import Image

    folder = reports / TALL_ID
    (folder / "images").mkdir(parents=True)
    (folder / "impact-assessment.md").write_text("# Equality impact assessment\n\nNo adverse impact.\n")
    sentence = ("Inspectors read the case files and asked each agency how and when it told the victim about the "
                "decision, the hearing and the outcome of the case")
    words = sentence.split(" ")
    lines = ["# Foreword {#foreword .unnumbered}\n", "A short foreword.\n", "# Summary {#summary}\n",
             "The summary.\n", "# Figures {#figures}\n"]
    for n in range(1, TALL_FIGURES + 1):
        width, height = TALL_SIZES[n % len(TALL_SIZES)]
        Image.new("RGB", (width, height), (29, 78, 95)).save(folder / "images" / f"tall{n:02d}.png")
        if n % 4 == 0:
            lines.append(f"## Section before figure {n} {{#section-{n}}}\n")
        else:
            count = (n * 53) % 170 + 10
            lines.append(" ".join(words[k % len(words)] for k in range(count)).capitalize() + ".\n")
        data = ""
        if n % 3 == 0:  # a table of its data after it, which starts with the figure
            (folder / "data").mkdir(exist_ok=True)
            (folder / "data" / f"tall{n:02d}.csv").write_text(
                "Area,Average working days over the whole period,Victims' Code timescale in working days\n"
                "Northshire,4,5\nWestvale,11,5\nEastmere,7,5\n", encoding="utf-8")
            data = f' data="data/tall{n:02d}.csv"'
        lines.append(f'![A block of colour, number {n}.](images/tall{n:02d}.png "Figure {n}: Colour {n}")'
                     f"{{#fig-{n}{data}}}\n")
    lines += ["# Recommendations {#recommendations}\n",
              '::: {.recommendation #R1 owner="Ministry of Justice" due="2027-12-31"}',
              "By 31 December 2027, the Ministry of Justice should publish one measure.", ":::\n"]
    front = FRONT_MATTER.replace(STRESS_ID, TALL_ID)
    (folder / "report.md").write_text(front + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _page_blocks(pdf: Path) -> list[tuple[float, list[tuple[float, float]], list[tuple[float, float]], str]]:
    """For each page: its height, the vertical extents (bottom, top) of everything drawn in the
    text area (between the 25 mm margins), those of its pictures, and its text."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(len(document)):
            page = document[n]
            height = page.get_height()
            low, high = 25 / 25.4 * 72, height - 25 / 25.4 * 72
            drawn, pictures = [], []
            for obj in page.get_objects(max_depth=4):
                left, bottom, right, top = obj.get_bounds()
                if top < low - 1 or bottom > high + 1 or obj.type == raw.FPDF_PAGEOBJ_FORM:
                    continue  # header and footer, or a container whose contents are listed
                extent = (max(bottom, low), min(top, high))
                drawn.append(extent)
                if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                    pictures.append(extent)
            text = page.get_textpage()
            pages.append((height, drawn, pictures, text.get_text_range()))
            text.close()
            page.close()
    finally:
        document.close()
    return pages


def _largest_blank(height: float, drawn: list[tuple[float, float]]) -> float:
    """The tallest empty band of the text area, as a share of its height."""
    low, high = 25 / 25.4 * 72, height - 25 / 25.4 * 72
    edge, widest = high, 0.0
    for bottom, top in sorted(drawn, key=lambda e: -e[1]):
        widest = max(widest, edge - top)
        edge = min(edge, bottom)
    widest = max(widest, edge - low)
    return widest / (high - low)


@pytest.mark.slow
def test_no_page_is_more_than_40_percent_blank_before_a_figure_in_libreoffice(tmp_path: Path) -> None:
    """Word and LibreOffice never float an inline picture, so a figure that does not fit starts
    the next page; fit_figures keeps every figure's block within 40% of the text height, so the
    page it leaves is never more than 40% blank. Measured on LibreOffice's rendering: in the
    Figures chapter every page but its last is at most 40% blank, every figure is there, and
    none is shrunk to a thumbnail."""
    import subprocess

    from cjji.build.docx_pages import soffice_path

    soffice = soffice_path()
    if soffice is None:
        pytest.skip("LibreOffice is installed by scripts/setup-system.sh --test")
    folder = _tall_report(tmp_path / "reports")
    docx = build_docx(load(folder), load_policy(ROOT), tmp_path / f"{TALL_ID}.docx")
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)], capture_output=True, check=True,
                   timeout=180)
    pages = _page_blocks(tmp_path / f"{TALL_ID}.pdf")
    assert "Crown copyright" in pages[1][3]  # the cover (six logos, a very long title) stays one page
    lines = [[line.strip() for line in page[3].splitlines()] for page in pages]
    first = next(n for n, page in enumerate(lines) if "2 Figures" in page and "Contents" not in page)
    last = next(n for n in range(first + 1, len(pages)) if "3 Recommendations" in lines[n]) - 1
    chapter = pages[first:last + 1]
    assert sum(len(p[2]) for p in chapter) == TALL_FIGURES
    text_height = pages[first][0] - 2 * 25 / 25.4 * 72
    heights = [(top - bottom) / text_height for p in chapter for bottom, top in p[2]]
    assert max(heights) <= 0.40 and min(heights) >= 0.12, heights  # none a thumbnail (the smallest is drawn 14%)
    blanks = [(first + k + 1, round(_largest_blank(p[0], p[1]), 2)) for k, p in enumerate(chapter[:-1])]
    assert all(blank <= 0.40 for _, blank in blanks), blanks
    assert len(chapter) > 5  # the figures did run over several pages
    for n in range(3, TALL_FIGURES + 1, 3):  # a figure's data table starts on the figure's page
        [page] = [k for k in range(first, last + 1) if f"Figure {n}: Colour {n}" in lines[k]]
        assert f"Data for figure {n}: Colour {n}" in lines[page], (n, lines[page])


def test_fit_figures_keeps_the_aspect_and_leaves_small_figures_alone(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cjji.build import docx as docx_module

    folder = _tall_report(tmp_path / "reports")

    def extents(path: Path) -> list[tuple[int, int]]:
        doc = Document(str(path))
        figures = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Captioned Figure"]
        found = []
        for para in figures:
            [extent] = para._p.iter(qn("wp:extent"))
            [ext] = para._p.iter(qn("a:ext"))
            assert (ext.get("cx"), ext.get("cy")) == (extent.get("cx"), extent.get("cy"))  # both scaled
            found.append((int(extent.get("cx")), int(extent.get("cy"))))
        return found

    fitted = build_docx(load(folder), load_policy(ROOT), tmp_path / "fitted.docx")
    doc = Document(str(fitted))
    text_height = doc.sections[-1].page_height - doc.sections[-1].top_margin - doc.sections[-1].bottom_margin
    monkeypatch.setattr(docx_module, "fit_figures", lambda doc: None)
    as_pandoc = extents(build_docx(load(folder), load_policy(ROOT), tmp_path / "pandoc.docx"))
    assert len(as_pandoc) == TALL_FIGURES
    shrunk = 0
    for (cx, cy), (old_cx, old_cy) in zip(extents(fitted), as_pandoc, strict=True):
        assert cy <= 0.40 * text_height  # the picture alone; the block's other parts fit in the rest
        if old_cy <= 0.15 * text_height:  # fits, even under a heading and above its data: left alone
            assert (cx, cy) == (old_cx, old_cy)
        if (cx, cy) != (old_cx, old_cy):
            shrunk += 1
            assert abs(cx / cy - old_cx / old_cy) < 0.01 and cy < old_cy  # smaller, the aspect kept
            assert cy >= 0.15 * text_height  # not a thumbnail (even under a heading and above its data)
    assert 0 < shrunk < TALL_FIGURES


@settings(max_examples=examples(60), deadline=None)
@given(cx=st.integers(min_value=0, max_value=10**10), cy=st.integers(min_value=0, max_value=10**10))
def test_any_picture_size_is_fitted_within_40_percent_keeping_its_aspect(built: Path, cx: int, cy: int) -> None:
    """An author's image of any size (pandoc gives it a drawn size from its pixels): after
    fit_figures it is at most 40% of the text height, as wide as tall as before, and left alone
    when it fits with its caption."""
    from cjji.build.docx import fit_figures

    doc = Document(str(built))
    [figure] = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Captioned Figure"]
    for ext in (*figure._p.iter(qn("wp:extent")), *figure._p.iter(qn("a:ext"))):
        ext.set("cx", str(cx))
        ext.set("cy", str(cy))
    fit_figures(doc)
    section = doc.sections[-1]
    text_height = section.page_height - section.top_margin - section.bottom_margin
    [extent] = figure._p.iter(qn("wp:extent"))
    new_cx, new_cy = int(extent.get("cx")), int(extent.get("cy"))
    assert [(int(e.get("cx")), int(e.get("cy"))) for e in figure._p.iter(qn("a:ext"))] == [(new_cx, new_cy)]
    assert new_cy <= 0.40 * text_height
    if cy <= 0.25 * text_height:
        assert (new_cx, new_cy) == (cx, cy)
    else:
        assert new_cy >= 0.15 * text_height
        assert abs(new_cx - cx * new_cy / cy) <= 1 + cx / cy  # the aspect, to within rounding
