"""The PDF: tagged PDF/UA-1 with title, language, bookmarks, alt text and the same numbering."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from support import FIXTURES, ROOT

from cjji.build.pdf import build_pdf, typst_value
from cjji.gates.outputs import _struct_elements
from cjji.policy import load_policy
from cjji.report import load

CONSTRUCTS = FIXTURES / "build" / "2027-all-constructs"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("pdf") / "2027-all-constructs.pdf"
    return build_pdf(load(CONSTRUCTS), load_policy(ROOT), dest)


@pytest.fixture(scope="module")
def pdf(built: Path) -> pikepdf.Pdf:
    return pikepdf.open(built)


def test_title_language_and_title_shown_in_the_window(pdf: pikepdf.Pdf) -> None:
    assert str(pdf.docinfo["/Title"]) == "Every construct of the report dialect"
    assert str(pdf.Root.Lang) == "en-GB"
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    assert "His Majesty's Inspectorate of Constabulary" in str(pdf.docinfo["/Author"]).split(",")[0]


def test_tagged_pdf_ua_1(pdf: pikepdf.Pdf) -> None:
    assert bool(pdf.Root.MarkInfo.Marked)
    assert "/StructTreeRoot" in pdf.Root
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"


def test_every_figure_has_alt_text(pdf: pikepdf.Pdf) -> None:
    alts = [str(e.get("/Alt", "")) for e in _struct_elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/Figure"]
    assert "Bar chart of three areas: 40, 90 and 60 days." in alts
    assert "logo mark" in alts
    assert "His Majesty's Crown Prosecution Service Inspectorate logo" in alts
    assert all(alt.strip() for alt in alts)


def test_headings_are_tagged_and_bookmarked_with_their_numbers(pdf: pikepdf.Pdf) -> None:
    tags = {str(e.get("/S")) for e in _struct_elements(pdf.Root.StructTreeRoot)}
    assert {"/H1", "/H2", "/Table", "/TH", "/Figure", "/Caption"} <= tags
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[:3] == ["Who we are", "Foreword", "1 Summary"]  # the front matter comes first
    assert "2 Recommendations" in titles


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/setup-system.sh)")
def test_text_has_cover_numbers_quotes_and_no_raw_html(built: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(built), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "1 March 2027" in text
    assert "© Crown copyright 2027" in text
    assert "1.1   The “victims’ code” says victims should be told. It’s the law." in text
    assert "Recommendation 1" in text
    assert "raw html block is dropped" not in text
    assert "Page 1 of" in text
    assert "Figure 1: Days taken, by area" in text and "Figure 1: Figure 1" not in text  # authors number figures


def test_typst_values() -> None:
    assert typst_value({"a": [1, "x\"y"], "b": None, "c": True}) == '("a": (1, "x\\"y", ), "b": none, "c": true,)'


def test_the_pdf_uses_only_the_pinned_fonts(pdf: pikepdf.Pdf) -> None:
    """Fonts the machine happens to have (Arial, say) never reach the PDF: the bytes must be the same
    wherever verify-site rebuilds them."""
    names = set()
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            names.add(str(font.get("/BaseFont", "")).split("+")[-1])
    assert names and all(n.startswith(("LiberationSans", "LiberationMono", "DejaVuSansMono")) for n in names), names


def _figure_page(paragraphs: int, tmp_path: Path) -> tuple[int, int, float, list[object]]:
    """(page of the last paragraph, page of the figure, the figure's height in points, findings) of
    a chapter of `paragraphs` paragraphs and then a 265-point chart, laid out by the real template."""
    import pypdfium2
    import typst
    from PIL import Image

    from cjji.build.brand import load_brand
    from cjji.build.pdf import brand_value
    from cjji.gates import outputs

    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    Image.new("RGB", (1200, 700), "#1d4e5f").save(tmp_path / "chart.png")  # an author's chart, 12:7 (265 pt high)
    source = "\n".join([
        '#import "/templates/typst/cjji.typ" as cjji',
        f"#let brand = {typst_value(brand_value(load_brand(ROOT)))}",
        '#show: cjji.report.with(brand: brand, title: "Figures", authors: ("Test",), date: "1 March 2027")',
        "= A chapter",
        *[f"Paragraph {n}. " + "Words that fill the line and then some more of them. " * 6 + "\n"
          for n in range(paragraphs)],
        "LAST PARAGRAPH before the figure.\n",
        '#figure(image("/chart.png", alt: "A chart"), caption: [Figure 1: A chart])', ""])
    pdf = tmp_path / "figures.pdf"
    pdf.write_bytes(typst.compile(source.encode(), root=str(tmp_path), format="pdf", pdf_standards=["ua-1"]))
    document = pypdfium2.PdfDocument(str(pdf))
    last, figure = -1, (-1, (0.0, 0.0, 0.0, 0.0))
    try:
        for n in range(len(document)):
            page = document[n]
            textpage = page.get_textpage()
            if "LAST PARAGRAPH" in textpage.get_text_range():
                last = n
            textpage.close()
            figure = next(((n, o.get_bounds()) for o in page.get_objects() if o.type == 3), figure)
            page.close()
    finally:
        document.close()
    found = [f for f in outputs.run(None, {"pdf": pdf}) if f.rule == "pdf-figure-gap"]  # type: ignore[arg-type]
    return last, figure[0], figure[1][3] - figure[1][1], found


def test_a_figure_too_tall_for_the_room_left_is_drawn_smaller_on_its_page(tmp_path: Path) -> None:
    last, page, height, gaps = _figure_page(6, tmp_path)  # about a third of the page is left for it
    assert page == last and 130 < height < 262  # smaller, no gap
    assert gaps == []


def test_a_figure_with_little_room_left_starts_the_next_page_at_full_size(tmp_path: Path) -> None:
    last, page, height, gaps = _figure_page(8, tmp_path)  # under a quarter of the page left
    assert page == last + 1 and height > 262
    assert gaps == []  # the page before is less than 40% blank
