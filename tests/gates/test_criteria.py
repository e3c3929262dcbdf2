from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, line_of, run, variant

from cjji.gates import criteria

JUDGEMENT_C2 = ("[In 22 of 40 transfers the prison received no health information from custody.]"
                '{.judgement criteria="C2"}')


def test_good_reports_pass() -> None:
    assert run(criteria.GATE, GOOD) == []
    assert run(criteria.GATE, EXAMPLE_DIR) == []


def test_a_judgement_citing_an_undeclared_criterion(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('criteria="C2"', 'criteria="C2 C7"'))
    [finding] = run(criteria.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "C7"), 80, "undefined")
    assert finding.message == (
        "this judgement cites the criterion 'C7', which is not declared in the metadata")
    assert finding.hint.endswith("(declared: C1, C2)")


def test_a_judgement_without_criteria(tmp_path: Path) -> None:
    folder = variant(tmp_path, (JUDGEMENT_C2, "Before. " + JUDGEMENT_C2.replace(' criteria="C2"', "")
                                + ' And [C2 again.]{.judgement criteria="C2"}'))
    [finding] = run(criteria.GATE, folder)
    line = line_of(folder, "Before.")
    text = (folder / "report.md").read_text().split("\n")[line - 1]
    assert (finding.line, finding.col) == (line, text.index("{.judgement}") + 1)
    assert (finding.rule, finding.message) == ("no-criterion", "this judgement does not cite a criterion")


def test_a_judgement_with_an_empty_criteria_attribute(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('criteria="C2"', 'criteria=""'))
    assert [(f.rule, f.line) for f in run(criteria.GATE, folder)] == [
        ("no-criterion", line_of(folder, "In 22 of 40")), ("unused", line_of(folder, "id: C2"))]


def test_an_unused_criterion_is_a_warning_located_at_its_id(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('criteria="C2"', 'criteria="C1"'))
    [finding] = run(criteria.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "id: C2"), 10, "unused")
    assert finding.severity == "warning"  # a whole published standard need not be cited judgement by judgement
    assert finding.message == "the criterion 'C2' is declared but no judgement in the report cites it"


def test_a_duplicate_criterion_id(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("{id: C2,", "{id: C1,"), ('criteria="C2"', 'criteria="C1"'))
    assert brief(run(criteria.GATE, folder)) == [(
        line_of(folder, "Health information passes"), "duplicate",
        f"the criterion id 'C1' is declared twice (first on line {line_of(folder, 'id: C1')})")]


def test_a_judgement_div_across_lines(tmp_path: Path) -> None:
    folder = variant(tmp_path, (JUDGEMENT_C2, "::: {.judgement criteria=\"C9\"}\nIn 22 of 40 transfers.\n:::"))
    assert brief(run(criteria.GATE, folder)) == [
        (line_of(folder, "C9"), "undefined",
         "this judgement cites the criterion 'C9', which is not declared in the metadata"),
        (line_of(folder, "id: C2"), "unused",
         "the criterion 'C2' is declared but no judgement in the report cites it")]


def test_placeholder_criterion_text_and_source(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('source: "Expectations for Prisons, 1.7"', 'source: "TBC"'))
    [finding] = run(criteria.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "TBC"), 99, "placeholder")
    assert finding.message == "TODO: write the source of criterion 2: it still says 'TBC'"
