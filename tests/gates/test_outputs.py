"""Gate `outputs`: what is wrong with a built file, said plainly."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from PIL import Image

from cjji.gates import outputs


def _plain_docx(path: Path) -> Path:
    """A Word file as a word processor writes it by default: no alt text, no repeat header rows."""
    doc = Document()
    doc.core_properties.last_modified_by = "A. Person"
    doc.core_properties.author = ""
    doc.add_paragraph("Just text")
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    doc.add_picture(io.BytesIO(png.getvalue()))
    doc.add_table(rows=2, cols=2)
    doc.save(str(path))
    return path


def test_docx_findings_name_each_problem(tmp_path: Path) -> None:
    found = outputs.run(None, {"docx": _plain_docx(tmp_path / "x.docx")})  # type: ignore[arg-type]
    rules = {f.rule for f in found}
    assert {"docx-title", "docx-author", "docx-language", "docx-personal-data", "docx-alt",
            "docx-table-header", "docx-headings"} <= rules
    assert all(f.gate == "outputs" and f.severity == "error" for f in found)
    assert any("'A. Person'" in f.message for f in found)


def test_an_unreadable_docx_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"not a zip")
    [found] = outputs.docx_findings(path)
    assert found.rule == "docx-unreadable"


def test_an_untagged_pdf_fails_every_check(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "x.pdf")
    rules = {f.rule for f in outputs.pdf_findings(tmp_path / "x.pdf")}
    assert rules == {"pdf-untagged", "pdf-marked", "pdf-language", "pdf-title-shown", "pdf-title"}


def test_a_figure_without_alt_text_is_found(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    figure = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure))
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot,
                                                                   K=pikepdf.Array([figure])))
    pdf.save(tmp_path / "x.pdf")
    assert "pdf-alt" in {f.rule for f in outputs.pdf_findings(tmp_path / "x.pdf")}


def test_html_uses_the_html_checks_when_they_exist() -> None:
    assert outputs.CHECKS["html"] is outputs.html_findings
    hook = outputs.html_hook()
    if hook is not None:
        from cjji.build.html_check import html_findings

        assert hook is html_findings


# -- the reader checks (cjji.build.readback) ---------------------------------------------------------
def test_the_old_overprinting_pdf_fails_the_gate(tmp_path: Path) -> None:
    """Issue 14's fault rebuilt: a long table in a figure that cannot break across pages."""
    import typst
    from build.stress_support import overprinting_typst
    from support import ROOT

    pdf = tmp_path / "overprinted.pdf"
    pdf.write_bytes(typst.compile(overprinting_typst(ROOT).encode(), root=str(ROOT), format="pdf",
                                  pdf_standards=["ua-1"]))
    found = outputs.run(None, {"pdf": pdf})  # type: ignore[arg-type]
    rules = {f.rule for f in found}
    assert {"pdf-overprint", "pdf-footer", "pdf-cell-markup"} <= rules
    overprint = next(f for f in found if f.rule == "pdf-overprint")
    assert overprint.severity == "error" and "printed over other text on PDF page" in overprint.message
    assert any("has no footer" in f.message for f in found)


def _html(path: Path, body: str) -> Path:
    path.write_text(f'<!doctype html><html lang="en-GB"><head><title>T</title></head><body>'
                    f'<nav>Contents: Lost chapter</nav><main>{body}</main></body></html>', encoding="utf-8")
    return path


def test_lost_text_is_an_error_naming_the_source_line(tmp_path: Path) -> None:
    from cjji.build import readback
    from cjji.markdown import parse

    source = ("# Summary\n\nThe first paragraph says something.\n\n"
              "| Area | Told |\n|---|---|\n| North | 7 |\n\nTable: Cases by area\n\n"
              "# Lost chapter\n\nA paragraph the builder dropped.[^1]\n\n[^1]: A note.\n")
    body, notes = readback.source_items(parse(source), "reports/x/report.md")
    page = _html(tmp_path / "x.html", "<h1>Summary</h1><p>The first paragraph says “something”.</p>"
                 "<table><caption>Cases by area</caption><tr><th>Area</th><th>Told</th></tr>"
                 "<tr><td>North</td><td>7</td></tr></table>")
    text, note_text = readback.read_html(page)
    found = readback.coverage(body, text, "HTML page", "x.html") + readback.coverage(notes, note_text, "HTML page",
                                                                                     "x.html")
    lost = {(f.file, f.line, f.rule) for f in found}
    assert lost == {("reports/x/report.md", 11, "html-text-lost"), ("reports/x/report.md", 13, "html-text-lost"),
                    ("reports/x/report.md", 15, "html-text-lost")}  # the nav's copy of the heading does not count
    assert any(f.message == "the HTML page has lost this paragraph: 'A paragraph the builder dropped.'"
               for f in found)


def test_text_out_of_order_is_found(tmp_path: Path) -> None:
    from cjji.build import readback
    from cjji.markdown import parse

    body, _ = readback.source_items(parse("First paragraph here.\n\nSecond paragraph here.\n"), "r.md")
    text, _ = readback.read_html(_html(tmp_path / "x.html", "<p>Second paragraph here.</p><p>First paragraph "
                                                             "here.</p>"))
    [found] = readback.coverage(body, text, "HTML page", "x.html")
    assert (found.rule, found.line) == ("html-text-order", 3)


def test_an_empty_word_contents_is_an_error() -> None:
    from cjji.build import readback
    from cjji.markdown import parse

    body, _ = readback.source_items(parse("# Summary\n\nText.\n\n# Findings\n\nMore.\n"), "r.md")
    [empty] = readback.contents([], body, "x.docx")
    assert empty.rule == "docx-contents" and "contents page is empty" in empty.message
    [missing] = readback.contents(["1 Summary"], body, "x.docx")
    assert (missing.line, missing.message) == (5, "the Word file's contents does not list the chapter 'Findings'")
    assert readback.contents(["1 Summary", "1.1 Detail", "2 Findings"], body, "x.docx") == []


_BOX = ("<svg xmlns='http://www.w3.org/2000/svg' width='400' height='300'>"
        "<rect width='400' height='300' fill='#336699'/></svg>")


def _figure_after_text(placement: str) -> str:
    """Five short paragraphs, then a figure too tall for the rest of page 1, then more text."""
    return (f'#set document(title: "Gap")\n#set text(lang: "en", font: "Liberation Sans", size: 11pt)\n'
            '#set page(paper: "a4", margin: 25mm, footer: context align(center)[Page #counter(page).display() of 2])\n'
            '#for n in range(5) [#lorem(40)\n\n]\n'
            f'#figure(image(bytes("{_BOX}"), alt: "A blue box", width: 100%, height: 150mm), '
            f'caption: [Figure 1: A blue box]{placement})\n\n#lorem(300)\n')


@pytest.mark.parametrize("placement", ["", ", placement: auto"])
def test_a_page_left_half_blank_before_a_figure_is_an_error(tmp_path: Path, placement: str) -> None:
    """A figure that does not fit below the text before it leaves a gap, unless it floats and the
    text after it fills the page."""
    import typst

    pdf = tmp_path / "figure.pdf"
    pdf.write_bytes(typst.compile(_figure_after_text(placement).encode(), format="pdf", pdf_standards=["ua-1"]))
    gaps = [f.message for f in outputs.run(None, {"pdf": pdf}) if f.rule == "pdf-figure-gap"]  # type: ignore[arg-type]
    if placement:
        assert gaps == []
    else:
        assert gaps == ["PDF page 1 (page label 1) is 56% blank before figure 1 ('A blue box'), which starts page 2 "
                        "(page label 2)"]


def test_an_unreadable_pdf_is_said_once_however_it_is_read(tmp_path: Path) -> None:
    """The PDF's own checks (pikepdf) and its reading (PDFium) run side by side: a file neither can
    open is one plain finding, whether it is read as it is written or after the build."""
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7\nnot really")
    after = outputs.run(None, {"pdf": pdf})  # type: ignore[arg-type]
    with outputs.ReaderChecks(None) as checks:
        checks.file_written("pdf", pdf)
        checks.file_written("pdf", pdf)  # said twice: read once
        early = checks.findings({"pdf": pdf})
    assert [f.rule for f in after] == [f.rule for f in early] == ["pdf-unreadable"]
    assert early[0].message.startswith("the PDF does not open: ")


def test_a_file_written_but_never_announced_is_still_read(tmp_path: Path) -> None:
    """A builder that never said its file was written (no on_built call) does not escape the checks."""
    page = tmp_path / "x.html"
    page.write_text('<!doctype html><html><head><title>T</title></head><body><main><img src="a.png"></main>'
                    "</body></html>", encoding="utf-8")
    with outputs.ReaderChecks(None) as checks:
        found = checks.findings({"html": page})
    assert {f.rule for f in found} >= {"html-lang", "html-alt"}
    assert found == outputs.run(None, {"html": page})  # type: ignore[arg-type]
