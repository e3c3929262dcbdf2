# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""`cjji verify-site`: anyone can show the files on the website are what the gatekeepers signed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from publish_support import (
    REPORT,
    gk,  # noqa: F401
    keys,  # noqa: F401
    publish,
    signed,  # noqa: F401
    site,  # noqa: F401
    verify,
)
from signoff_support import Gatekeepers

from cjji.cli import cli


def _replace(path: Path, data: bytes) -> None:
    path.unlink()  # a new file, as an attacker on the web server would write
    path.write_bytes(data)


def test_a_published_site_verifies_and_a_tampered_pdf_does_not(signed: Gatekeepers, site: Path) -> None:
    assert publish(signed.root, site).exit_code == 0
    ok = verify(signed.root, site)
    assert ok.exit_code == 0 and "every file matches the manifest" in ok.output
    pdf = site / f"reports/{REPORT}/v1/{REPORT}.pdf"
    _replace(pdf, pdf.read_bytes().replace(b"Keeping", b"Keepin_", 1) + b"%")
    bad = verify(signed.root, site)
    assert bad.exit_code == 1
    assert f"reports/{REPORT}/v1/{REPORT}.pdf has changed since it was published" in bad.output


def test_a_sign_off_rewritten_along_with_the_manifest_fails_its_signature(signed: Gatekeepers, site: Path) -> None:
    """Even with every digest in the manifest updated, a forged statement does not verify."""
    from cjji.publish import manifest as mf

    publish(signed.root, site)
    build = site.resolve()
    statement = next(build.glob(f"reports/{REPORT}/v1/qa-lead-*.json"))
    data = json.loads(statement.read_text())
    data["identity"] = "cps.chief@test.example"
    forged = (json.dumps(data, indent=2) + "\n").encode()
    _replace(statement, forged)
    rel = statement.relative_to(build).as_posix()
    sha, size = mf.sha256_file(statement), len(forged)
    manifest = json.loads((build / "manifest.json").read_text())
    manifest["files"][rel] = {"sha256": sha, "size": size}
    for s in manifest["reports"][0]["versions"][0]["signoffs"]:
        if s["path"] == rel:
            s.update(sha256=sha, size=size)
    _replace(build / "manifest.json", mf.manifest_bytes(manifest))
    record = json.loads((build / f"reports/{REPORT}/v1/version.json").read_text())
    record["signoffs"] = manifest["reports"][0]["versions"][0]["signoffs"]
    _replace(build / f"reports/{REPORT}/v1/version.json", mf.record_bytes(mf.version_from_json(record)))
    manifest["files"][f"reports/{REPORT}/v1/version.json"] = {
        "sha256": mf.sha256_file(build / f"reports/{REPORT}/v1/version.json"),
        "size": (build / f"reports/{REPORT}/v1/version.json").stat().st_size}
    _replace(build / "manifest.json", mf.manifest_bytes(manifest))
    result = verify(signed.root, site)
    assert result.exit_code == 1
    assert f"the sign-off {statement.name} does not verify" in result.output


def test_a_folder_that_is_not_a_site_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify-site", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a published site: it has no manifest.json" in result.output
