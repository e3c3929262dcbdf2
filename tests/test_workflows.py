# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""The CI workflows: each is valid against GitHub's workflow schema (check-jsonschema's vendored
copy, offline), and the publish job's own commands, run here, publish and keep the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from publish_support import (
    FAKE_CLOCK_CJJI,
    REPORT,
    gk,  # noqa: F401
    keys,  # noqa: F401
    new_version,
    signed,  # noqa: F401
)
from signoff_support import Gatekeepers
from support import ROOT

from cjji.yamlload import load_yaml

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
VENV_BIN = Path(sys.executable).parent


def _workflow(name: str) -> dict[str, Any]:
    data, _ = load_yaml((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_matches_githubs_schema(path: Path) -> None:
    result = subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_are_the_three_workflows() -> None:
    assert {"checks.yml", "publish.yml", "signoff.yml"} <= {p.name for p in WORKFLOWS}


def test_pull_requests_run_make_check_with_annotations_and_a_sign_off_summary() -> None:
    flow = _workflow("checks.yml")
    assert "pull_request" in flow["on"]
    runs = "\n".join(step.get("run", "") for step in flow["jobs"]["check"]["steps"])
    assert 'make check CHECK_FLAGS="--format github"' in runs
    assert "cjji status" in runs and "GITHUB_STEP_SUMMARY" in runs


def test_publishing_runs_on_main_and_on_a_schedule_one_at_a_time() -> None:
    flow = _workflow("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert flow["concurrency"] == {"group": "publish", "cancel-in-progress": False}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.example", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def _run_publish_job(project: Path, now: str) -> dict[str, str]:
    """Run the publish job's `run:` steps as GitHub would (bash -eo pipefail), skipping only the
    set-up that GitHub actions do (checkout, setup-python, `make setup`: the venv is ours). The
    clock is the only input a real run has: `.venv/bin/cjji` is cjji with its clock set to `now`
    (tests/fake_clock_cjji.py), as no option or variable of the workflow could set it."""
    output, summary = project / "gh-output", project / "gh-summary"
    env = {k: v for k, v in os.environ.items() if k != "CJJI_NOW"}
    env |= {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "DRY_RUN": "",
            "CJJI_TEST_CLOCK": now}
    output.write_text("")
    for step in _workflow("publish.yml")["jobs"]["publish"]["steps"]:
        script = step.get("run")
        if script is None or script.strip() == "make setup" or step.get("if") == "${{ env.DRY_RUN != '' }}":
            continue
        if "steps.publish.outputs.status" in step.get("if", ""):
            outputs = dict(line.split("=", 1) for line in output.read_text().split())
            if outputs["status"] == "0":
                continue
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=project,
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"step {step.get('name')!r} failed:\n{result.stdout}\n{result.stderr}"
    return dict(line.split("=", 1) for line in output.read_text().split())


def _fake_clock_venv(project: Path) -> None:
    """A .venv whose bin/cjji is cjji with the clock at $CJJI_TEST_CLOCK."""
    (project / ".venv" / "bin").mkdir(parents=True)
    wrapper = project / ".venv" / "bin" / "cjji"
    wrapper.write_text(f'#!/bin/sh\nexec {" ".join(FAKE_CLOCK_CJJI)} "$@"\n')
    wrapper.chmod(0o755)


def test_attack_5_the_publish_workflow_has_no_time_input_for_real_runs() -> None:
    flow = _workflow("publish.yml")
    inputs = flow["on"]["workflow_dispatch"]["inputs"]
    assert "now" not in inputs and set(inputs) == {"dry_run", "dry_run_time"}
    job = flow["jobs"]["publish"]
    assert "CJJI_NOW" not in str(job.get("env", {}))
    for step in job["steps"]:
        text = str(step)
        assert "CJJI_NOW" not in text, step.get("name")
        if "dry_run_time" in text or "--now" in text:  # the time reaches only the dry run ...
            assert step.get("if") == "${{ env.DRY_RUN != '' }}", step.get("name")
            assert "cjji publish --dry-run" in step["run"]
    real = [s for s in job["steps"] if "cjji publish" in s.get("run", "") and "--dry-run" not in s["run"]]
    assert len(real) == 2  # the local site and WordPress: both with the clock only
    for step in real:
        assert step.get("if") == "${{ env.DRY_RUN == '' }}"
        assert "--now" not in step["run"] and "inputs." not in str(step)


@pytest.mark.slow
def test_the_publish_jobs_commands_publish_and_keep_every_build(signed: Gatekeepers, tmp_path: Path) -> None:
    project = signed.root
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "--quiet", "--bare", str(origin))
    _git(project, "init", "--quiet", "-b", "main")
    _git(project, "add", "checks", "schemas", "templates", "reports")
    _git(project, "commit", "--quiet", "-m", "reports")
    _git(project, "remote", "add", "origin", str(origin))
    _git(project, "push", "--quiet", "origin", "main")
    _fake_clock_venv(project)

    assert _run_publish_job(project, "2026-12-10T09:00") == {"status": "0"}
    tree = _git(origin, "ls-tree", "-r", "--name-only", "site-record")
    assert f"reports/{REPORT}/v1/{REPORT}.pdf" in tree and "site" in tree.split()
    assert "published: publishing version 1" in (project / "gh-summary").read_text()

    subprocess.run(["git", "worktree", "remove", "--force", "public"], cwd=project, check=True)
    commits = _git(origin, "rev-list", "--count", "site-record")
    _run_publish_job(project, "2026-12-11T09:00")  # the same version again: nothing to keep
    assert _git(origin, "rev-list", "--count", "site-record") == commits

    subprocess.run(["git", "worktree", "remove", "--force", "public"], cwd=project, check=True)
    new_version(signed, 2, '{type: major, note: "Corrected chapter 3."}',
                body_edit=("We found committed staff", "We found dedicated staff"))
    _run_publish_job(project, "2027-01-15T10:00")
    tree = _git(origin, "ls-tree", "-r", "--name-only", "site-record")
    builds = {line.split("/")[1] for line in tree.split() if line.startswith("site-versions/")}
    assert len(builds) == 2  # the first build is still there, beside the new one
    assert f"/reports/{REPORT}/v2/{REPORT}.pdf" in tree


def _wordpress_step(tmp_path: Path, settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The publish job's WordPress step, run as GitHub would, in a copy of the project layout."""
    (step,) = [s for s in _workflow("publish.yml")["jobs"]["publish"]["steps"] if "WordPress" in s.get("name", "")]
    assert step["if"] == "${{ env.DRY_RUN == '' }}"
    assert step["env"]["CJJI_WP_APP_PASSWORD"] == "${{ secrets.CJJI_WP_APP_PASSWORD }}"
    for name in (".venv", "checks", "schemas", "templates", "reports"):
        (tmp_path / name).symlink_to(ROOT / name if name != ".venv" else VENV_BIN.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CJJI_WP_")}
    env |= {"GITHUB_STEP_SUMMARY": str(tmp_path / "gh-summary"), **settings}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)


def test_the_wordpress_step_is_skipped_when_no_wordpress_setting_exists(tmp_path: Path) -> None:
    result = _wordpress_step(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WordPress is not configured" in result.stdout
    assert not (tmp_path / "gh-summary").exists()


def test_a_half_configured_wordpress_fails_the_job_naming_what_is_missing(tmp_path: Path) -> None:
    result = _wordpress_step(tmp_path, {"CJJI_WP_URL": "https://www.example.gov.uk"})
    assert result.returncode == 2
    assert "CJJI_WP_USER, CJJI_WP_APP_PASSWORD not set" in result.stdout
    assert "CJJI_WP_USER, CJJI_WP_APP_PASSWORD not set" in (tmp_path / "gh-summary").read_text()


# ---- sign-off from review: the signing key is out of a pull request's reach ---------------------


def test_the_review_trigger_holds_no_secret_and_no_permission() -> None:
    flow = _workflow("review-received.yml")
    assert flow["name"] == "review received"
    assert flow["on"] == {"pull_request_review": {"types": ["submitted", "dismissed"]}}
    assert flow["permissions"] == {}
    assert "secrets." not in (ROOT / ".github" / "workflows" / "review-received.yml").read_text()


def test_the_signing_workflow_runs_from_the_default_branch_and_alone_holds_the_key() -> None:
    flow = _workflow("signoff.yml")
    # workflow_run: GitHub runs the default branch's copy, never a pull request's
    assert flow["on"] == {"workflow_run": {"workflows": ["review received"], "types": ["completed"]}}
    steps = flow["jobs"]["record"]["steps"]
    holding = [s["name"] for s in steps if "secrets." in str(s)]
    assert holding == ["Record and sign the approvals of the head commit"]
    (record,) = [s for s in steps if s.get("name") == holding[0]]
    assert record["env"] == {"CJJI_REVIEW_SIGNING_KEY": "${{ secrets.CJJI_REVIEW_SIGNING_KEY }}"}
    assert "--policy-root base" in record["run"] and 'rm -f "$key"' in record["run"]
    other_workflows = [p for p in WORKFLOWS if p.name != "signoff.yml"]
    assert not any("CJJI_REVIEW_SIGNING_KEY" in p.read_text() for p in other_workflows)
    base = [s for s in steps if s.get("uses", "").startswith("actions/checkout") and s["with"].get("path") == "base"]
    assert base and "ref" not in base[0]["with"]  # the default branch: this workflow's own commit
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install --quiet --disable-pip-version-check ./base" in runs and "./pr" not in runs


FAKE_GH = """#!/usr/bin/env bash
# GitHub's API as the sign-off workflow asks it (gh api ...), answered from files.
set -eu
args="$*"
case "$args" in
  *"pulls?state=open"*) echo 42 ;;
  *"pulls/42/reviews"*) cat "$FAKE_API/reviews.jsonl" ;;
  *"pulls/42"*) cat "$FAKE_API/pr.json" ;;
  *) echo "unexpected: gh $args" >&2; exit 1 ;;
esac
"""


@pytest.mark.slow
def test_the_signing_workflows_commands_push_a_record_anyone_can_verify(gk: Gatekeepers, tmp_path: Path) -> None:
    import json

    origin, work = tmp_path / "origin.git", tmp_path / "runner"
    work.mkdir()
    _git(tmp_path, "init", "--quiet", "--bare", str(origin))
    project = gk.root
    _git(project, "init", "--quiet", "-b", "main")
    _git(project, "add", "checks", "schemas", "templates", "reports")
    _git(project, "commit", "--quiet", "-m", "base")
    base_sha = _git(project, "rev-parse", "HEAD").strip()
    _git(project, "checkout", "--quiet", "-b", "final-text")
    report_md = gk.report / "report.md"
    report_md.write_text(report_md.read_text() + "\nFinal text.\n")
    _git(project, "commit", "--quiet", "-am", "final text")
    head = _git(project, "rev-parse", "HEAD").strip()
    _git(project, "remote", "add", "origin", str(origin))
    _git(project, "push", "--quiet", "origin", "main", "final-text")
    # what actions/checkout does: the default branch into base/, the pull request's branch into pr/
    _git(work, "clone", "--quiet", str(origin), "base")
    _git(work, "clone", "--quiet", "-b", "final-text", str(origin), "pr")
    api = tmp_path / "api"
    api.mkdir()
    (api / "pr.json").write_text(json.dumps({
        "number": 42, "head": {"sha": head, "ref": "final-text"},
        "base": {"sha": base_sha, "ref": "main", "repo": {"full_name": "example-cjji/reports"}}}))
    (api / "reviews.jsonl").write_text(json.dumps({
        "id": 2001, "user": {"login": "test-cps-chief"}, "state": "APPROVED", "commit_id": head,
        "submitted_at": "2026-11-20T14:03:22Z",
        "html_url": "https://github.com/example-cjji/reports/pull/42#pullrequestreview-2001"}) + "\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    output = tmp_path / "gh-output"
    output.write_text("")
    env = {**os.environ, "PATH": f"{bin_dir}:{VENV_BIN}:{os.environ['PATH']}", "FAKE_API": str(api),
           "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path), "REPO": "example-cjji/reports",
           "HEAD_BRANCH": "final-text", "GH_TOKEN": "unused", "NUMBER": "42",
           "CJJI_REVIEW_SIGNING_KEY": gk.keys["recorder"].read_text(),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.example"}
    for step in _workflow("signoff.yml")["jobs"]["record"]["steps"]:
        script = step.get("run")
        if script is None or step["name"].startswith("Install"):
            continue  # actions (checkout, setup-python) and pip: done above, or our own venv
        cwd = work / step.get("working-directory", ".")
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"step {step['name']!r} failed:\n{result.stdout}\n{result.stderr}"
    assert "number=42" in output.read_text()
    assert not (tmp_path / "review-signing-key").exists()  # the key file is removed
    pushed = _git(origin, "ls-tree", "-r", "--name-only", "final-text")
    record = f"reports/{REPORT}/signoffs/chief-inspector-HMCPSI--cps.chief@test.example.review.json"
    assert record in pushed.split() and record + ".sig" in pushed.split()
    _git(tmp_path, "clone", "--quiet", "-b", "final-text", str(origin), "check")
    data = _git(tmp_path / "check", "show", f"HEAD:{record}")
    sig = tmp_path / "check" / (record + ".sig")
    allowed = tmp_path / "check" / "checks" / "allowed_signers"
    verified = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed),
                               "-I", "signoff-workflow@test.example", "-n", "cjji-review-record", "-s", str(sig)],
                              input=data.encode(), capture_output=True)
    assert verified.returncode == 0, verified.stderr
