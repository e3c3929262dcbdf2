"""Loading: every kind of bad input is one located finding, never an exception."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import FIXTURES

from cjji.report import LoadError, load

BROKEN = FIXTURES / "foundation"


@pytest.mark.parametrize(
    ("folder", "line", "col", "rule", "message"),
    [
        ("2027-bad-yaml", 12, 8, "yaml", "the YAML is not valid"),
        ("2027-dup-key", 15, 1, "yaml", "the key 'title' appears twice (first on line 5)"),
        ("2027-empty", 1, 1, "empty", "the file is empty"),
        ("2027-missing", 0, 0, "missing", "report.md is missing"),
        ("2027-no-front-matter", 1, 1, "no-front-matter", "does not start with YAML metadata"),
        ("2027-latin1", 54, 4, "encoding", "not valid UTF-8"),
        ("2027-binary", 1, 1, "binary", "binary file"),
    ],
)
def test_broken_fixture_is_one_located_error(folder: str, line: int, col: int, rule: str, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        load(BROKEN / folder)
    finding = caught.value.finding
    assert (finding.line, finding.col, finding.rule, finding.severity) == (line, col, rule, "error")
    assert message in finding.message
    assert finding.file.endswith(f"{folder}/report.md")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    folder = tmp_path / "2027-huge"
    folder.mkdir()
    with (folder / "report.md").open("wb") as handle:
        handle.write(b"---\nid: x\n---\n")
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert caught.value.finding.rule == "too-large"
    assert "50.0 MB" in caught.value.finding.message


def test_unclosed_front_matter(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text("---\nid: x\n\n# Heading\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(tmp_path)
    assert caught.value.finding.rule == "unclosed-front-matter"


def test_model_has_file_line_numbers(example_copy: Path) -> None:
    report = load(example_copy)
    lines = report.text.split("\n")
    for heading in report.headings:
        assert lines[heading.line - 1].startswith("#" * heading.level + " ")
        assert heading.text in lines[heading.line - 1]
    assert report.where(("lead",)) == (7, 7)
    assert report.where(("lead",), key=True) == (7, 1)
    assert report.section_ids["summary"] == next(h.line for h in report.headings if h.id == "summary")


def test_crlf_and_bom_load(tmp_path: Path) -> None:
    source = (BROKEN / "2027-valid" / "report.md").read_text(encoding="utf-8")
    folder = tmp_path / "2027-valid"
    folder.mkdir()
    (folder / "report.md").write_bytes(b"\xef\xbb\xbf" + source.replace("\n", "\r\n").encode())
    report = load(folder)
    assert report.meta["id"] == "2027-valid"
    assert report.headings[0].line == source.split("\n").index("# Summary {#summary}") + 1


def test_load_never_modifies_the_source(tmp_path: Path) -> None:
    folder = tmp_path / "2027-valid"
    shutil.copytree(BROKEN / "2027-valid", folder)
    before = (folder / "report.md").read_bytes()
    load(folder)
    assert (folder / "report.md").read_bytes() == before
