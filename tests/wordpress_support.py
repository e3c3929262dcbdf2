"""Helpers for the WordPress tests (importable as `wordpress_support`): releases, REST reads, fault injection."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import urllib.request
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from cjji.publish.target import Release, ReportVersion
from cjji.publish.wordpress import Response, Transport, WordPressTarget, urllib_transport

EXAMPLE_NOW = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)  # after the example's embargo
SLUG = "2026-victim-updates"
IMAGE = "2026-victim-updates-assets/images/updates.png"  # the one image the example's HTML shows
# (in the tests' copy, conftest.example_copy_with_image: the shipped example draws its chart instead)


def media_slugs(*versions: ReportVersion) -> list[str]:
    """The media slugs a version's files and images have on WordPress (the documented scheme)."""
    slugs = [f"{v.report_id}-v{v.version}-{fmt}" for v in versions for fmt in v.files]
    slugs += [f"{v.report_id}-v{v.version}-asset-{PurePosixPath(path).stem}-"
              f"{hashlib.sha256(path.encode()).hexdigest()[:8]}" for v in versions for path in v.assets]
    return sorted(slugs)


def release_of(*versions: ReportVersion, now: dt.datetime = EXAMPLE_NOW,
               added: tuple[ReportVersion, ...] | None = None) -> Release:
    new = versions if added is None else added
    return Release(versions=versions, added=tuple(v.key for v in new), now=now)


def target_for(env: dict[str, str], transport: Transport = urllib_transport) -> WordPressTarget:
    return WordPressTarget.from_environment(env, transport=transport)


class Recorder:
    """A transport that records each request's method and route, and can fail the Nth one."""

    def __init__(self, fail_at: int | None = None, *, after: bool = False,
                 failure: Callable[[], Exception] = lambda: ConnectionResetError("reset"),
                 answer: Response | None = None) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail_at, self.after, self.failure, self.answer = fail_at, after, failure, answer

    def __call__(self, request: urllib.request.Request, timeout: float) -> Response:
        self.calls.append((request.get_method(), request.full_url.split("/wp-json", 1)[-1]))
        failing = len(self.calls) == self.fail_at
        if failing and self.answer is not None:
            return self.answer  # e.g. an HTTP 500 from a proxy in front of WordPress
        if failing and not self.after:
            raise self.failure()  # the request never reached WordPress
        response = urllib_transport(request, timeout)
        if failing:
            raise self.failure()  # WordPress did it, but the answer was lost
        return response

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.calls if c[0] != "GET"]


def rest(site: Any, route: str, **params: str) -> Any:
    """GET a REST route as the administrator (context=edit)."""
    query = "&".join(f"{k}={v}" for k, v in {"context": "edit", **params}.items())
    request = urllib.request.Request(f"{site.url}/wp-json{route}?{query}")
    token = base64.b64encode(f"{site.admin}:{site.admin_password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def everything(site: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every post (any status) and every media item on the site."""
    posts = rest(site, "/wp/v2/posts", status="publish,future,draft,pending,private", per_page="100")
    media = rest(site, "/wp/v2/media", per_page="100")
    return posts, media
