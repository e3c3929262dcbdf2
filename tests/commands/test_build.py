"""`cjji build`: builds reports that pass every check, refuses the others and says why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
from click.testing import CliRunner
from docx import Document

from cjji.cli import cli

FAST = ("-f", "docx", "-f", "pdf")  # the HTML builder has its own tests


def run(project: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["build", "--root", str(project), *args], catch_exceptions=False)


CHART_CAPTION = "Figure 1: Days taken to tell victims of a charging decision, by area"
CHART_DATA = [["Area", "Average working days", "Victims\u2019 Code timescale (working days)"],
              ["Northshire", "4", "5"], ["Westvale", "11", "5"], ["Eastmere", "7", "5"]]  # data/updates.csv


def test_builds_word_and_pdf_into_out_id(project: Path, example_copy: Path) -> None:
    result = run(project, *FAST)
    assert result.exit_code == 0, result.output
    out = project / "out" / "2026-victim-updates"
    assert Document(str(out / "2026-victim-updates.docx")).core_properties.title == "Keeping victims informed"
    with pikepdf.open(out / "2026-victim-updates.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
    assert "1 report built, 0 not built" in result.output
    _the_pdf_chart_is_text_in_the_body_font_with_its_data(out / "2026-victim-updates.pdf")
    _the_word_chart_is_a_png_with_its_alt_text_and_data(out / "2026-victim-updates.docx")


def _the_pdf_chart_is_text_in_the_body_font_with_its_data(path: Path) -> None:
    """The example's chart is drawn by cjji (issue 14: it was an author's PNG in another font)."""
    import re
    import subprocess

    def pdf_text(page: int, *args: str) -> str:
        return subprocess.run(["pdftotext", *args, "-f", str(page), "-l", str(page), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout

    with pikepdf.open(path) as pdf:
        [n] = [n for n in range(1, len(pdf.pages) + 1) if CHART_CAPTION in " ".join(pdf_text(n).split())]
        assert not list(pikepdf.Page(pdf.pages[n - 1]).get_images())  # vector and text, not a picture
    fonts = subprocess.run(["pdffonts", "-f", str(n), "-l", str(n), str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[0].partition("+")[2].startswith("LiberationSans") for line in fonts), fonts
    assert pdf_text(n).count("Average working days") == 2  # the chart's legend and the data table's heading
    table = pdf_text(n, "-layout")
    table = table[table.index("Data for figure 1: Days taken to tell victims"):]
    for row in CHART_DATA[1:]:
        assert re.search(r"\s+".join(row), table), row


def _the_word_chart_is_a_png_with_its_alt_text_and_data(path: Path) -> None:
    import io

    from docx.oxml.ns import qn
    from PIL import Image

    doc = Document(str(path))
    body = doc.element.body
    [drawing] = [d for d in body.iter(qn("w:drawing")) if any(
        (pr.get("descr") or "").startswith("Bar chart of average working days") for pr in d.iter(qn("wp:docPr")))]
    part = doc.part.related_parts[next(drawing.iter(qn("a:blip"))).get(qn("r:embed"))]
    with Image.open(io.BytesIO(part.blob)) as image:
        assert image.format == "PNG" and image.width > 600
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Area" and len(t.rows) == 4)
    assert [[" ".join(c.text.split()) for c in row.cells] for row in table.rows] == CHART_DATA
    order = list(body.iter(qn("w:drawing"), qn("w:tbl")))
    assert order.index(table._tbl) == order.index(drawing) + 1  # the data right after the chart


def test_output_folder_option(project: Path, example_copy: Path, tmp_path: Path) -> None:
    result = run(project, str(example_copy), "-o", str(tmp_path / "elsewhere"), "-f", "docx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "2026-victim-updates" / "2026-victim-updates.docx").is_file()
    assert not (tmp_path / "elsewhere" / "2026-victim-updates" / "2026-victim-updates.pdf").exists()


def test_a_report_with_errors_is_not_built_and_the_others_are(project: Path, example_copy: Path) -> None:
    broken = project / "reports" / "2027-broken"
    shutil.copytree(example_copy, broken)
    text = (broken / "report.md").read_text().replace("id: 2026-victim-updates", "id: 2027-broken")
    (broken / "report.md").write_text(text.replace("lead: HMCPSI", "lead: HMIP"))
    unreadable = project / "reports" / "2027-empty"
    unreadable.mkdir()
    (unreadable / "report.md").write_text("")
    result = run(project, *FAST)
    assert result.exit_code == 1
    assert "reports/2027-broken/report.md: not built: the checks found" in result.output
    assert "error [schema/" in result.output  # the findings themselves, with file:line:col
    assert "reports/2027-empty/report.md: not built: it could not be read" in result.output
    assert "the file is empty" in result.output
    assert "1 report built, 2 not built" in result.output
    assert (project / "out" / "2026-victim-updates" / "2026-victim-updates.pdf").is_file()
    assert not (project / "out" / "2027-broken").exists()


def test_a_broken_brand_file_is_a_located_error(project: Path, example_copy: Path) -> None:
    brand = project / "templates" / "brand.yml"
    brand.write_text(brand.read_text().replace('accent: "#b5446e"', 'accent: "pink"'))
    result = CliRunner().invoke(cli, ["build", "--root", str(project)])
    assert result.exit_code == 2
    assert "brand.yml:" in result.output and "colours.accent" in result.output
    assert "Traceback" not in result.output


def test_an_image_outside_the_report_folder_is_refused(project: Path, example_copy: Path) -> None:
    from support import FIXTURES

    png = FIXTURES / "build" / "2027-all-constructs" / "images" / "chart.png"
    (project / "secret.png").write_bytes(png.read_bytes())
    report = example_copy / "report.md"
    # the example's chart made an author's image that reaches out of the report folder
    text = report.read_text().replace("](data/updates.csv", "](../../secret.png").replace("){.chart kind=bar}", ")")
    assert text.count("](../../secret.png") == 1
    report.write_text(text)
    result = run(project, *FAST)
    assert result.exit_code == 1
    assert "not built" in result.output
    assert "secret.png" in result.output
    assert not (project / "out" / "2026-victim-updates" / "2026-victim-updates.docx").exists()
