"""Publishing the example report to a real WordPress on loopback, and reading it back."""

from __future__ import annotations

import hashlib
import re

import pytest
from wordpress_support import SLUG, Recorder, everything, fetch, release_of, rest, target_for

pytestmark = [pytest.mark.wordpress, pytest.mark.xdist_group("wordpress")]


def test_publish_puts_the_report_post_and_its_files_on_the_site(wordpress, example_version):
    version = example_version()
    link = target_for(wordpress.env()).publish(release_of(version))

    posts, media = everything(wordpress)
    assert [p["slug"] for p in posts] == [SLUG]
    post = posts[0]
    assert link == post["link"] == f"{wordpress.url}/{SLUG}/"
    assert post["status"] == "publish"
    assert post["title"]["raw"] == "Keeping victims informed"
    assert sorted(m["slug"] for m in media) == [f"{SLUG}-v1-docx", f"{SLUG}-v1-html", f"{SLUG}-v1-pdf"]
    for item in media:  # each download is exactly the built file
        file = version.files[item["slug"].rsplit("-", 1)[1]]
        assert hashlib.sha256(fetch(item["source_url"])).hexdigest() == file.sha256
        assert item["description"]["raw"] == f"sha256:{file.sha256}"
        assert item["source_url"] in post["content"]["raw"]

    content = post["content"]["raw"]
    pdf = version.files["pdf"]
    assert f"Keeping victims informed (PDF, {pdf.label.split(', ', 1)[1]})" in content
    assert re.search(r"PDF, [\d.]+ KB, \d+ pages", content)
    assert "<dt>Inspection type</dt><dd>Joint thematic inspection</dd>" in content
    assert "<dt>Lead inspectorate</dt><dd>His Majesty" in content
    assert "<dt>Published</dt><dd><time datetime=\"2026-12-10\">10 December 2026</time>" in content
    assert "10 December 2026</time>: First published. (version 1)" in content
    category = rest(wordpress, "/wp/v2/categories", slug="joint-inspection-reports")
    assert post["categories"] == [category[0]["id"]]

    page = fetch(link).decode()  # as a reader sees it
    assert "<h1>Keeping victims informed</h1>" in page
    assert "Victims tell us that not knowing what is happening" in page
    assert "Change history" in page


def test_published_returns_the_record_of_what_went_live(wordpress, example_version):
    version = example_version()
    target = target_for(wordpress.env())
    assert target.published() == ()
    target.publish(release_of(version))

    (back,) = target.published()
    assert back.key == version.key
    assert back.content_digest == version.content_digest
    assert back.metadata == version.metadata
    assert back.history == version.history
    assert back.recommendations == version.recommendations
    assert {f: (x.sha256, x.size, x.pages) for f, x in back.files.items()} == {
        f: (x.sha256, x.size, x.pages) for f, x in version.files.items()}
    assert target.verify() == []


def test_rerun_after_success_changes_nothing(wordpress, example_version):
    release = release_of(example_version())
    target_for(wordpress.env()).publish(release)
    posts, media = everything(wordpress)

    recorder = Recorder()
    target_for(wordpress.env(), recorder).publish(release)

    assert recorder.writes == []  # not one POST or DELETE
    again_posts, again_media = everything(wordpress)
    assert [(p["id"], p["modified_gmt"]) for p in again_posts] == [
        (p["id"], p["modified_gmt"]) for p in posts]
    assert sorted(m["id"] for m in again_media) == sorted(m["id"] for m in media)


def test_a_new_version_updates_the_post_and_keeps_the_earlier_files(
    wordpress, example_version, tmp_path
):
    first = example_version()
    target = target_for(wordpress.env())
    target.publish(release_of(first))
    (post,) = everything(wordpress)[0]

    changed = {}
    for fmt, path in {"pdf": first.files["pdf"].source, "html": first.files["html"].source}.items():
        changed[fmt] = tmp_path / path.name
        changed[fmt].write_bytes(path.read_bytes() + b"\n")  # a corrected build
    second = example_version(2, first.history, note="Corrected a figure in chapter 3.",
                             files={**changed, "docx": first.files["docx"].source})
    target.publish(release_of(first, second, added=(second,)))

    posts, media = everything(wordpress)
    assert [p["id"] for p in posts] == [post["id"]]
    slugs = sorted(m["slug"] for m in media)
    assert slugs == sorted(f"{SLUG}-v{v}-{f}" for v in (1, 2) for f in ("pdf", "docx", "html"))
    content = posts[0]["content"]["raw"]
    assert "Corrected a figure in chapter 3. (version 2)" in content
    assert "Earlier versions" in content
    for item in media:  # every file of both versions is still there and linked
        assert item["source_url"] in content
    assert [v.key for v in target.published()] == [(SLUG, 1), (SLUG, 2)]
    assert target.verify() == []
