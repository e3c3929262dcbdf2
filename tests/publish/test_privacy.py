# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""Issue 16 §8, privacy: no gatekeeper's e-mail address or name, no signed statement or signature,
no copy of the keys or the registry, and no review log is on the public site. Provenance stays
verifiable: the record gives each sign-off's role, time, the SHA-256 of its statement and signature
and the signing key's fingerprint, and `cjji verify-site --root REPO` finds the rest in the
repository (its working tree, else its history) and catches every edit of the record."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from publish_support import (
    REPORT,
    ROOT_PROJECT,
    keys,  # noqa: F401
    new_version,
    publish,
    sign_all,
    snapshot,
    stand_in_version,
    verify,
)
from signoff_support import PEOPLE, Gatekeepers

from cjji.cli import cli
from cjji.policy import load_policy
from cjji.publish import manifest as mf
from cjji.publish import plan
from cjji.publish import provenance as pv
from cjji.publish.record import ASSET, key_fingerprint
from cjji.publish.target import Signoff
from cjji.signoff import report_status

pytestmark = pytest.mark.slow  # publishes a site (Word, PDF and HTML)

V1 = f"reports/{REPORT}/v1"
REVIEWER = "Jane Reviewer"
REVIEWER_MAIL = "jane.reviewer@cps.example"
LOG = "reviews/cps-2026-11-28.yml"


def _review_log() -> str:
    """A factual-accuracy review log naming its reviewer, as `cjji review import` writes one."""
    items = [{"id": f"c{n}", "kind": "comment", "who": f"{REVIEWER} <{REVIEWER_MAIL}>",
              "when": "2026-11-28T10:00:00Z", "where": {"line": 10 + n, "col": 1, "mapped": "exact"},
              "comment": "This is wrong.", "status": status, **({"response": "The evidence supports it."}
                                                               if status == "rejected" else {})}
             for n, status in enumerate(["accepted", "rejected"], 1)]
    return yaml.safe_dump({
        "report": REPORT, "body": "cps", "received": "2026-11-28",
        "file": {"name": "returned.docx", "sha256": "sha256:" + "0" * 64},
        "export": {"digest": "sha256:" + "1" * 64, "version": "1", "source_sha256": "2" * 64,
                   "exported": "2026-11-20"},
        "items": items}, sort_keys=False)


@pytest.fixture(scope="module")
def reviewed_once(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Path:
    """A project (a git clone with its history) whose report has a review log naming a reviewer
    and the factual-accuracy summary on, signed, landed and published once into public/site."""
    from support import EXAMPLE

    root = tmp_path_factory.mktemp("reviewed")
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT_PROJECT / name, root / name, symlinks=True)
    site_yml = root / "templates" / "site" / "site.yml"
    site_yml.write_text(site_yml.read_text().replace("factual_accuracy_summary: false",
                                                     "factual_accuracy_summary: true"))
    report = root / "reports" / EXAMPLE.name
    shutil.copytree(EXAMPLE, report, symlinks=True)
    shutil.rmtree(report / "signoffs", ignore_errors=True)
    (report / LOG).parent.mkdir()
    (report / LOG).write_text(_review_log(), encoding="utf-8")
    kit = Gatekeepers(root, report, keys)
    kit.write_registry()
    sign_all(kit)
    (root / ".gitignore").write_text(".cache/\npublic/\n")  # as the project's own
    kit.land("reports, signed")
    result = publish(root, root / "public" / "site")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def reviewed(reviewed_once: Path, tmp_path: Path, keys: dict[str, Path]) -> Gatekeepers:  # noqa: F811
    shutil.copytree(reviewed_once, tmp_path, symlinks=True, dirs_exist_ok=True)
    return Gatekeepers(tmp_path, tmp_path / "reports" / REPORT, keys)


def _people(root: Path) -> list[str]:
    """Every e-mail address and name in the registry and the keys, and the review log's reviewer."""
    text = (root / "checks" / "gatekeepers.yml").read_text() + (root / "checks" / "allowed_signers").read_text()
    found = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text))
    found |= {m.strip().strip("\"'") for m in re.findall(r"^\s*-?\s*name:\s*(.+)$", text, re.M)}
    found |= {identity for identity, _, _ in PEOPLE.values()} | {REVIEWER, REVIEWER_MAIL}
    return sorted(p for p in found if len(p) > 3)


def _assert_nobody(blobs: dict[str, bytes], people: list[str]) -> None:
    assert people and any("@" in p for p in people) and REVIEWER in people
    for rel, data in blobs.items():
        text = data.decode("utf-8", "replace")
        for person in people:
            assert person not in rel and person not in text, f"{person} is in {rel}"
        assert not rel.endswith(".sig") and "--" not in rel.rsplit("/", 1)[-1], rel
        assert "BEGIN SSH SIGNATURE" not in text, rel
        assert '"format": "cjji-signoff/1"' not in text, f"a signed statement is {rel}"
        assert "/policy/" not in rel and not rel.endswith(("allowed_signers", "gatekeepers.yml")), rel
        assert "/source/reviews/" not in rel and "/source/signoffs/" not in rel, rel


def _write_json(path: Path, data: Any) -> None:
    path.unlink()  # a new file, as an attacker on the web server would write
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _tamper(site: Path, edit: Callable[[dict[str, Any]], None], *, provenance: bool = False) -> None:
    """Edit version 1's record (or provenance.json), then make the manifest agree with it, as an
    attacker with write access to the site would: only the repository can catch it."""
    build = site.resolve()
    path = build / V1 / (pv.PROVENANCE if provenance else mf.RECORD)
    data = json.loads(path.read_text())
    edit(data)
    if provenance:
        _write_json(path, data)
    else:
        path.unlink()
        path.write_bytes(mf.record_bytes(mf.version_from_json(data)))
    record = json.loads((build / V1 / mf.RECORD).read_text())
    manifest = json.loads((build / mf.MANIFEST).read_text())
    manifest["files"] = {rel: {"sha256": mf.sha256_file(build / rel), "size": (build / rel).stat().st_size}
                         for rel in mf.walk_files(build)}
    (entry,) = manifest["reports"][0]["versions"]
    entry["signoffs"] = record["signoffs"]
    _write_json(build / mf.MANIFEST, manifest)
    assert mf.verify(build) == [], "the manifest is consistent: only the repository can catch this"


def _signoff(record: dict[str, Any], role: str) -> dict[str, Any]:
    (found,) = [s for s in record["signoffs"] if s["role"] == role]
    return found


def test_no_person_and_no_statement_is_on_the_site_and_it_still_verifies(reviewed: Gatekeepers) -> None:
    site = reviewed.root / "public" / "site"
    files = snapshot(site)
    assert f"{V1}/source/report.md" in files and f"{V1}/{REPORT}.pdf" in files
    _assert_nobody(files, _people(reviewed.root))
    record = json.loads(files[f"{V1}/{mf.RECORD}"])
    statements = sorted((reviewed.report / "signoffs").glob("*.json"))
    assert len(record["signoffs"]) == len(statements) == 4
    for entry in record["signoffs"]:
        assert set(entry) == {"role", "signed_at", "sha256", "size", "signature", "key"}
        (statement,) = [p for p in statements if mf.sha256_file(p) == entry["sha256"]]
        sig = statement.with_name(statement.name + ".sig")
        assert entry["signature"] == {"sha256": mf.sha256_file(sig), "size": sig.stat().st_size}
        public_key = Path(f"{reviewed.keys[statement.name.split('--')[1].split('@')[0].replace('.', '-')]}.pub")
        fingerprint = subprocess.run(["ssh-keygen", "-lf", str(public_key)], capture_output=True, text=True,
                                     check=True).stdout.split()[1]
        assert entry["key"] == fingerprint == key_fingerprint(sig.read_bytes())
    prov = json.loads(files[f"{V1}/{pv.PROVENANCE}"])
    assert prov[pv.WITHHELD] == {LOG: "sha256:" + mf.sha256_file(reviewed.report / LOG)}
    # the factual-accuracy summary counts the log's items (nobody's name): rebuilt from the
    # repository's copy of the log, every output is identical
    assert "Crown Prosecution Service" in files[f"reports/{REPORT}/index.html"].decode()
    result = verify(reviewed.root, site)
    assert result.exit_code == 0, result.output
    assert "every output rebuilt and identical" in result.output


def test_statements_and_review_logs_are_found_in_the_history_when_gone_from_the_working_tree(
        reviewed: Gatekeepers) -> None:
    shutil.rmtree(reviewed.report / "signoffs")
    (reviewed.report / LOG).unlink()
    result = verify(reviewed.root, reviewed.root / "public" / "site", "--skip-rebuild")
    assert result.exit_code == 0, result.output
    # without the history as well, each missing file is named with its digest
    shutil.rmtree(reviewed.root / ".git")
    gone = verify(reviewed.root, reviewed.root / "public" / "site", "--skip-rebuild")
    assert gone.exit_code == 1
    record = json.loads((reviewed.root / "public" / "site" / V1 / mf.RECORD).read_text())
    for role in ("chief-inspector-HMCPSI", "qa-lead-HMCPSI"):
        want = _signoff(record, role)["sha256"]
        assert f"{V1}/version.json: sign-off for role {role}: no statement with SHA-256 {want} in the " \
               f"repository (reports/{REPORT}/signoffs/, now or in its history)" in gone.output
    assert f"{V1}: provenance.json: the source file {LOG} (left out of the site; SHA-256" in gone.output
    assert "verified from the trust anchors" not in gone.output


@pytest.mark.parametrize("attack", ["role", "time", "hash", "key", "deleted", "review-log", "outside"])
def test_an_edited_record_is_caught(reviewed: Gatekeepers, attack: str) -> None:
    site = reviewed.root / "public" / "site"
    qa, chief = "qa-lead-HMCPSI", "chief-inspector-HMCPSI"
    if attack == "role":  # the two HMCPSI sign-offs swap roles
        def edit(r: dict[str, Any]) -> None:
            a, b = _signoff(r, qa), _signoff(r, chief)
            a["role"], b["role"] = chief, qa
        expect = f"{V1}/version.json: sign-off for role {chief}: its statement (qa-lead-HMCPSI--"
    elif attack == "time":
        def edit(r: dict[str, Any]) -> None:
            _signoff(r, qa)["signed_at"] = "2026-01-01T00:00:00Z"
        expect = f"{V1}/version.json: sign-off for role {qa}: the record gives the time 2026-01-01T00:00:00Z"
    elif attack == "hash":
        def edit(r: dict[str, Any]) -> None:
            _signoff(r, qa)["sha256"] = "e" * 64
        expect = f"sign-off for role {qa}: no statement with SHA-256 {'e' * 64} in the repository"
    elif attack == "key":
        other = key_fingerprint((next((reviewed.report / "signoffs").glob("chief-inspector-HMCPSI--*.sig")))
                                .read_bytes())

        def edit(r: dict[str, Any]) -> None:
            _signoff(r, qa)["key"] = other
        expect = f"sign-off for role {qa}: the record gives the signing key {other}, but"
    elif attack == "deleted":
        def edit(r: dict[str, Any]) -> None:
            r["signoffs"] = [s for s in r["signoffs"] if s["role"] != qa]
        expect = f"{V1}: the required sign-off {qa} is not valid (no sign-off on the site)"
    elif attack == "review-log":  # the left-out review log's digest: the content digest no longer comes out
        def edit(r: dict[str, Any]) -> None:
            r[pv.WITHHELD][LOG] = "sha256:" + "f" * 64
        expect = "they are not what was signed"
    else:  # a left-out file outside the report folder: refused before anything looks for it
        def edit(r: dict[str, Any]) -> None:
            r[pv.WITHHELD]["reviews/../../../checks/allowed_signers"] = "sha256:" + "f" * 64
        expect = f"{V1}: provenance.json: 'withheld' is not a list of files with their SHA-256"
    _tamper(site, edit, provenance=attack in ("review-log", "outside"))
    result = verify(reviewed.root, site, "--skip-rebuild")
    assert result.exit_code == 1, result.output
    assert expect in result.output
    # --files-only only checks that the files agree with each other: it never says "verified"
    files = CliRunner().invoke(cli, ["verify-site", str(site), "--files-only"])
    assert "verified from the trust anchors" not in files.output
    if attack not in ("review-log", "outside"):
        assert files.exit_code == 0 and "the sign-offs were NOT verified" in files.output, files.output
    else:
        assert files.exit_code == 1 and expect in files.output


def test_the_wordpress_post_carries_no_person(reviewed: Gatekeepers, tmp_path: Path) -> None:
    """The whole post (its HTML and its record) of a version with the real, named sign-offs."""
    from cjji.publish.wordpress import Media, _post_fields

    policy = load_policy(reviewed.root)
    from cjji.report import load

    report = load(reviewed.report)
    signoffs: tuple[Signoff, ...] = plan.signoffs_of(report_status(reviewed.report, report.meta, policy))
    assert len(signoffs) == 4 and all("@" in s.identity for s in signoffs)
    v = dataclasses.replace(stand_in_version(tmp_path, REPORT), signoffs=signoffs)
    media = {(1, fmt): Media(n, f"https://wp.example/{n}", f.sha256) for n, (fmt, f) in enumerate(v.files.items())}
    media |= {(1, ASSET + rel): Media(50 + n, f"https://wp.example/a{n}", f.sha256)
              for n, (rel, f) in enumerate(v.assets.items())}
    payload = json.dumps(_post_fields([v], media, 3), ensure_ascii=False)
    _assert_nobody({"post": payload.encode()}, _people(reviewed.root))
    for s in signoffs:
        assert s.signature is not None and s.signature.source is not None
        assert key_fingerprint(s.signature.source.read_bytes()) in payload


def _as_published_before(root: Path, site: Path) -> None:
    """Rewrite version 1 as publishing wrote it before statements stopped being published: each
    statement and its signature beside the downloads, `policy/` copies of the keys and registry,
    the record naming each gatekeeper and statement file, and the review logs in source/."""
    build = site.resolve()
    folder = build / V1
    report_dir = root / "reports" / REPORT
    policy = load_policy(root)
    from cjji.report import load

    named = plan.signoffs_of(report_status(report_dir, load(report_dir).meta, policy))
    for s in named:
        for f in (s.file, s.signature):
            assert f is not None and f.source is not None
            shutil.copyfile(f.source, folder / f.name)
    for name, rel in pv.POLICY_FILES.items():
        (folder / pv.POLICY).mkdir(exist_ok=True)
        shutil.copyfile(root / rel, folder / pv.POLICY / name)
    record = mf.version_from_json(json.loads((folder / mf.RECORD).read_text()), build)
    old = dataclasses.replace(record, signoffs=named)
    (folder / mf.RECORD).unlink()
    (folder / mf.RECORD).write_bytes(mf.record_bytes(old))
    prov = json.loads((folder / pv.PROVENANCE).read_text())
    for rel in prov.pop(pv.WITHHELD):
        (folder / pv.SOURCE / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(report_dir / rel, folder / pv.SOURCE / rel)
    by_sha = {s.file.sha256: s.file.name for s in named}
    prov["signoffs"] = [{"file": by_sha[e.pop("sha256")], **e} for e in prov["signoffs"]]
    _write_json(folder / pv.PROVENANCE, prov)
    manifest = json.loads((build / mf.MANIFEST).read_text())
    versions = mf.read_versions(build, manifest)
    files = {rel: (mf.sha256_file(build / rel), (build / rel).stat().st_size) for rel in mf.walk_files(build)}
    rebuilt = mf.build_manifest(versions, files, manifest["base_url"])
    rebuilt["build"] = manifest["build"]
    _write_json(build / mf.MANIFEST, rebuilt)
    assert mf.verify(build) == []


def test_a_version_published_with_its_statements_still_verifies_and_is_never_rewritten(
        reviewed: Gatekeepers) -> None:
    site = reviewed.root / "public" / "site"
    _as_published_before(reviewed.root, site)
    old = {rel: data for rel, data in snapshot(site).items() if rel.startswith(V1 + "/")}
    assert any(rel.endswith(".json.sig") for rel in old) and f"{V1}/policy/allowed_signers" in old
    assert verify(reviewed.root, site, "--skip-rebuild").exit_code == 0
    # the next version is published the new way; version 1 stays byte for byte as it was
    new_version(reviewed, 2, '{type: minor, note: "Formatting."}')
    reviewed.land("version 2, signed")
    result = publish(reviewed.root, site, "2026-12-11T09:00")
    assert result.exit_code == 0, result.output
    after = snapshot(site)
    assert {rel: data for rel, data in after.items() if rel.startswith(V1 + "/")} == old
    _assert_nobody({rel: data for rel, data in after.items() if rel.startswith(f"reports/{REPORT}/v2/")},
                   _people(reviewed.root))
    again = verify(reviewed.root, site, "--skip-rebuild")
    assert again.exit_code == 0, again.output
