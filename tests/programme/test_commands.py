"""`cjji programme check|build|status|sign` and `cjji new --from-proposal`, as a user runs them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cjji.commands.new import command as new
from cjji.commands.programme import command as programme
from cjji.gates import schema
from cjji.gates.base import Context
from cjji.report import load


def _run(cmd, args):
    return CliRunner().invoke(cmd, args, catch_exceptions=False)


def test_check_is_clean_and_says_so(example):
    result = _run(programme, ["check", "2027"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 programme checked: 0 errors, 0 warnings")


def test_check_without_a_year_checks_every_year(example):
    result = _run(programme, ["check"])
    assert result.exit_code == 0 and "1 programme checked" in result.output


def test_an_error_is_one_clickable_line_and_exit_1(example):
    example.replace("proposals/youth-remand.yml", "coverage: {rating: medium", "coverage: {rating: huge")
    result = _run(programme, ["check", "2027"])
    assert result.exit_code == 1
    line = example.line_of("proposals/youth-remand.yml", "rating: huge")
    assert f"programme/2027/proposals/youth-remand.yml:{line}:" in result.output
    assert "error [prioritising/rating] 'huge' is not a rating" in result.output


def test_json_output_is_the_stable_format(example):
    result = _run(programme, ["check", "2027", "--format", "json", "--for-publication", "--as-of", "2027-03-20"])
    data = json.loads(result.output)
    assert data["version"] == 1 and data["summary"]["errors"] == 4
    assert {f["rule"] for f in data["findings"]} == {"missing"}  # only the sign-offs are missing
    assert result.exit_code == 1


def test_for_publication_dates_must_have_come(example):
    result = _run(programme, ["check", "2027", "--for-publication", "--as-of", "2027-02-01"])
    assert result.exit_code == 1 and "error [consultation/future]" in result.output
    assert "error [plan/agreed-future]" in result.output


def test_a_bad_as_of_date_is_a_usage_error(example):
    result = _run(programme, ["check", "2027", "--as-of", "2027-02-30"])
    assert result.exit_code == 2 and "not a date written YYYY-MM-DD" in result.output


def test_status_lists_each_inspection_and_the_sign_offs(example):
    result = _run(programme, ["status", "2027"])
    assert result.exit_code == 0
    assert "planned       rape-case-progression" in result.output
    assert "sign-off missing     chief-inspector-HMIProbation" in result.output


def test_new_from_proposal_starts_a_report_with_the_proposal(example):
    result = _run(new, ["2027-rape-progression", "--from-proposal", "2027/rape-case-progression"])
    assert result.exit_code == 0, result.output
    report = load(example.root / "reports" / "2027-rape-progression")
    assert report.meta["proposal"] == "2027/rape-case-progression"
    assert report.meta["lead"] == "HMCPSI" and report.meta["inspectorates"] == ["HMCPSI", "HMICFRS"]
    assert report.meta["business_process"] == "bringing-offenders-to-justice"
    assert report.meta["scope"].startswith("How police forces and the Crown Prosecution Service progress")
    assert report.meta["purpose"].startswith("To establish why many rape cases")
    assert schema.run(report, Context(policy=example.policy())) == []
    status = _run(programme, ["status", "2027"])
    assert "in fieldwork  rape-case-progression (2027-rape-progression)" in status.output


def test_new_from_an_excluded_proposal_is_refused(example):
    result = _run(new, ["2027-fraud", "--from-proposal", "2027/fraud-victims"])
    assert result.exit_code == 1 and "excluded from the long list" in result.output
    assert not (example.root / "reports" / "2027-fraud").exists()


def test_new_from_an_unknown_proposal_lists_the_real_ones(example):
    result = _run(new, ["2027-x", "--from-proposal", "2027/no-such-thing"])
    assert result.exit_code == 2 and "has no proposal 'no-such-thing'" in result.output
    assert "youth-remand" in result.output
    result = _run(new, ["2027-x", "--from-proposal", "rape-case-progression"])
    assert result.exit_code == 2 and "like 2027/rape-case-progression" in result.output


def test_text_with_quotes_and_colons_survives_into_the_report(example):
    example.replace("proposals/rape-case-progression.yml", 'title: "Progression of rape cases from report to charge"',
                    "title: 'Rape cases: \"from report\" to charge # not a comment'")
    assert _run(new, ["2027-r", "--from-proposal", "2027/rape-case-progression"]).exit_code == 0
    report = load(example.root / "reports" / "2027-r")
    assert report.meta["title"] == 'Rape cases: "from report" to charge # not a comment'


def test_the_installed_command_runs_it(example):
    """Through the real `cjji` entry point (the lazy command table), not only click's test runner."""
    import subprocess
    import sys
    from pathlib import Path

    cjji = Path(sys.executable).with_name("cjji")
    done = subprocess.run([str(cjji), "programme", "check", "2027"], capture_output=True, text=True,
                          cwd=example.root, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 programme checked: 0 errors, 0 warnings" in done.stdout
    done = subprocess.run([str(cjji), "programme", "check", "2031"], capture_output=True, text=True,
                          cwd=example.root, timeout=120)
    assert done.returncode == 1 and "there is no programme for 2031" in done.stdout
    assert "Traceback" not in done.stderr
