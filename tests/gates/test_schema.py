from __future__ import annotations

from pathlib import Path

import pytest
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
