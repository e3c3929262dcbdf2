"""The publishing target interface: where published report versions go (a local folder, WordPress).

`cjji publish` decides WHAT to publish (gates, sign-offs, embargo, versions: cjji.publish.plan)
and hands a target a `Release`: every version the site shows after this run. A target decides
HOW to put it live, and keeps the record of what it has published (for the local folder:
site/manifest.json). Every target implements `Target`; register it in cjji.publish.TARGETS.

Rules every target keeps:
- all or nothing: after `publish` either the whole release is live or nothing visible changed;
- never delete or overwrite a published version's files: each version has its own URLs;
- nothing of a report appears before it is in a Release (the embargo is decided before that);
- `published()` returns exactly what earlier `publish` calls put live (the record), so the
  planner can tell a republish (same version, same content digest: nothing to do) from a silent
  change (same version, different digest: refused).
"""

from __future__ import annotations

import datetime as dt
import html
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import quote

ChangeType = Literal["major", "minor"]

MEDIA_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}
FORMAT_LABELS: Mapping[str, str] = {"pdf": "PDF", "docx": "Word", "html": "HTML"}
WELSH = "cy"
KIND_LABELS: Mapping[str, str] = {  # a companion's kind as pages say it (a Welsh edition in Welsh)
    "easy-read": "Easy read", "welsh-edition": "Fersiwn Gymraeg", "research": "Research",
    "data-tables": "Data tables", "terms-of-reference": "Terms of reference",
    "inspection-framework": "Inspection framework", "other": "",
}


class TargetError(Exception):
    """Publishing to a target failed; the message is plain English and says what to do.

    `partial` says what is already on the target when a failure came half-way (e.g. "the post
    of X was not created or updated; 3 files already uploaded will be reused on the next run");
    None when nothing changed there."""

    def __init__(self, message: str, *, partial: str | None = None) -> None:
        super().__init__(message)
        self.partial = partial


@dataclass(frozen=True)
class PublishedFile:
    """One download of one version, e.g. the PDF. `name` is its file name on the site."""

    format: str  # "pdf" | "docx" | "html"
    name: str  # e.g. "2026-victim-updates.pdf"; the URL is <version folder>/<name> (a relative path for assets)
    sha256: str  # hex digest of the bytes
    size: int  # bytes
    pages: int | None = None  # PDF page count (pikepdf); DOCX docProps/app.xml <Pages>; else None
    source: Path | None = None  # where the bytes are now (a build output, or the target's copy)

    @property
    def media_type(self) -> str:
        if self.format in MEDIA_TYPES:
            return MEDIA_TYPES[self.format]
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"  # an asset

    @property
    def label(self) -> str:
        """What the download link says: "PDF, 1.2 MB, 64 pages"."""
        parts = [FORMAT_LABELS.get(self.format, self.format.upper()), human_size(self.size)]
        if self.pages:
            parts.append(f"{self.pages} page{'s' if self.pages != 1 else ''}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Change:
    """One entry of a report's change history (GOV.UK style)."""

    version: int
    date: dt.date  # the UK date this version went live
    type: ChangeType  # major: note shown on the page and in the feed, "last updated" moves
    note: str  # "First published." for version 1


@dataclass(frozen=True)
class Recommendation:
    id: str  # "R1"
    owner: str  # who it is addressed to, as written in the report ("CPS")
    due: str | None  # ISO date, if the report gives one
    html: str  # the recommendation's text as HTML (safe: built by cjji, not raw author HTML)


@dataclass(frozen=True)
class Withdrawal:
    date: dt.date
    reason: str


@dataclass(frozen=True)
class Signoff:
    """A verified sign-off of this version's content digest, as published for provenance."""

    role: str
    identity: str
    signed_at: str  # ISO 8601 time from the signed statement
    file: PublishedFile  # the signed statement (JSON), published beside the downloads
    signature: PublishedFile | None = None  # its SSH signature (.sig); None for a review record
    key: str = ""  # the signing key's fingerprint (`ssh-keygen -lf` style, SHA256:...), when known


@dataclass(frozen=True)
class Body:
    """A version's HTML as the renderer made it (cjji.build.html's `<stem>.body.json`), with each
    reference to an asset kept apart: between parts[i] and parts[i+1] stands the address of the
    asset refs[i] (a key of ReportVersion.assets). Each page or target says where the assets
    are (`html(url)`); nothing rewrites or searches the HTML."""

    parts: tuple[str, ...] = ("",)
    refs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.parts) != len(self.refs) + 1:
            raise ValueError(f"a body has one more part than references, not {len(self.parts)} "
                             f"parts and {len(self.refs)} references")

    def html(self, url: Callable[[str], str] | None = None) -> str:
        """The HTML, each reference replaced by url(path), escaped for an attribute; by default
        the path relative to the version's folder, URL-quoted (as the built page has it)."""
        where = url or quote
        out = [self.parts[0]]
        for ref, part in zip(self.refs, self.parts[1:], strict=True):
            out += [html.escape(where(ref), quote=True), part]
        return "".join(out)


@dataclass(frozen=True)
class Companion:
    """A document published with the report: a file kept in the version's folder, or an address."""

    kind: str  # "easy-read", "welsh-edition", ... (schemas/report.schema.json)
    title: str
    lang: str | None = None  # the document's language, when it is not the page's (e.g. "cy")
    file: PublishedFile | None = None  # name: its path inside the version's folder
    url: str | None = None


@dataclass(frozen=True)
class ReviewCount:
    """One body's factual-accuracy responses to the draft (its review logs): counts only, never
    who said what. Published only where the secretariat enables it (site.yml)."""

    body: str  # the body's name (checks/bodies.yml), or the log's body as written
    received: int  # items received (comments, changes, replies)
    accepted: int  # accepted, or accepted with a change
    rejected: int


@dataclass(frozen=True)
class ProgrammeItem:
    """One inspection of a published business plan's final programme, as the plan's record keeps
    it: the site's programme page shows where it stands from this and the reports' records."""

    proposal: str  # the proposal's id (programme/<year>/proposals/<id>.yml)
    title: str
    lead: str  # the lead inspectorate's name (short name, as the plan's own page gives it)
    withdrawn: str = ""  # the reason, when the chief inspectors took it out of the agreed programme


@dataclass(frozen=True)
class ReportMetadata:
    """What the joint website shows about a report, with names resolved from checks/."""

    title: str
    subtitle: str
    summary: str  # one paragraph of plain text for the index, the feed and <meta name=description>
    inspection_type: str  # "Joint thematic inspection"
    lead: str  # full name of the lead inspectorate
    inspectorates: tuple[str, ...]  # full names of the other inspectorates taking part
    inspectorate_codes: tuple[str, ...]  # every code, the lead included (for filtering)
    business_process: str  # "Bringing offenders to justice"
    business_process_id: str  # "bringing-offenders-to-justice"
    publication_date: dt.date  # the date in the report's metadata
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # the report's `themes`: shown on its page and the index
    proposal: str = ""  # the report's `proposal` ("2027/<id>"): the programme inspection it delivers
    programme: tuple[ProgrammeItem, ...] = ()  # a business plan's final programme, in its order


@dataclass(frozen=True)
class ReportVersion:
    """One published (or about to be published) version of one report: immutable once live."""

    report_id: str
    version: int
    metadata: ReportMetadata
    files: Mapping[str, PublishedFile]  # format -> file
    body: Body  # the report's HTML version: contents and body, headings from <h2>
    change: Change  # this version's entry in the change history
    history: tuple[Change, ...]  # every change up to and including this one, oldest first
    recommendations: tuple[Recommendation, ...]
    content_digest: str  # the digest the sign-offs sign ("sha256:...")
    signoffs: tuple[Signoff, ...]
    embargo: dt.datetime  # aware; the moment the report could first go live
    published_at: dt.datetime  # aware; when this version went live
    withdrawn: Withdrawal | None = None
    # files the HTML body refers to (images), by their path relative to the version folder,
    # e.g. "2026-x-assets/images/chart.png": the body's refs
    assets: Mapping[str, PublishedFile] = field(default_factory=dict)
    companions: tuple[Companion, ...] = ()
    reviews: tuple[ReviewCount, ...] = ()  # the factual-accuracy summary; () unless enabled
    kind: str = "report"  # or "programme": the joint programme's business plan (programme/<year>/)

    @property
    def html_body(self) -> str:
        """The HTML version with its assets' paths relative to the version's folder."""
        return self.body.html()

    @property
    def title(self) -> str:
        return self.metadata.title

    @property
    def first_published(self) -> dt.date:
        return self.history[0].date

    @property
    def last_updated(self) -> dt.date:
        """The date of the latest major change (minor changes leave it alone)."""
        return max(c.date for c in self.history if c.type == "major")

    @property
    def key(self) -> tuple[str, int]:
        return (self.report_id, self.version)


@dataclass(frozen=True)
class Release:
    """What one `cjji publish` run asks a target to make live."""

    versions: tuple[ReportVersion, ...]  # every version the site shows afterwards, old ones included
    added: tuple[tuple[str, int], ...]  # (report id, version) going live in this run
    now: dt.datetime  # aware; the run's clock (injectable for tests and dry runs)

    def new_versions(self) -> list[ReportVersion]:
        wanted = set(self.added)
        return [v for v in self.versions if v.key in wanted]

    def latest(self) -> dict[str, ReportVersion]:
        """Each report's newest version."""
        newest: dict[str, ReportVersion] = {}
        for v in self.versions:
            if v.report_id not in newest or v.version > newest[v.report_id].version:
                newest[v.report_id] = v
        return newest


class Target(Protocol):
    """A place reports are published to."""

    name: str  # "local", "wordpress"

    def published(self) -> tuple[ReportVersion, ...]:
        """Every version this target has published (its record), oldest first; () if none.

        Files of these versions carry sha256/size/pages; `source` may be None when the bytes
        are only on the target."""
        ...

    def publish(self, release: Release) -> str:
        """Make `release` live in one step and return where it is (a path or URL).

        Raise TargetError (plain English) if it cannot; then nothing visible has changed.
        Publishing a release equal to what is live changes nothing."""
        ...

    def verify(self) -> list[str]:
        """Re-check what is live against the record: each problem as one plain sentence."""
        ...


def human_size(size: int) -> str:
    """1234567 -> "1.2 MB" (1 KB = 1024 bytes, as file managers and Rails' number_to_human_size)."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1023.95 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
