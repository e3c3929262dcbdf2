"""The cache and the pool give exactly the results of a cold, serial run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES

from cjji.checking import check_all, warm_results
from cjji.cli import cli
from cjji.findings import Finding
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


FRAMEWORK_GOOD = FIXTURES / "framework" / "2027-good"
FOLLOWS_UP = """follows_up:
  title: Custody health care (2024)
  report: 2024-custody
  items:
    - {id: R1, kind: recommendation, status: achieved, evidence: "Every suite now has a nurse at night."}
    - {id: R2, kind: recommendation, status: partially-achieved, evidence: "One force of two has done so."}
"""
EVIDENCE = "evidence: {custody_records: 80, interviews: 30}\n"


def _follow_up_pair(project: Path) -> tuple[Path, Path]:
    """reports/2027-good follows up reports/2024-custody (whose two recommendations it accounts for)."""
    later = project / "reports" / "2027-good"
    shutil.copytree(FRAMEWORK_GOOD, later)
    md = later / "report.md"
    md.write_text(md.read_text(encoding="utf-8").replace(EVIDENCE, EVIDENCE + FOLLOWS_UP, 1), encoding="utf-8")
    earlier = project / "reports" / "2024-custody"
    shutil.copytree(FRAMEWORK_GOOD, earlier)
    md = earlier / "report.md"
    md.write_text(md.read_text(encoding="utf-8").replace("id: 2027-good", "id: 2024-custody"), encoding="utf-8")
    return later, earlier


def _add_recommendation_r3(earlier: Path) -> None:
    md = earlier / "report.md"
    md.write_text(md.read_text(encoding="utf-8").replace(
        "\n# Methodology", '\n::: {.recommendation #R3 owner="HMPPS" due="2028-09-30"}\n'
        "His Majesty's Prison and Probation Service should share custody records.\n:::\n\n# Methodology", 1),
        encoding="utf-8")


def _not_accounted(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings if f.gate == "follow-up"]


def test_a_follow_up_is_checked_again_when_the_report_it_follows_up_changes(project: Path) -> None:
    """The follow-up gate reads the earlier report: its digest is part of the follow-up's cache entry."""
    later, earlier = _follow_up_pair(project)
    policy = load_policy(project)
    [first] = check_all([later], policy)
    assert _not_accounted(first.findings) == []
    [warm] = check_all([later], policy)
    assert warm.cached  # unchanged: the cache still answers
    _add_recommendation_r3(earlier)  # the follow-up's own folder is untouched
    [again] = check_all([later], policy)
    assert not again.cached
    assert _not_accounted(again.findings) == ["the recommendation R3 of 2024-custody is not accounted for"]
    warm_again = warm_results([later], project)
    assert warm_again is not None and _not_accounted(warm_again[0][0].findings) == _not_accounted(again.findings)


def test_a_warm_command_run_sees_the_earlier_report_change_too(project: Path) -> None:
    later, earlier = _follow_up_pair(project)
    runner = CliRunner()
    args = ["check", "--root", str(project), "-j", "1", str(later)]
    assert runner.invoke(cli, args).exit_code == 0
    assert warm_results([later], project) is not None  # the next run answers from the cache alone
    assert runner.invoke(cli, args).exit_code == 0
    _add_recommendation_r3(earlier)
    assert warm_results([later], project) is None
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "the recommendation R3 of 2024-custody is not accounted for" in result.output


def test_a_follow_up_of_a_report_not_in_the_repository_is_rechecked_when_it_appears(project: Path) -> None:
    later, earlier = _follow_up_pair(project)
    shutil.rmtree(earlier)
    policy = load_policy(project)
    [first] = check_all([later], policy)
    assert [f.rule for f in first.findings if f.gate == "follow-up"] == ["earlier-missing"]
    shutil.copytree(FRAMEWORK_GOOD, earlier)
    md = earlier / "report.md"
    md.write_text(md.read_text(encoding="utf-8").replace("id: 2027-good", "id: 2024-custody"), encoding="utf-8")
    [again] = check_all([later], policy)
    assert not again.cached and _not_accounted(again.findings) == []


def test_a_result_that_read_a_folder_outside_the_reports_is_not_cached(project: Path) -> None:
    later, _ = _follow_up_pair(project)
    md = later / "report.md"
    md.write_text(md.read_text(encoding="utf-8").replace("report: 2024-custody", "report: ../checks"), encoding="utf-8")
    policy = load_policy(project)
    check_all([later], policy)
    [again] = check_all([later], policy)
    assert not again.cached  # '../checks' is no sibling report: its digest is not recorded, so nothing is kept


def test_the_cache_names_the_same_environment_as_the_language_gates() -> None:
    from cjji import cache
    from cjji.gates import grammar, spelling

    assert cache.GRAMMAR_ENV == grammar.ENV
    assert cache.DICTIONARY_DIRS == spelling.DICTIONARY_DIRS


def test_a_warm_check_answers_without_loading_the_policy_or_the_gates(project: Path) -> None:
    later, _ = _follow_up_pair(project)
    assert CliRunner().invoke(cli, ["check", "--root", str(project), str(later)]).exit_code == 0
    probe = ("import sys; from cjji.cli import main\n"
             f"sys.argv = ['cjji', 'check', '--root', {str(project)!r}, {str(later)!r}]\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print(sorted(m for m in sys.modules if m.startswith(('cjji.gates', 'cjji.policy', 'cjji.report', "
             "'jsonschema', 'ruamel', 'markdown_it'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=project, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
    assert "1 report checked: 0 errors" in done.stdout


LAZY = """
import sys
from pathlib import Path
from cjji.checking import check_all
from cjji.policy import load_policy
root, report = Path(sys.argv[1]), Path(sys.argv[2])
[result] = check_all([report], load_policy(root, use_cache=False), jobs=1, use_cache=False)
assert result.findings is not None
print(" ".join(m for m in ("cjji.review.log", "cjji.review.importer", "urllib.request", "xml.sax") if m in sys.modules))
"""


def test_a_check_without_review_logs_or_a_grammar_server_loads_neither(tmp_path: Path) -> None:
    """Start-up is most of a small check: the review machinery loads only for a report with
    review logs, and the HTTP client only when a grammar server is set (0.15 s of every check)."""
    report = FIXTURES / "real_shape" / "2021-cleveland-custody"
    assert not (report / "reviews").exists()
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "CJJI_LANGUAGETOOL_URL"}
    loaded = subprocess.run([sys.executable, "-c", LAZY, str(root), str(report)], capture_output=True, text=True,
                            check=True, env=env).stdout.split()
    assert loaded == []
