"""Render the joint website's pages (Jinja2 templates in templates/site/) from a Release.

Two kinds of page: shared pages, rendered afresh each run from every published version (the
index and its filter pages, each report's current page, the accessibility statement, the Atom
feed, the sitemap, the stylesheet), and version pages (`reports/<id>/v<N>/index.html`),
rendered once when the version goes live and never rewritten. Links are relative, so the site
works from any address and from a folder; only the feed and the sitemap use `base_url`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2

from cjji import resources
from cjji.build.brand import Brand, load_brand
from cjji.build.html import licence_notice
from cjji.dates import long_date_of
from cjji.policy import Policy
from cjji.publish.manifest import version_dir
from cjji.publish.target import (
    FORMAT_LABELS,
    KIND_LABELS,
    WELSH,
    Change,
    Companion,
    Release,
    ReportVersion,
    human_size,
)
from cjji.schemacheck import load_schema, validate
from cjji.yamlload import YamlError, load_yaml

TEMPLATES = Path("templates") / "site"
SETTINGS = TEMPLATES / "site.yml"
EMPTY_FEED_TIME = "2000-01-01T00:00:00+00:00"


class SiteError(Exception):
    """The site settings or templates are broken; the message says where."""


def load_settings(root: Path) -> dict[str, Any]:
    path = resources.template("site/site.yml", root)
    try:
        data, positions = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(f"{SETTINGS} is missing: it holds the site address and contact details") from None
    except YamlError as exc:
        raise SiteError(f"{SETTINGS}:{exc.line}:{exc.col}: {exc.message}") from None
    findings = validate(data, load_schema(resources.schema("site.schema.json", root)), positions, str(SETTINGS), "site")
    if findings:
        raise SiteError("; ".join(f"{f.file}:{f.line}:{f.col}: {f.message}" for f in findings))
    return dict(data)


def longdate(value: dt.date | str) -> str:
    """10 December 2026 (GOV.UK style)."""
    return long_date_of(value)


def _environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.folder("templates", root) / "site"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    return env


@dataclass
class Option:
    label: str
    href: str
    count: int
    current: bool = False


@dataclass
class FilterGroup:
    id: str
    label: str
    options: list[Option]


class Renderer:
    def __init__(self, root: Path, policy: Policy, base_url: str | None = None) -> None:
        self.root = root
        self.policy = policy
        self.settings = load_settings(root)
        if base_url:
            self.settings["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
        self.brand: Brand = load_brand(root)
        self.env = _environment(root)
        self._nav: list[tuple[str, str]] = []  # (year, page) of each programme page, while rendering shared pages

    @property
    def base_url(self) -> str:
        return str(self.settings["base_url"])

    def _render(self, template: str, root: str, year: int, **values: Any) -> bytes:
        text = self.env.get_template(template).render(
            brand=self.brand, settings=self.settings, root=root, programme_nav=self._nav,
            licence_text=self.brand.licence_text(year), licence=licence_notice(self.brand, str(year)),
            **values,
        )
        return text.encode("utf-8")

    # ---- version pages (immutable) ------------------------------------------------------------

    def version_page(self, v: ReportVersion) -> bytes:
        files = [{"href": quote(f.name), "file": f} for f in _downloads(v)]
        history = [{"change": c, "href": ""} for c in v.history]
        return self._render(
            "report.html", "../../../", v.first_published.year, v=v, files=files, history=history,
            archived=True, latest_href="../index.html", canonical="", latest_major=_latest_major(v),
            body=v.body.html(), companions=_companions(v, ""),
        )

    # ---- shared pages -------------------------------------------------------------------------

    def shared_pages(self, release: Release) -> dict[str, bytes]:
        plans = programmes(release)
        # every shared page links each year's programme page from the navigation; the version
        # pages, rendered once, never do (their bytes stay as published)
        self._nav = [(year, f"programme/{year}/index.html") for year in sorted(plans, reverse=True)]
        try:
            return self._shared_pages(release, plans)
        finally:
            self._nav = []

    def _shared_pages(self, release: Release, plans: dict[str, ReportVersion]) -> dict[str, bytes]:
        latest = sorted(release.latest().values(), key=_newest_first)
        # the reports' own years (a report of 2021 published here in 2026 is still of 2021)
        year = max((v.first_published.year for v in latest), default=2000)
        pages: dict[str, bytes] = {}
        pages["index.html"] = self._listing(latest, latest, "", "Joint inspection reports", "", year)
        for group_id, _label, options in self._filter_options(latest):
            for key, label, members in options:
                rel = f"{group_id}/{key}/index.html"
                pages[rel] = self._listing(latest, members, "../../", f"Reports: {label}",
                                           f"for {label}", year, current=rel)
        for v in latest:
            pages[f"reports/{v.report_id}/index.html"] = self._report_page(release, v)
        for plan_year, plan in plans.items():
            pages[f"programme/{plan_year}/index.html"] = self._render(
                "programme.html", "../../", plan.first_published.year, plan=plan, programme_year=plan_year,
                rows=programme_rows(plan, release, "../../"))
        pages["accessibility/index.html"] = self._render("accessibility.html", "../", year)
        pages["feed.xml"] = self._render("feed.xml", "", year, **self._feed(release))
        pages["sitemap.xml"] = self._render("sitemap.xml", "", year, urls=self._sitemap(release, pages))
        c = self.brand.colours
        fonts = {k: ", ".join(f'"{f}"' for f in v) + (", monospace" if k == "mono" else ", sans-serif")
                 for k, v in self.brand.fonts.items()}
        pages["assets/site.css"] = self._render("site.css", "", year, c=c, fonts=fonts)
        return pages

    def _report_page(self, release: Release, v: ReportVersion) -> bytes:
        folder = f"v{v.version}/"
        files = [{"href": folder + quote(f.name), "file": f} for f in _downloads(v)]
        live = {x.version for x in release.versions if x.report_id == v.report_id}
        history = [{"change": c, "href": f"v{c.version}/index.html" if c.version in live else ""}
                   for c in v.history]
        return self._render(
            "report.html", "../../", v.first_published.year, v=v, files=files, history=history,
            archived=False, latest_href="", canonical=f"{self.base_url}reports/{v.report_id}/",
            latest_major=_latest_major(v), body=v.body.html(lambda ref: folder + quote(ref)),
            companions=_companions(v, folder),
        )

    def _listing(self, everything: list[ReportVersion], members: list[ReportVersion], root: str,
                 heading: str, filter_label: str, year: int, current: str = "") -> bytes:
        filters = [
            FilterGroup(gid, label, [Option(lab, f"{gid}/{key}/index.html", len(ms),
                                            current == f"{gid}/{key}/index.html")
                                     for key, lab, ms in options])
            for gid, label, options in self._filter_options(everything)
        ]
        return self._render("index.html", root, year, reports=members, heading=heading,
                            filter_label=filter_label, filters=filters)

    def _filter_options(
        self, latest: list[ReportVersion]
    ) -> list[tuple[str, str, list[tuple[str, str, list[ReportVersion]]]]]:
        names = {code: str(i.get("short_name") or i.get("name") or code)
                 for code, i in self.policy.inspectorates.items()}
        by_inspectorate = _group(latest, lambda v: v.metadata.inspectorate_codes)
        by_process = _group(latest, lambda v: tuple(p for p in (v.metadata.business_process_id,) if p))
        by_year = _group(latest, lambda v: (str(v.first_published.year),))
        process_names = {v.metadata.business_process_id: v.metadata.business_process for v in latest}
        by_theme = _group(latest, lambda v: tuple(theme_key(t) for t in v.metadata.themes))
        theme_names = {theme_key(t): t for v in latest for t in v.metadata.themes}
        groups = [
            ("inspectorates", "Inspectorate",
             sorted(((k, names.get(k, k), ms) for k, ms in by_inspectorate.items()), key=lambda o: o[1])),
            ("business-processes", "Business process",
             [(k, process_names[k], ms) for k, ms in sorted(by_process.items())]),
            ("themes", "Theme",
             sorted(((k, theme_names[k], ms) for k, ms in by_theme.items()), key=lambda o: o[1].lower())),
            ("years", "Year published",
             [(k, k, ms) for k, ms in sorted(by_year.items(), reverse=True)]),
        ]
        return [g for g in groups if g[2]]

    def _feed(self, release: Release) -> dict[str, Any]:
        entries = []
        for v in sorted(release.versions, key=lambda v: (v.published_at, v.report_id), reverse=True):
            if v.change.type != "major":
                continue
            first = v.change.version == v.history[0].version
            summary = v.metadata.summary if first else f"Updated: {v.change.note}"
            if v.withdrawn:
                summary = f"Withdrawn: {v.withdrawn.reason} {v.change.note}".strip()
            entries.append({
                "title": v.title if first else f"{v.title} (updated)",
                "id": f"{self.base_url}reports/{v.report_id}/v{v.version}/",
                "href": f"{self.base_url}reports/{v.report_id}/",
                "published": v.published_at.isoformat(), "updated": v.published_at.isoformat(),
                "summary": summary,
                "categories": [v.metadata.inspection_type, v.metadata.business_process],
            })
        updated = entries[0]["updated"] if entries else EMPTY_FEED_TIME
        return {"entries": entries, "updated": updated}

    def _sitemap(self, release: Release, pages: dict[str, bytes]) -> list[dict[str, str]]:
        latest = release.latest()
        urls = []
        for rel in sorted(p for p in pages if p.endswith("index.html")):
            loc = self.base_url + rel.removesuffix("index.html")
            parts = rel.split("/")
            lastmod = latest[parts[1]].last_updated.isoformat() if parts[0] == "reports" else ""
            urls.append({"loc": loc, "lastmod": lastmod})
        for v in sorted(release.versions, key=lambda v: v.key):
            urls.append({"loc": f"{self.base_url}{version_dir(v.report_id, v.version)}/",
                         "lastmod": v.change.date.isoformat()})
        return urls


PROGRAMME_PREFIX = "programme-"


def programmes(release: Release) -> dict[str, ReportVersion]:
    """Each year's business plan as the site holds it: year -> its newest version."""
    return {v.report_id.removeprefix(PROGRAMME_PREFIX): v for v in release.latest().values()
            if v.kind == "programme" and v.report_id.startswith(PROGRAMME_PREFIX)}


@dataclass(frozen=True)
class ProgrammeRow:
    title: str
    lead: str
    state: str  # "planned", "published" or "withdrawn"
    label: str  # what the status column says: "Planned", "Published", "Withdrawn: <reason>"
    href: str = ""  # the published report's page


def programme_rows(plan: ReportVersion, release: Release, root: str) -> list[ProgrammeRow]:
    """Where each inspection of the plan's final programme stands, from the records alone: a
    report on the site whose metadata names the proposal (`proposal: <year>/<id>`) is published,
    linked to its page, unless it or the proposal was withdrawn; otherwise it is planned. (The
    site knows nothing of fieldwork: that is in the repository, on the plan's own page.)"""
    year = plan.report_id.removeprefix(PROGRAMME_PREFIX)
    delivering: dict[str, list[ReportVersion]] = {}
    for v in sorted(release.latest().values(), key=lambda v: (v.first_published, v.report_id)):
        if v.kind == "report" and v.metadata.proposal.partition("/")[0] == year:
            delivering.setdefault(v.metadata.proposal.partition("/")[2], []).append(v)
    rows = []
    for item in plan.metadata.programme:
        reports = delivering.get(item.proposal, [])
        live = [v for v in reports if not v.withdrawn]
        if item.withdrawn:
            rows.append(ProgrammeRow(item.title, item.lead, "withdrawn", f"Withdrawn: {item.withdrawn}"))
        elif live:
            rows.append(ProgrammeRow(item.title, item.lead, "published", "Published",
                                     f"{root}reports/{quote(live[0].report_id)}/index.html"))
        elif reports and reports[0].withdrawn is not None:
            rows.append(ProgrammeRow(item.title, item.lead, "withdrawn",
                                     f"Withdrawn: {reports[0].withdrawn.reason}",
                                     f"{root}reports/{quote(reports[0].report_id)}/index.html"))
        else:
            rows.append(ProgrammeRow(item.title, item.lead, "planned", "Planned"))
    return rows


def _companions(v: ReportVersion, folder: str) -> list[dict[str, Any]]:
    """What the page lists of each companion: link, title, kind and its language."""
    out = []
    for c in v.companions:
        lang = c.lang or (WELSH if c.kind == "welsh-edition" else None)
        out.append({"c": c, "href": folder + quote(c.file.name) if c.file else str(c.url),
                    "kind": KIND_LABELS.get(c.kind, ""), "lang": lang if lang and lang != "en" else None,
                    "label": _companion_label(c), "kind_lang": WELSH if c.kind == "welsh-edition" else None})
    return out


def _companion_label(c: Companion) -> str:
    """"PDF, 1.2 MB" for a file; "" for an address."""
    if c.file is None:
        return ""
    suffix = PurePosixPath(c.file.name).suffix.lstrip(".").lower()
    return f"{FORMAT_LABELS.get(suffix, suffix.upper() or 'File')}, {human_size(c.file.size)}"


def theme_key(theme: str) -> str:
    """"Domestic abuse" -> "domestic-abuse" (a theme's folder on the site)."""
    return re.sub(r"[^a-z0-9]+", "-", theme.lower()).strip("-") or "theme"


def _downloads(v: ReportVersion) -> list[Any]:
    order = {"pdf": 0, "docx": 1}
    return sorted(v.files.values(), key=lambda f: (order.get(f.format, 9), f.format))


def _latest_major(v: ReportVersion) -> Change | None:
    majors = [c for c in v.history if c.type == "major"]
    return majors[-1] if majors else None


def _newest_first(v: ReportVersion) -> tuple[int, float, str]:
    return (-v.first_published.toordinal(), -v.published_at.timestamp(), v.report_id)


def _group(versions: list[ReportVersion], keys: Any) -> dict[str, list[ReportVersion]]:
    groups: dict[str, list[ReportVersion]] = {}
    for v in versions:
        for key in keys(v):
            groups.setdefault(str(key), []).append(v)
    return groups

