"""`cjji sign`: writes a statement and a real SSH signature, or refuses and writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from click.testing import CliRunner, Result
from signoff_support import Gatekeepers, gk, keys  # noqa: F401

from cjji.cli import cli
from cjji.digest import digest
from cjji.signoff import NAMESPACE, verify_bytes


def sign(kit: Gatekeepers, role: str, key: str, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["sign", str(kit.report), "--role", role, "--key",
                                    str(kit.keys[key]), "--root", str(kit.root), *extra])


def signoffs(kit: Gatekeepers) -> list[str]:
    folder = kit.report / "signoffs"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_sign_writes_a_readable_statement_and_a_verifiable_signature(gk: Gatekeepers) -> None:  # noqa: F811
    result = sign(gk, "chief-inspector-HMCPSI", "cps-chief")
    assert result.exit_code == 0, result.output
    name = "chief-inspector-HMCPSI--cps.chief@test.example.json"
    assert signoffs(gk) == [name, name + ".sig"]
    assert "signed 2026-victim-updates version 1 as chief-inspector-HMCPSI (cps.chief@test.example, " \
           "holds the role)" in result.output
    path = gk.report / "signoffs" / name
    data = json.loads(path.read_text())
    assert data["report"] == "2026-victim-updates" and data["version"] == 1
    assert data["content_digest"] == digest(gk.report).value
    assert data["files"]["report.md"] == digest(gk.report).files["report.md"]
    assert data["namespace"] == NAMESPACE
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["signed_at"])
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(data["signed_at"])
    assert age < dt.timedelta(minutes=1)
    sig = path.with_name(name + ".sig").read_bytes()
    assert sig.startswith(b"-----BEGIN SSH SIGNATURE-----")
    assert verify_bytes(path.read_bytes(), sig, "cps.chief@test.example",
                        gk.root / "checks" / "allowed_signers") == ""


def test_the_identity_comes_from_the_key_or_from_identity(gk: Gatekeepers) -> None:  # noqa: F811
    result = sign(gk, "qa-lead-HMCPSI", "cps-qa", "--identity", "cps.qa@test.example")
    assert result.exit_code == 0, result.output


def test_a_key_not_in_allowed_signers_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    result = sign(gk, "chief-inspector-HMCPSI", "rogue")
    assert result.exit_code == 2
    assert "checks/allowed_signers lists no one for the key" in result.output
    assert signoffs(gk) == []


def test_someone_elses_identity_with_your_key_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    result = sign(gk, "chief-inspector-HMCPSI", "outsider", "--identity", "cps.chief@test.example")
    assert result.exit_code == 2
    assert "nothing was written: the statement names cps.chief@test.example, but it was signed with " \
           "the key of outsider@test.example" in result.output
    assert signoffs(gk) == []


def test_a_signer_without_the_role_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    result = sign(gk, "chief-inspector-HMCPSI", "cps-qa")
    assert result.exit_code == 2
    assert "you cannot sign in this role: cps.qa@test.example does not hold the role " \
           "chief-inspector-HMCPSI and has no delegation for it" in result.output
    assert signoffs(gk) == []


def test_a_role_the_report_does_not_need_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    result = sign(gk, "chief-inspector-HMIPrisons", "cps-chief")
    assert result.exit_code == 2
    assert "does not need a sign-off in the role chief-inspector-HMIPrisons" in result.output
    unknown = sign(gk, "chief-constable", "cps-chief")
    assert "'chief-constable' is not a role in checks/gatekeepers.yml" in unknown.output


def test_a_delegate_signs_within_the_delegation(gk: Gatekeepers) -> None:  # noqa: F811
    today = dt.date.today()
    gk.delegate("chief-inspector-HMIProbation", today, today)
    result = sign(gk, "chief-inspector-HMIProbation", "deputy")
    assert result.exit_code == 0, result.output
    assert "delegated by probation.chief@test.example" in result.output
    assert ("note: as a delegate, this sign-off counts from the time it lands on the main branch (the "
            f"merge), not from the time written in it: merge it before your delegation ends ({today})") \
        in result.output.replace("\n", " ")


def test_an_expired_delegate_cannot_sign(gk: Gatekeepers) -> None:  # noqa: F811
    today = dt.date.today()
    gk.delegate("chief-inspector-HMIProbation", today - dt.timedelta(days=9), today - dt.timedelta(days=2))
    result = sign(gk, "chief-inspector-HMIProbation", "deputy")
    assert result.exit_code == 2 and "expired after" in result.output
    assert signoffs(gk) == []


def test_a_report_that_does_not_load_is_a_located_message(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    (gk.report / "report.md").write_text("no front matter\n")
    result = sign(gk, "chief-inspector-HMCPSI", "cps-chief")
    assert result.exit_code == 1
    assert "report.md:1:1: error [load/no-front-matter]" in result.output
