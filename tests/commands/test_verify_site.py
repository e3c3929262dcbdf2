# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""`cjji verify-site`: from the trust anchors (the repository), not from the site's own manifest,
anyone can show the files on the website are the build of what the gatekeepers signed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from publish_support import (
    REPORT,
    gk,  # noqa: F401
    keys,  # noqa: F401
    publish,
    published,  # noqa: F401
    published_once,  # noqa: F401
    signed,  # noqa: F401
    site,  # noqa: F401
    verify,
)
from signoff_support import Gatekeepers
from support import ROOT

from cjji.cli import cli
from cjji.publish import manifest as mf

V1 = f"reports/{REPORT}/v1"


def _replace(path: Path, data: bytes) -> None:
    path.unlink()  # a new file, as an attacker on the web server would write
    path.write_bytes(data)


def _reconcile(build: Path) -> None:
    """What an attacker with write access to the site does after an edit: make every record agree
    (version.json's file entries and the manifest's file list), so the manifest check passes."""
    record_path = build / V1 / mf.RECORD
    record = json.loads(record_path.read_text())
    for entry in [*record["files"], *record["assets"]]:
        path = build / entry["path"]
        if path.is_file():
            entry.update(sha256=mf.sha256_file(path), size=path.stat().st_size)
    record["signoffs"] = [s for s in record["signoffs"] if "path" not in s or (build / s["path"]).is_file()]
    for s in record["signoffs"]:
        if "path" not in s:  # given by its digests: its statement is in the repository, not on the site
            continue
        s.update(sha256=mf.sha256_file(build / s["path"]), size=(build / s["path"]).stat().st_size)
        if s.get("signature"):
            sig = build / s["signature"]["path"]
            s["signature"].update(sha256=mf.sha256_file(sig), size=sig.stat().st_size)
    _replace(record_path, mf.record_bytes(mf.version_from_json(record)))
    manifest = json.loads((build / mf.MANIFEST).read_text())
    manifest["files"] = {rel: {"sha256": mf.sha256_file(build / rel), "size": (build / rel).stat().st_size}
                         for rel in mf.walk_files(build)}
    (entry,) = manifest["reports"][0]["versions"]
    for key in ("files", "assets", "signoffs"):
        entry[key] = record[key]
    _replace(build / mf.MANIFEST, mf.manifest_bytes(manifest))
    assert mf.verify(build) == [], "the manifest is consistent: only the anchors can catch this"


def _edit_record(build: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit version 1's record (version.json) as an attacker would; `_reconcile` then."""
    record_path = build / V1 / mf.RECORD
    record = json.loads(record_path.read_text())
    edit(record)
    _replace(record_path, mf.record_bytes(mf.version_from_json(record)))


def _entry(record: dict[str, Any], role: str) -> dict[str, Any]:
    (found,) = [s for s in record["signoffs"] if s["role"] == role]
    return found


def test_a_published_site_verifies_and_a_tampered_pdf_does_not(published: Gatekeepers, site: Path) -> None:
    ok = verify(published.root, site)
    assert ok.exit_code == 0, ok.output
    assert "verified from the trust anchors" in ok.output and "every output rebuilt and identical" in ok.output
    build = site.resolve()
    assert (build / V1 / "source" / "report.md").read_bytes() == (published.report / "report.md").read_bytes()
    # no statement, signature or copy of the keys on the site: the record gives their digests
    assert not (build / V1 / "policy").exists() and not list(build.glob(f"{V1}/*--*"))
    prov = json.loads((build / V1 / "provenance.json").read_text())
    assert prov["policy"]["allowed_signers"] == mf.sha256_file(published.root / "checks" / "allowed_signers")
    pdf = site / f"{V1}/{REPORT}.pdf"
    _replace(pdf, pdf.read_bytes().replace(b"Keeping", b"Keepin_", 1) + b"%")
    bad = verify(published.root, site)
    assert bad.exit_code == 1
    assert f"{V1}/{REPORT}.pdf has changed since it was published" in bad.output


def test_attack_7_a_rewritten_pdf_with_a_consistent_manifest_fails(published: Gatekeepers, site: Path) -> None:
    build = site.resolve()
    pdf = build / f"{V1}/{REPORT}.pdf"
    _replace(pdf, pdf.read_bytes() + b"\n% a forged page would go here\n")
    _reconcile(build)
    result = verify(published.root, site)
    assert result.exit_code == 1, result.output
    assert f"{V1}: {REPORT}.pdf is not the reproducible build of the signed sources" in result.output


def test_attack_7_rewritten_html_text_with_a_consistent_manifest_fails(published: Gatekeepers, site: Path) -> None:
    build = site.resolve()
    record_path = build / V1 / mf.RECORD
    record = json.loads(record_path.read_text())
    parts = record["body"]["parts"]  # the HTML version, its image references kept apart
    assert "<p>" in parts[0]
    parts[0] = parts[0].replace("<p>", "<p>We found nothing wrong. ", 1)
    _replace(record_path, mf.record_bytes(mf.version_from_json(record)))
    for page in (build / V1 / "index.html", build / f"reports/{REPORT}/index.html"):
        text = page.read_text()
        _replace(page, text.replace("<p>", "<p>We found nothing wrong. ", 1).encode())
    _reconcile(build)
    result = verify(published.root, site)
    assert result.exit_code == 1, result.output
    assert f"{V1}: the record (version.json: the HTML text" in result.output
    assert f"reports/{REPORT}/index.html is not the page the verified records give" in result.output


def test_attack_7_deleting_every_sign_off_fails(published: Gatekeepers, site: Path) -> None:
    build = site.resolve()
    _edit_record(build, lambda record: record.update(signoffs=[]))
    _reconcile(build)
    result = verify(published.root, site, "--skip-rebuild")
    assert result.exit_code == 1, result.output
    for role in ("chief-inspector-HMCPSI", "chief-inspector-HMICFRS", "chief-inspector-HMIProbation",
                 "qa-lead-HMCPSI"):
        assert f"{V1}: the required sign-off {role} is not valid (no sign-off on the site)" in result.output


def test_attack_7_a_forged_sign_off_with_its_records_updated_fails(published: Gatekeepers, site: Path) -> None:
    """Even with every digest in the records updated, a forged statement does not verify (it is
    where verify-site looks for statements: the repository, as an unmerged branch would put it)."""
    build = site.resolve()
    real = next((published.report / "signoffs").glob("qa-lead-*.json"))
    data = json.loads(real.read_text())
    data["identity"] = "cps.chief@test.example"
    statement = real.with_name("qa-lead-HMCPSI--cps.chief@test.example.json")
    statement.write_bytes((json.dumps(data, indent=2) + "\n").encode())
    shutil.copyfile(real.with_name(real.name + ".sig"), statement.with_name(statement.name + ".sig"))

    def forge(record: dict[str, Any]) -> None:
        _entry(record, "qa-lead-HMCPSI").update(sha256=mf.sha256_file(statement), size=statement.stat().st_size)

    _edit_record(build, forge)
    _reconcile(build)
    result = verify(published.root, site, "--skip-rebuild")
    assert result.exit_code == 1
    assert f"the sign-off {statement.name} does not verify" in result.output


def test_attack_7_sources_and_outputs_replaced_together_fail(published: Gatekeepers, site: Path) -> None:
    """Change the kept source too: it no longer digests to what the gatekeepers signed."""
    build = site.resolve()
    source = build / V1 / "source" / "report.md"
    _replace(source, source.read_bytes().replace(b"Keeping victims informed", b"Keeping victims happy", 1))
    _reconcile(build)
    result = verify(published.root, site, "--skip-rebuild")
    assert result.exit_code == 1
    assert "the kept sources (source/) digest to sha256:" in result.output and "they are not what was signed" \
        in result.output


def test_attack_7_a_key_added_to_the_sites_policy_copy_fails(published: Gatekeepers, site: Path) -> None:
    """The allowed_signers a version claims (by its SHA-256) is only trusted if the repository has it."""
    build = site.resolve()
    allowed = published.root / "checks" / "allowed_signers"
    rogue = Path(f"{published.keys['rogue']}.pub").read_text().split()
    forged = allowed.read_bytes() + f'cps.qa@test.example namespaces="cjji-report-signoff" {rogue[0]} {rogue[1]}\n'\
        .encode()
    prov_path = build / V1 / "provenance.json"
    prov = json.loads(prov_path.read_text())
    prov["policy"]["allowed_signers"] = hashlib.sha256(forged).hexdigest()
    _replace(prov_path, json.dumps(prov).encode())
    _reconcile(build)
    result = verify(published.root, site, "--skip-rebuild")
    assert result.exit_code == 1
    assert (f"{V1}: provenance.json: the allowed_signers it was signed under (SHA-256 "
            f"{hashlib.sha256(forged).hexdigest()}) is not the repository's current checks/allowed_signers") \
        in result.output


def test_the_policy_as_it_was_at_the_versions_commit_verifies_after_a_key_changes(
        signed: Gatekeepers, site: Path) -> None:
    """Keys change after publication; with the history at hand, the version's commit anchors it."""
    signed.land("reports, signed")
    assert publish(signed.root, site).exit_code == 0
    allowed = signed.root / "checks" / "allowed_signers"
    allowed.write_text("".join(line + "\n" for line in allowed.read_text().splitlines()
                               if not line.startswith("cps.qa@")))
    signed.land("cps.qa leaves: key removed")
    result = verify(signed.root, site, "--skip-rebuild")
    assert result.exit_code == 0, result.output
    # without that history, the copy cannot be anchored to anything and is refused
    shutil.rmtree(signed.root / ".git")
    result = verify(signed.root, site, "--skip-rebuild")
    assert result.exit_code == 1 and "is not the repository's current checks/allowed_signers" in result.output


def test_with_the_history_at_hand_a_sign_off_that_never_landed_fails(signed: Gatekeepers, site: Path) -> None:
    signed.land("reports, signed")
    assert publish(signed.root, site).exit_code == 0
    assert verify(signed.root, site, "--skip-rebuild").exit_code == 0
    # a valid statement made with a listed key, but never merged: only the site has it
    build = site.resolve()
    fresh = signed.sign("qa-lead-HMCPSI", "cps-qa", report=signed.report)  # in the working tree only
    statement = fresh if fresh.suffix == ".json" else fresh.with_name(fresh.name.removesuffix(".sig"))

    def swap(record: dict[str, Any]) -> None:
        entry = _entry(record, "qa-lead-HMCPSI")
        sig = statement.with_name(statement.name + ".sig")
        entry.update(sha256=mf.sha256_file(statement), size=statement.stat().st_size,
                     signed_at=json.loads(statement.read_text())["signed_at"])
        entry["signature"].update(sha256=mf.sha256_file(sig), size=sig.stat().st_size)

    _edit_record(build, swap)
    _reconcile(build)
    result = verify(signed.root, site, "--skip-rebuild")
    assert result.exit_code == 1
    assert f"the sign-off {statement.name} (qa-lead-HMCPSI) never landed on the main branch" in result.output


def test_without_a_repository_there_is_nothing_to_trust(signed: Gatekeepers, site: Path) -> None:
    import tempfile

    assert publish(signed.root, site).exit_code == 0
    elsewhere = Path(tempfile.mkdtemp(prefix="not-a-project-"))
    import os

    cwd = os.getcwd()
    os.chdir(elsewhere)
    try:
        result = CliRunner().invoke(cli, ["verify-site", str(site)], catch_exceptions=False)
        files = CliRunner().invoke(cli, ["verify-site", str(site), "--files-only"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1
    assert "there are no trust anchors to verify against" in result.output
    assert "NOT verified: the sign-offs could not be checked" in result.output
    assert "verified from the trust anchors" not in result.output
    assert files.exit_code == 0, files.output
    assert "files intact (--files-only)" in files.output and "the sign-offs were NOT verified" in files.output


def test_the_page_names_roles_not_e_mail_addresses(published: Gatekeepers, site: Path) -> None:
    for page in (site / V1 / "index.html", site / f"reports/{REPORT}/index.html"):
        text = page.read_text()
        assert "@test.example" not in text
        assert "chief-inspector-HMCPSI" in text and "Content digest" in text


def test_a_folder_that_is_not_a_site_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify-site", str(tmp_path)])
    assert result.exit_code != 0
    assert "is not a published site: it has no manifest.json" in result.output


def test_attack_7_an_extra_page_listed_in_the_manifest_fails(published: Gatekeepers, site: Path) -> None:
    """A page of the attacker's own, listed in the manifest so that the manifest check passes."""
    build = site.resolve()
    (build / V1 / "login.html").write_text("<form action=https://evil.example/>")
    (build / "notice.html").write_text("<p>Reports have moved to https://evil.example</p>")
    _reconcile(build)
    result = verify(published.root, site)
    assert result.exit_code == 1, result.output
    assert f"{V1}/login.html is on the site, but no verified version or page makes it" in result.output
    assert "notice.html is on the site, but no verified version or page makes it" in result.output


@pytest.mark.slow
def test_a_version_built_with_earlier_code_and_templates_is_rebuilt_from_that_commit(
        signed: Gatekeepers, site: Path) -> None:
    """After the templates (or cjji) change, verify-site rebuilds each version with the commit it was
    published from, taken from the history: the CI's verify-site keeps passing on old versions."""
    shutil.copytree(ROOT / "src", signed.root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", signed.root / "pyproject.toml")
    signed.land("reports, signed, with cjji itself")
    assert publish(signed.root, site).exit_code == 0
    css = signed.root / "templates" / "site" / "site.css"
    css.write_text(css.read_text() + "\n/* a later change of style */\n")
    signed.land("restyle the site")
    result = verify(signed.root, site)
    assert result.exit_code == 0, result.output
    # the same, tampered: the rebuild at that commit still catches it
    build = site.resolve()
    docx = build / f"{V1}/{REPORT}.docx"
    _replace(docx, docx.read_bytes() + b"\0")
    _reconcile(build)
    bad = verify(signed.root, site)
    assert bad.exit_code == 1 and f"{V1}: {REPORT}.docx is not the reproducible build" in bad.output


def test_attack_4_publish_and_verify_site_refuse_hand_written_review_records(signed: Gatekeepers, site: Path) -> None:
    """Made-up reviewer, a commit of forty zeros, an empty URL: neither publish nor verify-site counts it."""
    qa = next((signed.report / "signoffs").glob("qa-lead-*.json"))
    qa.unlink()
    qa.with_name(qa.name + ".sig").unlink()
    signed.review("qa-lead-HMCPSI", "cps-qa", sign=False, commit="0" * 40, head_sha="0" * 40, url="",
                  reviewer="made-up-reviewer")
    refused = publish(signed.root, site)
    assert refused.exit_code == 1
    assert "this pull-request approval record is not signed" in refused.output
    # on the site: publish properly, then swap the QA lead's statement for a hand-written record
    shutil.rmtree(signed.report / "signoffs")
    from publish_support import sign_all

    sign_all(signed)
    assert publish(signed.root, site).exit_code == 0
    build = site.resolve()
    record = signed.review("qa-lead-HMCPSI", "cps-qa", sign=False, commit="0" * 40, head_sha="0" * 40, url="")

    def swap(data: dict[str, Any]) -> None:
        entry = _entry(data, "qa-lead-HMCPSI")
        entry.update(sha256=mf.sha256_file(record), size=record.stat().st_size, signature=None)
        entry.pop("key")
        entry["signed_at"] = json.loads(record.read_text())["signed_at"]

    _edit_record(build, swap)
    _reconcile(build)
    result = verify(signed.root, site, "--skip-rebuild")
    assert result.exit_code == 1
    assert f"{V1}: the required sign-off qa-lead-HMCPSI is not valid (invalid: this pull-request approval record " \
           "is not signed" in result.output


def test_attack_4_the_example_workflow_key_does_not_count_for_real_reports(tmp_path: Path) -> None:
    """Its private half is published in examples/keys/: its records count for the example only."""
    from cjji.digest import digest
    from cjji.policy import load_policy
    from cjji.signoff import (
        REVIEW,
        REVIEW_NAMESPACE,
        Holder,
        check_statement,
        dump,
        registry,
        sign_bytes,
        statement,
        utc_now,
    )

    reg = registry(load_policy(ROOT))
    assert reg.recorders["signoff-workflow@cjji.example"].example
    folder = tmp_path / "2027-real-report"
    shutil.copytree(ROOT / "reports" / REPORT, folder, ignore=shutil.ignore_patterns("signoffs"))
    holder = reg.holders["helen.marsh@hmcpsi.example"]
    review = {"id": 1, "url": "https://github.com/o/r/pull/1#pullrequestreview-1", "state": "approved",
              "submitted_at": "2026-11-20T14:03:22Z", "reviewer": str(holder.github), "commit": "a" * 40,
              "head_sha": "a" * 40, "pull_request": 1, "pull_request_url": "https://github.com/o/r/pull/1",
              "repository": "o/r"}
    data = dump(statement("2027-real-report", 1, "t", "qa-lead-HMCPSI", Holder(holder.identity, holder.name, ()),
                          digest(folder), dt.datetime(2026, 11, 20, 14, 3, 22, tzinfo=dt.UTC), method=REVIEW,
                          review=review, recorder="signoff-workflow@cjji.example"))
    path = folder / "signoffs" / "qa-lead-HMCPSI--helen.marsh@hmcpsi.example.review.json"
    path.parent.mkdir()
    path.write_bytes(data)
    key = tmp_path / "workflow-key"  # a fresh clone checks the key out 0644; ssh-keygen wants 0600
    shutil.copyfile(ROOT / "examples" / "keys" / "EXAMPLE-ONLY-signoff-workflow", key)
    key.chmod(0o600)
    path.with_name(path.name + ".sig").write_bytes(sign_bytes(data, key, REVIEW_NAMESPACE))
    schema = ROOT / "schemas" / "signoff.schema.json"
    verdict = check_statement(path, "2027-real-report", 1, digest(folder), reg, schema, utc_now())
    assert verdict.state == "invalid"
    assert "signed by the example workflow key signoff-workflow@cjji.example, whose private key is published" \
        in verdict.reason


def test_a_shallow_clone_still_verifies_and_says_what_it_could_not_check(
        signed: Gatekeepers, site: Path, tmp_path: Path) -> None:
    """CI's default checkout is shallow: no history, so nothing can be required to have landed."""
    import subprocess

    signed.land("reports, signed")
    assert publish(signed.root, site).exit_code == 0
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{signed.root}", str(clone)], check=True)
    result = CliRunner().invoke(cli, ["verify-site", str(site), "--root", str(clone), "--skip-rebuild"])
    assert result.exit_code == 0, result.output
    assert "has no full history of the main branch" in result.output


def test_a_link_on_the_site_is_refused_before_anything_reads_it(published: Gatekeepers, site: Path) -> None:
    build = site.resolve()
    source = build / V1 / "source" / "report.md"
    source.unlink()
    source.symlink_to(published.keys["cps-qa"])  # a private key of the machine running verify-site
    result = verify(published.root, site, "--skip-rebuild")
    assert result.exit_code == 1
    assert f"{V1}/source/report.md is a link: a published site holds only files" in result.output
    assert "OPENSSH PRIVATE KEY" not in result.output
