"""Framework 5.5: only qualifying proposals go on the long list; an excluded one says which criterion
it fails, and a factual criterion it meets cannot be given as the reason."""

from __future__ import annotations

from cjji.programme.qualifying import long_list

P = "proposals/rape-case-progression.yml"


def _rules(findings):
    return [(f.rule, f.line) for f in findings if f.severity == "error"]


def test_the_example_excludes_four_kinds_of_failure(example):
    programme = example.load()
    excluded = {i: p.data["excluded"]["criterion"] for i, p in programme.proposals.items() if "excluded" in p.data}
    assert set(excluded.values()) == {"two-cj-inspectorates", "lead-cj-inspectorate", "scope-and-purpose", "principles"}
    assert set(long_list(programme, example.policy())).isdisjoint(excluded)
    assert example.check(gate="qualifying") == []


def test_partner_inspectorates_do_not_count_toward_two(example):
    example.replace(P, "inspectorates: [HMCPSI, HMICFRS]", "inspectorates: [HMCPSI, CQC, Ofsted]")
    found = example.check(gate="qualifying")
    assert _rules(found) == [("two-cj-inspectorates", example.line_of(P, "inspectorates:"))]
    assert "CQC, Ofsted may take part but do not count" in found[0].message
    assert "framework 5.5" in found[0].message and "excluded: {criterion: two-cj-inspectorates" in found[0].hint
    assert "rape-case-progression" not in long_list(example.load(), example.policy())


def test_a_lead_that_does_not_take_part_fails(example):
    example.replace(P, "lead: HMCPSI", "lead: HMIPrisons")
    assert _rules(example.check(gate="qualifying")) == [("lead-cj-inspectorate", example.line_of(P, "lead:"))]


def test_a_non_cj_lead_fails(example):
    example.replace(P, "lead: HMCPSI", "lead: Ofsted")
    example.replace(P, "inspectorates: [HMCPSI, HMICFRS]", "inspectorates: [Ofsted, HMCPSI, HMICFRS]")
    found = example.check(gate="qualifying")
    assert _rules(found) == [("lead-cj-inspectorate", example.line_of(P, "lead:"))]
    assert "not a criminal justice inspectorate" in found[0].message


def test_no_lead_at_all_fails(example):
    example.replace(P, "lead: HMCPSI\n", "")
    assert [f.rule for f in example.check(gate="qualifying")] == ["lead-cj-inspectorate"]


def test_a_placeholder_scope_fails(example):
    text = example.text(P)
    scope = next(line for line in text.split("\n") if line.startswith("scope:"))
    example.replace(P, scope, 'scope: "TBC once the areas are chosen"')
    found = example.check(gate="qualifying")
    assert _rules(found) == [("scope-and-purpose", example.line_of(P, "scope:"))]
    assert "placeholder ('TBC')" in found[0].message


def test_a_missing_user_perspective_fails(example):
    line = next(x for x in example.text(P).split("\n") if x.strip().startswith("user-perspective:"))
    example.replace(P, line + "\n", "")
    found = example.check(gate="qualifying")
    assert [f.rule for f in found] == ["principles"] and "A user perspective" in found[0].message


def test_a_one_word_principle_does_not_count(example):
    line = next(x for x in example.text(P).split("\n") if x.strip().startswith("outcomes:"))
    example.replace(P, line, '  outcomes: "Yes"')
    assert _rules(example.check(gate="qualifying")) == [("principles", example.line_of(P, 'outcomes: "Yes"'))]


def test_excluding_for_a_factual_criterion_the_proposal_meets_is_refused(example):
    """Attack: hide a strong proposal from the ranking by excluding it for a reason that is false."""
    example.replace(P, "risk_sources:", "excluded:\n  criterion: two-cj-inspectorates\n  reason: "
                    "\"Only one criminal justice inspectorate would take part in this inspection at all.\"\n"
                    "risk_sources:")
    found = example.check(gate="qualifying")
    assert _rules(found) == [("excluded-but-meets", example.line_of(P, "criterion: two-cj-inspectorates"))]


def test_an_exclusion_must_name_a_real_criterion_and_a_reason(example):
    example.replace(P, "risk_sources:", "excluded: {criterion: two-inspectorates, reason: TBC}\nrisk_sources:")
    found = example.check(gate="qualifying")
    assert [f.rule for f in found] == ["unknown-criterion"]
    assert "did you mean 'two-cj-inspectorates'" in found[0].hint


def test_an_exclusion_reason_must_say_something(example):
    reason = ('reason: "The scope and purpose cannot be defined until the new national fraud strategy is published, '
              "so the proposal returns for next year's programme.\"")
    example.replace("proposals/fraud-victims.yml", reason, "reason: TBC")
    assert [f.rule for f in example.check(gate="qualifying")] == ["exclusion-reason"]


def test_a_judgement_criterion_may_exclude_a_proposal_that_passes_the_word_count(example):
    """Scope and purpose, and the principles, are also the chief inspectors' judgement."""
    example.replace(P, "risk_sources:", "excluded:\n  criterion: scope-and-purpose\n  reason: \"The chief inspectors "
                    "judged the scope too broad to deliver in one year with the resources available.\"\nrisk_sources:")
    assert example.check(gate="qualifying") == []
    assert "rape-case-progression" not in long_list(example.load(), example.policy())


def test_unknown_codes_are_named_with_suggestions(example):
    example.replace(P, "inspectorates: [HMCPSI, HMICFRS]", "inspectorates: [HMCPSI, HMICFRS, HMIP]")
    example.replace(P, "business_process: bringing-offenders-to-justice", "business_process: justice")
    rules = {f.rule: f for f in example.check(gate="qualifying")}
    assert "'HMIP' is not an inspectorate code" in rules["unknown-inspectorate"].message
    assert "'justice' is not a business process" in rules["unknown-business-process"].message
