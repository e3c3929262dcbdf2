from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, line_of, run, variant

from cjji.gates import principles


def test_good_reports_pass() -> None:
    assert run(principles.GATE, GOOD) == []
    assert run(principles.GATE, EXAMPLE_DIR) == []


def test_a_missing_principle_is_located_at_principles(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("  learning: {sections: [methodology]}\n", ""))
    [finding] = run(principles.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "principles:"), 1, "missing")
    assert finding.message == ("principle 10 (Continual learning) is not mapped: say where the "
                               "report meets it, or why it does not apply")


def test_an_unknown_principle(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("  learning:", "  learnings: {sections: [methodology]}\n  learning:"))
    assert brief(run(principles.GATE, folder)) == [
        (line_of(folder, "learnings:"), "unknown", "'learnings' is not one of Annex A's principles")]


def test_a_section_that_does_not_exist(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("proportionate: {sections: [methodology]}",
                                "proportionate: {sections: [methodology, risk]}"))
    [finding] = run(principles.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "proportionate:"), 43,
                                                         "unknown-section")
    assert finding.message == ("principle 4 (Proportionate to risk) points to the section 'risk', "
                               "which does not exist")


def test_a_short_not_applicable_reason(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("proportionate: {sections: [methodology]}",
                                'proportionate: {not_applicable: "Not relevant here."}'))
    assert brief(run(principles.GATE, folder)) == [(
        line_of(folder, "proportionate:"), "reason-too-short",
        "the reason principle 4 (Proportionate to risk) does not apply is too short (3 words; at "
        "least 5 are needed)")]


def test_a_placeholder_reason(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("no self-assessment to challenge.", "no self-assessment to challenge. TODO"))
    assert brief(run(principles.GATE, folder)) == [(
        line_of(folder, "self-assessment:"), "reason-placeholder",
        "TODO: say why principle 5 (Rigorous self-assessment) does not apply: the reason still says 'TODO'")]


def test_a_qualifying_principle_cannot_be_not_applicable(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("user-perspective: {sections: [people]}",
                                'user-perspective: {not_applicable: "We did not speak to anyone who '
                                'uses the service in this inspection."}'))
    assert brief(run(principles.GATE, folder)) == [(
        line_of(folder, "user-perspective:"), "required",
        "principle 3 (A user perspective) cannot be marked not applicable: every joint inspection "
        "must meet it (framework 5.5)")]


def test_improvement_needs_a_recommendation(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("{.recommendation #R1", "{.note #N1"), ("{.recommendation #R2", "{.note #N2"))
    [finding] = run(principles.GATE, folder)
    assert (finding.line, finding.rule) == (line_of(folder, "improvement:"), "not-evidenced")
    assert finding.message == ("principle 1 (The purpose of improvement) is claimed as met, but the "
                               "report makes no recommendations")


def test_disclosed_criteria_needs_the_criteria_gate_to_pass(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('criteria="C2"', 'criteria="C3"'))
    assert brief(run(principles.GATE, folder)) == [(
        line_of(folder, "disclosed-criteria:"), "not-evidenced",
        # C3 undefined; C2 unused is a warning
        "principle 7 (Disclosed criteria) is claimed as met, but the criteria check finds 1 problem(s)")]


def test_value_for_money_needs_the_value_for_money_section(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("  value-for-money: {sections: [value]}\nimpact",
                                '  value-for-money: {not_applicable: "Costs were outside the terms '
                                'of reference agreed with ministers."}\nimpact'))
    assert brief(run(principles.GATE, folder)) == [(
        line_of(folder, "  value-for-money: {sections"), "not-evidenced",
        "principle 9 (Value for money) is claimed as met, but no section covers the cross-cutting "
        "issue 'value-for-money'")]


def test_impartial_evidence_needs_numbers(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("evidence: {custody_records: 80, interviews: 30}",
                                "evidence: {sources: [a thematic report]}"))
    assert brief(run(principles.GATE, folder)) == [(
        line_of(folder, "impartial-evidence:"), "not-evidenced",
        "principle 6 (Impartial evidence) is claimed as met, but the metadata declares no evidence "
        "base with numbers")]


def test_counts_still_at_zero_are_a_draft_to_do_not_an_error(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("evidence: {custody_records: 80, interviews: 30}",
                                "evidence: {custody_records: 0, interviews: 0}"))
    [finding] = run(principles.GATE, folder)
    assert (finding.severity, finding.rule, finding.line) == (
        "todo", "evidence-to-come", line_of(folder, "evidence: {custody"))
    assert finding.message == "TODO: record the evidence base: every count is still 0"


def test_an_unused_criterion_does_not_fail_principle_7(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('criteria="C2"', 'criteria="C1"'))
    assert run(principles.GATE, folder) == []


def test_an_evidence_review_cites_sources_instead_of_counting(tmp_path: Path) -> None:
    """Issue 16: an evidence review reads research; it has no case files to count."""
    review = ("type: joint-thematic", "type: joint-evidence-review")
    counts_only = variant(tmp_path / "a", review)
    assert brief(run(principles.GATE, counts_only)) == [(
        line_of(counts_only, "impartial-evidence:"), "not-evidenced",
        "principle 6 (Impartial evidence) is claimed as met, but the metadata lists no sources for "
        "this evidence review")]
    cited = variant(tmp_path / "b", review, ("evidence: {custody_records: 80, interviews: 30}",
                                             'evidence: {sources: ["A published thematic review (2021)"]}'))
    assert run(principles.GATE, cited) == []


def test_wrong_shapes_are_left_to_the_schema_gate(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("improvement: {sections: [recommendations]}", "improvement: [1, {a: 2}]"),
                     ("outcomes: {sections: [findings]}", "outcomes: {sections: findings}"))
    assert run(principles.GATE, folder) == []
    folder = variant(tmp_path / "b", ("principles:\n", "principles: 7\nx:\n"))
    assert run(principles.GATE, folder) == []
