"""Loading programme/<year>/: every file through the strict YAML loader and its schema, located."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

from cjji.findings import format_human
from cjji.programme.model import _yaml_file, load_programme


def test_the_worked_example_loads_clean(example):
    programme = example.load()
    assert programme.findings == []
    assert len(programme.proposals) >= 12
    assert programme.plan is not None and programme.consultation is not None
    assert programme.id == "programme-2027"


def test_the_worked_example_passes_every_check_as_published(example):
    """Check the whole example (writing gates included) as on a day after its final copies went out."""
    assert [format_human(f) for f in example.errors()] == []


def test_a_typo_in_a_proposal_field_is_located_with_a_suggestion(example):
    example.replace("proposals/youth-remand.yml", "business_process:", "busines_process:")
    line = example.line_of("proposals/youth-remand.yml", "busines_process:")
    found = [f for f in example.load().findings if f.rule == "additionalProperties"]
    assert [(f.file, f.line, f.col) for f in found] == [("programme/2027/proposals/youth-remand.yml", line, 1)]
    assert "unknown field 'busines_process'" in found[0].message
    assert "business_process" in found[0].hint


def test_a_wrong_date_in_the_log_is_located(example):
    example.replace("consultation.yml", "opened: 2026-10-05", "opened: 2026-13-05")
    found = example.load().findings
    assert len(found) == 1
    where = ("programme/2027/consultation.yml", example.line_of("consultation.yml", "opened:"))
    assert (found[0].file, found[0].line) == where
    assert "not a real date" in found[0].message


def test_a_duplicate_key_is_refused_at_its_line(example):
    example.replace("plan.md", "capacity: 5", "capacity: 5\ncapacity: 9")
    found = example.load().findings
    assert len(found) == 1 and found[0].rule == "yaml"
    assert found[0].line == example.line_of("plan.md", "capacity: 9")
    assert "appears twice" in found[0].message


def test_the_id_must_be_the_file_name(example):
    example.replace("proposals/youth-remand.yml", "id: youth-remand", "id: youth-custody")
    found = [f for f in example.load().findings if f.rule == "id-file-name"]
    assert found and found[0].line == example.line_of("proposals/youth-remand.yml", "id: youth-custody")


def test_a_plan_in_the_wrong_year_folder_is_an_error(example):
    example.replace("plan.md", "year: 2027", "year: 2028")
    found = [f for f in example.load().findings if f.rule == "year"]
    assert found and "says year 2028" in found[0].message


def test_a_badly_named_proposal_file_is_refused(example):
    (example.dir / "proposals" / "Bad Name.yml").write_text("id: x\n", encoding="utf-8")
    found = [f for f in example.load().findings if f.rule == "file-name"]
    assert found and "Bad Name.yml" in found[0].message


def test_a_missing_year_is_one_plain_finding(example):
    programme = load_programme(example.root, "2031")
    assert [f.rule for f in programme.findings] == ["missing"]
    assert "no programme for 2031" in programme.findings[0].message


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300),
                 st.builds(lambda k, v: f"id: fuzz\n{k}: {v}\n", st.sampled_from(["lead", "inspectorates", "assessment",
                                                                                 "excluded", "scope", "principles"]),
                           st.text(max_size=60))))
def test_any_proposal_text_gives_located_findings_never_a_crash(example, text):
    path = example.dir / "proposals" / "fuzz.yml"
    path.write_text(text, encoding="utf-8")
    findings: list = []
    source = _yaml_file(path, example.root / "schemas" / "proposal.schema.json", findings)
    assert source is not None or findings
    for finding in findings:
        assert finding.file == "programme/2027/proposals/fuzz.yml" and finding.message
