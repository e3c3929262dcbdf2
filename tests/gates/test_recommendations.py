from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, line_of, run, variant

from cjji.gates import recommendations

R1 = '::: {.recommendation #R1 owner="HMPPS" due="2028-03-31"}'
R2 = '::: {.recommendation #R2 owner="PoliceForces NPCC" due="2028-06-30"}'


def test_good_reports_pass() -> None:
    assert run(recommendations.GATE, GOOD) == []
    assert run(recommendations.GATE, EXAMPLE_DIR) == []


def test_unknown_owner_with_a_suggestion(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('owner="HMPPS"', 'owner="HMPP"'))
    [finding] = run(recommendations.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "#R1"), 26, "unknown-owner")
    assert finding.message == "R1 is addressed to 'HMPP', which is not a known agency"
    assert finding.hint.startswith("did you mean 'HMPPS'?")


def test_no_owner(tmp_path: Path) -> None:
    folder = variant(tmp_path, (' owner="HMPPS"', ""))
    assert brief(run(recommendations.GATE, folder)) == [
        (line_of(folder, "#R1"), "no-owner", "R1 is not addressed to anyone")]


def test_no_id(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("#R1 ", ""), ("#R2 ", ""))
    assert brief(run(recommendations.GATE, folder)) == [
        (line_of(folder, "HMPPS"), "no-id", "this recommendation has no id"),
        (line_of(folder, "NPCC"), "no-id", "this recommendation has no id")]


def test_duplicate_id(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("#R2", "#R1"))
    assert brief(run(recommendations.GATE, folder)) == [(
        line_of(folder, "NPCC"), "duplicate",
        f"the recommendation id 'R1' is used twice (first on line {line_of(folder, 'HMPPS')})")]


def test_numbering_must_be_continuous(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("#R2", "#R3"))
    [finding] = run(recommendations.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "#R3"), 22, "numbering")
    assert finding.message == "recommendation 'R3' breaks the numbering: R2 was expected here"


def test_numbering_starts_at_one(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("#R1", "#R0"), ("#R2", "#R1"))
    assert [f.rule for f in run(recommendations.GATE, folder)] == ["numbering"]


def test_id_form(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("#R2", "#Rec2"))
    assert brief(run(recommendations.GATE, folder)) == [
        (line_of(folder, "#Rec2"), "id-form", "the recommendation id 'Rec2' is not in the expected form")]


def test_bad_due_date(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('due="2028-03-31"', 'due="end of March"'))
    [finding] = run(recommendations.GATE, folder)
    assert (finding.line, finding.col) == (line_of(folder, "#R1"), 40)
    assert finding.message == "the due date of R1, 'end of March', is not a real date written YYYY-MM-DD"


def test_due_before_publication_is_a_warning(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('due="2028-03-31"', 'due="2027-03-31"'))
    [finding] = run(recommendations.GATE, folder)
    assert (finding.severity, finding.rule) == ("warning", "due-before-publication")
    assert finding.message == "R1 is due on 2027-03-31, before the report is published (2027-11-30)"


def test_empty_recommendation(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("Chief constables should make sure a health care professional is "
                                "available in every custody suite at all times.\n", ""))
    assert brief(run(recommendations.GATE, folder)) == [(line_of(folder, "#R2"), "empty", "R2 has no text")]


def test_placeholder_recommendation(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("Chief constables should make sure", "TODO: Chief constables should make sure"))
    assert brief(run(recommendations.GATE, folder)) == [
        (line_of(folder, "TODO:"), "placeholder", "TODO: write R2: it still says 'TODO'")]


def test_real_bodies_are_addressed_by_name(tmp_path: Path) -> None:
    """Issue 16: a single force, a department and an office-holder, several to one recommendation."""
    folder = variant(tmp_path, ('owner="HMPPS"', 'to="Cleveland Police; the Department of Health and Social '
                                'Care; Lord Chancellor and Secretary of State for Justice"'))
    assert run(recommendations.GATE, folder) == []
    from framework_support import context

    from cjji.blocks import recommendations as blocks_of
    from cjji.bodies import addressees
    from cjji.report import load

    [first, _] = blocks_of(load(folder))
    found = addressees(first.attrs, context().policy)
    assert [a.body for a in found] == ["cleveland", "dhsc", "lord-chancellor"]
    assert found[0].name == "Cleveland Police"


def test_an_unknown_body_is_a_warning_with_a_suggestion_and_still_counts(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('owner="HMPPS"', 'to="Clevland Police"'))
    [finding] = run(recommendations.GATE, folder)
    assert (finding.severity, finding.rule, finding.line) == ("warning", "unknown-addressee", line_of(folder, "#R1"))
    assert finding.col == line_of_text(folder, "#R1").index("Clevland") + 1
    assert finding.message == ("R1 is addressed to 'Clevland Police', which is not in checks/bodies.yml "
                               "(it is published as written)")
    assert finding.hint.startswith("did you mean 'Cleveland Police'?")


def test_an_empty_to_is_no_addressee(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('owner="HMPPS"', 'to=" ; "'))
    assert brief(run(recommendations.GATE, folder)) == [
        (line_of(folder, "#R1"), "no-owner", "R1 is not addressed to anyone")]


def line_of_text(folder: Path, needle: str) -> str:
    return (folder / "report.md").read_text(encoding="utf-8").split("\n")[line_of(folder, needle) - 1]
