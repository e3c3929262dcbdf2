"""Publishing the example report to a real WordPress on loopback, and reading it back."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import replace

import pytest
from wordpress_support import (
    IMAGE,
    SLUG,
    Recorder,
    everything,
    fetch,
    media_slugs,
    release_of,
    rest,
    target_for,
)

from cjji.publish.plan import file_info
from cjji.publish.target import Body
from cjji.publish.wordpress import WordPressError

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
    assert sorted(m["slug"] for m in media) == media_slugs(version)
    assert len(media) == 4  # the PDF, Word and HTML files and the image the HTML version shows
    files = {f"{SLUG}-v1-{fmt}": file for fmt, file in version.files.items()}
    files |= {slug: version.assets[IMAGE] for slug in media_slugs(version) if "-asset-" in slug}
    for item in media:  # each download and image is exactly the built file
        file = files[item["slug"]]
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
    assert sorted(m["slug"] for m in media) == media_slugs(first, second)
    content = posts[0]["content"]["raw"]
    assert "Corrected a figure in chapter 3. (version 2)" in content
    assert "Earlier versions" in content
    for item in media:  # every file of both versions is still there and linked
        assert item["source_url"] in content
    assert [v.key for v in target.published()] == [(SLUG, 1), (SLUG, 2)]
    assert target.verify() == []


def test_the_posts_images_are_the_built_images_and_every_address_resolves(
    wordpress, example_version
):
    version = example_version()
    assert list(version.assets) == [IMAGE]  # the example's HTML shows one chart
    link = target_for(wordpress.env()).publish(release_of(version))

    page = fetch(link).decode()  # as a reader sees it
    body = page.split('<div class="cjji-report-body">', 1)[1].split("</div>\n<h2", 1)[0]
    images = re.findall(r'<img [^>]*src="([^"]*)"', body)
    assert len(images) == 1
    assert images[0].startswith(f"{wordpress.url}/wp-content/uploads/")
    assert fetch(html.unescape(images[0])) == version.assets[IMAGE].source.read_bytes()
    assert f'src="{IMAGE}"' not in body  # no relative path of the built page is left

    content = rest(wordpress, f"/wp/v2/posts/{everything(wordpress)[0][0]['id']}")["content"]["raw"]
    addresses = {html.unescape(a) for a in re.findall(r'\s(?:src|href)="([^"]*)"', content)}
    # links the report itself makes elsewhere (the licence and the contact in its front matter)
    external = {html.unescape(a) for a in re.findall(r'\s(?:src|href)="((?:https|mailto):[^"]*)"', version.html_body)}
    for address in sorted(addresses):  # every other address in the post is an anchor or on the site
        if address.startswith("#") or address in external:
            continue
        assert address.startswith(f"{wordpress.url}/"), address
        assert fetch(address)


def test_published_keeps_the_images_and_verify_notices_one_gone(wordpress, example_version):
    version = example_version()
    target = target_for(wordpress.env())
    target.publish(release_of(version))
    (back,) = target.published()
    assert {p: (a.sha256, a.size) for p, a in back.assets.items()} == {
        IMAGE: (version.assets[IMAGE].sha256, version.assets[IMAGE].size)}

    image = next(m for m in everything(wordpress)[1] if "-asset-" in m["slug"])
    uploaded = wordpress.content_dir / "uploads" / image["media_details"]["file"]
    uploaded.unlink()
    (problem,) = target.verify()
    assert problem.startswith(f"The image {IMAGE} of {SLUG} version 1 is missing from "
                              f"{image['source_url']} (HTTP 404")


def test_an_image_wordpress_does_not_accept_is_a_clear_error(wordpress, example_version, tmp_path):
    svg = tmp_path / "chart.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    version = example_version()
    path = f"{SLUG}-assets/images/chart.svg"
    asset = replace(file_info("asset", svg), name=path)
    body = Body((*version.body.parts[:-1], version.body.parts[-1] + '<p><img src="', '" alt="A chart"></p>'),
                (*version.body.refs, path))
    version = replace(version, assets={path: asset}, body=body)
    with pytest.raises(WordPressError) as refused:
        target_for(wordpress.env()).publish(release_of(version))
    message = str(refused.value)
    assert message.startswith(f"WordPress: uploading the image {path} of {SLUG} version 1 (")
    assert "WordPress refused the file (HTTP 500: Sorry, you are not allowed to upload this file" \
        " type.). WordPress accepts SVG images only with a plugin" in message
    assert refused.value.partial == f"the post of {SLUG} was not created or updated; 3 files " \
        "already uploaded will be reused on the next run"
    assert everything(wordpress)[0] == []
