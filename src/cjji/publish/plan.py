"""What to publish: every gate passed, valid sign-offs, embargo lifted, a new version (or nothing).

`decide` looks at one report folder against what the target has already published and returns a
Decision: publish (with the built ReportVersion), unchanged, embargoed or refused (with reasons).
One report's refusal never stops another's publication.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from cjji import blocks, signoff
from cjji import digest as content
from cjji.bodies import addressees
from cjji.checking import check_report
from cjji.dates import long_date
from cjji.findings import Finding, format_human
from cjji.gates import outputs
from cjji.gates.base import Context
from cjji.names import inspectorate_name
from cjji.policy import Policy
from cjji.publish.embargo import TimeError, describe, embargo_of, london_date
from cjji.publish.target import (
    Body,
    Change,
    Companion,
    ProgrammeItem,
    PublishedFile,
    Recommendation,
    ReportMetadata,
    ReportVersion,
    ReviewCount,
    Signoff,
    Withdrawal,
)
from cjji.report import LoadError, Report, load

if TYPE_CHECKING:
    from cjji.programme.model import Programme

Builder = Callable[[Report, Policy, Path, tuple[str, ...]], dict[str, Path]]
Action = Literal["publish", "unchanged", "embargoed", "refused"]
FORMATS = ("pdf", "docx", "html")
DOWNLOADS = ("pdf", "docx")  # the html output becomes the page itself
BODY_SUFFIX = ".body.json"  # what cjji.build.html writes beside the page for publishing
BODY_FORMAT = "cjji-html-body/1"
COMPANIONS = "companions"  # the folder of a version's companion files


@dataclass
class Decision:
    report_id: str
    display: str  # reports/<id>
    action: Action
    message: str  # one plain sentence for the run's output
    reasons: list[str] = field(default_factory=list)  # the findings or problems behind a refusal
    version: ReportVersion | None = None


def default_builder(report: Report, policy: Policy, out: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    from cjji.build import build_report

    return build_report(report, policy, out, formats)


def decide(
    report_dir: Path,
    policy: Policy,
    published: Sequence[ReportVersion],
    now: dt.datetime,
    workdir: Path,
    build: Builder = default_builder,
) -> Decision:
    display = _display(report_dir, policy.root)
    try:
        report: Report | None = load(report_dir)
        digest = content.digest(report_dir).value
    except (LoadError, content.DigestError) as exc:
        report, problem = None, exc  # the gates say what is wrong
    if report is not None:
        already = _already_published(report, digest, published)
        if already is not None:  # published unchanged (or a silent change): no gate can alter that
            already.display = display
            return already
    result = check_report(report_dir, Context(policy=policy, for_publication=True))
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        return Decision(report_dir.name, display, "refused",
                        f"not published: {len(errors)} problem(s) found by the checks and sign-offs",
                        [format_human(f) for f in errors])
    if report is None:
        reason = format_human(problem.finding) if isinstance(problem, LoadError) else str(problem)
        return Decision(report_dir.name, display, "refused", "not published", [reason])
    try:
        embargo = embargo_of(report.meta["publication"])
    except TimeError as exc:
        return Decision(report.id, display, "refused", "not published: the embargo time cannot be read",
                        [str(exc)])
    if now < embargo:
        return Decision(report.id, display, "embargoed", f"embargoed until {describe(embargo)}")
    return _version(report, policy, digest, published, now, workdir, build, display, embargo,
                    change_meta=report.meta.get("change") or {}, meta=metadata(report, policy),
                    status=signoff.report_status(report.dir, report.meta, policy))


def decide_programme(
    root: Path,
    year: str,
    policy: Policy,
    published: Sequence[ReportVersion],
    now: dt.datetime,
    workdir: Path,
    build: Builder = default_builder,
) -> Decision:
    """As `decide`, for the joint programme's business plan of `year` (programme/<year>/): its
    checks for publication and sign-offs (cjji.programme.publishing.prepare), embargo and
    versions as a report's; published as the version `programme-<year>` of the site."""
    from cjji.programme.publishing import DOCUMENT_LABEL, prepare

    display = f"programme/{year}"
    prepared = prepare(root, year, policy, now)
    doc = prepared.document
    ident = prepared.programme.id
    if doc is not None and prepared.digest:
        already = _already_published(doc, prepared.digest, published)
        if already is not None:
            already.display = display
            return already
    errors = [f for f in prepared.findings if f.severity == "error"]
    if errors or doc is None or prepared.embargo is None or prepared.signoffs is None:
        reasons = [format_human(f) for f in errors] or [f"{display}/plan.md is missing or cannot be read"]
        return Decision(ident, display, "refused",
                        f"not published: {len(errors)} problem(s) found by the checks and sign-offs", reasons)
    if now < prepared.embargo:
        return Decision(ident, display, "embargoed", f"embargoed until {describe(prepared.embargo)}")
    plan_data = prepared.programme.plan.data if prepared.programme.plan is not None else {}
    meta = dataclasses.replace(metadata(doc, policy, type_label=DOCUMENT_LABEL),
                               programme=programme_items(prepared.programme, policy))
    return _version(doc, policy, prepared.digest, published, now, workdir, build, display, prepared.embargo,
                    change_meta=plan_data.get("change") or {}, meta=meta, status=prepared.signoffs,
                    kind="programme")


def _version(report: Report, policy: Policy, digest: str, published: Sequence[ReportVersion], now: dt.datetime,
             workdir: Path, build: Builder, display: str, embargo: dt.datetime, *, change_meta: dict[str, str],
             meta: ReportMetadata, status: signoff.ReportStatus, kind: str = "report") -> Decision:
    """Build a document that may be published now into its new version (or say why not)."""
    mine = sorted((v for v in published if v.report_id == report.id), key=lambda v: v.version)
    version = int(report.meta["version"])
    where = f"{display}/report.md" if kind == "report" else f"{display}/plan.md"
    if mine and not change_meta:
        return Decision(report.id, display, "refused",
                        f"not published: version {version} does not say what changed",
                        [f"add `change: {{type: major, note: \"...\"}}` (or type: minor) to {where}, "
                         "then get the sign-offs again"])
    # the first version carries the report's own publication date (a report published in 2021 and
    # moved into cjji later still says 2021); later versions are dated when they go live
    day = london_date(now) if mine else dt.date.fromisoformat(str(report.meta["publication"]["date"]))
    change = Change(version, day, change_meta.get("type", "major"),  # type: ignore[arg-type]
                    change_meta.get("note", "First published."))
    try:
        built = _build(report, policy, workdir / report.id / f"v{version}", build)
        kept = companions(report)
    except Exception as exc:  # a builder failing is that report's problem, not the run's
        found = getattr(exc, "findings", None)
        plain = str(exc) if isinstance(exc, (BuildProblem, OSError)) else f"{type(exc).__name__}: {exc}"
        reasons = [format_human(f) for f in found] if found else [plain]
        return Decision(report.id, display, "refused", "not published: the report could not be built", reasons)
    if built.faults:  # what `cjji build` refuses is not published either
        return Decision(report.id, display, "refused",
                        f"not published: the built files failed {len(built.faults)} output check(s)",
                        [format_human(f) for f in built.faults])
    withdrawn = report.meta.get("withdrawn")
    made = ReportVersion(
        report_id=report.id,
        version=version,
        metadata=meta,
        files=built.files,
        body=built.body,
        assets=built.assets,
        companions=kept,
        reviews=review_counts(report, policy) if review_summary_enabled(policy.root) else (),
        change=change,
        history=(*(v.change for v in mine), change),
        recommendations=recommendations(report, policy),
        content_digest=digest,
        signoffs=signoffs_of(status),
        embargo=embargo,
        published_at=now,
        withdrawn=Withdrawal(dt.date.fromisoformat(withdrawn["date"]), withdrawn["reason"]) if withdrawn else None,
        kind=kind,
    )
    what = "first publication" if not mine else f"{change.type} change: {change.note}"
    return Decision(report.id, display, "publish", f"publishing version {version} ({what})", version=made)


def _display(report_dir: Path, root: Path) -> str:
    try:
        return report_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(report_dir)


def _already_published(report: Report, digest: str, published: Sequence[ReportVersion]) -> Decision | None:
    """unchanged / refused when the report's version is already live (or older); None otherwise.

    Decided before the gates: a published version never changes, so gates added since, or a
    gatekeeper who has since left, cannot make a scheduled run fail over it."""
    version = report.meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        return None
    mine = sorted((v for v in published if v.report_id == report.id), key=lambda v: v.version)
    if not mine or version > mine[-1].version:
        return None
    return _against_published(report, version, digest, mine)


def _against_published(
    report: Report, version: int, digest: str, mine: list[ReportVersion]
) -> Decision:
    """unchanged / refused for a version that is not newer than the published ones."""
    same = next((v for v in mine if v.version == version), None)
    latest = mine[-1]
    if same is not None and same.content_digest == digest:
        note = "" if same is latest else f"; version {latest.version} is the current one"
        return Decision(report.id, "", "unchanged", f"version {version} is already published, unchanged{note}")
    if same is not None:
        return Decision(
            report.id, "", "refused",
            f"not published: version {version} was already published on {long_date(same.change.date)} "
            "with different content",
            [f"a published version is never changed; to publish this change, set `version: {latest.version + 1}`, "
             "add `change: {type: major|minor, note: \"what changed\"}` and get the sign-offs again"],
        )
    return Decision(report.id, "", "refused",
                    f"not published: version {version} is older than the published version {latest.version}",
                    [f"set `version: {latest.version + 1}` for a new publication"])


class BuildProblem(Exception):
    """The builders' output cannot be published (the rendered body is missing or wrong)."""


@dataclass
class Built:
    files: dict[str, PublishedFile]
    body: Body
    assets: dict[str, PublishedFile]
    faults: list[Finding] = field(default_factory=list)  # the outputs gate's errors


def _build(report: Report, policy: Policy, out: Path, build: Builder) -> Built:
    out.mkdir(parents=True, exist_ok=True)
    paths = build(report, policy, out, FORMATS)
    faults = [f for f in outputs.run(report, paths) if f.severity == "error"]
    if faults:
        return Built({}, Body(), {}, faults)
    files = {fmt: file_info(fmt, paths[fmt]) for fmt in DOWNLOADS if fmt in paths}
    if "html" not in paths:
        return Built(files, Body(), {})
    body, assets = rendered_body(paths["html"])
    return Built(files, body, assets)


def rendered_body(page: Path) -> tuple[Body, dict[str, PublishedFile]]:
    """The HTML version and the images it shows, as the HTML builder handed them over
    (`<stem>.body.json` beside the page): never read back from the page itself.

    Raises BuildProblem when the record is missing, malformed, or names a file that is not
    beside the page."""
    where = page.with_name(page.stem + BODY_SUFFIX)
    try:
        data: Any = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildProblem(f"the HTML builder did not hand over the report's body ({where.name} is missing)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BuildProblem(f"the HTML builder's {where.name} cannot be read: {exc}") from None
    try:
        if data.get("format") != BODY_FORMAT:
            raise ValueError(f"its format is {data.get('format')!r}, not {BODY_FORMAT}")
        body = Body(tuple(str(p) for p in data["parts"]), tuple(str(r) for r in data["refs"]))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BuildProblem(f"the HTML builder's {where.name} is not a rendered body: {exc}") from None
    assets: dict[str, PublishedFile] = {}
    base = page.parent.resolve()
    for ref in body.refs:
        rel = PurePosixPath(ref)
        path = (page.parent / rel).resolve()
        if rel.is_absolute() or ".." in rel.parts or base not in path.parents or not path.is_file():
            raise BuildProblem(f"the HTML builder's body refers to {ref}, which is not a file beside the page")
        if ref not in assets:
            info = file_info("asset", path)
            assets[ref] = PublishedFile("asset", ref, info.sha256, info.size, None, path)
    return body, dict(sorted(assets.items()))


def companions(report: Report) -> tuple[Companion, ...]:
    """The report's `companions`: a file (inside the report folder, so inside the signed digest)
    is published in the version's companions/ folder; an address is a link."""
    found = []
    for item in report.meta.get("companions") or []:
        file = None
        if item.get("file"):
            path = report.dir / str(item["file"])
            info = file_info("companion", path)
            name = f"{COMPANIONS}/{item['file']}"
            file = PublishedFile("companion", name, info.sha256, info.size, None, path)
        found.append(Companion(str(item["kind"]), str(item["title"]), item.get("lang"), file, item.get("url")))
    return tuple(found)


def file_info(fmt: str, path: Path) -> PublishedFile:
    data = path.read_bytes()
    return PublishedFile(fmt, path.name, hashlib.sha256(data).hexdigest(), len(data), page_count(fmt, path), path)


def page_count(fmt: str, path: Path) -> int | None:
    """Pages of a PDF (pikepdf), or of a DOCX when Word recorded them (docProps/app.xml)."""
    try:
        if fmt == "pdf":
            import pikepdf

            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
        if fmt == "docx":
            return _docx_pages(path)
    except Exception:  # an unreadable count is omitted from the label, never fatal
        return None
    return None


def _docx_pages(path: Path) -> int | None:
    """docProps/app.xml's <Pages>, when the file has it: Word writes it on saving; cjji's Word
    builder leaves it out (only a layout engine can count pages)."""
    with zipfile.ZipFile(path) as docx:
        app = docx.read("docProps/app.xml").decode("utf-8", "replace")
    pages = re.search(r"<(?:\w+:)?Pages>\s*(\d+)\s*</", app)
    return int(pages.group(1)) if pages and int(pages.group(1)) >= 1 else None


def metadata(report: Report, policy: Policy, *, type_label: str | None = None) -> ReportMetadata:
    meta = report.meta
    lead = str(meta["lead"])
    others = [c for c in meta["inspectorates"] if c != lead]
    process = str(meta.get("business_process") or "")  # a business plan covers them all
    published = dt.date.fromisoformat(str(meta["publication"]["date"]))
    return ReportMetadata(
        title=str(meta["title"]),
        subtitle=str(meta.get("subtitle", "")),
        summary=summary_of(report),
        inspection_type=type_label or inspection_type(policy, str(meta["type"])),
        lead=inspectorate_name(policy, lead, published),  # the names of the report's own date
        inspectorates=tuple(inspectorate_name(policy, c, published) for c in others),
        inspectorate_codes=tuple(meta["inspectorates"]),
        business_process=str(policy.business_processes.get(process, {}).get("name", process)),
        business_process_id=process,
        publication_date=published,
        keywords=tuple(str(k) for k in meta.get("keywords", [])),
        themes=tuple(str(t) for t in meta.get("themes") or []),
        proposal=str(meta.get("proposal") or ""),
    )


def programme_items(programme: Programme, policy: Policy) -> tuple[ProgrammeItem, ...]:
    """The business plan's final programme as its record keeps it, in the plan's order: each
    inspection's proposal id, title, lead inspectorate (its short name, as the plan's own page
    gives it) and, if the chief inspectors took it out, the reason."""
    from cjji.programme.ranking import final_programme

    items = []
    for ident in final_programme(programme):
        proposal = programme.proposals.get(ident)
        data = proposal.data if proposal is not None else {}
        lead = data.get("lead")
        lead_name = str(policy.inspectorates.get(lead, {}).get("short_name") or lead) if isinstance(lead, str) else ""
        withdrawn = data.get("withdrawn")
        reason = (str(withdrawn.get("reason", "")) or "withdrawn") if isinstance(withdrawn, dict) else ""
        items.append(ProgrammeItem(ident, str(data.get("title", ident)), lead_name, reason))
    return tuple(items)


def inspection_type(policy: Policy, kind: str) -> str:
    """The name checks/report_types.yml gives a report type ("Joint thematic inspection")."""
    names = {str(t.get("id")): str(t.get("name") or t.get("id")) for t in policy.entries("report_types")}
    return names.get(kind, kind)


def summary_of(report: Report) -> str:
    """The first paragraph of the Summary chapter, else the report's purpose."""
    section = blocks.sections(report).get("summary")
    if section is not None:
        text = blocks.plain_text(report.tokens[section.start + 3 : section.end]).split("\n\n")[0]
        if text:
            return text
    return str(report.meta.get("purpose", ""))


def review_summary_enabled(root: Path) -> bool:
    """Whether the secretariat publishes the summary of factual-accuracy responses
    (templates/site/site.yml `factual_accuracy_summary`; off by default)."""
    from cjji.publish.site import SiteError, load_settings

    try:
        return load_settings(root).get("factual_accuracy_summary") is True
    except SiteError:  # the site itself refuses to render then, with the reason
        return False


def review_counts(report: Report, policy: Policy) -> tuple[ReviewCount, ...]:
    """Per body, from the report's review logs (inside the signed digest): items received,
    accepted (with or without a change), rejected. Counts only: no reviewer's name or address."""
    from cjji.bodies import resolve
    from cjji.review import logs_of
    from cjji.review.log import read

    counts: dict[str, list[int]] = {}
    for path in logs_of(report.dir):
        log = read(path, policy.root)
        if not log.data:
            continue
        name = resolve(policy, log.body or path.stem).name
        row = counts.setdefault(name, [0, 0, 0])
        for item in log.items:
            row[0] += 1
            status = item.get("status")
            row[1] += status in ("accepted", "accepted-with-change")
            row[2] += status == "rejected"
    return tuple(ReviewCount(name, *row) for name, row in sorted(counts.items(), key=lambda kv: kv[0].casefold()))


def recommendations(report: Report, policy: Policy) -> tuple[Recommendation, ...]:
    found = []
    for block in blocks.recommendations(report):
        owners = [a.name for a in addressees(block.attrs, policy)]
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in block.text.split("\n\n") if p)
        found.append(Recommendation(block.id, ", ".join(owners), block.attrs.get("due"), paragraphs))
    return tuple(found)


def signoffs(report: Report, policy: Policy) -> tuple[Signoff, ...]:
    """The verified sign-offs deciding each required role of a report."""
    return signoffs_of(signoff.report_status(report.dir, report.meta, policy))


def signoffs_of(status: signoff.ReportStatus) -> tuple[Signoff, ...]:
    """The verified sign-offs deciding each required role (the gate has already passed them).

    Verified against the real clock, as the gate does: `--now` moves the embargo, not signing."""
    found = []
    for role in status.roles:
        best = role.best
        if best is None or best.state != "signed":
            continue
        statement = file_info("signoff", best.path)
        sig_path = best.path.with_name(best.path.name + ".sig")
        signature = file_info("signature", sig_path) if sig_path.is_file() else None
        found.append(Signoff(best.role, best.identity, best.signed_at, statement, signature))
    return tuple(found)
