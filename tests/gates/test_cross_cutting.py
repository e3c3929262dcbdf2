from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, line_of, run, variant

from cjji.gates import cross_cutting

SCOPED_OUT = ("the cross-cutting issue 'victim and witness experience' is scoped out of this "
              "inspection: The inspection was about detained people, and it did not involve victims "
              "or witnesses of crime at any stage.")


def _value_line(folder: Path) -> int:
    """The cross_cutting value-for-money line (the principle of the same name comes first)."""
    return line_of(folder, "impact_assessment:") - 1


def test_the_example_passes() -> None:
    assert run(cross_cutting.GATE, EXAMPLE_DIR) == []


def test_scoping_an_issue_out_is_information_at_the_reason() -> None:
    """Issue 16: a custody report scopes out victims and witnesses with a reason; a warning would
    fail every real custody report under --strict."""
    [finding] = run(cross_cutting.GATE, GOOD)
    assert (finding.severity, finding.rule, finding.message) == ("info", "scoped-out", SCOPED_OUT)
    assert (finding.line, finding.col) == (line_of(GOOD, "victims-witnesses:"), 39)


def test_scoping_out_needs_a_reason_of_substance(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("The inspection was about detained people, and it did not involve "
                                "victims or witnesses of crime at any stage.", "Out of scope."))
    assert [(f.severity, f.rule) for f in run(cross_cutting.GATE, folder)] == [
        ("info", "scoped-out"), ("error", "reason-too-short")]


def test_a_missing_issue(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("  equality-diversity: {sections: [people]}\n", ""))
    assert brief(run(cross_cutting.GATE, folder))[1:] == [(
        line_of(folder, "cross_cutting:"), "missing",
        "the cross-cutting issue 'equality and diversity' is not covered (framework 3.1 and 11.1)")]


def test_an_unknown_issue(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("  equality-diversity:", "  equality: {sections: [people]}\n  equality-diversity:"))
    assert brief(run(cross_cutting.GATE, folder))[1:] == [
        (line_of(folder, "  equality:"), "unknown", "'equality' is not one of the cross-cutting issues")]


def test_a_section_that_does_not_exist(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("equality-diversity: {sections: [people]}",
                                "equality-diversity: {sections: [people, diversity]}"))
    assert brief(run(cross_cutting.GATE, folder))[1:] == [(
        line_of(folder, "equality-diversity:"), "unknown-section",
        "the cross-cutting issue 'equality and diversity' points to the section 'diversity', which "
        "does not exist")]


def test_a_section_not_tagged_cross_cutting(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("{#value .cross-cutting}", "{#value}"))
    [_, finding] = run(cross_cutting.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (_value_line(folder), 32, "not-tagged")
    assert finding.message == (f"the section 'value' (line {line_of(folder, '# Value for money')}) "
                               "covers the cross-cutting issue 'value for money and efficiency' but "
                               "its heading is not tagged as cross-cutting")
    assert finding.hint == "add the class to it, like '# Value for money {#value .cross-cutting}'"


def test_a_short_section_of_substance_passes(tmp_path: Path) -> None:
    """No word minimum: real reports cover an issue in a few sentences (issue 16)."""
    start = "Health care staff in custody"
    text = (GOOD / "report.md").read_text()
    cut = text[text.index(start): text.index("The inspection itself")]
    folder = variant(tmp_path, (cut, ""))
    assert [f.rule for f in run(cross_cutting.GATE, folder)] == ["scoped-out"]


def test_an_empty_section_covers_nothing(tmp_path: Path) -> None:
    start = "Health care staff in custody"
    text = (GOOD / "report.md").read_text()
    cut = text[text.index(start): text.index("# Recommendations")]
    folder = variant(tmp_path, (cut, ""))
    [_, finding] = run(cross_cutting.GATE, folder)
    assert (finding.line, finding.rule) == (_value_line(folder), "too-short")
    assert finding.message == ("the sections covering the cross-cutting issue 'value for money and "
                               "efficiency' have 0 words; at least 1 is needed to cover it "
                               "(checks/thresholds.yml)")


def test_a_tagged_div_counts_as_a_section(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Value for money {#value .cross-cutting}", "::: {#value .cross-cutting}"),
                     ("\n\n# Recommendations", "\n:::\n\n# Recommendations"))
    assert brief(run(cross_cutting.GATE, folder))[1:] == []
