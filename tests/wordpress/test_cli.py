"""`cjji publish --target wordpress` end to end: the planner, the sign-offs, the real WordPress."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from publish_support import frozen_clock
from support import EXAMPLE, ROOT
from wordpress_support import SLUG, everything, fetch

from cjji.cli import cli
from cjji.publish import TARGETS
from cjji.publish.wordpress import Response, WordPressTarget, urllib_transport

pytestmark = [pytest.mark.wordpress, pytest.mark.xdist_group("wordpress")]


def publish(site, monkeypatch, now: str):  # type: ignore[no-untyped-def]
    for name, value in site.env().items():
        monkeypatch.setenv(name, value)
    with frozen_clock(now):  # a real publication takes no --now
        return CliRunner().invoke(cli, ["publish", "--target", "wordpress", "--root", str(ROOT), str(EXAMPLE)])


def test_cjji_publish_puts_the_example_report_on_wordpress_once(wordpress, monkeypatch):
    embargoed = publish(wordpress, monkeypatch, "2026-12-09T23:59")
    assert embargoed.exit_code == 0, embargoed.output
    assert f"reports/{SLUG}: embargoed: embargoed until 00:01 on 10 December 2026" in (
        embargoed.output)
    assert everything(wordpress) == ([], [])

    first = publish(wordpress, monkeypatch, "2026-12-10T09:00")
    assert first.exit_code == 0, first.output
    assert f"reports/{SLUG}: published: publishing version 1 (first publication)" in first.output
    assert f"{wordpress.url}/{SLUG}/: 1 published, 0 unchanged" in first.output
    posts, media = everything(wordpress)
    assert [p["slug"] for p in posts] == [SLUG]
    assert "Keeping victims informed" in fetch(f"{wordpress.url}/{SLUG}/").decode()

    again = publish(wordpress, monkeypatch, "2026-12-10T09:15")
    assert again.exit_code == 0, again.output
    assert f"reports/{SLUG}: unchanged: version 1 is already published, unchanged" in again.output
    assert everything(wordpress) == (posts, media)


def test_a_failure_after_the_uploads_says_what_is_already_there(wordpress, monkeypatch):
    def post_fails(request, timeout):  # type: ignore[no-untyped-def]
        if request.get_method() == "POST" and request.full_url.startswith(
                f"{wordpress.url}/wp-json/wp/v2/posts"):
            return Response(500, "text/html", b"<title>Server error</title>")
        return urllib_transport(request, timeout)

    real = TARGETS["wordpress"]
    monkeypatch.setitem(TARGETS, "wordpress",
                        lambda **_: WordPressTarget.from_environment(transport=post_fails))
    failed = publish(wordpress, monkeypatch, "2026-12-10T09:00")
    assert failed.exit_code == 2
    assert "nothing was published" not in failed.output
    assert (f"cjji publish: the post of {SLUG} was not created or updated; 3 files already "
            f"uploaded will be reused on the next run: WordPress: creating the post of {SLUG} "
            "version 1 failed: WordPress had an internal error") in failed.output
    posts, media = everything(wordpress)
    assert posts == [] and len(media) == 3  # the PDF, the Word file, the image

    monkeypatch.setitem(TARGETS, "wordpress", real)
    again = publish(wordpress, monkeypatch, "2026-12-10T09:15")
    assert again.exit_code == 0, again.output
    posts, after = everything(wordpress)
    assert [p["slug"] for p in posts] == [SLUG]
    assert sorted(m["id"] for m in after) == sorted(m["id"] for m in media)  # reused, not again
