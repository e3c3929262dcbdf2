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
        "line": "62", "latest_status": "", "status_history": ""}


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


REAL_SHAPE = Path(__file__).resolve().parents[1] / "fixtures" / "real_shape" / "2021-cleveland-custody"


def test_the_register_carries_each_earlier_item_s_status_history(project: Path) -> None:
    """Issue 16: a follow-up's statuses reach the register, for an earlier report in the
    repository (its own rows) and for one from before cjji (rows built from the follow-up)."""
    _project(project)
    shutil.copytree(REAL_SHAPE, project / "reports" / REAL_SHAPE.name)
    later = project / "reports" / "2028-good-revisit"
    shutil.copytree(GOOD, later)
    text = (later / "report.md").read_text().replace("id: 2027-good", "id: 2028-good-revisit")
    text = text.replace("publication: {date: 2027-11-30", "publication: {date: 2028-11-30", 1)
    follow = ('follows_up:\n  title: "Custody health care (2027)"\n  report: 2027-good\n  items:\n'
              '    - {id: R1, kind: recommendation, status: achieved, evidence: "Every suite now has a nurse."}\n'
              '    - {id: R2, kind: recommendation, status: not-achieved, evidence: "Two suites still had none."}\n')
    (later / "report.md").write_text(text.replace("\nversion: 1\n", "\nversion: 1\n" + follow, 1))
    result = CliRunner().invoke(cli, ["recommendations", "--root", str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["recommendations"]
    good = {r["recommendation_id"]: r for r in rows if r["report_id"] == "2027-good"}
    assert good["R2"]["latest_status"] == "not-achieved"
    assert good["R2"]["status_history"] == [{
        "status": "not-achieved", "evidence": "Two suites still had none.", "followed_up_by": "2028-good-revisit",
        "date": "2028-11-30", "earlier_title": "Custody health care (2027)"}]
    earlier = [r for r in rows if r["report_title"].startswith("the previous inspection of Cleveland")]
    assert len(earlier) == 29 and {r["kind"] for r in earlier} == {"recommendation"}
    statuses = [r["latest_status"] for r in earlier]
    assert (statuses.count("achieved"), statuses.count("partially-achieved"), statuses.count("not-achieved"),
            statuses.count("no-longer-relevant")) == (14, 6, 8, 1)
    assert earlier[0]["status_history"][0]["followed_up_by"] == "2021-cleveland-custody"
    own = [(r["kind"], r["recommendation_id"]) for r in rows if r["report_id"] == "2021-cleveland-custody"]
    assert own[:2] == [("cause-of-concern", "CC1"), ("recommendation", "R1")]
    assert ("area-for-improvement", "AFI2") in own

    as_csv = CliRunner().invoke(cli, ["recommendations", "--root", str(project)])
    row = next(r for r in csv.DictReader(io.StringIO(as_csv.output))
               if r["report_id"] == "2027-good" and r["recommendation_id"] == "R1")
    assert row["status_history"] == "achieved (2028-11-30, 2028-good-revisit): Every suite now has a nurse."
