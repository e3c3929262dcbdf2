"""Sign-off verification with real keys and real signatures: every threat is refused with a reason."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from signoff_support import REQUIRED, Gatekeepers, gk, keys, set_version  # noqa: F401

from cjji.policy import load_policy
from cjji.report import load
from cjji.signoff import (
    ReportStatus,
    registry,
    report_status,
    required_roles,
    sign_bytes,
    utc_now,
    verify_bytes,
)

TODAY = dt.date.today()


def status_of(kit: Gatekeepers, folder: Path | None = None) -> ReportStatus:
    folder = folder or kit.report
    return report_status(folder, load(folder).meta, load_policy(kit.root))


def role(status: ReportStatus, role_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in status.roles if r.role == role_id)


# --- what must be signed --------------------------------------------------------------------------


def test_required_roles_are_every_participating_cj_chief_and_the_lead_qa(gk: Gatekeepers) -> None:  # noqa: F811
    policy = load_policy(gk.root)
    reg = registry(policy)
    meta = load(gk.report).meta
    assert required_roles(meta, policy, reg) == REQUIRED
    meta = {**meta, "lead": "HMIPrisons", "inspectorates": ["HMIPrisons", "HMCPSI", "Ofsted"]}
    assert required_roles(meta, policy, reg) == [
        "chief-inspector-HMIPrisons", "chief-inspector-HMCPSI", "qa-lead-HMIPrisons"]


def test_all_required_signed_is_signed(gk: Gatekeepers) -> None:  # noqa: F811
    for role_id, name in zip(REQUIRED, ["cps-chief", "police-chief", "probation-chief", "cps-qa"],
                             strict=True):
        gk.sign(role_id, name)
    status = status_of(gk)
    assert [r.state for r in status.roles] == ["signed"] * 4
    assert role(status, "qa-lead-HMCPSI").best.reason == "holds the role"  # type: ignore[union-attr]
    assert status.invalid == []


def test_nothing_signed_is_missing(gk: Gatekeepers) -> None:  # noqa: F811
    assert [r.state for r in status_of(gk).roles] == ["missing"] * 4


# --- the threats ---------------------------------------------------------------------------------


def test_hand_edited_statement_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    path = gk.sign("chief-inspector-HMCPSI", "cps-chief")
    data = json.loads(path.read_text())
    data["version"] = 1
    data["signed_at"] = "2026-01-01T00:00:00Z"  # backdated by hand
    path.write_text(json.dumps(data, indent=2) + "\n")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "changed after it was signed" in best.reason


def test_statement_edited_into_nonsense_is_refused_as_damaged(gk: Gatekeepers) -> None:  # noqa: F811
    path = gk.sign("chief-inspector-HMCPSI", "cps-chief")
    path.write_text(path.read_text().replace('"content_digest": "sha256:', '"content_digest": "md5:'))
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "not a valid sign-off statement" in best.reason and "hand-edited" in best.reason


def test_signature_by_a_key_not_in_allowed_signers_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief", key="rogue")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "signed with a key that checks/allowed_signers does not list" in best.reason


def test_statement_naming_a_role_holder_but_signed_with_another_key_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    # the outsider writes a statement naming the chief inspector, and signs it with their own key
    gk.sign("chief-inspector-HMCPSI", "cps-chief", key="outsider")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert best.reason == ("the statement names cps.chief@test.example, but it was signed with the key "
                           "of outsider@test.example")


def test_signer_without_the_role_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-qa")  # the QA lead signs as the chief inspector
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert best.reason == ("cps.qa@test.example does not hold the role chief-inspector-HMCPSI and has "
                           "no delegation for it")


def test_replay_from_another_report_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    other = gk.report.parent / "2026-other-report"
    shutil.copytree(gk.report, other)
    signed = gk.sign("chief-inspector-HMCPSI", "cps-chief", report=other)
    # the text is identical, but the statement names the report it was signed for
    (gk.report / "signoffs").mkdir()
    for path in (signed, signed.with_name(signed.name + ".sig")):
        shutil.copy(path, gk.report / "signoffs" / path.name)
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "replay: this sign-off is for the report '2026-other-report'" in best.reason


def test_replay_of_an_earlier_version_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief")
    set_version(gk.report, 2)
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert best.reason == ("replay: this sign-off is for version 1 of the report, which is now "
                           "version 2")


def test_content_changed_after_signing_is_stale_and_says_which_files(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief")
    with (gk.report / "impact-assessment.md").open("a") as handle:
        handle.write("\nA late addition.\n")
    (gk.report / "images").mkdir(exist_ok=True)
    (gk.report / "images" / "new-chart.png").write_bytes(b"png")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "stale"
    assert best.changed == ["images/new-chart.png (added)", "impact-assessment.md (changed)"]


def _days(n: int) -> dt.datetime:
    """Noon UTC, n days from today."""
    return dt.datetime.combine(TODAY + dt.timedelta(days=n), dt.time(12), dt.UTC)


def test_delegate_whose_sign_off_landed_inside_the_delegation_is_signed(gk: Gatekeepers) -> None:  # noqa: F811
    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=1))
    gk.land("the report")
    gk.sign("chief-inspector-HMIProbation", "deputy", at=_days(-3))
    commit = gk.land("sign-off", at=_days(-2))
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "signed"
    assert best.reason.startswith("delegated by probation.chief@test.example")
    assert best.time_source == "main" and best.landed is not None and best.landed.commit == commit
    assert best.signed_at == _days(-2).strftime("%Y-%m-%dT%H:%M:%SZ")  # the landing, not the claim
    assert best.claimed_at == _days(-3).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_delegate_sign_off_not_yet_landed_is_unconfirmed_and_does_not_count(gk: Gatekeepers) -> None:  # noqa: F811
    from cjji.gates import signoffs
    from cjji.gates.base import Context

    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1))
    gk.sign("chief-inspector-HMIProbation", "deputy")
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "unconfirmed" and best.time_source == "claimed"
    assert "not confirmed until it lands on the main branch" in best.reason
    findings = signoffs.run(load(gk.report), Context(load_policy(gk.root), for_publication=True))
    (finding,) = [f for f in findings if f.rule == "unconfirmed"]
    assert finding.severity == "error" and "is the signer's own and is not trusted" in finding.message


def test_expired_delegation_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    last_day = TODAY - dt.timedelta(days=2)
    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=30), last_day)
    gk.sign("chief-inspector-HMIProbation", "deputy")
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "invalid"
    assert f"the delegation of chief-inspector-HMIProbation to deputy@test.example expired after {last_day}" \
        in best.reason


def test_attack_8_expired_delegate_backdating_into_the_window_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    """The delegation ended 5 days ago; the delegate signs now, claiming a time inside it."""
    last_day = TODAY - dt.timedelta(days=5)
    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=30), last_day)
    gk.land("the report", at=_days(-40))
    gk.sign("chief-inspector-HMIProbation", "deputy", at=_days(-10))  # backdated
    best = role(status_of(gk), "chief-inspector-HMIProbation").best  # not landed: judged as now
    assert best is not None and best.state == "invalid" and f"expired after {last_day}" in best.reason
    gk.land("sign-off")  # merged today: its time is today's, whatever it claims
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "invalid"
    assert f"expired after {last_day} (signed at {best.signed_at})" in best.reason
    assert best.signed_at[:10] == TODAY.isoformat()


def test_attack_8_backdated_commit_on_a_branch_does_not_date_the_sign_off(gk: Gatekeepers) -> None:  # noqa: F811
    """The signer also backdates the commit on their branch; only the merge on main counts."""
    last_day = TODAY - dt.timedelta(days=5)
    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=30), last_day)
    gk.land("the report", at=_days(-40))
    gk.git("checkout", "-q", "-b", "sign-off")
    gk.sign("chief-inspector-HMIProbation", "deputy", at=_days(-10))
    gk.git("add", "-A")
    gk.git("commit", "-q", "-m", "sign-off, backdated", at=_days(-10))
    gk.git("checkout", "-q", "main")
    gk.git("merge", "-q", "--no-ff", "-m", "Merge pull request #9", "sign-off", at=_days(0))
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "invalid" and f"expired after {last_day}" in best.reason
    assert best.landed is not None and best.landed.commit == gk.git("rev-parse", "HEAD")  # the merge


def test_attack_8_a_signing_time_in_1999_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.land("the report")
    gk.sign("chief-inspector-HMCPSI", "cps-chief", at=dt.datetime(1999, 1, 1, tzinfo=dt.UTC))
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "signed" and best.time_source == "claimed"  # a draft: shown as claimed
    gk.land("sign-off")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert best.reason.startswith("the statement claims it was signed at 1999-01-01T00:00:00Z, more than "
                                  "90 days before it landed on the main branch")


def test_a_claimed_time_after_landing_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief", at=utc_now())
    gk.land("sign-off", at=_days(-3))
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid" and "after it landed on the main branch" in best.reason


def test_a_statement_changed_after_landing_has_no_trusted_time(gk: Gatekeepers) -> None:  # noqa: F811
    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=10))
    gk.sign("chief-inspector-HMIProbation", "deputy", at=_days(-2))
    gk.land("sign-off", at=_days(-1))
    assert role(status_of(gk), "chief-inspector-HMIProbation").state == "signed"
    gk.sign("chief-inspector-HMIProbation", "deputy", at=utc_now())  # signed again, not landed
    assert role(status_of(gk), "chief-inspector-HMIProbation").state == "unconfirmed"


def test_not_yet_valid_delegation_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    first_day = TODAY + dt.timedelta(days=3)
    gk.delegate("chief-inspector-HMIProbation", first_day, TODAY + dt.timedelta(days=30))
    gk.sign("chief-inspector-HMIProbation", "deputy")
    assert role(status_of(gk), "chief-inspector-HMIProbation").state == "unconfirmed"  # may land in time
    gk.land("sign-off")
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "invalid"
    assert f"is not valid until {first_day}" in best.reason


def test_delegation_granted_by_someone_without_the_role_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1),
                delegated_by="police-chief")
    gk.sign("chief-inspector-HMIProbation", "deputy")
    best = role(status_of(gk), "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "invalid"
    assert best.reason == ("the delegation of chief-inspector-HMIProbation to deputy@test.example was "
                           "granted by police.chief@test.example, who does not hold that role")


def test_signing_time_in_the_future_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.sign("chief-inspector-HMCPSI", "cps-chief", at=utc_now() + dt.timedelta(days=2))
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid" and "is in the future" in best.reason


def test_signature_file_missing_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    path = gk.sign("chief-inspector-HMCPSI", "cps-chief")
    path.with_name(path.name + ".sig").unlink()
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.reason == f"the signature file {path.name}.sig is missing"


def test_signature_under_another_namespace_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    import subprocess

    path = gk.sign("chief-inspector-HMCPSI", "cps-chief")
    git_sig = subprocess.run(["ssh-keygen", "-Y", "sign", "-q", "-f", str(gk.keys["cps-chief"]), "-n", "git"],
                             input=path.read_bytes(), capture_output=True, check=True).stdout
    path.with_name(path.name + ".sig").write_bytes(git_sig)
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"


def test_example_gatekeepers_are_refused_for_real_reports(tmp_path: Path) -> None:
    from support import ROOT

    policy = load_policy(ROOT)
    reg = registry(policy)
    now = utc_now()
    assert reg.authority("catherine.ellwood@hmcpsi.example", "chief-inspector-HMCPSI", now,
                         "2026-victim-updates").ok
    refused = reg.authority("catherine.ellwood@hmcpsi.example", "chief-inspector-HMCPSI", now,
                            "2027-real-report")
    assert not refused.ok and "fictional example gatekeeper" in refused.how


# --- review records (written and signed by the sign-off workflow) ---------------------------------


def test_review_record_signed_by_the_workflow_key_is_signed(gk: Gatekeepers) -> None:  # noqa: F811
    gk.review("chief-inspector-HMCPSI", "cps-chief")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "signed" and best.method == "github-review"
    assert best.time_source == "review"


def test_review_record_for_a_commit_that_is_not_the_head_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.review("chief-inspector-HMCPSI", "cps-chief", commit="b" * 40)
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "not on the pull request's head" in best.reason


def test_review_record_whose_reviewer_is_not_the_named_identity_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    gk.review("chief-inspector-HMCPSI", "cps-chief", reviewer="test-outsider")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "GitHub reviewer test-outsider is outsider@test.example" in best.reason


def test_attack_4_hand_written_review_record_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    """Made-up names, a commit of forty zeros, an empty URL, and no signature."""
    from cjji.gates import signoffs
    from cjji.gates.base import Context

    gk.review("chief-inspector-HMCPSI", "cps-chief", sign=False, commit="0" * 40, head_sha="0" * 40, url="")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert best.reason.startswith("this pull-request approval record is not signed")
    findings = signoffs.run(load(gk.report), Context(load_policy(gk.root), for_publication=True))
    assert any(f.severity == "error" and "not signed" in f.message and f.file.endswith(".review.json")
               for f in findings)


def test_attack_4_review_record_signed_by_a_gatekeepers_own_key_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    """The gatekeeper key is listed for cjji-report-signoff only, and not under the recorder."""
    gk.review("chief-inspector-HMCPSI", "cps-chief", key="cps-chief")
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert best.reason.startswith("the sign-off workflow's signature does not verify")


def test_attack_4_review_record_edited_after_the_workflow_signed_it_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    path = gk.review("chief-inspector-HMCPSI", "cps-chief")
    path.write_text(path.read_text().replace('"pull_request": 1,', '"pull_request": 2,'))
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid" and "changed after it was signed" in best.reason


def test_attack_4_a_gatekeeper_key_cannot_sign_as_the_workflow_nor_the_workflow_as_a_gatekeeper(
        gk: Gatekeepers) -> None:  # noqa: F811
    allowed = gk.root / "checks" / "allowed_signers"
    from signoff_support import RECORDER

    from cjji.signoff import REVIEW_NAMESPACE

    by_recorder = sign_bytes(b"statement", gk.keys["recorder"])  # the gatekeepers' namespace
    assert verify_bytes(b"statement", by_recorder, RECORDER, allowed) != ""
    by_gatekeeper = sign_bytes(b"statement", gk.keys["cps-chief"], REVIEW_NAMESPACE)
    assert verify_bytes(b"statement", by_gatekeeper, "cps.chief@test.example", allowed, REVIEW_NAMESPACE) != ""
    ok = sign_bytes(b"statement", gk.keys["recorder"], REVIEW_NAMESPACE)
    assert verify_bytes(b"statement", ok, RECORDER, allowed, REVIEW_NAMESPACE) == ""


def test_a_record_by_a_key_not_named_as_recorder_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    path = gk.review("chief-inspector-HMCPSI", "cps-chief")
    data = json.loads(path.read_text())
    assert data["recorder"] == "signoff-workflow@test.example"
    registry_file = gk.root / "checks" / "gatekeepers.yml"
    data = json.loads(registry_file.read_text())
    data["recorders"] = [{"identity": "other-workflow@test.example", "name": "Another workflow"}]
    registry_file.write_text(json.dumps(data))
    best = role(status_of(gk), "chief-inspector-HMCPSI").best
    assert best is not None and best.state == "invalid"
    assert "which is not a recorder (the sign-off workflow's key)" in best.reason


def test_allowed_signers_lines_must_each_name_one_namespace(gk: Gatekeepers) -> None:  # noqa: F811
    from cjji.signoff import registry_problems

    allowed = gk.root / "checks" / "allowed_signers"
    text = allowed.read_text()
    allowed.write_text(text.replace('cps.qa@test.example namespaces="cjji-report-signoff" ', "cps.qa@test.example ")
                       .replace('namespaces="cjji-review-record"',
                                'namespaces="cjji-review-record,cjji-report-signoff"'))
    policy = load_policy(gk.root)
    problems = registry_problems(registry(policy), policy)
    assert any("the key of cps.qa@test.example has no namespaces= option" in p for p in problems)
    assert any("sign-off workflow's key (signoff-workflow@test.example) must be listed" in p for p in problems)


# --- signing and verifying bytes -----------------------------------------------------------------


def test_verify_bytes_accepts_the_signers_own_signature_only(gk: Gatekeepers) -> None:  # noqa: F811
    allowed = gk.root / "checks" / "allowed_signers"
    sig = sign_bytes(b"statement", gk.keys["cps-chief"])
    assert verify_bytes(b"statement", sig, "cps.chief@test.example", allowed) == ""
    assert "changed after" in verify_bytes(b"statement!", sig, "cps.chief@test.example", allowed)
    assert "signed with the key of cps.chief@test.example" in verify_bytes(
        b"statement", sig, "cps.qa@test.example", allowed)


def test_signing_with_a_missing_key_says_so(tmp_path: Path) -> None:
    from cjji.signoff import SignoffError

    with pytest.raises(SignoffError, match="does not exist"):
        sign_bytes(b"x", tmp_path / "nope")


def test_the_registry_in_checks_is_consistent_and_covers_the_four_inspectorates() -> None:
    from support import ROOT

    from cjji.signoff import registry_problems

    policy = load_policy(ROOT)
    reg = registry(policy)
    assert registry_problems(reg, policy) == []
    for code in ("HMICFRS", "HMCPSI", "HMIProbation", "HMIPrisons"):
        for kind in ("chief-inspector", "qa-lead"):
            role_id = reg.role_for(kind, code)
            assert role_id in reg.roles
            assert any(role_id in h.roles for h in reg.holders.values()), role_id


def test_registry_mistakes_are_reported_by_the_gate(gk: Gatekeepers) -> None:  # noqa: F811
    from cjji.gates import signoffs
    from cjji.gates.base import Context

    gk.delegate("chief-inspector-HMIProbaton", TODAY, TODAY)  # a typo in the role
    findings = signoffs.run(load(gk.report), Context(load_policy(gk.root), for_publication=True))
    registry_findings = [f for f in findings if f.rule == "registry"]
    assert [f.message for f in registry_findings] == [
        "delegation to deputy@test.example: there is no role 'chief-inspector-HMIProbaton'"]
    assert registry_findings[0].file.endswith("checks/gatekeepers.yml")


def test_a_shallow_clone_gives_no_trusted_time(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    """A shallow clone shows every file as added by its one commit: that is not when it landed."""
    import subprocess

    gk.delegate("chief-inspector-HMIProbation", TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=10))
    gk.sign("chief-inspector-HMIProbation", "deputy", at=_days(-3))
    gk.land("sign-off", at=_days(-2))
    gk.land("later work")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{gk.root}", str(clone)], check=True)
    folder = clone / gk.report.relative_to(gk.root)
    status = report_status(folder, load(folder).meta, load_policy(clone))
    best = role(status, "chief-inspector-HMIProbation").best
    assert best is not None and best.state == "unconfirmed" and best.time_source == "claimed"


def test_a_private_key_others_can_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    """A fresh clone checks keys out 0644, and ssh-keygen then ignores them: say so, with the fix."""
    from support import ROOT

    from cjji.signoff import SignoffError

    key = tmp_path / "key"
    shutil.copyfile(ROOT / "examples" / "keys" / "EXAMPLE-ONLY-helen.marsh", key)
    key.chmod(0o644)
    with pytest.raises(SignoffError, match=r"can be read by other users.*chmod 600"):
        sign_bytes(b"data", key)
    key.chmod(0o600)
    assert sign_bytes(b"data", key).startswith(b"-----BEGIN SSH SIGNATURE-----")
