"""The provenance manifest: every file with its SHA-256; verify finds tampered, missing and
unlisted files. Stand-in versions (no builders) keep these fast."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from publish_support import ROOT_PROJECT, release_of, stand_in_version

from cjji.policy import load_policy
from cjji.publish import manifest as mf
from cjji.publish.local import LocalTarget
from cjji.schemacheck import load_schema, validator


@pytest.fixture
def published(tmp_path: Path) -> LocalTarget:
    target = LocalTarget(tmp_path / "site", ROOT_PROJECT, load_policy(ROOT_PROJECT))
    target.publish(release_of(stand_in_version(tmp_path / "build", "2026-sample", pages=4)))
    return target


def test_the_manifest_lists_every_file_with_its_digest_and_matches_its_schema(published: LocalTarget) -> None:
    site = published.site.resolve()
    data = json.loads((site / "manifest.json").read_text())
    assert list(validator(load_schema(ROOT_PROJECT / "schemas/manifest.schema.json")).iter_errors(data)) == []
    assert set(data["files"]) == set(mf.walk_files(site))
    pdf = data["files"]["reports/2026-sample/v1/2026-sample.pdf"]
    assert pdf["sha256"] == mf.sha256_file(site / "reports/2026-sample/v1/2026-sample.pdf")
    version = data["reports"][0]["versions"][0]
    assert version["files"][0]["pages"] == 4 and version["content_digest"].startswith("sha256:")
    assert mf.verify(published.site.resolve()) == []


def test_the_record_reads_back_as_the_published_versions(published: LocalTarget, tmp_path: Path) -> None:
    [version] = published.published()
    assert version.key == ("2026-sample", 1)
    assert version.files["pdf"].pages == 4 and version.files["pdf"].source is not None
    assert mf.record_bytes(version) == (published.site / "reports/2026-sample/v1/version.json").read_bytes()


def test_a_tampered_download_is_found(published: LocalTarget) -> None:
    pdf = published.site.resolve() / "reports/2026-sample/v1/2026-sample.pdf"
    data = bytearray(pdf.read_bytes())
    data[-20] ^= 1
    pdf.unlink()  # a new file: the earlier builds, which share the old one, stay intact
    pdf.write_bytes(bytes(data))
    assert mf.verify(published.site.resolve()) == [
        "reports/2026-sample/v1/2026-sample.pdf has changed since it was published: "
        "its SHA-256 is not the one in the manifest"]


def test_missing_and_unlisted_files_are_found(published: LocalTarget) -> None:
    site = published.site.resolve()
    (site / "feed.xml").unlink()
    (site / "reports/2026-sample/v1/extra.pdf").write_bytes(b"%PDF-1.7")
    problems = mf.verify(published.site.resolve())
    assert "feed.xml is listed in the manifest but missing from the site" in problems
    assert "reports/2026-sample/v1/extra.pdf is on the site but not in the manifest" in problems


def test_a_manifest_edited_by_hand_is_found(published: LocalTarget) -> None:
    path = published.site.resolve() / "manifest.json"
    data = json.loads(path.read_text())
    data["reports"][0]["versions"][0]["content_digest"] = "sha256:" + "0" * 64
    path.unlink()
    path.write_text(json.dumps(data))
    assert mf.verify(published.site.resolve()) == [
        "2026-sample version 1: the record and the manifest disagree about 'content_digest'"]
    path.unlink()
    path.write_text("{not json")
    assert "cannot be read as JSON" in mf.verify(published.site.resolve())[0]


def test_nothing_published_says_so(tmp_path: Path) -> None:
    target = LocalTarget(tmp_path / "site", ROOT_PROJECT, load_policy(ROOT_PROJECT))
    assert target.published() == ()
    assert target.verify() == [f"{tmp_path / 'site'} does not exist or is empty: nothing has been published there"]


def test_a_second_publisher_at_the_same_time_is_turned_away(published: LocalTarget, tmp_path: Path) -> None:
    import fcntl
    import os

    from cjji.publish.target import TargetError

    fd = os.open(published.builds, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(TargetError, match="another `cjji publish` is writing to"):
            published.publish(release_of(stand_in_version(tmp_path / "again", "2026-other")))
    finally:
        os.close(fd)


def test_an_unreadable_record_stops_publishing_before_anything_changes(published: LocalTarget) -> None:
    from cjji.publish.target import TargetError

    link = os.readlink(published.site)
    (published.site.resolve() / "manifest.json").unlink()
    with pytest.raises(TargetError, match="the published site cannot be read"):
        published.published()
    assert os.readlink(published.site) == link
