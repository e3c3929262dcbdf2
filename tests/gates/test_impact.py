from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, context, line_of, run, variant

from cjji.gates import impact, run_all, schema
from cjji.report import load


def test_good_reports_pass() -> None:
    assert run(impact.GATE, GOOD) == []
    assert run(impact.GATE, EXAMPLE_DIR) == []


def test_the_document_must_be_in_the_report_folder(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("file: impact-assessment.md", "file: eia.md"))
    [finding] = run(impact.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "eia.md"), 66, "file-missing")
    assert finding.message == "the impact assessment document 'eia.md' does not exist in the report folder"


def test_the_document_is_one_of_the_reports_own_signed_files(tmp_path: Path) -> None:
    """Resolved like an image (cjji.resolve): no '..', no hidden file the sign-off digest leaves out."""
    for n, name in enumerate(["../2027-good/impact-assessment.md", "../../etc/passwd", ".eia.md", "signoffs/x.md"]):
        folder = variant(tmp_path / str(n), ("file: impact-assessment.md", f"file: {name}"))
        if name == ".eia.md":
            (folder / name).write_text("hidden")
        assert [f.rule for f in run(impact.GATE, folder)] == ["file-outside"], name


def test_completed_after_publication(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("completed: 2027-06-01", "completed: 2027-12-01"))
    assert brief(run(impact.GATE, folder)) == [(
        line_of(folder, "completed:"), "after-publication",
        "the impact assessment was completed on 1 December 2027, after the publication date "
        "(30 November 2027)")]


def test_placeholder_outcome(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("outcome: no adverse impact identified", "outcome: TBC"))
    assert brief(run(impact.GATE, folder)) == [(
        line_of(folder, "outcome:"), "outcome-placeholder",
        "TODO: write the impact assessment's outcome: it still says 'TBC'")]


def _all(folder: Path) -> list[tuple[str, int, str]]:
    return [(f.gate, f.line, f.message) for f in run_all(load(folder), context(), [schema.GATE, impact.GATE])]


def test_missing_or_undated_is_one_located_error(tmp_path: Path) -> None:
    """The schema gate reports a missing assessment or date; the impact gate does not repeat it."""
    folder = variant(tmp_path, ("impact_assessment: {kind: equality, completed: 2027-06-01, ",
                                "impact_assessment: {kind: equality, "))
    assert _all(folder) == [("schema", line_of(folder, "impact_assessment:"),
                             "impact_assessment is missing the required field 'completed'")]
    folder = variant(tmp_path / "b", ("impact_assessment: {kind", "impact: {kind"))
    assert ("schema", "the metadata is missing the required field 'impact_assessment'") in [
        (g, m) for g, _, m in _all(folder)]
    folder = variant(tmp_path / "c", ("completed: 2027-06-01", "completed: 2027-02-30"))
    assert _all(folder) == [("schema", line_of(folder, "completed:"),
                             "impact_assessment.completed: '2027-02-30' is not a real date written YYYY-MM-DD")]
