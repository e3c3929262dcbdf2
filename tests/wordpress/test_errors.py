"""Error classes against a tiny fake WordPress (413, 500, HTML instead of JSON, timeouts, ...).

No real WordPress needed: a local HTTP server answers like WordPress's REST API until the one
request a test makes fail. Each message must name the report and the step, say what to do, and
never show the application password.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from wordpress_support import SLUG, release_of, target_for

from cjji.publish.target import TargetError
from cjji.publish.wordpress import WordPressError, WordPressTarget

PASSWORD = "Secr et12 abcd EFGH ijkl mnop"
ME = {"id": 1, "roles": ["editor"], "capabilities": {"upload_files": True, "publish_posts": True}}
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Log In &lsaquo; Joint website</title></head></html>"

Answer = tuple[int, str, bytes, float]  # status, content type, body, delay in seconds


def wp_json(value: object, status: int = 200) -> Answer:
    return status, "application/json; charset=UTF-8", json.dumps(value).encode(), 0.0


class FakeWordPress:
    """Answers GET users/me, categories, posts and media like an empty WordPress; POSTs succeed
    unless `fail` names them. `fail` maps "METHOD /route" to the answer that request gets."""

    def __init__(self) -> None:
        self.fail: dict[str, Answer] = {}
        self.seen: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self, **extra: str) -> dict[str, str]:
        return {"CJJI_WP_URL": self.url, "CJJI_WP_USER": "editor",
                "CJJI_WP_APP_PASSWORD": PASSWORD, **extra}

    def answer(self, method: str, route: str, query: dict[str, list[str]]) -> Answer:
        key = f"{method} {route}"
        self.seen.append(key)
        if key in self.fail:
            return self.fail[key]
        if key == "GET /wp/v2/users/me":
            return wp_json(ME)
        if method == "GET":
            return wp_json([{"id": 7}] if route == "/wp/v2/categories" else [])
        if route == "/wp/v2/media":
            slug = query["slug"][0]
            return wp_json({"id": 50 + len(self.seen), "slug": slug, "source_url": slug}, 201)
        return wp_json({"id": 9, "link": f"{self.url}/{SLUG}/"}, 201)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                route, _, query = self.path.partition("?")
                status, content_type, body, delay = fake.answer(
                    self.command, route.removeprefix("/wp-json"), parse_qs(query))
                body = body.replace(b"{auth}", self.headers.get("Authorization", "").encode())
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_DELETE = _serve

        return Handler


@pytest.fixture
def fake() -> Iterator[FakeWordPress]:
    server = FakeWordPress()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def publish_failure(fake: FakeWordPress, release, **env: str) -> str:
    with pytest.raises(WordPressError) as failure:
        target_for(fake.env(**env)).publish(release)
    message = str(failure.value)
    assert PASSWORD not in message and PASSWORD.replace(" ", "") not in message
    assert isinstance(failure.value, TargetError)  # `cjji publish` exits 2 with the message
    return message


def test_413_names_the_file_the_report_and_what_to_raise(fake, example_version):
    fake.fail["POST /wp/v2/media"] = (413, "text/html", b"<html><title>413 Request Entity "
                                      b"Too Large</title></html>", 0.0)
    version = example_version()
    message = publish_failure(fake, release_of(version))
    assert message.startswith(f"WordPress: uploading the PDF of {SLUG} version 1 (")
    assert ("failed: the website refused the file as too large (HTTP 413). Ask the site's "
            "administrator to raise the upload limits") in message
    assert "upload_max_filesize and post_max_size" in message
    assert message.endswith("run the publish again: it carries on from here.")
    assert "POST /wp/v2/posts" not in fake.seen  # nothing links to a missing file


def test_500_with_the_wordpress_error_message(fake, example_version):
    fake.fail["POST /wp/v2/posts"] = wp_json(
        {"code": "db_insert_error", "message": "Could not insert post into the database."}, 500)
    message = publish_failure(fake, release_of(example_version()))
    assert message.startswith(
        f"WordPress: creating the post of {SLUG} version 1 failed: WordPress had an internal "
        "error (HTTP 500: Could not insert post into the database.); it may be temporary.")


def test_html_instead_of_json_says_where_to_look(fake, example_version):
    fake.fail["GET /wp/v2/users/me"] = (200, "text/html; charset=UTF-8", LOGIN_PAGE, 0.0)
    message = publish_failure(fake, release_of(example_version()))
    assert message.startswith(
        f"WordPress: checking the WordPress account before publishing {SLUG} failed: WordPress "
        'answered with a web page instead of JSON (HTTP 200, page title "Log In ‹ Joint '
        'website"). Check that CJJI_WP_URL is the site\'s address')


def test_a_timeout_says_how_long_and_how_to_wait_longer(fake, example_version):
    fake.fail["GET /wp/v2/posts"] = (*wp_json([])[:3], 2.0)
    started = time.monotonic()
    message = publish_failure(fake, release_of(example_version()), CJJI_WP_TIMEOUT="0.3")
    assert time.monotonic() - started < 2.0
    assert message.startswith(
        f"WordPress: looking up the post of {SLUG} failed: WordPress did not answer within 0.3 "
        "seconds (set CJJI_WP_TIMEOUT to wait longer).")


def test_the_password_is_masked_even_when_the_server_echoes_it(fake, example_version):
    page = b"<html><title>Debug: Authorization {auth} password " + PASSWORD.encode() + b"</title>"
    fake.fail["POST /wp/v2/media"] = (502, "text/html", page, 0.0)
    message = publish_failure(fake, release_of(example_version()))
    assert "HTTP 502" in message and "Authorization Basic ****" in message
    assert "password ****" in message


def test_a_redirect_is_reported_not_followed(fake, example_version):
    fake.fail["GET /wp/v2/users/me"] = (301, "text/html", b"", 0.0)
    message = publish_failure(fake, release_of(example_version()))
    assert "WordPress redirected to" in message and "(HTTP 301)" in message


def test_a_site_that_is_not_running_is_a_connection_failure(example_version):
    env = {"CJJI_WP_URL": "http://127.0.0.1:9", "CJJI_WP_USER": "editor",
           "CJJI_WP_APP_PASSWORD": PASSWORD}
    with pytest.raises(WordPressError, match=r"could not reach http://127\.0\.0\.1:9: "):
        target_for(env).publish(release_of(example_version()))


def test_missing_settings_name_the_variables_and_never_read_the_repository():
    with pytest.raises(WordPressError) as missing:
        WordPressTarget.from_environment({"CJJI_WP_URL": "https://example.invalid"})
    assert str(missing.value).startswith(
        "WordPress: CJJI_WP_USER, CJJI_WP_APP_PASSWORD not set.")
    target = WordPressTarget.from_environment(
        {"CJJI_WP_URL": "https://example.invalid", "CJJI_WP_USER": "u",
         "CJJI_WP_APP_PASSWORD": PASSWORD})
    assert PASSWORD not in repr(target) and "****" in repr(target)


def test_plain_http_to_a_remote_site_is_refused():
    with pytest.raises(WordPressError, match="must be the site's https:// address"):
        WordPressTarget.from_environment({"CJJI_WP_URL": "http://www.example.org",
                                          "CJJI_WP_USER": "u", "CJJI_WP_APP_PASSWORD": PASSWORD})


def test_a_failure_half_way_says_what_is_already_on_the_site() -> None:
    from cjji.publish.wordpress import _Progress

    assert _Progress(["a"]).describe() is None  # nothing uploaded, no post: nothing published
    stopped = _Progress(["a", "b"], files={"a": 3, "b": 1}, posts=["a"])
    assert stopped.describe() == ("the post of a is up to date; the post of b was not created or "
                                  "updated; 1 file already uploaded will be reused on the next run")
    assert _Progress(["a"], files={"a": 2}).describe() == (
        "the post of a was not created or updated; 2 files already uploaded will be reused on the next run")
