"""Framework 5.6 and 5.7: every factor assessed; the order computed from the secretariat's weights in
checks/prioritisation.yml; every departure from it carries the chief inspectors' reason."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from programme_support import shared_policy
from support import ROOT

from cjji.programme import ranking
from cjji.programme.model import load_programme

P = "proposals/youth-remand.yml"
SWAPPED = "  - youth-remand\n  - rape-case-progression\n"
FINAL = """final_programme:
  - prison-release-housing
  - rape-case-progression
  - youth-remand
  - domestic-abuse-bail
  - court-backlog-victims
"""


def _rules(findings):
    return sorted((f.rule, f.line) for f in findings if f.severity == "error")


def test_the_example_order_follows_the_weights(example):
    order = ranking.rank(example.load(), example.policy())
    assert [r.id for r in order.order][:6] == ["prison-release-housing", "rape-case-progression", "youth-remand",
                                               "domestic-abuse-bail", "disclosure-magistrates", "court-backlog-victims"]
    first = order.order[0]
    assert first.first and first.score < order.order[1].score + 5  # committed work ranks first whatever its score
    assert order.short_list == ["prison-release-housing", "rape-case-progression", "youth-remand",
                                "domestic-abuse-bail", "disclosure-magistrates"]


def test_the_order_comes_from_checks_not_from_the_code(example):
    """The secretariat changes a weight: the computed order changes, and the plan must now explain."""
    example.own_policy = True
    path = example.root / "checks" / "prioritisation.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    weight: 2                  # SECRETARIAT'S SETTING\n  - id: impact-resource",
                        "    weight: 0                  # SECRETARIAT'S SETTING\n  - id: impact-resource")
    text = text.replace("    weight: -1                 # SECRETARIAT'S SETTING: negative",
                        "    weight: -9  # negative")
    path.write_text(text, encoding="utf-8")
    order = [r.id for r in ranking.rank(example.load(), example.policy()).order]
    assert order[:4] == ["prison-release-housing", "youth-remand", "rape-case-progression", "domestic-abuse-bail"]
    found = example.check(gate="prioritising")
    assert ("unexplained-order", example.line_of("plan.md", "  - rape-case-progression")) in _rules(found)


def test_a_missing_factor_is_named(example):
    line = next(x for x in example.text(P).split("\n") if x.strip().startswith("coverage:"))
    example.replace(P, line + "\n", "")
    found = example.check(gate="prioritising")
    missing = [f for f in found if f.rule == "missing-factor"]
    assert len(missing) == 1 and "Proportionate coverage of relevant high level CJ processes" in missing[0].message
    assert missing[0].line == example.line_of(P, "assessment:")
    assert any(f.rule == "incomplete-ranking" for f in found)  # no ranking is claimed from half the data


def test_a_rating_off_the_scale_is_refused_with_the_scale(example):
    example.replace(P, "coverage: {rating: medium", "coverage: {rating: very-high")
    found = [f for f in example.check(gate="prioritising") if f.rule == "rating"]
    assert found and found[0].line == example.line_of(P, "coverage: {rating: very-high")
    assert "none, low, medium, high" in found[0].hint


def test_yes_no_factors_take_yes_or_no(example):
    example.replace(P, "commitment: {rating: no", "commitment: {rating: high")
    assert [f.rule for f in example.check(gate="prioritising") if f.rule == "rating"] == ["rating"]


def test_a_placeholder_rationale_does_not_count(example):
    line = next(x for x in example.text(P).split("\n") if x.strip().startswith("practicality:"))
    example.replace(P, line, '  practicality: {rating: medium, rationale: "TBC"}')
    found = [f for f in example.check(gate="prioritising") if f.rule == "rationale"]
    assert found and found[0].line == example.line_of(P, "practicality:")


def test_an_unknown_factor_gets_a_suggestion(example):
    example.replace(P, "assessment:", "assessment:\n  goverment-priorities: {rating: high, rationale: a b c d e f g}")
    found = [f for f in example.check(gate="prioritising") if f.rule == "unknown-factor"]
    assert found and "did you mean 'government-priorities'" in found[0].hint


def test_bringing_in_a_proposal_needs_a_reason(example):
    """Attack: take the departure reason away; the inclusion of the sixth-ranked proposal is caught."""
    plan = example.text("plan.md")
    start = plan.index("  - proposal: court-backlog-victims")
    end = plan.index("  - proposal: disclosure-magistrates")
    example.path("plan.md").write_text(plan[:start] + plan[end:], encoding="utf-8")
    found = example.check(gate="prioritising")
    assert _rules(found) == [("unexplained-inclusion", example.line_of("plan.md", "  - court-backlog-victims"))]
    assert "ranked 6 of 9" in found[0].message and "framework 5.7" in found[0].message


def test_leaving_out_a_short_listed_proposal_needs_a_reason(example):
    plan = example.text("plan.md")
    start = plan.index("  - proposal: disclosure-magistrates")
    end = plan.index("words:")
    example.path("plan.md").write_text(plan[:start] + plan[end:], encoding="utf-8")
    found = example.check(gate="prioritising")
    assert [f.rule for f in found] == ["unexplained-omission"]
    assert "'disclosure-magistrates' is ranked 5" in found[0].message


def test_reordering_needs_a_reason(example):
    example.replace("plan.md", "  - rape-case-progression\n  - youth-remand\n", SWAPPED)
    found = example.check(gate="prioritising")
    assert [f.rule for f in found] == ["unexplained-order"]
    assert found[0].line == example.line_of("plan.md", "  - youth-remand")


def test_a_departure_reason_must_say_why(example):
    reason = next(x for x in example.text("plan.md").split("\n") if "The chief inspectors deferred" in x)
    example.replace("plan.md", reason, "    reason: TBC")
    found = example.check(gate="prioritising")
    assert _rules(found) == [("departure-reason", example.line_of("plan.md", "reason: TBC"))]


def test_an_excluded_proposal_cannot_enter_even_with_a_reason(example):
    """5.5 is a requirement for the programme; judgement (5.7) ranks, it does not waive qualification."""
    example.replace("plan.md", "  - court-backlog-victims\n", "  - court-backlog-victims\n  - fraud-victims\n")
    example.replace("plan.md", "departures:\n", "departures:\n  - proposal: fraud-victims\n    reason: \"The chief "
                    "inspectors wanted it in the programme whatever the qualifying criteria said about it.\"\n"
                    "    agreed: 2027-02-24\n")
    found = example.check(gate="prioritising")
    assert ("not-qualifying", example.line_of("plan.md", "  - fraud-victims")) in _rules(found)


def test_an_unknown_proposal_in_the_programme(example):
    example.replace("plan.md", "  - youth-remand\n", "  - youth-remmand\n")
    rules = {f.rule: f for f in example.check(gate="prioritising")}
    assert "did you mean 'youth-remand'" in rules["unknown-proposal"].hint


@pytest.mark.parametrize("extra", [1, 2])
def test_over_capacity_is_a_warning(example, extra):
    names = ["resettlement-women", "probation-court-reports"][:extra]
    example.replace("plan.md", "  - court-backlog-victims\n", "  - court-backlog-victims\n"
                    + "".join(f"  - {n}\n" for n in names))
    example.replace("plan.md", "departures:\n", "departures:\n" + "".join(
        f"  - proposal: {n}\n    reason: \"The chief inspectors found the resources for this one as well this year.\"\n"
        "    agreed: 2027-02-24\n" for n in names))
    found = example.check(gate="prioritising")
    assert [f.rule for f in found if f.severity == "error"] == []
    assert [f.rule for f in found if f.severity == "warning"] == ["over-capacity"]


@pytest.fixture(scope="module")
def loaded():
    """The repository's own example, loaded once (read only: tests change the in-memory copy)."""
    programme = load_programme(ROOT, "2027")
    policy = shared_policy()
    return programme, policy, ranking.rank(programme, policy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_with_no_departures_only_the_computed_short_list_passes(loaded, data):
    """Any final programme (a selection and order of long-list proposals) passes with no departures
    recorded if and only if it is exactly the computed short list in order."""
    programme, policy, order = loaded
    pool = [r.id for r in order.order]
    chosen = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=6))
    programme.plan.data = {**programme.plan.data, "final_programme": chosen, "departures": []}
    found = [f for f in ranking.judgement_findings(programme, policy, order) if f.severity == "error"]
    assert (found == []) == (chosen == order.short_list)


def test_every_single_swap_of_the_short_list_is_caught(loaded):
    programme, policy, order = loaded
    for a, b in itertools.combinations(range(len(order.short_list)), 2):
        swapped = list(order.short_list)
        swapped[a], swapped[b] = swapped[b], swapped[a]
        programme.plan.data = {**programme.plan.data, "final_programme": swapped, "departures": []}
        assert ranking.judgement_findings(programme, policy, order), swapped
    programme.plan.data = {**programme.plan.data, "final_programme": order.short_list, "departures": []}
    assert ranking.judgement_findings(programme, policy, replace(order)) == []
