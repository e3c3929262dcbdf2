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


# -- labels (one place for Word, PDF and HTML) ------------------------------------------------------
def test_labels_come_from_checks_blocks_yml() -> None:
    from support import ROOT

    from cjji.blocks import KINDS, labels_of
    from cjji.policy import load_policy

    labels = labels_of(load_policy(ROOT))
    assert set(labels.kinds) == set(KINDS)  # the schema lists exactly the dialect's kinds
    assert labels.kinds["notable-practice"] == "Notable practice"
    assert (labels.table, labels.annex) == ("Table", "Annex")
    assert labels.policy is not None  # names addressees through cjji.bodies


def test_finding_labels_use_the_id_or_the_number_of_its_kind() -> None:
    from cjji.blocks import finding_labels, labels_of
    from cjji.markdown import parse

    tokens = parse("::: notable-practice\nA.\n:::\n\n::: {.recommendation #R1}\nB.\n:::\n\n"
                   "::: notable-practice\nC.\n:::\n")
    counts: dict[str, int] = {}
    labels = list(finding_labels(tokens, labels_of(None), counts).values())
    assert labels == ["Notable practice 1", "Recommendation 1", "Notable practice 2"]  # never "R1"
    more = finding_labels(parse("::: notable-practice\nD.\n:::\n"), labels_of(None), counts)
    assert list(more.values()) == ["Notable practice 3"]  # numbers carry on into the annex


def test_tables_are_numbered_in_reading_order_and_annexes_lettered() -> None:
    from cjji.blocks import annex_letters, letter, table_numbers
    from cjji.markdown import parse

    tokens = parse("| a |\n|---|\n| 1 |\n\n# Annex {.annex}\n\n| b |\n|---|\n| 2 |\n\n# Method {#annex-x}\n")
    assert sorted(table_numbers(tokens, 3).values()) == [4, 5]
    assert list(annex_letters(tokens).values()) == ["A", "B"]
    assert [letter(n) for n in (1, 26, 27, 52)] == ["A", "Z", "AA", "AZ"]


def test_finding_details_name_the_addressee_and_due_date() -> None:
    from support import ROOT

    from cjji.blocks import finding_details, labels_of
    from cjji.markdown import parse
    from cjji.policy import load_policy

    labels = labels_of(load_policy(ROOT))
    [div] = [t for t in parse('::: {.recommendation #R1 owner="CPS MoJ" due="2027-06-30"}\nX.\n:::\n')
             if t.type == "div_open"]
    assert finding_details(div, labels) == ("For: Crown Prosecution Service and Ministry of Justice. "
                                            "Due: 30 June 2027.")
    [div] = [t for t in parse('::: {.recommendation #R1 to="Cleveland Police; the DHSC"}\nX.\n:::\n')
             if t.type == "div_open"]
    assert finding_details(div, labels) == "For: Cleveland Police and Department of Health and Social Care."
