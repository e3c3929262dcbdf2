"""`cjji publish --target wordpress` end to end: the planner, the sign-offs, the real WordPress."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from support import EXAMPLE, ROOT
from wordpress_support import SLUG, everything, fetch

from cjji.cli import cli

pytestmark = [pytest.mark.wordpress, pytest.mark.xdist_group("wordpress")]


def publish(site, monkeypatch, now: str):  # type: ignore[no-untyped-def]
    for name, value in site.env().items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(cli, ["publish", "--target", "wordpress", "--now", now,
                                    "--root", str(ROOT), str(EXAMPLE)])


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
