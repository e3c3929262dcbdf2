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
