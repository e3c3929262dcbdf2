"""The `wordpress` target: publish report versions to the joint website through its REST API.

One POST per report (slug = the report id, in the category "Joint inspection reports"), not a
page: posts carry a date, an excerpt and a category, so the site's listings and its RSS feed
(/category/joint-inspection-reports/feed/) announce new reports and major changes with no extra
work. The post shows the HTML version, the metadata (published, last updated, inspection type,
lead and other inspectorates), the downloads with format, size and page count, earlier versions'
downloads, the sign-offs and the change history.

Each file of each version is one media item with the stable slug `<report id>-v<version>-<format>`
and the description `sha256:<hex>`; earlier versions' media are never deleted. So is each image
the HTML version shows (ReportVersion.assets), with the slug
`<report id>-v<version>-asset-<file name>-<8 hex digits of its path>`, and each companion file
(`...-companion-...`); the post's copy of the HTML version puts those media URLs where the
renderer kept each image's reference apart (ReportVersion.body), never rewriting the HTML.
The post ends with an empty `<div class="cjji-record" data-cjji-record="...">`: the record
(JSON) of every version it shows (cjji.publish.record's mapping, as the local site's
version.json, each file with its media id and URL), and the digest of what was rendered.
So the record lives on the site itself (CI machines keep nothing) and the site needs no plugin.

Idempotent and resumable: media are looked up by slug before uploading, so a re-run after a
failure anywhere (network error, HTTP 500, killed process) reuses what arrived and uploads only
what did not; the post is written last, in one request, and only when its digest changes. A
release is published in two phases: every new file first (nothing links to them yet), then one
request per report post.

Configuration from the environment only: CJJI_WP_URL (the site's address), CJJI_WP_USER,
CJJI_WP_APP_PASSWORD (an application password: Users > Profile > Application passwords),
optionally CJJI_WP_TIMEOUT (seconds per request, default 60) and CJJI_WP_CATEGORY (the category
slug). The password is never printed: every message is masked.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from cjji.dates import long_date
from cjji.publish.embargo import describe
from cjji.publish.record import ASSET, COMPANION, version_dir, version_from_json, version_to_json
from cjji.publish.target import (
    KIND_LABELS,
    WELSH,
    PublishedFile,
    Release,
    ReportVersion,
    TargetError,
    human_size,
)

ENV_URL = "CJJI_WP_URL"
ENV_USER = "CJJI_WP_USER"
ENV_PASSWORD = "CJJI_WP_APP_PASSWORD"
ENV_TIMEOUT = "CJJI_WP_TIMEOUT"
ENV_CATEGORY = "CJJI_WP_CATEGORY"
DEFAULT_TIMEOUT = 60.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # plain http is allowed only here (tests)
CATEGORY_SLUG = "joint-inspection-reports"
CATEGORY_NAME = "Joint inspection reports"
RECORD_FORMAT = 2  # 1: the layout before cjji.publish.record (read, and upgraded, still)
FORMAT_ORDER = ("pdf", "docx", "html")
ANY_STATUS = "publish,future,draft,pending,private"
RERUN = "Nothing was deleted; once this is fixed, run the publish again: it carries on from here."
RECORD_RE = re.compile(r'<div class="cjji-record" data-cjji-record="([^"]*)"></div>')
SHA_RE = re.compile(r"sha256:([0-9a-f]{64})")
UPLOAD_REFUSED = ("rest_upload_sideload_error", "rest_upload_unknown_error")
# media keys: a download's format; ASSET + an image's path; COMPANION + a companion file's path


class WordPressError(TargetError):
    """Publishing to WordPress failed at one step; the message names the report and the step."""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


Transport = Callable[[urllib.request.Request, float], Response]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is reported, never followed (it would turn a POST into a GET)


_OPENER = urllib.request.build_opener(_NoRedirect)


def urllib_transport(request: urllib.request.Request, timeout: float) -> Response:
    """Send one request; HTTP error statuses are returned, network failures raise OSError."""
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            return Response(answer.status, answer.headers.get("Content-Type", ""), answer.read())
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location", "") if error.headers else ""
        body = error.read() if error.fp else b""
        content_type = error.headers.get("Content-Type", "") if error.headers else ""
        if 300 <= error.code < 400:
            body = location.encode()
        return Response(error.code, content_type, body)


@dataclass(frozen=True)
class Media:
    id: int
    url: str
    sha256: str


@dataclass(frozen=True)
class _Upload:
    """One file a version needs on WordPress: a download (key: its format) or an image the HTML
    version shows (key: ASSET + its path)."""

    version: ReportVersion
    file: PublishedFile
    key: str
    slug: str
    what: str  # "the PDF of <id> version 1", for messages
    title: str  # the media item's title


@dataclass
class _Progress:
    """What one publish did on WordPress before it stopped (for the message if it fails)."""

    reports: list[str]
    # report -> its files uploaded, or reused from an interrupted run, in this run
    files: dict[str, int] = field(default_factory=dict)
    posts: list[str] = field(default_factory=list)  # reports whose post is up to date

    def describe(self) -> str | None:
        left = [r for r in self.reports if r not in self.posts]
        waiting = sum(self.files.get(r, 0) for r in left)  # on the site, linked from no post
        if not waiting and not self.posts:
            return None
        parts = []
        if self.posts:
            parts.append(f"the post of {', '.join(self.posts)} is up to date")
        if left:
            parts.append(f"the post of {', '.join(left)} was not created or updated")
        if waiting:
            parts.append(f"{waiting} file{'s' if waiting != 1 else ''} already uploaded "
                         "will be reused on the next run")
        return "; ".join(parts)


class WordPressClient:
    """The few REST calls the target makes, each turned into a plain-English error on failure."""

    def __init__(
        self, url: str, user: str, password: str, *, timeout: float = DEFAULT_TIMEOUT,
        transport: Transport = urllib_transport,
    ) -> None:
        self.url = url.rstrip("/")
        self.user = user
        self._secrets = _secret_forms(user, password)
        self._authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.timeout = timeout
        self.transport = transport

    def __repr__(self) -> str:
        return f"WordPressClient({self.url!r}, user={self.user!r}, password=****)"

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "****")
        return text

    def call(
        self, method: str, route: str, step: str, *, params: Mapping[str, str] | None = None,
        payload: Any = None, data: bytes | IO[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One REST call to /wp-json<route>; returns the decoded JSON or raises WordPressError."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        if payload is not None:
            data = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        # data first: setting Request.data drops a Content-Length header already there
        request = urllib.request.Request(f"{self.url}/wp-json{route}{query}", data=data,
                                         method=method)
        request.add_header("Authorization", self._authorization)
        request.add_header("Accept", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        late = f"WordPress did not answer within {self.timeout:g} seconds (set {ENV_TIMEOUT} " \
            "to wait longer)"
        try:
            response = self.transport(request, self.timeout)
        except TimeoutError as error:
            raise self.error(step, late) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self.error(step, late) from error
            raise self.error(step, f"could not reach {self.url}: {error.reason}") from error
        except OSError as error:
            hint = ("; a web server that refuses files this large may close the connection "
                    "like this") if hasattr(data, "read") else ""
            raise self.error(step, f"the connection to {self.url} failed: {error}{hint}") from error
        return self.decode(response, step)

    def decode(self, response: Response, step: str) -> Any:
        masked = response.body
        for secret in self._secrets:  # before any part of the body is quoted or cut short
            masked = masked.replace(secret.encode(), b"****")
        response = Response(response.status, response.content_type, masked)
        try:
            body = json.loads(response.body) if "json" in response.content_type else None
        except ValueError:
            body = None
        if 300 <= response.status < 400:
            location = response.body.decode(errors="replace")
            raise self.error(step, f"WordPress redirected to {location} (HTTP {response.status});"
                             f" set {ENV_URL} to the site's address exactly as WordPress gives it")
        if response.status == 401:
            raise self.error(step, f"WordPress refused the user name or application password "
                             f"(HTTP 401{_wp_message(body)}). Check {ENV_USER} and {ENV_PASSWORD}: "
                             "the password must be an application password (Users > Profile > "
                             "Application passwords), not the login password")
        if response.status == 403:
            raise self.error(step, f"the WordPress user '{self.user}' is not allowed to do this "
                             f"(HTTP 403{_wp_message(body)}); give it the Editor or Administrator "
                             "role, or use another user")
        if response.status == 413:
            raise self.error(step, "the website refused the file as too large (HTTP 413). Ask "
                             "the site's administrator to raise the upload limits (web server: "
                             "client_max_body_size or LimitRequestBody; PHP: upload_max_filesize "
                             "and post_max_size)")
        if isinstance(body, dict) and body.get("code") in UPLOAD_REFUSED:
            raise self.error(step, f"WordPress refused the file (HTTP {response.status}"
                             f"{_wp_message(body)}). WordPress accepts SVG images only with a "
                             "plugin that cleans them: use a PNG instead, or ask the site's "
                             "administrator to allow the file type")
        if response.status >= 500:
            detail = _wp_message(body) or _page_title(response.body)
            raise self.error(step, f"WordPress had an internal error (HTTP {response.status}"
                             f"{detail}); it may be temporary")
        if body is None:
            raise self.error(step, "WordPress answered with a web page instead of JSON"
                             f" (HTTP {response.status}{_page_title(response.body)}). Check that "
                             f"{ENV_URL} is the site's address and that its REST API (/wp-json/) "
                             "is not behind a login page, maintenance mode or a security plugin")
        if response.status >= 400:
            raise self.error(step, f"WordPress answered HTTP {response.status}"
                             f"{_wp_message(body)}")
        return body

    def error(self, step: str, reason: str) -> WordPressError:
        return WordPressError(self.mask(f"WordPress: {step} failed: {reason}. {RERUN}"))

    def items(self, route: str, step: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """Every item of a collection (follows pages of 100)."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            batch = self.call("GET", route, step, params={**params, "per_page": "100",
                                                          "page": str(page)})
            if not isinstance(batch, list):
                raise self.error(step, "WordPress answered with something other than a list")
            found += batch
            if len(batch) < 100:
                return found
            page += 1


class WordPressTarget:
    """Publishes releases to a WordPress site; see the module docstring for the layout."""

    name = "wordpress"

    def __init__(self, client: WordPressClient, *, category: str = CATEGORY_SLUG) -> None:
        self.client = client
        self.category_slug = category

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, transport: Transport = urllib_transport
    ) -> WordPressTarget:
        environ = os.environ if environ is None else environ
        missing = [n for n in (ENV_URL, ENV_USER, ENV_PASSWORD) if not environ.get(n, "").strip()]
        if missing:
            raise WordPressError(
                f"WordPress: {', '.join(missing)} not set. Set {ENV_URL} (the site's address), "
                f"{ENV_USER} and {ENV_PASSWORD} (an application password; in CI a repository "
                "secret) in the environment; they are never read from the repository"
            )
        url = environ[ENV_URL].strip()
        parts = urllib.parse.urlsplit(url)
        loopback = parts.scheme == "http" and parts.hostname in LOOPBACK
        if parts.scheme != "https" and not loopback or not parts.hostname:
            raise WordPressError(
                f"WordPress: {ENV_URL} must be the site's https:// address (it is '{url}'); "
                "plain http:// would send the application password in clear text"
            )
        try:
            timeout = float(environ.get(ENV_TIMEOUT) or DEFAULT_TIMEOUT)
        except ValueError:
            raise WordPressError(f"WordPress: {ENV_TIMEOUT} must be a number of seconds") from None
        client = WordPressClient(url, environ[ENV_USER].strip(), environ[ENV_PASSWORD],
                                 timeout=timeout, transport=transport)
        return cls(client, category=environ.get(ENV_CATEGORY) or CATEGORY_SLUG)

    def __repr__(self) -> str:
        return f"WordPressTarget({self.client!r})"

    # -- the Target protocol --------------------------------------------------------------

    def published(self) -> tuple[ReportVersion, ...]:
        self._check_account("reading what is published")
        versions = [v for post in self._report_posts() for v in _record_versions(post)]
        return tuple(sorted(versions, key=lambda v: (v.published_at, v.report_id, v.version)))

    def publish(self, release: Release) -> str:
        for version in release.new_versions():
            if release.now < version.embargo:
                raise WordPressError(
                    f"WordPress: {version.report_id} version {version.version} is under embargo "
                    f"until {describe(version.embargo)}; nothing of it was uploaded"
                )
        # a report with no new version is left alone: its post already shows what it should
        changing = {report_id for report_id, _ in release.added}
        if not changing:
            return self.client.url
        self._check_account(f"publishing {', '.join(sorted(changing))}")
        category = self._category_id()
        reports: dict[str, list[ReportVersion]] = {}
        for version in sorted(release.versions, key=lambda v: (v.report_id, v.version)):
            if version.report_id in changing:
                reports.setdefault(version.report_id, []).append(version)
        progress = _Progress(list(reports))
        try:
            posts = {report_id: self._find_post(report_id) for report_id in reports}
            media = {
                report_id: self._upload_files(versions, _record(posts[report_id]), progress)
                for report_id, versions in reports.items()
            }
            links = []
            for report_id, versions in reports.items():
                links.append(self._write_post(versions, posts[report_id], media[report_id],
                                              category))
                progress.posts.append(report_id)
        except WordPressError as error:
            raise WordPressError(str(error), partial=progress.describe()) from error
        return links[0] if len(links) == 1 else self.client.url

    def verify(self) -> list[str]:
        problems: list[str] = []
        for post in self._report_posts():
            record = _record(post)
            slug = post.get("slug", "?")
            if post.get("status") != "publish":
                problems.append(f"The post of {slug} is {post.get('status')}, not published.")
            if record is None:
                problems.append(f"The post of {slug} has lost its cjji record.")
                continue
            for entry in record["versions"]:
                of = f"of {entry['id']} version {entry['version']}"
                for key, item in _media_items(entry):
                    what = (f"The image {key.removeprefix(ASSET)}" if key.startswith(ASSET) else
                            f"The companion {key.removeprefix(COMPANION)}" if key.startswith(COMPANION)
                            else f"The {key.upper()}")
                    problems += self._verify_file(f"{what} {of}", item)
        return problems

    # -- steps ----------------------------------------------------------------------------

    def _check_account(self, purpose: str) -> None:
        step = f"checking the WordPress account before {purpose}"
        me = self.client.call("GET", "/wp/v2/users/me", step, params={"context": "edit"})
        capabilities = me.get("capabilities", {}) if isinstance(me, dict) else {}
        lacking = [c for c in ("upload_files", "publish_posts") if not capabilities.get(c)]
        if lacking:
            roles = ", ".join(me.get("roles", [])) or "none"
            raise self.client.error(step, f"the WordPress user '{self.client.user}' (role: {roles})"
                                    f" may not {' or '.join(c.replace('_', ' ') for c in lacking)};"
                                    " give it the Editor or Administrator role")

    def _category_id(self) -> int:
        step = f"finding the category '{self.category_slug}'"
        found = self.client.call("GET", "/wp/v2/categories", step,
                                 params={"slug": self.category_slug})
        if found:
            return int(found[0]["id"])
        created = self.client.call("POST", "/wp/v2/categories", f"creating the category "
                                   f"'{self.category_slug}'", payload={
                                       "name": CATEGORY_NAME, "slug": self.category_slug})
        return int(created["id"])

    def _report_posts(self) -> list[dict[str, Any]]:
        step = "listing the reports on WordPress"
        found = self.client.call("GET", "/wp/v2/categories", step,
                                 params={"slug": self.category_slug})
        if not found:
            return []
        posts = self.client.items("/wp/v2/posts", step, {
            "categories": str(found[0]["id"]), "status": ANY_STATUS, "context": "edit"})
        return [p for p in posts if _record(p) is not None]

    def _find_post(self, report_id: str) -> dict[str, Any] | None:
        step = f"looking up the post of {report_id}"
        found = self.client.call("GET", "/wp/v2/posts", step, params={
            "slug": report_id, "status": ANY_STATUS, "context": "edit"})
        if not found:
            return None
        post: dict[str, Any] = found[0]
        record = _record(post)
        if record is None or record.get("report_id") != report_id:
            raise self.client.error(step, f"a post with the address /{report_id}/ (id "
                                    f"{post['id']}) exists but was not published by cjji; rename "
                                    "or delete it in WordPress, cjji will not overwrite it")
        return post

    def _upload_files(
        self, versions: list[ReportVersion], record: dict[str, Any] | None, progress: _Progress
    ) -> dict[tuple[int, str], Media]:
        """Every file and image of every version as a media item, reusing what is already
        there; keyed by (version, format) and (version, ASSET + path)."""
        report_id = versions[0].report_id
        known: dict[tuple[int, str], Media] = {}
        for entry in (record or {}).get("versions", []):
            for name, recorded in _media_items(entry):
                known[(entry["version"], name)] = Media(recorded["media_id"], recorded["url"],
                                                        recorded["sha256"])
        wanted = [upload for version in versions for upload in _uploads(version)]
        lookup = [u.slug for u in wanted if (u.version.version, u.key) not in known]
        existing = self._media_by_slug(report_id, lookup)
        media: dict[tuple[int, str], Media] = {}
        for upload in wanted:
            key = (upload.version.version, upload.key)
            if key in known:
                if known[key].sha256 != upload.file.sha256:
                    raise WordPressError(
                        f"WordPress: {upload.what} is already published with different content "
                        f"(sha256 {known[key].sha256[:12]}..., now {upload.file.sha256[:12]}...)."
                        " A published version is never changed: publish a new version instead"
                    )
                media[key] = known[key]
                continue
            item = existing.get(upload.slug)
            reused = self._usable_or_removed(item, upload) if item is not None else None
            media[key] = reused or self._upload(upload)
            progress.files[report_id] = progress.files.get(report_id, 0) + 1
        return media

    def _media_by_slug(self, report_id: str, slugs: list[str]) -> dict[str, dict[str, Any]]:
        if not slugs:
            return {}
        items = self.client.items("/wp/v2/media", f"looking up the files of {report_id}", {
            "slug": ",".join(slugs), "context": "edit"})
        return {item["slug"]: item for item in items}

    def _usable_or_removed(self, item: dict[str, Any], upload: _Upload) -> Media | None:
        """An item an interrupted run left: reused if complete, deleted if it is not the file."""
        description = item.get("description", {})
        raw = description.get("raw", "") if isinstance(description, dict) else str(description)
        match = SHA_RE.search(raw)
        if match is None:
            raise self.client.error(f"checking {upload.what}", f"a media item with the slug "
                                    f"'{item['slug']}' (id {item['id']}) exists but was not "
                                    "uploaded by cjji; rename or delete it in WordPress")
        details = item.get("media_details") or {}
        # an image WordPress scaled or rotated keeps the upload as "original_image", and
        # "filesize" is then the size of WordPress's copy
        size = None if details.get("original_image") else details.get("filesize")
        if match.group(1) == upload.file.sha256 and size in (None, upload.file.size):
            return Media(int(item["id"]), _original_url(item), upload.file.sha256)
        # never linked from a post (it is not in the record): an incomplete or outdated upload
        self.client.call("DELETE", f"/wp/v2/media/{item['id']}",
                         f"removing an incomplete upload of {upload.what}",
                         params={"force": "true"})
        return None

    def _upload(self, upload: _Upload) -> Media:
        version, file = upload.version, upload.file
        step = f"uploading {upload.what} ({human_size(file.size)})"
        if file.source is None or not file.source.is_file():
            raise self.client.error(step, f"the file {file.name} is not on this machine "
                                    "(build the report first)")
        params = {"slug": upload.slug, "title": upload.title,
                  "description": f"sha256:{file.sha256}"}
        headers = {
            "Content-Type": file.media_type,
            "Content-Length": str(file.size),
            "Content-Disposition": f'attachment; filename="{_upload_name(version, file)}"',
        }
        with file.source.open("rb") as body:
            item = self.client.call("POST", "/wp/v2/media", step, params=params, data=body,
                                    headers=headers)
        if item.get("slug") != params["slug"]:
            raise self.client.error(step, f"WordPress stored it as '{item.get('slug')}' instead "
                                    f"of '{params['slug']}'")
        return Media(int(item["id"]), _original_url(item), file.sha256)

    def _write_post(
        self, versions: list[ReportVersion], post: dict[str, Any] | None,
        media: dict[tuple[int, str], Media], category: int,
    ) -> str:
        latest = versions[-1]
        fields = _post_fields(versions, media, category)
        if post is not None and post.get("status") == "publish":
            old = _record(post) or {}
            if old.get("digest") == fields["cjji_digest"]:
                return str(post.get("link", ""))
        fields.pop("cjji_digest")
        if post is None:
            step = f"creating the post of {latest.report_id} version {latest.version}"
            written = self.client.call("POST", "/wp/v2/posts", step, payload=fields)
        else:
            step = f"updating the post of {latest.report_id} to version {latest.version}"
            written = self.client.call("POST", f"/wp/v2/posts/{post['id']}", step, payload=fields)
        return str(written.get("link", ""))

    def _verify_file(self, what: str, item: dict[str, Any]) -> list[str]:
        try:
            request = urllib.request.Request(item["url"])
            response = self.client.transport(request, self.client.timeout)
        except OSError as error:
            return [f"{what} could not be fetched from {item['url']}: {error}."]
        if response.status != 200:
            return [f"{what} is missing from {item['url']} (HTTP {response.status})."]
        if hashlib.sha256(response.body).hexdigest() != item["sha256"]:
            return [f"{what} at {item['url']} is not the published file (its digest differs)."]
        return []


# -- the post -------------------------------------------------------------------------------


def _post_fields(
    versions: list[ReportVersion], media: dict[tuple[int, str], Media], category: int
) -> dict[str, Any]:
    latest = versions[-1]
    content = _render(versions, media)
    record = {
        "format": RECORD_FORMAT,
        "report_id": latest.report_id,
        "versions": [_version_record(v, media) for v in versions],
    }
    fields: dict[str, Any] = {
        "slug": latest.report_id,
        "title": latest.title,
        "excerpt": latest.metadata.summary,
        "status": "publish",  # dated by WordPress's clock: a date ahead of it would schedule it
        "categories": [category],
    }
    digest = hashlib.sha256(json.dumps([fields, content, record], sort_keys=True,
                                       default=str).encode()).hexdigest()
    record["digest"] = digest
    encoded = html.escape(json.dumps(record, sort_keys=True, default=str), quote=True)
    fields["content"] = f'{content}\n<div class="cjji-record" data-cjji-record="{encoded}"></div>'
    fields["cjji_digest"] = digest
    return fields


def _render(versions: list[ReportVersion], media: dict[tuple[int, str], Media]) -> str:
    latest = versions[-1]
    meta = latest.metadata
    e = html.escape
    rows = [("Published", _time(latest.first_published))]
    if latest.last_updated != latest.first_published:
        rows.append(("Last updated", _time(latest.last_updated)))
    rows += [("Inspection type", e(meta.inspection_type)), ("Lead inspectorate", e(meta.lead))]
    if meta.inspectorates:
        rows.append(("Participating inspectorates", e(", ".join((meta.lead, *meta.inspectorates)))))
    if meta.themes:
        rows.append(("Themes" if len(meta.themes) > 1 else "Theme", '<ul class="cjji-themes">'
                     + "".join(f"<li>{e(t)}</li>" for t in meta.themes) + "</ul>"))
    rows.append(("Version", str(latest.version)))
    parts = [
        f'<div class="cjji-report" data-cjji-report="{e(latest.report_id)}" '
        f'data-cjji-version="{latest.version}">',
        f'<p class="cjji-subtitle">{e(meta.subtitle)}</p>' if meta.subtitle else "",
        '<dl class="cjji-metadata">'
        + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>",
    ]
    majors = [c for c in latest.history if c.type == "major"]
    if latest.last_updated != latest.first_published and majors:
        parts.append(f'<p class="cjji-updated"><strong>Updated {_time(majors[-1].date)}:</strong> '
                     f"{e(majors[-1].note)}</p>")
    if latest.withdrawn is not None:
        parts.append(f'<p class="cjji-withdrawn"><strong>Withdrawn on '
                     f"{_time(latest.withdrawn.date)}</strong>: {e(latest.withdrawn.reason)}</p>")
    if meta.summary:
        parts.append(f'<h2 id="summary">Summary</h2><p class="cjji-summary">{e(meta.summary)}</p>')
    parts += ['<h2 id="downloads">Downloads</h2>', _downloads(latest, media), _companions(latest, media)]
    parts += ['<div class="cjji-report-body">', _linked_body(latest, media), "</div>"]
    if len(versions) > 1:
        parts.append('<h2 id="earlier-versions">Earlier versions</h2><ul class="cjji-earlier">')
        for version in reversed(versions[:-1]):
            parts.append(f"<li>Version {version.version} ({_time(version.change.date)}): "
                         f"{_downloads(version, media, inline=True)}</li>")
        parts.append("</ul>")
    if latest.reviews:
        parts.append('<h2 id="factual-accuracy">Factual accuracy check</h2><table class="cjji-reviews"><thead><tr>'
                     '<th scope="col">Body</th><th scope="col">Items received</th><th scope="col">Accepted</th>'
                     '<th scope="col">Rejected</th></tr></thead><tbody>'
                     + "".join(f'<tr><th scope="row">{e(r.body)}</th><td>{r.received}</td><td>{r.accepted}</td>'
                               f"<td>{r.rejected}</td></tr>" for r in latest.reviews) + "</tbody></table>")
    if latest.signoffs:
        # roles, not people's e-mail addresses (as the site's page): the signed statements carry
        # the identities for anyone who verifies them
        parts.append('<h2 id="sign-offs">Signed off</h2><ul class="cjji-signoffs">')
        parts += [f"<li>{e(s.role)} ({e(s.signed_at)})</li>" for s in latest.signoffs]
        parts.append("</ul>")
    parts.append('<h2 id="change-history">Change history</h2><ul class="cjji-history">')
    parts += [f"<li>{_time(c.date)}: {e(c.note)} (version {c.version})</li>"
              for c in reversed(latest.history)]
    parts += ["</ul>", "</div>"]
    return "\n".join(p for p in parts if p)


def _downloads(
    version: ReportVersion, media: dict[tuple[int, str], Media], *, inline: bool = False
) -> str:
    links = [
        f'<a href="{html.escape(media[(version.version, f.format)].url)}" '
        f'type="{f.media_type}">{html.escape(version.title if not inline else f.format.upper())}'
        f" ({html.escape(f.label)})</a>"
        for f in _ordered(version.files)
    ]
    if inline:
        return ", ".join(links)
    return '<ul class="cjji-downloads">' + "".join(f"<li>{a}</li>" for a in links) + "</ul>"


def _companions(version: ReportVersion, media: dict[tuple[int, str], Media]) -> str:
    """The companion documents: files at their media URLs, addresses as they are; a Welsh
    edition labelled in Welsh, each in its own language (lang, hreflang)."""
    items = []
    for c in version.companions:
        href = media[(version.version, COMPANION + c.file.name)].url if c.file else str(c.url)
        lang = c.lang or (WELSH if c.kind == "welsh-edition" else None)
        lang_attrs = f' hreflang="{html.escape(lang)}" lang="{html.escape(lang)}"' if lang and lang != "en" else ""
        kind = KIND_LABELS.get(c.kind, "")
        kind_lang = f' lang="{WELSH}"' if c.kind == "welsh-edition" else ""
        label = f' <span class="cjji-companion-kind"{kind_lang}>({html.escape(kind)})</span>' if kind else ""
        items.append(f'<li><a href="{html.escape(href)}"{lang_attrs}>{html.escape(c.title)}</a>{label}</li>')
    if not items:
        return ""
    return '<h3 id="companions">Companion documents</h3><ul class="cjji-companions">' + "".join(items) + "</ul>"


def _linked_body(version: ReportVersion, media: dict[tuple[int, str], Media]) -> str:
    """The HTML version with each image's media URL where the renderer referred to it."""
    return version.body.html(lambda path: media[(version.version, ASSET + path)].url)


def _time(day: dt.date) -> str:
    return f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'


# -- the record -----------------------------------------------------------------------------


def _version_record(version: ReportVersion, media: dict[tuple[int, str], Media]) -> dict[str, Any]:
    """The version's record (cjji.publish.record), each file with its media id and URL; the
    HTML is on the post, the record keeps its digest; each sign-off is its role, time and
    digests, with no gatekeeper's e-mail address (WordPress keeps no statements)."""
    def where(key: str, _file: PublishedFile) -> dict[str, Any]:
        item = media[(version.version, key)]
        return {"media_id": item.id, "url": item.url}

    return {**version_to_json(version, where, body=False, people=False),
            "html_sha256": hashlib.sha256(version.html_body.encode()).hexdigest()}


def _media_items(entry: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(media key, file entry) of every file of a version's record."""
    def rel(item: dict[str, Any]) -> str:
        return str(item["path"]).split("/", 3)[-1]

    return [*((str(f["format"]), f) for f in entry["files"]),
            *((ASSET + rel(a), a) for a in entry.get("assets", [])),
            *((COMPANION + rel(c["file"]), c["file"]) for c in entry.get("companions", []) if c.get("file"))]


def _record(post: dict[str, Any] | None) -> dict[str, Any] | None:
    if post is None:
        return None
    content = post.get("content", {})
    raw = content.get("raw", "") if isinstance(content, dict) else ""
    match = RECORD_RE.search(raw or "")
    if match is None:
        return None
    try:
        record = json.loads(html.unescape(match.group(1)))
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    if record.get("format") == 1:  # written before the one mapping: read as it is now
        return {**record, "versions": [_upgrade(e) for e in record.get("versions", [])]}
    return record if record.get("format") == RECORD_FORMAT else None


def _upgrade(entry: dict[str, Any]) -> dict[str, Any]:
    """A version of a format-1 record (files keyed by format, `report_id`, a sign-off's file
    nested) in today's layout."""
    folder = version_dir(entry["report_id"], entry["version"])

    def file(item: dict[str, Any]) -> dict[str, Any]:
        out = {"format": item["format"], "path": f"{folder}/{item['name']}", "sha256": item["sha256"],
               "size": item["size"], "pages": item.get("pages")}
        return {**out, **{k: item[k] for k in ("media_id", "url") if k in item}}

    return {
        **entry, "id": entry["report_id"],
        "files": [file(i) for _, i in sorted(entry["files"].items())],
        "assets": [file(i) for _, i in sorted(entry.get("assets", {}).items())],
        "signoffs": [{"role": s["role"], "identity": s["identity"], "signed_at": s["signed_at"],
                      "path": f"{folder}/{s['file']['name']}", "sha256": s["file"]["sha256"],
                      "size": s["file"]["size"], "signature": file(s["signature"]) if s.get("signature") else None}
                     for s in entry["signoffs"]],
    }


def _record_versions(post: dict[str, Any]) -> list[ReportVersion]:
    """The versions a post's record says are published (their body is left empty: it is on the
    post; the record keeps its digest)."""
    record = _record(post) or {"versions": []}
    return [version_from_json(entry) for entry in record["versions"]]


# -- small helpers --------------------------------------------------------------------------


def _ordered(files: Mapping[str, PublishedFile]) -> list[PublishedFile]:
    rank = {fmt: i for i, fmt in enumerate(FORMAT_ORDER)}
    return sorted(files.values(), key=lambda f: (rank.get(f.format, len(rank)), f.format))


def _format_name(file: PublishedFile) -> str:
    return {"pdf": "PDF", "docx": "Word file", "html": "HTML file"}.get(file.format,
                                                                        file.format.upper())


def _uploads(version: ReportVersion) -> list[_Upload]:
    """The media items a version needs: its downloads, then the images its HTML shows."""
    of = f"{version.report_id} version {version.version}"
    title = f"{version.title} (version {version.version}"
    downloads = [
        _Upload(version, f, f.format, _media_slug(version, f.format), f"the {_format_name(f)} of "
                f"{of}", f"{title}, {_format_name(f)})")
        for f in _ordered(version.files)
    ]
    images = [
        _Upload(version, a, ASSET + path, _asset_slug(version, path), f"the image {path} of {of}",
                f"{title}, image {PurePosixPath(path).name})")
        for path, a in sorted(version.assets.items())
    ]
    companions = [
        _Upload(version, c.file, COMPANION + c.file.name, _asset_slug(version, c.file.name, "companion"),
                f"the companion {c.file.name} of {of}", f"{title}, {c.title})")
        for c in version.companions if c.file is not None
    ]
    return downloads + images + companions


def _media_slug(version: ReportVersion, name: str) -> str:
    return f"{version.report_id}-v{version.version}-{name}".lower()


def _asset_slug(version: ReportVersion, path: str, kind: str = "asset") -> str:
    """Stable and unique per path: a readable file name plus 8 hex digits of the whole path."""
    stem = re.sub(r"[^a-z0-9]+", "-", PurePosixPath(path).stem.lower()).strip("-")[:40] or "file"
    return _media_slug(version, f"{kind}-{stem}-{hashlib.sha256(path.encode()).hexdigest()[:8]}")


def _original_url(item: dict[str, Any]) -> str:
    """The URL of the uploaded bytes: WordPress serves a scaled or rotated copy of a large or
    turned photo at source_url, and the upload itself as media_details.original_image."""
    url = str(item["source_url"])
    original = (item.get("media_details") or {}).get("original_image")
    if isinstance(original, str) and original and "/" not in original:
        return url.rsplit("/", 1)[0] + "/" + urllib.parse.quote(original)
    return url


def _upload_name(version: ReportVersion, file: PublishedFile) -> str:
    name = PurePosixPath(file.name)
    return f"{name.stem}-v{version.version}{name.suffix or '.' + file.format}"


def _secret_forms(user: str, password: str) -> list[str]:
    forms = {password, password.replace(" ", ""), password.strip()}
    for form in list(forms):
        forms.add(base64.b64encode(f"{user}:{form}".encode()).decode())
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def _wp_message(body: Any) -> str:
    if isinstance(body, dict) and body.get("message"):
        return f": {html.unescape(str(body['message']))}"
    return ""


def _page_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body, re.I | re.S)
    if match is None:
        return ""
    title = " ".join(html.unescape(match.group(1).decode(errors="replace")).split())
    return f', page title "{title[:80]}"' if title else ""

