from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, line_of, variant

from cjji import blocks
from cjji.report import load


def test_graded_blocks_of_the_example_in_document_order() -> None:
    report = load(EXAMPLE_DIR)
    found = blocks.graded_blocks(report)
    assert [(b.kind, b.id) for b in found] == [
        ("cause-of-concern", "CC1"), ("notable-practice", "NP1"), ("area-for-improvement", "AFI1"),
        ("area-for-improvement", "AFI2"), ("recommendation", "R1"), ("recommendation", "R2"),
        ("recommendation", "R3"), ("recommendation", "R4"), ("recommendation", "R5")]
    r1 = blocks.recommendations(report)[0]
    assert r1.line == line_of(EXAMPLE_DIR, "#R1")
    assert r1.attrs == {"owner": "CPS", "due": "2027-06-30"}
    assert r1.source == report.lines[r1.line].rstrip()  # one line of Markdown between the fences
    assert r1.text.startswith("By 30 June 2027, the Crown Prosecution Service should send")


def test_block_text_is_plain_and_source_keeps_the_markdown(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("His Majesty's Prison and Probation Service should",
                                "**HMPPS** should\nurgently"))
    r1 = blocks.recommendations(load(folder))[0]
    assert r1.text.startswith("HMPPS should urgently make sure")
    assert r1.source.startswith("**HMPPS** should\nurgently make sure")


def test_an_unclosed_block_runs_to_the_end(tmp_path: Path) -> None:
    folder = variant(tmp_path, (":::\n\n# Methodology", "\n# Methodology"))
    r2 = blocks.recommendations(load(folder))[1]
    assert r2.id == "R2" and r2.text.endswith("custody staff and prison health care staff.")


def test_judgements_are_located_at_their_attributes() -> None:
    report = load(GOOD)
    found = blocks.judgements(report)
    assert [(j.criteria, j.line, j.col) for j in found] == [
        (("C1",), line_of(GOOD, "four hours"), 76), (("C2",), line_of(GOOD, "22 of 40"), 80)]
    assert found[0].text == "Detained people who asked to see a nurse waited an average of four hours."


def test_criteria_may_be_separated_by_spaces_or_commas(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('criteria="C2"', 'criteria="C1, C2"'))
    assert blocks.judgements(load(folder))[1].criteria == ("C1", "C2")


def test_a_section_runs_to_the_next_heading_of_the_same_level(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# People in custody {#people .cross-cutting}",
                                "# People {#people-all}\n\n## People in custody {#people .cross-cutting}"))
    found = blocks.sections(load(folder))
    # the outer section holds the inner heading ("People in custody") and its body; no heading counts itself
    assert found["people"].words(load(folder)) == found["people-all"].words(load(folder)) - 3
    assert (found["people"].kind, found["people"].line) == ("heading", line_of(folder, "{#people "))
    assert found["R1"].kind == "div" and "recommendation" in found["R1"].classes
