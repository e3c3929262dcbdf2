from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, context, line_of, run, variant

from cjji.gates import joint, run_all, schema
from cjji.report import load


def test_good_reports_pass() -> None:
    assert run(joint.GATE, GOOD) == []
    assert run(joint.GATE, EXAMPLE_DIR) == []


def test_a_partner_inspectorate_does_not_count_toward_two(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("[HMIPrisons, HMICFRS, CQC]", "[HMIPrisons, CQC]"))
    [finding] = run(joint.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "inspectorates:"), 16,
                                                         "two-cj-inspectorates")
    assert finding.message == (
        "a joint inspection needs at least two of the criminal justice inspectorates "
        "(framework 5.5); this one has 1; CQC may take part but do not count toward the two")


def test_the_lead_must_be_a_criminal_justice_inspectorate(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("lead: HMIPrisons", "lead: CQC"))
    assert brief(run(joint.GATE, folder)) == [(
        line_of(folder, "lead:"), "lead-not-cj",
        "the lead inspectorate must be a criminal justice inspectorate (framework 5.5); CQC is a "
        "partner inspectorate")]


def test_the_lead_must_take_part(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("lead: HMIPrisons", "lead: HMCPSI"))
    assert brief(run(joint.GATE, folder)) == [(
        line_of(folder, "lead:"), "lead-not-listed",
        "the lead inspectorate HMCPSI is not in the list of inspectorates taking part")]


def test_placeholder_scope(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('scope: "The inspection examined', 'scope: "TBC. The inspection examined'))
    [finding] = run(joint.GATE, folder)
    assert (finding.line, finding.rule) == (line_of(folder, "scope:"), "scope-placeholder")
    assert finding.message == "TODO: write the scope: it still says 'TBC'"


def test_placeholder_purpose_is_found_whatever_the_case(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("purpose: \"The inspection", "purpose: \"Lorem Ipsum. The inspection"))
    assert brief(run(joint.GATE, folder)) == [(
        line_of(folder, "purpose:"), "purpose-placeholder",
        "TODO: write the purpose: it still says 'Lorem Ipsum'")]


def test_short_purpose(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('purpose: "The inspection set out', 'purpose: "Check custody." #'))
    assert brief(run(joint.GATE, folder)) == [(
        line_of(folder, "purpose:"), "purpose-too-short",
        "the purpose is too short to define the inspection (2 words; at least 5 are needed)")]


def test_wrong_types_are_left_to_the_schema_gate(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("lead: HMIPrisons", "lead: [1, 2]"), ("scope: \"The", "scope: 3 #"),
                     ("inspectorates: [HMIPrisons, HMICFRS, CQC]", "inspectorates: {a: b}"))
    assert run(joint.GATE, folder) == []


def test_an_unknown_business_process_is_one_schema_error(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("business_process: custodial-conditions", "business_process: custody"))
    report = load(folder)
    found = run_all(report, context(), [schema.GATE, joint.GATE])
    assert [(f.gate, f.line, f.message) for f in found] == [
        ("schema", line_of(folder, "business_process:"),
         "business_process: 'custody' is not one of the allowed values")]
    assert "custodial-conditions" in found[0].hint
