from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from support import FIXTURES

from cjji import gates
from cjji.cli import cli

BROKEN = FIXTURES / "foundation"


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--root", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def add(project: Path, *folders: str) -> None:
    for folder in folders:
        shutil.copytree(BROKEN / folder, project / "reports" / folder)


def test_list_gates_prints_ids_and_descriptions(project: Path) -> None:
    code, out, _ = run(project, "--list-gates")
    assert code == 0
    listed = [line.split(None, 1) for line in out.splitlines()]
    assert [gate_id for gate_id, _ in listed] == [g.id for g in gates.ALL] + ["outputs"]
    assert listed[-1][1].startswith("(after `cjji build`) The built Word, PDF and HTML files")
    assert listed[0] == ["schema", "Report metadata matches the report schema (fields, types, real dates, known codes)"]


def test_one_bad_report_does_not_stop_the_others(project: Path) -> None:
    add(project, "2027-bad-yaml", "2027-binary", "2027-valid", "2027-bad-date")
    code, out, _ = run(project, "--format", "json")
    assert code == 1
    data = json.loads(out)
    files = {Path(f["file"]).parent.name for f in data["findings"] if f["gate"] in ("load", "schema")}
    assert files == {"2027-bad-yaml", "2027-binary", "2027-bad-date"}
    assert data["summary"]["reports"] == 4
    assert data["version"] == 1


def test_human_format_is_path_line_col_grouped_with_summary(project: Path) -> None:
    add(project, "2027-bad-date")
    code, out, _ = run(project, str(project / "reports" / "2027-bad-date"))
    assert code == 1
    assert (
        "2027-bad-date/report.md:13:21: error [schema/format] publication.date: "
        "'2027-13-45' is not a real date written YYYY-MM-DD" in out
    )
    assert "    hint: write the date as YYYY-MM-DD" in out
    assert out.rstrip().splitlines()[-1].startswith("1 report checked: ")


def test_github_format_prints_annotations(project: Path) -> None:
    add(project, "2027-dup-key")
    code, out, _ = run(project, "--format", "github", str(project / "reports" / "2027-dup-key"))
    assert code == 1
    line = next(x for x in out.splitlines() if "load/yaml" in x)
    assert line.startswith("::error file=")
    assert ",line=15,col=1,title=load/yaml::the key 'title' appears twice" in line


def test_no_project_is_a_plain_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "no cjji project found" in result.stderr
    assert "Traceback" not in result.output


def test_broken_policy_is_located(project: Path) -> None:
    (project / "checks" / "inspectorates.yml").write_text("inspectorates:\n  - code: HMCPSI\n")
    add(project, "2027-valid")
    code, _, err = run(project)
    assert code == 2
    assert "inspectorates.yml:2:5: error [policy/required]" in err
    assert "is missing the required field 'name'" in err
