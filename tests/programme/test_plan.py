"""The plan's own checks: the CJCIG chair (7.5), the risk-assessment summary (5.2), victim issues (5.3),
and the report gates that judge its writing."""

from __future__ import annotations

PLAN = "plan.md"


def _rules(findings):
    return [(f.rule, f.line) for f in findings if f.severity == "error"]


def test_the_plan_must_show_victim_issues_were_considered(example):
    example.replace(PLAN, "# Victim issues {#victims}", "# Other matters {#other}")
    found = example.check(gate="plan")
    assert _rules(found) == [("victim-issues", example.line_of(PLAN, "victim_issues:"))]
    assert "framework 5.3" in found[0].message


def test_a_token_victims_section_is_not_enough(example):
    text = example.text(PLAN)
    start = text.index("# Victim issues {#victims}")
    end = text.index("# Resources and governance")
    short = "# Victim issues {#victims}\n\nWe considered victims.\n\n"
    example.path(PLAN).write_text(text[:start] + short + text[end:], encoding="utf-8")
    found = example.check(gate="plan")
    assert _rules(found) == [("victim-issues", example.line_of(PLAN, "# Victim issues"))]
    assert "has 3 words" in found[0].message


def test_a_subsection_does_not_borrow_the_next_chapter(example):
    """Attack: point victim_issues at a short heading just before a long chapter."""
    example.replace(PLAN, "# Resources and governance {#resources}", "## Victims in brief {#brief}\n\nSee above.\n\n"
                    "# Resources and governance {#resources}")
    example.replace(PLAN, "victim_issues: {section: victims}", "victim_issues: {section: brief}")
    assert [f.rule for f in example.check(gate="plan")] == ["victim-issues"]


def test_every_risk_source_is_summarised(example):
    line = next(x for x in example.text(PLAN).split("\n") if x.strip().startswith("self-assessments:"))
    example.replace(PLAN, line + "\n", "")
    found = example.check(gate="plan")
    assert [f.rule for f in found] == ["risk-source"]
    assert "Organisational self-assessments" in found[0].message and "framework 5.2" in found[0].message


def test_a_proposal_citing_an_unknown_risk_source(example):
    example.replace("proposals/youth-remand.yml", "source: performance-data", "source: performance")
    found = [f for f in example.check(gate="plan") if f.rule == "unknown-risk-source"]
    assert found and found[0].file == "programme/2027/proposals/youth-remand.yml"
    assert "did you mean 'performance-data'" in found[0].hint


def test_the_chair_is_a_cj_chief_inspector(example):
    example.replace(PLAN, "chair: HMIProbation", "chair: Ofsted")
    assert _rules(example.check(gate="plan")) == [("chair", example.line_of(PLAN, "chair: Ofsted"))]


def test_the_period_is_the_programme_year(example):
    example.replace(PLAN, "period: {start: 2027-04-01, end: 2028-03-31}",
                    "period: {start: 2026-04-01, end: 2027-03-31}")
    assert [f.rule for f in example.check(gate="plan")] == ["period"]


def test_the_writing_gates_judge_the_narrative_at_its_lines(example):
    example.replace(PLAN, "We thank everyone who responded to our consultation.",
                    "We thank everyone who responded to our consultation <b>warmly</b>.")
    found = [f for f in example.check(gate="writing") if f.gate == "html"]
    assert found and found[0].file == "programme/2027/plan.md"
    assert found[0].line == example.line_of(PLAN, "<b>warmly</b>")
