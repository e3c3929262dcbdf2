from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES, ROOT

from cjji.gates import schema
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

BROKEN = FIXTURES / "foundation"


@pytest.fixture(scope="module")
def context() -> Context:
    return Context(policy=load_policy(ROOT))


def findings_for(folder: str, context: Context) -> list[tuple[int, int, str, str, str]]:
    report = load(BROKEN / folder)
    return [(f.line, f.col, f.rule, f.message, f.hint) for f in schema.run(report, context)]


def test_valid_scaffold_passes(context: Context) -> None:
    assert findings_for("2027-valid", context) == []


def test_unknown_key_is_located_at_the_key_with_a_suggestion(context: Context) -> None:
    found = findings_for("2027-unknown-key", context)
    assert (8, 1, "additionalProperties", "unknown field 'lead_inspectorat'", "did you mean 'lead'?") in found
    assert any(rule == "required" and "'lead'" in message for _, _, rule, message, _ in found)


def test_impossible_date_is_located_at_the_value(context: Context) -> None:
    [(line, col, rule, message, hint)] = findings_for("2027-bad-date", context)
    assert (line, col, rule) == (13, 21, "format")
    assert message == "publication.date: '2027-13-45' is not a real date written YYYY-MM-DD"
    assert "YYYY-MM-DD" in hint


def test_ambiguous_inspectorate_code_is_refused(context: Context) -> None:
    [(line, col, rule, message, hint)] = findings_for("2027-ambiguous-code", context)
    assert (line, col, rule) == (9, 25, "enum")
    assert message == "inspectorates[2]: 'HMIP' is not one of the allowed values"
    assert "HMIPrisons" in hint and "HMIProbation" in hint


def test_yaml_retyping_is_explained(context: Context) -> None:
    found = findings_for("2027-retyped", context)
    assert (14, 10, "type", "version must be a whole number, not a number (YAML reads 1.10 as 1.1)",
            "a whole number such as 1 or 2, without quotes") in found


def test_id_must_match_folder(context: Context) -> None:
    [(line, col, rule, message, _)] = findings_for("2027-wrong-folder", context)
    assert (line, col, rule) == (4, 5, "id-folder")
    assert "'2027-another-name' does not match" in message


def test_text_field_given_a_number_gets_a_quote_hint(project: Path, context: Context) -> None:
    folder = project / "reports" / "2027-valid"
    folder.mkdir()
    text = (BROKEN / "2027-valid" / "report.md").read_text(encoding="utf-8")
    (folder / "report.md").write_text(text.replace("title: TODO the report's title", "title: 1.10"))
    report = load(folder)
    [finding] = schema.run(report, context)
    assert finding.message == "title must be text, not a number (YAML reads 1.10 as 1.1)"
    assert finding.hint == 'put it in quotes: "1.10"'


def test_codes_come_from_policy(project: Path) -> None:
    policy_file = project / "checks" / "inspectorates.yml"
    policy_file.write_text(policy_file.read_text().replace("code: CQC", "code: HMINew"))
    policy = load_policy(project)
    assert "HMINew" in schema.report_schema(policy)["$defs"]["inspectorate"]["enum"]



def test_every_unknown_field_is_reported_in_one_run(tmp_path: Path, context: Context) -> None:
    import shutil

    folder = tmp_path / "2027-valid"
    shutil.copytree(BROKEN / "2027-valid", folder)
    path = folder / "report.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nversion:", "\nisbn: x\nfoo: 1\nversion:", 1), encoding="utf-8")
    found = [f for f in schema.run(load(folder), context) if f.rule == "additionalProperties"]
    assert [f.message for f in found] == ["unknown field 'isbn'", "unknown field 'foo'"]
    assert found[1].line == found[0].line + 1


REAL_REPORT_FIELDS = """publication: {date: 2027-11-30, number: "CP001:1268", isbn: "978-1-80001-234-9"}
commissioned_by: the Secretary of State for Justice
fieldwork: {from: 2027-05-03, to: 2027-07-16}
themes: [Custody, Health]
companions:
  - {kind: easy-read, title: Custody health care (easy read), file: easy-read.pdf}
  - {kind: welsh-edition, title: Gofal iechyd yn y ddalfa, url: "https://example.org/cy", lang: cy}
related:
  - {relation: follows-up, title: Custody health care 2024, report: 2024-custody-health}
"""


def _good_variant(tmp_path: Path, *edits: tuple[str, str]) -> list[tuple[int, str, str]]:
    from framework_support import brief, run, variant

    return brief(run(schema.GATE, variant(tmp_path, *edits)))


def test_fields_real_reports_carry_are_accepted(tmp_path: Path) -> None:
    assert _good_variant(tmp_path, ("publication: {date: 2027-11-30}\n", REAL_REPORT_FIELDS)) == []


def test_an_isbn_with_a_wrong_check_digit_is_refused_at_its_line(tmp_path: Path) -> None:
    wrong = REAL_REPORT_FIELDS.replace("978-1-80001-234-9", "978-1-80001-234-5")
    [(line, rule, message)] = _good_variant(tmp_path, ("publication: {date: 2027-11-30}\n", wrong))
    assert (line, rule) == (10, "isbn-check-digit")
    assert "'978-1-80001-234-5' is not a valid ISBN-13" in message


def test_fieldwork_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    backwards = REAL_REPORT_FIELDS.replace("to: 2027-07-16", "to: 2027-04-16")
    [(line, rule, message)] = _good_variant(tmp_path, ("publication: {date: 2027-11-30}\n", backwards))
    assert (line, rule) == (12, "fieldwork-order")
    assert message == "fieldwork ends on 16 April 2027, before it starts on 3 May 2027"


def test_a_companion_needs_a_file_or_an_address(tmp_path: Path) -> None:
    neither = REAL_REPORT_FIELDS.replace(", file: easy-read.pdf", "")
    found = _good_variant(tmp_path, ("publication: {date: 2027-11-30}\n", neither))
    assert found and all(line == 15 for line, _, _ in found)


def test_an_impact_assessment_kept_elsewhere_needs_no_file(tmp_path: Path) -> None:
    old = ("impact_assessment: {kind: equality, completed: 2027-06-01, file: impact-assessment.md, "
           "outcome: no adverse impact identified}")
    assert _good_variant(tmp_path, (old, "impact_assessment: {kind: equality, completed: 2021-06-01, "
                                         "reference: HMCPSI equality impact assessment 2021/07}")) == []
    found = _good_variant(tmp_path / "b", (old, "impact_assessment: {kind: equality, completed: 2021-06-01}"))
    assert found and found[0][0] == 30


def test_a_criterion_may_be_a_whole_published_standard(tmp_path: Path) -> None:
    standard = ('  - {id: C2, source: "Expectations for Police Custody", '
                'address: "https://www.example.org/expectations-for-police-custody"}\n')
    old = ('  - {id: C2, text: "Health information passes with the person from custody into prison.", '
           'source: "Expectations for Prisons, 1.7"}\n')
    assert _good_variant(tmp_path, (old, standard)) == []


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_exactly_one_check_digit_completes_any_isbn(stem: str) -> None:
    assert sum(schema.isbn13_valid(stem + str(d)) for d in range(10)) == 1
