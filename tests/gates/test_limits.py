"""The limits gate: check refuses, at its line, what the PDF could not be built from in reasonable
time and memory (checks/limits.yml text:), so the build's own limits are only a backstop."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from hostile_support import BASE, check, context, report_with
from PIL import Image

from cjji.gates import files, limits
from cjji.gates.base import Context
from cjji.report import load

BASE_LINES = len((BASE / "report.md").read_text(encoding="utf-8").rstrip("\n").split("\n"))
FIRST = BASE_LINES + 2


def with_limits(section: str, **values: int) -> Context:
    policy = context().policy
    merged = {**policy.get("limits"), section: {**policy.get("limits")[section], **values}}
    return dataclasses.replace(context(), policy=dataclasses.replace(policy, files={**policy.files, "limits": merged}))


def test_the_base_report_passes() -> None:
    assert limits.run(load(BASE), context()) == []


def test_attack_9_a_long_paragraph_of_emphasis_marks_is_refused_by_check(tmp_path: Path) -> None:
    """d084701: check passed a 1 MB paragraph of `a* `, then the PDF took 217 s (quadratic in the
    paragraph's length). The limit is on one block's length; 100 KB shows it (1 MB is the same
    finding, but the other gates take a minute to read it)."""
    folder = report_with(tmp_path, "Intro.\n\n" + "a* " * 35_000)
    found = [f for f in check(folder) if f.severity == "error"]
    assert [(f.gate, f.rule, f.line) for f in found] == [("limits", "block-too-long", FIRST + 2)]
    assert found[0].message == ("this paragraph is 104,999 characters long; the limit is 10,000 (checks/limits.yml "
                                "text.max_block_characters), because the PDF would take minutes to lay it out")


def test_the_language_gates_leave_a_block_over_the_limit_to_the_limits_gate(tmp_path: Path) -> None:
    """Spelling and style read a 1 MB paragraph for minutes; the limits gate already refuses it."""
    from cjji.gates import spelling, style

    folder = report_with(tmp_path, "Intro.\n\n" + "Teh cat sat. " * 1_000)  # 13,000 characters, one misspelling
    report = load(folder)
    for gate in (spelling.GATE, style.GATE):
        assert not [f for f in gate.run(report, context()) if f.line == FIRST + 2], gate.id


def test_attack_9_a_huge_table_is_refused_at_its_first_line(tmp_path: Path) -> None:
    table = "| a | b | c | d |\n|---|---|---|---|\n" + "| 1 | 2 | 3 | 4 |\n" * 1300
    folder = report_with(tmp_path, "Intro.\n\n" + table)
    found = [f for f in check(folder) if f.severity == "error"]
    assert [(f.gate, f.rule, f.line) for f in found] == [("limits", "table-too-large", FIRST + 2)]
    assert "this table has 5,204 cells; the limit is 5,000" in found[0].message


def test_many_tables_within_the_limit_each_are_refused_together(tmp_path: Path) -> None:
    table = "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 99  # 200 cells
    folder = report_with(tmp_path, "\n\n".join([table] * 6))
    found = limits.run(load(folder), with_limits("text", max_total_table_cells=1000))
    assert [f.rule for f in found] == ["tables-too-large"]
    assert "have 1,200 cells; the limit for one report is 1,000" in found[0].message
    headers = [n for n, line in enumerate((folder / "report.md").read_text().split("\n"), 1) if line == "| a | b |"]
    assert found[0].line == headers[5]


def test_a_long_heading_table_cell_and_code_block(tmp_path: Path) -> None:
    long = "word " * 30
    folder = report_with(tmp_path, f"## {long}\n\n| a |\n|---|\n| {long} |\n\n```\n{long}\n```")
    found = limits.run(load(folder), with_limits("text", max_block_characters=100))
    assert [(f.line, f.message.split(" is ")[0]) for f in found if f.line >= FIRST] == [
        (FIRST, "this heading"), (FIRST + 4, "this table cell"), (FIRST + 6, "this code block")]


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def test_attack_9_the_images_of_one_report_have_a_total_pixel_limit(tmp_path: Path) -> None:
    """d084701: 100 images of 25 megapixels made the PDF take 7.6 GB."""
    body = "\n\n".join(f"![Image {i}.](images/big{i}.png)" for i in range(4))
    folder = report_with(tmp_path, body)
    for i in range(4):
        (folder / "images" / f"big{i}.png").write_bytes(_png(1000, 1000))
    ctx = with_limits("images", max_total_pixels=2_500_000)
    found = [f for f in files.run(load(folder), ctx) if f.rule == "images-too-many-pixels"]
    assert [f.line for f in found] == [FIRST + 4]  # the third 1-megapixel image crosses 2.5
    assert found[0].message.startswith("with the image 'images/big2.png' the report's images hold 3 megapixels; "
                                       "the limit for one report is 2 megapixels")
    same = report_with(tmp_path / "again", "\n\n".join(["![Image.](images/big.png)"] * 4))
    (same / "images" / "big.png").write_bytes(_png(1000, 1000))
    assert [f for f in files.run(load(same), ctx) if f.rule == "images-too-many-pixels"] == []  # counted once
