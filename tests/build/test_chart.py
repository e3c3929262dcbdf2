"""Figures with data: `{data="data/days.csv"}` names the numbers behind a chart; cjji validates the
CSV once (located errors), and every format prints it as a table after the figure (issue 14)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hostile_support import BASE, context, report_with
from support import ROOT

from cjji.blocks import read_figure_data
from cjji.findings import Finding
from cjji.gates import files
from cjji.report import load

CHART_PNG = ROOT / "tests" / "fixtures" / "build" / "2027-all-constructs" / "images" / "chart.png"
DAYS = "Area,Days to first update,Target\nNorth East,12,10\n\"South, West\",9.5,10\nWales,21,10\n"
FIGURE = ('![Bar chart of days to the first update, by area](images/chart.png "Days to update victims, by area")'
          '{data="data/days.csv"}')


def _folder(tmp_path: Path, body: str = FIGURE, csv: str | bytes | None = DAYS, name: str = "days.csv") -> Path:
    folder = report_with(tmp_path, body)
    (folder / "images").mkdir(exist_ok=True)
    shutil.copy(CHART_PNG, folder / "images" / "chart.png")
    if csv is not None:
        (folder / "data").mkdir(exist_ok=True)
        target = folder / "data" / name
        target.write_bytes(csv.encode() if isinstance(csv, str) else csv)
    return folder


def _figure_line(folder: Path) -> int:
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    return next(n for n, text in enumerate(lines, 1) if 'data="' in text)


def _data_findings(folder: Path) -> list[Finding]:
    return [f for f in files.run(load(folder), context()) if f.rule.startswith("data-") or "data file" in f.message]


# -- the model: the CSV is read and validated, errors located ------------------------------------

def test_a_good_csv_is_read_as_categories_and_numbers(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    assert _data_findings(folder) == []
    data = read_figure_data("data/days.csv", {"data/days.csv": folder / "data" / "days.csv"})
    assert data.header == ("Area", "Days to first update", "Target")
    assert data.categories == ("North East", "South, West", "Wales")
    assert data.cells[1] == ("9.5", "10") and data.values[1] == (9.5, 10.0)


@pytest.mark.parametrize(("csv", "rule", "words"), [
    ("Area,Days\nNorth,12\nSouth,9,4\n", "data-ragged", "CSV row 3 has 3 cells; the header row has 2"),
    ("Area,Days\nNorth,12\nSouth,about 9\n", "data-not-a-number",
     "CSV row 3, column 2 ('Days') holds 'about 9', which is not a number"),
    ("Area,Days\n\nNorth,12\n\nSouth,1e999\n", "data-not-a-number", "CSV row 5, column 2"),
    ("Area,Days\nNorth,NaN\n", "data-not-a-number", "holds 'NaN'"),
    ("Area,Days\nNorth,\n", "data-not-a-number", "holds ''"),
    ("Area\nNorth\n", "data-no-series", "has one column"),
    ("Area,Days\n", "data-empty", "no data rows"),
    ("", "data-empty", "is empty"),
    (b"Area,Days\nNorth,\xff\n", "data-not-utf8", "is not UTF-8 text"),
    ("Area,Days\n" + "".join(f"Place {n},{n}\n" for n in range(61)), "data-too-many-rows",
     "has 61 data rows; the limit is 60 (checks/limits.yml data.max_rows)"),
])
def test_a_bad_csv_is_an_error_at_the_figure_naming_the_row_and_column(
        tmp_path: Path, csv: str | bytes, rule: str, words: str) -> None:
    folder = _folder(tmp_path, csv=csv)
    [found] = _data_findings(folder)
    assert found.severity == "error" and found.rule == rule
    assert words in found.message and "data/days.csv" in found.message
    assert found.line == _figure_line(folder) and found.col > 1
    assert found.file.endswith("report.md")


def test_a_missing_data_file_is_located_at_the_figure(tmp_path: Path) -> None:
    folder = _folder(tmp_path, csv=None)
    [found] = _data_findings(folder)
    assert found.rule == "data-missing" and found.line == _figure_line(folder)
    assert "'data/days.csv' does not exist in the report folder" in found.message


@pytest.mark.parametrize("url", ["data/.days.csv", "../days.csv", "signoffs/days.csv"])
def test_a_data_file_the_digest_does_not_cover_is_refused(tmp_path: Path, url: str) -> None:
    folder = _folder(tmp_path, body=FIGURE.replace("data/days.csv", url), name=".days.csv")
    (folder / "signoffs").mkdir(exist_ok=True)
    (folder / "signoffs" / "days.csv").write_text(DAYS)
    (tmp_path / "days.csv").write_text(DAYS)
    [found] = _data_findings(folder)
    assert found.severity == "error" and found.line == _figure_line(folder)
    assert found.rule in ("hidden-file", "outside", "signoffs-file")


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, csv=None)
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(DAYS)
    (folder / "data").mkdir()
    (folder / "data" / "days.csv").symlink_to(outside)
    [found] = _data_findings(folder)
    assert found.rule == "symlink-outside" and found.line == _figure_line(folder)


def test_the_data_attribute_is_allowed_on_images_only_and_must_name_a_csv(tmp_path: Path) -> None:
    from cjji.gates import attributes

    folder = _folder(tmp_path, body=FIGURE + '\n\n[w]{data="data/days.csv"}\n\n'
                     + FIGURE.replace("data/days.csv", "data/days.txt"))
    found = attributes.run(load(folder), context())
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    assert {lines[f.line - 1][:3] for f in found} == {"[w]", "![B"}, found
    assert len(found) == 2


# -- every format prints the data after the figure ------------------------------------------------

HOSTILE_CATEGORY = 'South <b>"West"</b> & <script>alert(1)</script>'
CHART = "![Days to update victims, by area](data/days.csv){.chart kind=bar}"
QUOTED = HOSTILE_CATEGORY.replace('"', '""')
BUILD_CSV = f'Area,Days,Target\nNorth East,12,10\n"{QUOTED}",9.5,10\nWales,21,10\n'


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from cjji.build.docx import build_docx
    from cjji.build.html import build_html
    from cjji.build.pdf import build_pdf
    from cjji.policy import load_policy

    tmp = tmp_path_factory.mktemp("chart")
    folder = _folder(tmp, body=FIGURE + "\n\n" + CHART, csv=BUILD_CSV)
    report, policy = load(folder), load_policy(ROOT)
    out = tmp / "out"
    return {"html": build_html(report, policy, out / "r.html"), "pdf": build_pdf(report, policy, out / "r.pdf"),
            "docx": build_docx(report, policy, out / "r.docx")}


def _cells(rows: list[list[str]]) -> list[list[str]]:
    return [[" ".join(c.split()) for c in row] for row in rows]


EXPECTED = [["Area", "Days", "Target"], ["North East", "12", "10"], [HOSTILE_CATEGORY, "9.5", "10"],
            ["Wales", "21", "10"]]


def test_html_shows_the_data_in_a_details_table_right_after_the_figure(outputs: dict[str, Path]) -> None:
    from lxml import html as lxml_html

    page = lxml_html.fromstring(outputs["html"].read_bytes())
    [details] = page.xpath("//details[summary='Data for figure 3']")
    figure = details.getprevious()
    assert figure.tag == "figure" and figure.findtext("figcaption") == "Figure 3: Days to update victims, by area"
    assert details.tag == "details" and "figure-data" in details.get("class", "")
    assert details.findtext("summary") == "Data for figure 3"
    [table] = details.iter("table")
    assert table.findtext("caption") == "Data for figure 3: Days to update victims, by area"
    assert [th.get("scope") for th in table.xpath("./thead/tr/th")] == ["col"] * 3
    assert [th.get("scope") for th in table.xpath("./tbody/tr/th")] == ["row"] * 3
    rows = [[c.text_content() for c in tr.xpath("./th|./td")] for tr in table.iter("tr")]
    assert _cells(rows) == EXPECTED
    text = outputs["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<b>" not in text and "data-data=" not in text and "data-kind" not in text


def test_word_shows_the_data_as_a_table_after_the_figure(outputs: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(outputs["docx"]))
    body = doc.element.body
    paragraphs = [p for p in body.iter(qn("w:p"))
                  if "Data for figure 3" in "".join(t.text or "" for t in p.iter(qn("w:t")))]
    assert paragraphs, "no caption naming the figure's data"
    table = next(t for t in doc.tables if len(t.rows) > 1 and "North East" in t.rows[1].cells[0].text)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert _cells(rows) == EXPECTED
    drawing = next(d for d in body.iter(qn("w:drawing"))
                   if any("days to the first update" in (pr.get("descr") or "") for pr in d.iter(qn("wp:docPr"))))
    order = list(body.iter(qn("w:drawing"), qn("w:tbl")))
    assert order.index(table._tbl) == order.index(drawing) + 1  # right after the figure


def test_pdf_shows_the_data_as_a_table_after_the_figure(outputs: dict[str, Path]) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(outputs["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\u201c", '"').replace("\u201d", '"')  # typographic quotes
    caption = text.index("Figure 3: Days to update victims, by area")
    data = text.index("Data for figure 3: Days to update victims, by area")
    assert caption < data
    table = text[data:]
    for row in EXPECTED:
        assert re.search(r"\s+".join(re.escape(c) for c in row), table), row


# -- .chart: cjji draws the chart from its data, in the brand font ------------------------------

def _chart_svg(outputs: dict[str, Path]) -> str:
    """The drawing behind the built chart: the same data, kind, caption and brand as the build."""
    from cjji.blocks import read_figure_data
    from cjji.build.brand import load_brand
    from cjji.build.chart import chart_svg

    brand = load_brand(ROOT)
    csv = outputs["html"].parent.parent / BASE.name / "data" / "days.csv"  # the fixture's report folder
    data = read_figure_data("data/days.csv", {"data/days.csv": csv})
    return chart_svg(data, "bar", "Days to update victims, by area", brand.fonts["body"], brand.colours)


def test_html_shows_the_chart_as_the_png_word_gets_with_its_caption_alt_text_and_data(
        outputs: dict[str, Path]) -> None:
    """A picture, not the SVG: the joint website's WordPress refuses SVG uploads, and the site and
    WordPress show the same body. It is the very PNG Word embeds, drawn once from the same SVG."""
    import zipfile

    from lxml import html as lxml_html

    from cjji.build.chart import chart_file, svg_size

    page = lxml_html.fromstring(outputs["html"].read_bytes())
    [img] = page.xpath("//img[@class='chart']")
    assert img.get("alt") == "Days to update victims, by area"
    png = (outputs["html"].parent / img.get("src")).read_bytes()
    assert img.get("src").endswith(".png") and png.startswith(b"\x89PNG")
    assert (img.get("width"), img.get("height")) == tuple(str(n) for n in svg_size(_chart_svg(outputs)))
    with zipfile.ZipFile(outputs["docx"]) as z:
        assert png in [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert png == chart_file(_chart_svg(outputs)).read_bytes()
    figure = img.getparent()
    assert figure.findtext("figcaption") == "Figure 4: Days to update victims, by area"
    details = figure.getnext()
    assert details.findtext("summary") == "Data for figure 4"
    rows = [[c.text_content() for c in tr.xpath("./th|./td")] for tr in details.iter("tr")]
    assert _cells(rows) == EXPECTED


def test_the_chart_svg_uses_the_brand_body_font_and_readable_sizes(outputs: dict[str, Path]) -> None:
    from lxml import etree

    from cjji.build.brand import load_brand
    from cjji.build.chart import WIDTH

    svg = etree.fromstring(_chart_svg(outputs).encode())
    ns = "{http://www.w3.org/2000/svg}"
    [group] = svg.iter(f"{ns}g")
    body = load_brand(ROOT).fonts["body"]
    families = [f.strip().strip("'") for f in group.get("font-family").split(",")]
    assert families == [*body, "sans-serif"] and "Liberation Sans" in families
    assert svg.get("viewBox") == f"0 0 {WIDTH} {svg.get('height')}"
    texts = list(svg.iter(f"{ns}text"))
    assert all(t.get("font-family") is None and t.get("font-size") is None for t in texts)  # all inherit
    assert float(group.get("font-size")) * 350 / WIDTH >= 12  # a 390 px phone shows it 350 px wide
    words = " ".join(" ".join(t.itertext()) for t in texts)
    for row in EXPECTED[1:]:
        assert row[1] in words
    assert "<script>alert(1)</script>" in words.replace("- ", "")  # the label as text (a long word broken)
    assert not list(svg.iter("{*}script")) and not list(svg.iter("script"))


def _chart_page(pdf: Path) -> int:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                              text=True, check=True).stdout).group(1))
    for n in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        if "Figure 4: Days to update victims" in text:
            return n
    raise AssertionError("no page with the chart")


def test_the_pdf_chart_is_real_text_in_liberation_sans_only(outputs: dict[str, Path]) -> None:
    n = _chart_page(outputs["pdf"])
    fonts = subprocess.run(["pdffonts", "-f", str(n), "-l", str(n), str(outputs["pdf"])], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    names = [line.split()[0].partition("+")[2] for line in fonts]
    assert names and all(name.startswith("Liberation") for name in names), names
    text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(outputs["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.count("Wales") >= 2  # the chart's label (text, not outlines) and the data table's row
    assert "Data for figure 4: Days to update victims, by area" in text


def test_word_gets_the_chart_as_a_png_rendered_from_the_same_svg(outputs: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from PIL import Image

    doc = Document(str(outputs["docx"]))
    body = doc.element.body
    drawing = next(d for d in body.iter(qn("w:drawing"))
                   if any(pr.get("descr") == "Days to update victims, by area" for pr in d.iter(qn("wp:docPr"))))
    blip = next(drawing.iter(qn("a:blip")))
    part = doc.part.related_parts[blip.get(qn("r:embed"))]
    with Image.open(io.BytesIO(part.blob)) as image:
        assert image.format == "PNG" and image.width > 600  # 10 cm at 200 ppi
    extent = next(drawing.iter(qn("wp:extent")))
    assert abs(int(extent.get("cx")) - 3600000) < 40000  # 10 cm in EMU
    assert any("Data for figure 4" in "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


@pytest.mark.parametrize(("csv", "attrs", "rule"), [
    ("Area,Change\nNorth,-3\n", "{.chart kind=bar}", "chart-negative"),
    ("Area,Days\nNorth,x\n", "{.chart kind=bar}", "data-not-a-number"),
    (None, "{.chart kind=bar}", "missing-image"),
])
def test_chart_errors_are_located_at_the_chart(tmp_path: Path, csv: str | None, attrs: str, rule: str) -> None:
    folder = _folder(tmp_path, body=f"![Change by area](data/days.csv){attrs}", csv=csv)
    found = [f for f in files.run(load(folder), context()) if f.severity == "error"]
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    assert [(f.rule, lines[f.line - 1].startswith("![Change")) for f in found] == [(rule, True)]


def test_an_unknown_chart_kind_is_refused_by_check(tmp_path: Path) -> None:
    from cjji.gates import attributes

    folder = _folder(tmp_path, body="![Change by area](data/days.csv){.chart kind=pie}")
    [found] = attributes.run(load(folder), context())
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    assert found.severity == "error" and "kind" in found.message
    assert lines[found.line - 1].startswith("![Change") and "kind=bar" in found.hint


# -- hostile cells never escape the SVG or the page ----------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(list("<>&\"'/=; abcSCRIPT\u00e9\u2019{}#[]()\\!-\t\n") + [
    "<script>", "</svg>", "<![CDATA[", "]]>", "&amp;", "<!--", "-->", "javascript:", '" onload="x', "<b>"])
_HOSTILE = st.lists(_PIECES, min_size=1, max_size=12).map("".join).filter(lambda s: bool(s.strip()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(_HOSTILE, min_size=1, max_size=4), series=_HOSTILE)
def test_property_hostile_csv_text_stays_text_in_the_svg_and_the_page(tmp_path: Path, cells: list[str],
                                                                      series: str) -> None:
    import csv as csv_module
    import uuid

    from lxml import etree
    from lxml import html as lxml_html
    from markdown_it.token import Token

    from cjji.build.chart import chart_svg
    from cjji.build.html_render import RenderOptions, render_tokens, sanitise
    from cjji.build.numbering import Numbering
    from cjji.markdown import parse

    path = tmp_path / f"{uuid.uuid4().hex}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.writer(handle)
        writer.writerow(["Area", series])
        writer.writerows([c, n] for n, c in enumerate(cells))
    data = read_figure_data("d.csv", {"d.csv": path})
    assert data.categories == tuple(" ".join(c.split()) for c in cells)
    svg = etree.fromstring(chart_svg(data, "bar", series).encode())
    tags = {etree.QName(e).localname for e in svg.iter() if isinstance(e.tag, str)}
    assert tags <= {"svg", "title", "g", "rect", "text", "tspan", "line"}
    assert all(not k.startswith("on") for e in svg.iter() if isinstance(e.tag, str) for k in e.attrib)
    words = " ".join(" ".join(t.itertext()) for t in svg.iter("{*}text"))
    for category in data.categories:
        assert all(w.replace("-", "") in words.replace("-", "").replace(" ", "") or w in words
                   for w in category.split())

    tokens: list[Token] = parse('![Chart](d.csv){.chart kind=bar}\n')
    options = RenderOptions(numbering=Numbering(), image_attrs=lambda src: {"src": src},
                            figure_data=lambda url: data,
                            chart=lambda src, kind, title: {"src": "c.svg", "width": "400", "height": "100"})
    page = lxml_html.fromstring(f"<div>{sanitise(render_tokens(tokens, options))}</div>")
    assert not page.xpath("//script|//svg|//*[@onload]")
    shown = [" ".join(th.text_content().split()) for th in page.xpath("//tbody/tr/th")]
    assert shown == list(data.categories)
    assert [" ".join(th.text_content().split()) for th in page.xpath("//thead/tr/th")] == ["Area", data.series[0]]


@pytest.mark.parametrize("body", ["Days by area: ![Days by area](data/days.csv){.chart kind=bar} in a sentence.",
                                  "| Chart |\n|---|\n| ![Days by area](data/days.csv){.chart kind=bar} |"])
def test_a_chart_inside_text_or_a_table_cell_is_refused_where_it_is(tmp_path: Path, body: str) -> None:
    folder = _folder(tmp_path, body=body)
    found = [f for f in files.run(load(folder), context()) if f.severity == "error"]
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    assert [f.rule for f in found] == ["chart-inline"]
    assert "{.chart" in lines[found[0].line - 1]


@pytest.mark.parametrize("builder", ["pdf", "docx", "html"])
def test_a_build_with_a_bad_csv_stops_with_the_error_at_the_figure(tmp_path: Path, builder: str) -> None:
    from cjji.build.docx import build_docx
    from cjji.build.html import HtmlBuildError, build_html
    from cjji.build.pandoc_ast import BuildError
    from cjji.build.pdf import build_pdf
    from cjji.policy import load_policy

    build = {"pdf": build_pdf, "docx": build_docx, "html": build_html}[builder]
    folder = _folder(tmp_path, body=CHART, csv="Area,Days\nNorth,12\nSouth,lots\n")
    with pytest.raises((BuildError, HtmlBuildError)) as caught:
        build(load(folder), load_policy(ROOT), tmp_path / "out" / f"r.{builder}")
    exc = caught.value
    found = exc.findings if isinstance(exc, BuildError) else [exc.finding]
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    assert [f.rule for f in found] == ["data-not-a-number"]
    assert "CSV row 3, column 2 ('Days') holds 'lots'" in found[0].message
    assert lines[found[0].line - 1].startswith("![Days to update victims")
    assert not (tmp_path / "out" / f"r.{builder}").exists()


def test_the_data_label_comes_from_the_language_of_the_report() -> None:
    import dataclasses

    from markdown_it.token import Token

    from cjji.blocks import data_caption, labels_of

    policy = context().policy
    labels = dict(policy.get("labels"))
    languages = {**labels["languages"], "cy": {**labels["languages"]["cy"], "figure_data": "Data ar gyfer ffigur {n}"}}
    welsh = dataclasses.replace(policy, files={**policy.files, "labels": {**labels, "languages": languages}})
    image = Token("image", "img", 0, attrs={"src": "data/d.csv", "title": "Dyddiau"})
    assert data_caption(image, 2, labels_of(welsh, "cy")) == "Data ar gyfer ffigur 2: Dyddiau"
    assert data_caption(image, 2, labels_of(policy, "en")) == "Data for figure 2: Dyddiau"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_at_390_px_the_chart_fits_and_its_text_is_at_least_12_px(outputs: dict[str, Path],
                                                                   chromium_browser: object) -> None:
    from browser import axe_violations, open_page, served

    from cjji.build.chart import FONT_SIZE, WIDTH

    with served(outputs["html"].parent) as base:
        page = open_page(chromium_browser, f"{base}/{outputs['html'].name}", width=390)
        chart = page.locator("img.chart")
        chart.scroll_into_view_if_needed()
        natural = page.evaluate("document.querySelector('img.chart').complete && "
                                "document.querySelector('img.chart').naturalWidth")
        assert natural >= 1.7 * WIDTH  # the picture loaded, sharp on a screen of twice the density
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert FONT_SIZE * box["width"] / WIDTH >= 12
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
        page.locator("details.figure-data summary").last.click()
        assert page.locator("details.figure-data").last.locator("table").is_visible()
        found = [v for v in axe_violations(page)
                 if any("figure-data" in str(n.get("html", "")) or "chart" in str(n.get("html", ""))
                        for n in v.get("nodes", []))]
        assert found == [], found


@pytest.mark.parametrize(("csv", "rule", "words"), [
    ("Area,Days\n" + "N" * 201 + ",12\n", "data-cell-too-long", "CSV row 2, column 1 holds 201 characters"),
    ("Area,Days\nNorth," + "1" * 25 + "\n", "data-cell-too-long", "a number may have at most 24"),
    ("Area,A,B,C,D\nNorth,1,2,3,4\n", "chart-too-many-series", "has 4 columns of numbers"),
])
def test_data_a_chart_cannot_show_is_refused(tmp_path: Path, csv: str, rule: str, words: str) -> None:
    folder = _folder(tmp_path, body=CHART, csv=csv)
    [found] = [f for f in files.run(load(folder), context()) if f.severity == "error"]
    assert found.rule == rule and words in found.message


def test_the_same_data_gives_the_same_svg_and_everything_fits_its_width() -> None:
    from lxml import etree

    from cjji.blocks import FigureData
    from cjji.build.chart import WIDTH, _width, chart_svg

    wide = FigureData("d.csv", ("Area", "Days"), ("A long area name that wraps onto lines", "B"),
                      (("123456789012345678",), ("0",)), ((1.0e17,), (0.0,)))
    first, second = chart_svg(wide, "bar", "T"), chart_svg(wide, "bar", "T")
    assert first == second
    svg = etree.fromstring(first.encode())
    for rect in svg.iter("{*}rect"):
        assert float(rect.get("width")) >= 0 and float(rect.get("x")) + float(rect.get("width")) <= WIDTH
    for text in svg.iter("{*}text"):
        if text.get("x"):  # a value at the end of its bar
            assert float(text.get("x")) + _width(text.text or "") <= WIDTH
