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


def test_builds_word_and_pdf_into_out_id(project: Path, example_copy: Path) -> None:
    result = run(project, *FAST)
    assert result.exit_code == 0, result.output
    out = project / "out" / "2026-victim-updates"
    assert Document(str(out / "2026-victim-updates.docx")).core_properties.title == "Keeping victims informed"
    with pikepdf.open(out / "2026-victim-updates.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
    assert "1 report built, 0 not built" in result.output


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
    (project / "secret.png").write_bytes((example_copy / "images" / "updates.png").read_bytes())
    report = example_copy / "report.md"
    report.write_text(report.read_text().replace("](images/updates.png", "](../../secret.png"))
    result = run(project, *FAST)
    assert result.exit_code == 1
    assert "not built" in result.output
    assert "secret.png" in result.output
    assert not (project / "out" / "2026-victim-updates" / "2026-victim-updates.docx").exists()
