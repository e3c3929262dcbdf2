"""`cjji status`: each required role signed (by whom, when), stale (what changed), missing, invalid."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from signoff_support import Gatekeepers, gk, keys  # noqa: F401
from support import ROOT

from cjji.checking import check_report
from cjji.cli import cli
from cjji.findings import count
from cjji.gates.base import Context
from cjji.policy import load_policy


def status(kit: Gatekeepers) -> str:
    result = CliRunner().invoke(cli, ["status", "--root", str(kit.root), str(kit.report)])
    assert result.exit_code == 0, result.output
    return result.output


def test_status_of_a_partly_signed_report(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief")
    (gk.report / "data" / "updates.csv").write_bytes(b"Area,Average working days\nNorthshire,3\n")  # the chart's data
    gk.sign("chief-inspector-HMICFRS", "police-chief")
    gk.sign("qa-lead-HMCPSI", "cps-qa", key="rogue")
    out = status(gk)
    assert re.search(r"chief-inspector-HMCPSI\s+stale\s+signed by cps-chief <cps.chief@test.example> "
                     r"at \S+Z; changed since: data/updates.csv \(changed\)", out), out
    assert re.search(r"chief-inspector-HMICFRS\s+signed\s+by police-chief <police.chief@test.example> "
                     r"at \S+Z \[the time the signer claims; not confirmed until it lands on the main "
                     r"branch\] \(SSH signature; holds the role\)", out), out
    assert re.search(r"chief-inspector-HMIProbation\s+missing\s+no sign-off yet from the HM Chief "
                     r"Inspector of Probation", out), out
    assert re.search(r"qa-lead-HMCPSI\s+invalid\s+\S+qa-lead-HMCPSI--cps.qa@test.example.json: "
                     r"it was signed with a key that checks/allowed_signers does not list", out), out
    assert out.rstrip().endswith("1 of 4 required sign-offs valid")


def test_status_shows_the_other_gates_warnings(gk: Gatekeepers) -> None:  # noqa: F811
    report_md = gk.report / "report.md"
    text = report_md.read_text()
    unused = '  - {id: C9, text: "Victims are offered a named contact.", source: "Victims\' Code, Right 4"}\n'
    assert "\ncriteria:\n" in text
    report_md.write_text(text.replace("\ncriteria:\n", "\ncriteria:\n" + unused, 1))
    findings = check_report(gk.report, Context(load_policy(gk.root))).findings
    others = [f for f in findings if f.gate != "signoffs"]
    warnings, errors = count(others, "warning"), count(others, "error")
    assert warnings >= 1  # the criteria gate warns that no judgement cites C9
    assert (f"checks   {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
            "from the other gates") in status(gk)


def test_status_of_every_report_by_default(gk: Gatekeepers) -> None:  # noqa: F811
    result = CliRunner().invoke(cli, ["status", "--root", str(gk.root)])
    assert result.exit_code == 0
    assert "2026-victim-updates/report.md  Keeping victims informed, version 1" in result.output
    assert "0 of 4 required sign-offs valid" in result.output


def test_status_of_an_unreadable_report_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--root", str(ROOT), str(tmp_path / "2027-nowhere")])
    assert result.exit_code == 1
    assert f"{tmp_path}/2027-nowhere/report.md: error [load/missing] report.md is missing" in result.output


def test_status_shows_when_a_sign_off_landed_and_an_unconfirmed_delegate(gk: Gatekeepers) -> None:  # noqa: F811
    import datetime as dt

    today = dt.date.today()
    gk.delegate("chief-inspector-HMIProbation", today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    gk.sign("chief-inspector-HMCPSI", "cps-chief")
    commit = gk.land("sign-off")
    gk.sign("chief-inspector-HMIProbation", "deputy")
    out = status(gk)
    assert re.search(rf"chief-inspector-HMCPSI\s+signed\s+by cps-chief <cps.chief@test.example> at \S+Z "
                     rf"\[landed on the main branch in commit {commit[:12]}\]", out), out
    assert re.search(r"chief-inspector-HMIProbation\s+unconfirmed\s+by deputy <deputy@test.example> at \S+Z "
                     r"\[the time the signer claims; not confirmed until it lands on the main branch\] "
                     r"\(SSH signature; delegated by probation.chief@test.example", out), out
