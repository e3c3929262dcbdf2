"""Embargo, a wrong application password and a user without permission, on the real WordPress."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from wordpress_support import SLUG, Recorder, everything, release_of, target_for

from cjji.cli import cli
from cjji.publish.target import human_size
from cjji.publish.wordpress import WordPressError, _uploads

pytestmark = [pytest.mark.wordpress, pytest.mark.xdist_group("wordpress")]
WRONG = "abcd EFGH ijkl MNOP qrst UVWX"


def test_nothing_of_an_embargoed_report_is_uploaded(wordpress, example_version):
    version = example_version()
    early = dt.datetime(2026, 12, 10, 0, 0, tzinfo=dt.UTC)  # one minute before the embargo
    recorder = Recorder()
    with pytest.raises(WordPressError) as refused:
        target_for(wordpress.env(), recorder).publish(release_of(version, now=early))
    assert str(refused.value) == (
        f"WordPress: {SLUG} version 1 is under embargo until 00:01 on 10 December 2026 "
        "(UK time, GMT); nothing of it was uploaded")
    assert recorder.calls == []  # not even a look
    assert everything(wordpress) == ([], [])

    on_time = dt.datetime(2026, 12, 10, 0, 1, tzinfo=dt.UTC)
    target_for(wordpress.env()).publish(release_of(version, now=on_time))
    assert [p["slug"] for p in everything(wordpress)[0]] == [SLUG]


def test_a_wrong_application_password_is_refused_with_a_clear_message(wordpress, example_version):
    with pytest.raises(WordPressError) as refused:
        target_for(wordpress.env(password=WRONG)).publish(release_of(example_version()))
    message = str(refused.value)
    assert message.startswith(
        f"WordPress: checking the WordPress account before publishing {SLUG} failed: WordPress "
        "refused the user name or application password (HTTP 401")
    assert "CJJI_WP_APP_PASSWORD" in message and "run the publish again" in message
    assert WRONG not in message and WRONG.replace(" ", "") not in message
    assert everything(wordpress) == ([], [])


def test_a_subscriber_may_not_publish_and_nothing_is_uploaded(wordpress, example_version):
    env = wordpress.env(user=wordpress.subscriber, password=wordpress.subscriber_password)
    with pytest.raises(WordPressError) as refused:
        target_for(env).publish(release_of(example_version()))
    assert (f"the WordPress user '{wordpress.subscriber}' (role: subscriber) may not upload "
            "files or publish posts; give it the Editor or Administrator role") in str(refused.value)
    assert wordpress.subscriber_password not in str(refused.value)
    assert everything(wordpress) == ([], [])


def test_a_403_from_wordpress_names_the_user_and_the_step(wordpress, example_version):
    """Past the account check (as if the role changed meanwhile), WordPress itself refuses."""
    target = target_for(wordpress.env(user=wordpress.subscriber,
                                      password=wordpress.subscriber_password))
    version = example_version()
    pdf = version.files["pdf"]
    with pytest.raises(WordPressError) as refused:
        target._upload(next(u for u in _uploads(version) if u.key == "pdf"))
    assert str(refused.value).startswith(
        f"WordPress: uploading the PDF of {SLUG} version 1 ({human_size(pdf.size)}) failed: the "
        f"WordPress user '{wordpress.subscriber}' is not allowed to do this (HTTP 403: Sorry, you "
        "are not allowed to create posts as this user.)")


def test_cjji_publish_with_a_wrong_password_exits_2_without_printing_it(wordpress, monkeypatch):
    for name, value in wordpress.env(password=WRONG).items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["publish", "--target", "wordpress"])
    assert result.exit_code == 2
    assert "refused the user name or application password (HTTP 401" in result.output
    assert WRONG not in result.output
