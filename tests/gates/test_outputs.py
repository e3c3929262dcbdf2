"""Gate `outputs`: what is wrong with a built file, said plainly."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
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
