"""The joint programme's business plan goes through the same publishing as a report (issue 19):
gates and sign-offs (cjji.programme.publishing.prepare), embargo, versions, the site's manifest
and `cjji verify-site`, which rebuilds it from its kept sources and catches tampering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publish_support import PLAN_AFTER_EMBARGO, page, publish, signed_programme, verify

from cjji.publish import manifest as mf

pytestmark = pytest.mark.slow
PLAN = "programme-2027"
V1 = f"reports/{PLAN}/v1"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example plan, signed, published once (it was embargoed a minute before)."""
    work = tmp_path_factory.mktemp("programme")
    root = signed_programme(work / "project")
    site = work / "public" / "site"
    early = publish(root, site, "2027-03-17T00:00")
    assert early.exit_code == 0, early.output
    assert "programme/2027: embargoed: embargoed until 00:01 on 17 March 2027" in early.output
    assert not (site / "reports" / PLAN).exists()  # nothing of it before the embargo lifts
    first = publish(root, site, PLAN_AFTER_EMBARGO)
    assert first.exit_code == 0, first.output
    assert "programme/2027: published: publishing version 1 (first publication)" in first.output
    return {"root": root, "site": site}


def test_the_plan_is_on_the_site_with_its_downloads_record_and_kept_sources(published: dict[str, Path]) -> None:
    build = published["site"].resolve()
    folder = build / V1
    for name in ("index.html", f"{PLAN}.pdf", f"{PLAN}.docx", mf.RECORD, "provenance.json", "source/plan.md",
                 "source/consultation.yml"):
        assert (folder / name).is_file(), name
    record = json.loads((folder / mf.RECORD).read_text())
    assert record["kind"] == "programme" and record["metadata"]["inspection_type"] == "Joint inspection business plan"
    assert "The long list" in "".join(record["body"]["parts"])
    manifest = mf.read_manifest(build)
    (entry,) = [r for r in manifest["reports"] if r["id"] == PLAN]
    assert entry["versions"][0]["kind"] == "programme"
    current = page(published["site"], f"reports/{PLAN}/index.html")
    assert "<h1>Joint inspection business plan 2027 to 2028</h1>" in current
    assert "Published" in current and "17 March 2027" in current
    assert "Business process" not in current.split("Downloads")[0]  # a plan covers every one
    index = page(published["site"], "index.html")
    assert "Joint inspection business plan 2027 to 2028" in index and "years/2027/index.html" in index


def test_the_same_plan_again_changes_nothing_and_a_silent_change_is_refused(published: dict[str, Path]) -> None:
    again = publish(published["root"], published["site"], "2027-03-21T09:00")
    assert again.exit_code == 0, again.output
    assert "programme/2027: unchanged: version 1 is already published, unchanged" in again.output
    plan = published["root"] / "programme" / "2027" / "plan.md"
    text = plan.read_text()
    plan.write_text(text.replace("This plan sets out", "This plan now sets out", 1))
    try:
        changed = publish(published["root"], published["site"], "2027-03-21T09:00")
    finally:
        plan.write_text(text)
    assert changed.exit_code == 1, changed.output
    assert ("programme/2027: REFUSED: not published: version 1 was already published on 17 March 2027 "
            "with different content") in changed.output


def test_verify_site_rebuilds_the_plan_and_catches_a_tampered_download(published: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    import shutil

    result = verify(published["root"], published["site"])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "site"
    shutil.copytree(published["site"].resolve(), copy)
    pdf = copy / V1 / f"{PLAN}.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"2027", b"2028", 1))
    tampered = verify(published["root"], copy)
    assert tampered.exit_code == 1, tampered.output
    assert f"{PLAN}.pdf" in tampered.output
