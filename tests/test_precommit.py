from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ROOT


def test_pre_commit_config_is_valid_and_local_only() -> None:
    config = ROOT / ".pre-commit-config.yaml"
    done = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-config", str(config)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    repos = yaml.safe_load(config.read_text())["repos"]
    assert [r["repo"] for r in repos] == ["local"]
    entries = [h["entry"] for h in repos[0]["hooks"]]
    assert ".venv/bin/cjji check --changed=HEAD" in entries


# -- .pre-commit-hooks.yaml: cjji as a hook in other repositories ---------------------------------

BIN = Path(sys.executable).parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_the_hook_manifest_is_valid_and_names_the_installed_command() -> None:
    import tomllib

    done = subprocess.run([str(BIN / "pre-commit"), "validate-manifest", str(HOOKS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [h["id"] for h in hooks] == ["cjji-check", "cjji-check-strict"]
    for hook in hooks:
        assert hook["language"] == "python"  # pre-commit pip-installs this repository: cjji brings its schemas
        assert hook["entry"].split()[0] in scripts
        assert hook["pass_filenames"] is False  # cjji finds the changed reports itself (--changed)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   check=True, capture_output=True)


def _other_repository(tmp_path: Path) -> Path:
    """A repository of reports that is not this one: checks/ and reports/ only, no schemas/."""
    import shutil

    from support import EXAMPLE

    repo = tmp_path / "their-reports"
    shutil.copytree(ROOT / "checks", repo / "checks")
    shutil.copytree(EXAMPLE, repo / "reports" / EXAMPLE.name)
    (repo / ".gitignore").write_text(".cache/\n")  # cjji's cache of results: never committed
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "reports")
    hook = yaml.safe_load(HOOKS.read_text())[0]
    # The same hook, run by pre-commit as a system command (the test has no network to let pre-commit
    # install cjji itself): what is tested is the entry, the file filter and pass_filenames.
    local = {**hook, "entry": str(BIN / hook["entry"]), "language": "system"}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    return repo


def _pre_commit(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    return subprocess.run([str(BIN / "pre-commit"), "run"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_the_hook_fails_a_commit_that_breaks_a_report_and_passes_the_fix(tmp_path: Path) -> None:
    repo = _other_repository(tmp_path)
    report = next((repo / "reports").iterdir()) / "report.md"
    good = report.read_text(encoding="utf-8")
    report.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
    _git(repo, "add", "-A")
    failed = _pre_commit(repo, tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "cjji check (reports changed since HEAD)" in failed.stdout and "Failed" in failed.stdout
    assert "report.md" in failed.stdout and "titel" in failed.stdout
    report.write_text(good, encoding="utf-8")
    limits = repo / "checks" / "limits.yml"
    limits.write_text(limits.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    _git(repo, "add", "-A")
    passed = _pre_commit(repo, tmp_path)  # a policy change re-checks every report: all pass
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "cjji check (reports changed since HEAD)" in passed.stdout and "Passed" in passed.stdout
    _git(repo, "commit", "-q", "-m", "policy")
    (repo / "notes.txt").write_text("not a report")
    _git(repo, "add", "notes.txt")
    skipped = _pre_commit(repo, tmp_path)  # only notes.txt is staged: the file filter skips the hook
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout, skipped.stdout
