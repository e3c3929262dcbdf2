from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from framework_support import GOOD
from support import EXAMPLE

from cjji.cli import cli


def _project(project: Path) -> Path:
    shutil.copytree(EXAMPLE, project / "reports" / EXAMPLE.name)
    shutil.copytree(GOOD, project / "reports" / GOOD.name)
    return project


def test_csv_register_of_every_report(project: Path) -> None:
    result = CliRunner().invoke(cli, ["recommendations", "--root", str(_project(project))])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    example = [(r["kind"], r["recommendation_id"]) for r in rows if r["report_id"] == "2026-victim-updates"]
    assert example[0] == ("cause-of-concern", "CC1")  # issue 16: custody reports track these too
    assert ("area-for-improvement", "AFI2") in example
    assert [i for k, i in example if k == "recommendation"] == [f"R{n}" for n in range(1, 6)]
    assert [(r["report_id"], r["recommendation_id"]) for r in rows][-2:] == [("2027-good", "R1"), ("2027-good", "R2")]
    assert rows[-1] == {
        "report_id": "2027-good", "report_title": "Custody health care", "publication_date": "2027-11-30",
        "kind": "recommendation", "recommendation_id": "R2", "owner_code": "PoliceForces; NPCC",
        "owner_name": "Police forces (chief constables); National Police Chiefs' Council",
        "due_date": "2028-06-30",
        "text": "Chief constables should make sure a health care professional is available in every "
                "custody suite at all times.",
        "line": "62"}


def test_json_register_of_one_report_to_a_file(project: Path) -> None:
    root = _project(project)
    out = root / "out" / "register.json"
    result = CliRunner().invoke(cli, ["recommendations", "--root", str(root), "--format", "json",
                                      "--output", str(out), str(root / "reports" / "2027-good")])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [(r["recommendation_id"], r["owner_code"], r["line"]) for r in data["recommendations"]] == [
        ("R1", "HMPPS", 58), ("R2", "PoliceForces; NPCC", 62)]
    assert "wrote 2 recommendation(s) from 1 report(s)" in result.output


def test_csv_cells_cannot_become_spreadsheet_formulas(project: Path) -> None:
    root = _project(project)
    report = root / "reports" / "2027-good" / "report.md"
    report.write_text(report.read_text().replace("Chief constables should", "=HYPERLINK(1) should"))
    result = CliRunner().invoke(cli, ["recommendations", "--root", str(root), str(report.parent)])
    assert "'=HYPERLINK(1) should" in result.output


def test_an_unreadable_report_exports_nothing(project: Path) -> None:
    root = _project(project)
    (root / "reports" / "2027-good" / "report.md").write_text("no front matter\n")
    out = root / "register.csv"
    result = CliRunner().invoke(cli, ["recommendations", "--root", str(root), "--output", str(out)])
    assert result.exit_code == 1
    assert "does not start with YAML metadata" in result.output
    assert "nothing was exported" in result.output
    assert not out.exists()
