"""`cjji publish --target wordpress` puts the joint programme's business plan on the real
WordPress as it puts a report (issue 19): embargo first, then one post with its downloads and
its record, and nothing again when nothing changed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from publish_support import PLAN_AFTER_EMBARGO, frozen_clock, signed_programme
from wordpress_support import everything, fetch

from cjji.cli import cli
from cjji.publish.wordpress import _record

pytestmark = [pytest.mark.wordpress, pytest.mark.xdist_group("wordpress"), pytest.mark.slow]
PLAN = "programme-2027"


def test_the_business_plan_goes_on_wordpress_like_a_report(wordpress, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    root = signed_programme(tmp_path / "project")
    for name, value in wordpress.env().items():
        monkeypatch.setenv(name, value)

    def publish(now: str):  # type: ignore[no-untyped-def]
        with frozen_clock(now):
            return CliRunner().invoke(cli, ["publish", "--target", "wordpress", "--root", str(root),
                                            str(root / "programme" / "2027")])

    early = publish("2027-03-16T23:00")
    assert early.exit_code == 0, early.output
    assert "programme/2027: embargoed: embargoed until 00:01 on 17 March 2027" in early.output
    assert everything(wordpress) == ([], [])

    first = publish(PLAN_AFTER_EMBARGO)
    assert first.exit_code == 0, first.output
    assert "programme/2027: published: publishing version 1 (first publication)" in first.output
    posts, media = everything(wordpress)
    assert [p["slug"] for p in posts] == [PLAN]
    record = _record(posts[0])
    assert record is not None and record["versions"][0]["kind"] == "programme"
    assert sorted(m["slug"] for m in media) == [f"{PLAN}-v1-docx", f"{PLAN}-v1-pdf"]
    shown = fetch(f"{wordpress.url}/{PLAN}/").decode()
    assert "Joint inspection business plan 2027 to 2028" in shown and "The long list" in shown

    again = publish("2027-03-20T09:15")
    assert again.exit_code == 0, again.output
    assert "programme/2027: unchanged: version 1 is already published, unchanged" in again.output
    assert everything(wordpress) == (posts, media)
