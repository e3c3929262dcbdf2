"""[signoffs] gate: information for drafts, errors for publication."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from signoff_support import REQUIRED, Gatekeepers, gk, keys  # noqa: F401
from support import EXAMPLE, ROOT

from cjji.cli import cli
from cjji.findings import Finding
from cjji.gates import ALL, signoffs
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

SIGNERS = ["cps-chief", "police-chief", "probation-chief", "cps-qa"]


def run(kit: Gatekeepers, *, for_publication: bool) -> list[Finding]:
    return signoffs.run(load(kit.report), Context(load_policy(kit.root), for_publication))


def sign_all(kit: Gatekeepers) -> None:
    for role, name in zip(REQUIRED, SIGNERS, strict=True):
        kit.sign(role, name)


def test_gate_is_registered() -> None:
    assert signoffs.GATE in ALL


def test_draft_reports_status_as_one_line_of_information(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief")
    findings = run(gk, for_publication=False)
    assert [f.severity for f in findings] == ["info"]
    assert findings[0].message == (
        "1 of 4 required sign-offs valid (missing: chief-inspector-HMICFRS, "
        "chief-inspector-HMIProbation, qa-lead-HMCPSI); publishing needs all of them")
    assert findings[0].line == 8  # the `inspectorates:` line of the example report


def test_publication_makes_each_missing_role_an_error(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief")
    findings = run(gk, for_publication=True)
    assert {f.severity for f in findings} == {"error"}
    assert [f.rule for f in findings] == ["missing"] * 3
    assert findings[0].message == ("no sign-off yet from the HM Chief Inspector of Constabulary and "
                                   "Fire & Rescue Services (chief-inspector-HMICFRS)")


def test_all_signed_passes_publication_and_says_so_in_drafts(gk: Gatekeepers) -> None:  # noqa: F811
    sign_all(gk)
    assert run(gk, for_publication=True) == []
    (draft,) = run(gk, for_publication=False)
    assert draft.severity == "info" and draft.message.startswith("all 4 required sign-offs are valid")


def test_stale_sign_off_is_an_error_for_publication_naming_the_changed_file(gk: Gatekeepers) -> None:  # noqa: F811
    sign_all(gk)
    report_md = gk.report / "report.md"
    report_md.write_text(report_md.read_text() + "\nOne more sentence.\n")
    findings = run(gk, for_publication=True)
    assert len(findings) == 4 and {f.rule for f in findings} == {"stale"}
    assert findings[0].message.endswith("is stale: changed since: report.md (changed)")
    assert findings[0].file.endswith("signoffs/chief-inspector-HMCPSI--cps.chief@test.example.json")


def test_forged_statement_is_an_error_for_publication_even_beside_a_valid_one(gk: Gatekeepers) -> None:  # noqa: F811
    sign_all(gk)
    forged = gk.sign("chief-inspector-HMCPSI", "cps-qa")  # QA lead signs as chief: a second statement
    findings = run(gk, for_publication=True)
    assert [(f.rule, Path(f.file).name) for f in findings] == [("invalid", forged.name)]
    assert "does not hold the role chief-inspector-HMCPSI" in findings[0].message
    drafts = run(gk, for_publication=False)
    assert [f.severity for f in drafts] == ["info", "info"]


def test_cjji_check_passes_drafts_and_fails_publication(gk: Gatekeepers) -> None:  # noqa: F811
    runner = CliRunner()
    draft = runner.invoke(cli, ["check", "--root", str(gk.root), "--format", "json", str(gk.report)])
    publication = runner.invoke(cli, ["check", "--root", str(gk.root), "--for-publication",
                                      "--format", "json", str(gk.report)])
    assert draft.exit_code == 0, draft.output
    assert publication.exit_code == 1
    errors = [f for f in json.loads(publication.stdout)["findings"] if f["gate"] == "signoffs"]
    assert len(errors) == 4 and {f["severity"] for f in errors} == {"error"}


def test_the_example_report_carries_valid_sign_offs() -> None:
    findings = signoffs.run(load(EXAMPLE), Context(load_policy(ROOT), for_publication=True))
    assert findings == [], "the example report changed since it was signed: run scripts/sign-example.sh"
