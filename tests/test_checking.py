"""The cache and the pool give exactly the results of a cold, serial run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import FIXTURES

from cjji.checking import check_all
from cjji.policy import load_policy
from cjji.project import changed_report_dirs, report_dirs

BROKEN = FIXTURES / "foundation"


def setup_reports(project: Path, names: list[str]) -> list[Path]:
    for name in names:
        shutil.copytree(BROKEN / name, project / "reports" / name)
    return report_dirs(project)


NAMES = ["2027-valid", "2027-bad-date", "2027-dup-key", "2027-unknown-key", "2027-binary"]


def test_cached_and_parallel_results_equal_a_cold_serial_run(project: Path) -> None:
    dirs = setup_reports(project, NAMES)
    policy = load_policy(project)
    cold = check_all(dirs, policy, use_cache=False)
    first = check_all(dirs, policy, jobs=2)
    warm = check_all(dirs, policy, jobs=2)
    assert [r.findings for r in cold] == [r.findings for r in first] == [r.findings for r in warm]
    assert not any(r.cached for r in first)
    assert all(r.cached for r in warm)
    assert [r.dir.name for r in warm] == sorted(NAMES)


def test_one_changed_report_is_the_only_one_rechecked(project: Path) -> None:
    dirs = setup_reports(project, NAMES)
    policy = load_policy(project)
    check_all(dirs, policy)
    target = project / "reports" / "2027-valid" / "report.md"
    target.write_text(target.read_text().replace("version: 1", "version: 0"))
    again = check_all(dirs, policy)
    assert [r.dir.name for r in again if not r.cached] == ["2027-valid"]
    findings = next(r for r in again if r.dir.name == "2027-valid").findings
    assert [f.message for f in findings if f.gate == "schema"] == ["version must be at least 1"]


def test_a_policy_change_rechecks_everything(project: Path) -> None:
    dirs = setup_reports(project, NAMES)
    check_all(dirs, load_policy(project))
    policy_file = project / "checks" / "business_processes.yml"
    policy_file.write_text(policy_file.read_text() + "\n# a comment changes the policy digest\n")
    again = check_all(dirs, load_policy(project))
    assert not any(r.cached for r in again)


def test_a_schema_change_rechecks_everything(project: Path) -> None:
    dirs = setup_reports(project, NAMES)
    policy = load_policy(project)
    check_all(dirs, policy)
    schema = project / "schemas" / "report.schema.json"
    schema.write_text(schema.read_text().replace('"minimum": 1,', '"minimum": 2,', 1))
    again = check_all(dirs, load_policy(project))
    assert not any(r.cached for r in again)
    findings = next(r for r in again if r.dir.name == "2027-valid").findings
    assert [f.message for f in findings if f.gate == "schema"] == ["version must be at least 2"]


def test_a_grammar_server_that_did_not_answer_is_asked_again_next_run(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = setup_reports(project, ["2027-valid"])
    policy = load_policy(project)
    monkeypatch.setenv("CJJI_LANGUAGETOOL_URL", "http://127.0.0.1:9")  # nothing listens there
    [first] = check_all(dirs, policy)
    assert [f.rule for f in first.findings if f.gate == "grammar"] == ["unavailable"]
    [again] = check_all(dirs, policy)
    assert not again.cached  # not "did not answer" again from the cache once the server is up


def test_corrupt_or_half_written_entries_are_ignored(project: Path) -> None:
    dirs = setup_reports(project, NAMES)
    policy = load_policy(project)
    cold = check_all(dirs, policy)
    entries = sorted((project / ".cache" / "check").glob("*.json"))
    assert len(entries) == len(NAMES)
    entries[0].write_text('{"key": "')  # half-written
    entries[1].write_text('{"key": "wrong", "value": []}')  # not this entry's key
    entries[2].write_bytes(b"\x00\xff garbage")
    (project / ".cache" / "file-digests.json").write_text("not json")
    again = check_all(dirs, policy)
    assert [r.findings for r in again] == [r.findings for r in cold]
    assert sum(not r.cached for r in again) == 3


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_changed_mode_lists_only_touched_reports(project: Path) -> None:
    setup_reports(project, NAMES)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    assert changed_report_dirs(project, "HEAD") == []
    (project / "reports" / "2027-dup-key" / "report.md").write_text("changed")
    shutil.copytree(BROKEN / "2027-empty", project / "reports" / "2027-empty")
    assert [d.name for d in changed_report_dirs(project, "HEAD")] == ["2027-dup-key", "2027-empty"]
    (project / "checks" / "thresholds-note.txt").write_text("policy changed")
    assert len(changed_report_dirs(project, "HEAD")) == len(NAMES) + 1


def test_changed_mode_sees_files_with_accented_names(project: Path) -> None:
    setup_reports(project, NAMES)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    (project / "reports" / "2027-valid" / "café.png").write_bytes(b"new")
    assert [d.name for d in changed_report_dirs(project, "HEAD")] == ["2027-valid"]
    git(project, "add", "-A")
    assert [d.name for d in changed_report_dirs(project, "HEAD")] == ["2027-valid"]
