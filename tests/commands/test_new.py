from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cjji.cli import cli
from cjji.gates import schema
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load


def test_new_report_passes_the_schema_gate(project: Path) -> None:
    result = CliRunner().invoke(cli, ["new", "2027-custody-health", "--root", str(project)])
    assert result.exit_code == 0, result.output
    folder = project / "reports" / "2027-custody-health"
    report = load(folder)
    assert schema.run(report, Context(load_policy(project))) == []
    assert (folder / "impact-assessment.md").is_file()
    assert "# yaml-language-server: $schema=../../schemas/report.schema.json" in report.text


def test_new_refuses_to_overwrite(project: Path) -> None:
    (project / "reports" / "2027-existing").mkdir()
    (project / "reports" / "2027-existing" / "report.md").write_text("mine")
    result = CliRunner().invoke(cli, ["new", "2027-existing", "--root", str(project)])
    assert result.exit_code == 2
    assert "already exists; nothing was changed" in result.stderr
    assert (project / "reports" / "2027-existing" / "report.md").read_text() == "mine"


def test_new_rejects_a_bad_id(project: Path) -> None:
    result = CliRunner().invoke(cli, ["new", "Custody Health", "--root", str(project)])
    assert result.exit_code == 2
    assert "lower case with hyphens" in result.stderr
    assert list((project / "reports").iterdir()) == []


def test_a_new_report_has_no_errors_of_its_own_making_only_things_to_do(project: Path) -> None:
    """Issue 16: every placeholder is a 'todo' saying what to write; nothing in the template is an error."""
    assert CliRunner().invoke(cli, ["new", "2027-custody-health", "--root", str(project)]).exit_code == 0
    folder = str(project / "reports" / "2027-custody-health")
    draft = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", "--root", str(project), folder])
    assert draft.exit_code == 0, draft.output
    import json

    data = json.loads(draft.stdout)
    severities = {f["severity"] for f in data["findings"]}
    assert severities <= {"todo", "info"}, [f for f in data["findings"] if f["severity"] not in ("todo", "info")]
    todos = [f for f in data["findings"] if f["severity"] == "todo"]
    assert data["summary"]["todos"] == len(todos) >= 10
    assert all(f["message"].startswith("TODO: ") and f["line"] > 0 for f in todos)
    assert "TODO: write the scope: it still says 'TODO'" in [f["message"] for f in todos]

    strict = CliRunner().invoke(cli, ["check", "--no-cache", "--strict", "--root", str(project), folder])
    assert strict.exit_code == 1 and "to do" in strict.output
    publication = CliRunner().invoke(
        cli, ["check", "--for-publication", "--format", "json", "--root", str(project), folder])
    assert publication.exit_code == 1
    found = json.loads(publication.stdout)["findings"]
    assert not [f for f in found if f["severity"] == "todo"]
    assert any(f["severity"] == "error" and f["message"] == "TODO: write the scope: it still says 'TODO'"
               for f in found)
