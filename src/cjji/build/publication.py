"""What every writer shares: the document's properties, its front matter, and its body.

The body is the report's own token stream followed by the generated framework annex (if
cjji.annex exists), both converted by cjji.build.pandoc_ast. The front matter (inside cover and
"Who we are", before the contents) is decided here once (`front_matter`), as plain text with
links; the Word, PDF and HTML writers only lay it out.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from markdown_it.token import Token

from cjji import crossref, run
from cjji.blocks import ENGLISH, labels_of
from cjji.build.brand import Brand
from cjji.build.numbering import Numbering, number
from cjji.build.pandoc_ast import BuildError, Node, Options, Source, Target, convert, defined_ids
from cjji.build.typst_markup import escape_markup
from cjji.dates import long_date
from cjji.findings import error
from cjji.markdown import parse
from cjji.names import inspectorate_name
from cjji.policy import Policy
from cjji.report import Report

LANGUAGE = "en-GB"


@dataclass(frozen=True)
class Publication:
    title: str
    subtitle: str
    inspectorates: list[str]  # codes, the lead first
    authors: list[str]  # the inspectorates' full names, the lead first
    keywords: list[str]
    date: dt.date | None  # publication date
    timestamp: dt.datetime  # fixed time written into the files (reproducible builds)
    date_words: str | None = None  # the date in the report's language ("15 Mawrth 2022"); None: English

    @property
    def long_date(self) -> str:
        if self.date_words is not None:
            return self.date_words
        return long_date(self.date) if self.date else ""

    @property
    def year(self) -> int:
        return (self.date or self.timestamp.date()).year


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def publication_date(meta: dict[str, Any]) -> dt.date | None:
    publication = meta.get("publication")
    raw = publication.get("date") if isinstance(publication, dict) else None
    try:
        return dt.date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def build_timestamp(date: dt.date | None) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set (reproducible-builds.org), else the publication date at midnight UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    day = date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def publication(report: Report, policy: Policy) -> Publication:
    meta = report.meta
    lead = _text(meta.get("lead"))
    listed = [c for c in meta.get("inspectorates", []) if isinstance(c, str)] if isinstance(
        meta.get("inspectorates"), list) else []
    codes = ([lead] if lead else []) + [c for c in listed if c != lead]
    date = publication_date(meta)
    authors = [inspectorate_name(policy, c, date) for c in codes]  # the names of the report's own date
    keywords = [k for k in meta.get("keywords", []) if isinstance(k, str)] if isinstance(
        meta.get("keywords"), list) else []
    if not keywords:
        keywords = [w for w in ("joint inspection", _text(meta.get("type")).replace("-", " "),
                                _text(meta.get("business_process")).replace("-", " ")) if w]
    return Publication(
        title=_text(meta.get("title")) or report.id,
        subtitle=_text(meta.get("subtitle")),
        inspectorates=codes,
        authors=authors,
        keywords=keywords,
        date=date,
        timestamp=build_timestamp(date),
        date_words=labels_of(policy, report).date(date) if date else "",
    )


SITE_SETTINGS = "templates/site/site.yml"


def page_words(footer: str) -> list[str]:
    """checks/labels.yml's page.footer ("Page {page} of {pages}") as the words before, between and
    after the two numbers, which the PDF and Word footers print with a space between each."""
    before, _, rest = footer.partition("{page}")
    between, _, after = rest.partition("{pages}")
    return [before.strip(), between.strip(), after.strip()]

Segment = tuple[str, str]  # (text, link address or "")


@dataclass(frozen=True)
class Statement:
    """One inspectorate's "Who we are" entry: its name on the report's date and what it does, in
    the sentence checks/labels.yml's `front.statement` makes of them ("{name} {does}" in English,
    "Mae {name} yn {does}" in Welsh): `before`, the name (printed bold), then `does`."""

    code: str
    name: str
    does: str  # the rest of the sentence after the name ("inspects probation services ...", "yn arolygu ...")
    before: str = ""  # the words before the name ("Mae ")

    @property
    def text(self) -> str:
        return f"{self.before}{self.name} {self.does}"


@dataclass(frozen=True)
class FrontMatter:
    """What comes before the contents in every format: the inside cover's notices (Crown
    copyright and the Open Government Licence, the ISBN and publication number when given, the
    alternative-formats statement with the site's contact) and "Who we are"."""

    notices: list[list[Segment]]  # paragraphs of the inside cover, each a run of linked or plain text
    who_we_are_title: str
    who_we_are: list[Statement]
    about_title: str

    def plain(self, paragraph: list[Segment]) -> str:
        return "".join(text for text, _ in paragraph)


_BARE_ADDRESS = re.compile(r"(https?://)?[a-z0-9-]+(\.[a-z0-9-]+)+/[^\s]*[^\s.,;:)]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def linked(text: str, links: dict[str, str] | None = None) -> list[Segment]:
    """`text` as segments: each phrase in `links` linked to its address, each bare web address
    ("nationalarchives.gov.uk/doc/...") to itself, each e-mail address to mailto:."""
    links = links or {}
    spans: list[tuple[int, int, str]] = []
    for phrase, href in links.items():
        at = text.find(phrase)
        if phrase and at >= 0:
            spans.append((at, at + len(phrase), href))
    for pattern, make in ((_BARE_ADDRESS, lambda m: m if m.startswith("http") else "https://" + m),
                          (_EMAIL, lambda m: "mailto:" + m)):
        for match in pattern.finditer(text):
            if not any(a < match.end() and match.start() < b for a, b, _ in spans):
                spans.append((match.start(), match.end(), make(match.group(0))))
    segments: list[Segment] = []
    cursor = 0
    for start, end, href in sorted(spans):
        if start > cursor:
            segments.append((text[cursor:start], ""))
        segments.append((text[start:end], href))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], ""))
    return segments


def _statement_of(entry: dict[str, Any], language: str) -> str:
    if language == ENGLISH:
        return str(entry.get("who_we_are", "") or "")
    own = entry.get("who_we_are_in")
    return str(own.get(language, "") or "") if isinstance(own, dict) else ""


def _who_we_are(policy: Policy, code: str, date: dt.date | None, language: str = ENGLISH) -> str:
    """checks/inspectorates.yml `who_we_are` (English) or `who_we_are_in: {cy: ...}`, from the
    earlier name in use on `date` if it has its own."""
    entry = policy.inspectorates.get(code, {})
    text = _statement_of(entry, language)
    if date is not None:
        for earlier in entry.get("earlier_names", []):  # oldest first
            if date <= dt.date.fromisoformat(str(earlier["until"])):
                text = _statement_of(earlier, language) or text
                break
    return " ".join(text.split())


def missing_statements(report: Report, policy: Policy) -> list[str]:
    """The inspectorates of `report` with no "Who we are" statement in its language: for a Welsh
    edition, no `who_we_are_in: {cy: ...}` in checks/inspectorates.yml (never English instead)."""
    pub = publication(report, policy)
    language = labels_of(policy, report).code
    return [code for code in pub.inspectorates
            if code in policy.inspectorates and not _who_we_are(policy, code, pub.date, language)]


def site_contact(root: Path, display: str) -> dict[str, Any]:
    """The site configuration's contact (templates/site/site.yml `contact`): who answers requests for
    other formats. Only that part is read here (`cjji publish` validates the whole file). A missing
    file, or a contact without an e-mail address, is a located build error, never a made-up address."""
    from cjji.yamlload import YamlError, load_yaml

    path = root / SITE_SETTINGS
    hint = f"{SITE_SETTINGS} holds it: contact: {{email: ..., team: ..., response_days: ...}}"
    try:
        data, positions = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError([error("build", "site-settings", SITE_SETTINGS, 0, 0,
                                f"the front matter needs the contact for other formats, but {SITE_SETTINGS} "
                                f"cannot be read ({exc.__class__.__name__})", hint)]) from None
    except YamlError as exc:
        raise BuildError([error("build", "site-settings", SITE_SETTINGS, exc.line, exc.col, exc.message,
                                hint)]) from None
    contact = data.get("contact") if isinstance(data, dict) else None
    email = contact.get("email") if isinstance(contact, dict) else None
    if not isinstance(email, str) or not _EMAIL.fullmatch(email.strip()):
        line, col = positions.of(("contact", "email"))  # or the nearest part of it that is there
        raise BuildError([error("build", "site-settings", SITE_SETTINGS, line, col,
                                "the front matter needs an e-mail address to ask for other formats (contact: email)",
                                hint)]) from None
    return dict(contact) if isinstance(contact, dict) else {}


def front_matter(report: Report, policy: Policy, brand: Brand) -> FrontMatter:
    """The front matter of `report`, the same in every format."""
    pub = publication(report, policy)
    labels = labels_of(policy, report)  # checks/labels.yml: the words in the report's language

    def text(key: str, **fields: Any) -> str:
        return str(labels.text("front", key, **fields))

    name, url = text("licence_name"), text("licence_url")
    licence = text("licence", year=pub.year, licence=name, address=text("licence_address"))
    notices: list[list[Segment]] = [linked(" ".join(licence.split()), {name: url})]
    given = report.meta.get("publication")
    details = given if isinstance(given, dict) else {}
    for k in ("isbn", "number"):
        if isinstance(details.get(k), str) and details[k].strip():
            notices.append([(f"{text(k)}: {details[k].strip()}", "")])
    commissioned = report.meta.get("commissioned_by")
    if isinstance(commissioned, str) and commissioned.strip():
        notices.append([(text("commissioned", who=" ".join(commissioned.split()).rstrip(".")), "")])
    contact = site_contact(brand.root, report.display)
    email, team = str(contact.get("email", "")).strip(), str(contact.get("team", "")).strip()
    if email:
        formats = " ".join(text("formats", team=team or brand.publisher, email=email).split())
        days = contact.get("response_days")
        if isinstance(days, int) and not isinstance(days, bool):
            formats += " " + text("reply", days=days)
        notices.append(linked(formats))
    missing = missing_statements(report, policy)
    if missing:
        raise BuildError([_missing_statement(report, labels.code, missing)])
    before, _, after = text("statement").partition("{name}")
    statements = []
    for code, author in zip(pub.inspectorates, pub.authors, strict=True):
        does = _who_we_are(policy, code, pub.date, labels.code)
        if does:
            does = does[0].lower() + does[1:]
            statements.append(Statement(code, author, after.replace("{does}", does).strip(), before))
    return FrontMatter(notices, text("who_we_are"), statements, text("about"))


def _missing_statement(report: Report, language: str, codes: list[str]) -> Any:
    """The located error for inspectorates with no "Who we are" statement in the report's language."""
    line, col = report.where(("lang",))
    return error("build", "who-we-are", report.display, line, col,
                 f"no 'Who we are' statement in the language '{language}' for {', '.join(codes)}: "
                 "a Welsh edition does not print the English one",
                 f"add who_we_are_in: {{{language}: ...}} to {', '.join(codes)} in checks/inspectorates.yml "
                 "(a verb-noun first, such as 'arolygu ...')")


def numbering_options(report: Report, brand: Brand) -> tuple[bool, bool]:
    """(headings, paragraphs): brand.yml's numbering, overridden by the report's `numbering` field."""
    headings, paragraphs = brand.number_headings, brand.number_paragraphs
    own = report.meta.get("numbering")
    if isinstance(own, dict):
        headings = own.get("headings", headings) is not False
        paragraphs = own.get("paragraphs", paragraphs) is not False
    elif own is False:
        headings = paragraphs = False
    return headings, paragraphs


def report_numbering(report: Report, brand: Brand) -> Numbering:
    """The chapter, section and paragraph numbers every format prints for this report."""
    headings, paragraphs = numbering_options(report, brand)
    numbering = number(report.tokens, paragraphs=paragraphs)
    return numbering if headings else Numbering(headings={}, paragraphs=numbering.paragraphs)


def resolved_tokens(report: Report, policy: Policy, brand: Brand) -> list[Token]:
    """The report's tokens with each empty cross-reference written in ("paragraph 6.9"), for every writer.

    Remembered within the run (cjji.run) for the same report, token list, policy and brand objects:
    the writers and the outputs gate's reader checks ask for the same tokens in one build. The list
    is not changed by its users (crossref.fill copies what it fills in)."""
    kept_tokens = run.memo("resolved-tokens")
    kept = kept_tokens.get(id(report))
    if kept is not None and kept[0] is report and kept[1] is report.tokens and kept[2] is policy and kept[3] is brand:
        return cast(list[Token], kept[4])
    tokens = crossref.fill(report.tokens, report_numbering(report, brand), labels_of(policy, report))
    if len(kept_tokens) >= 8:  # a few reports at a time (a site or a benchmark builds several)
        kept_tokens.clear()
    kept_tokens[id(report)] = (report, report.tokens, policy, brand, tokens)  # holding report keeps its id unique
    return tokens


def body_blocks(report: Report, policy: Policy, brand: Brand, target: Target) -> list[Node]:
    """The report's blocks followed by the framework annex, for `target`."""
    headings, paragraphs = numbering_options(report, brand)
    options = Options(target, number_headings=headings, number_paragraphs=paragraphs,
                      typst_root=brand.root, labels=labels_of(policy, report))
    tokens = resolved_tokens(report, policy, brand)
    blocks = convert(Source(tokens, report.dir, report.display, report.line_of), options)
    annex = annex_markdown(report, policy)
    if annex:
        tokens = parse(annex)
        options.link_targets = frozenset(defined_ids(report.tokens))
        blocks += convert(Source(tokens, report.dir, f"{report.display} (framework annex)"), options)
    if target == "typst":
        escape_markup(blocks)  # a cell or heading starting "1. " must not become a list
    return blocks


def annex_markdown(report: Report, policy: Policy) -> str:
    """The generated framework annex."""
    from cjji.annex import framework_annex

    return framework_annex(report, policy)


def project_relative(path: Path, root: Path) -> str:
    """A Typst path ('/templates/logos/x.svg'), relative to the Typst root."""
    return "/" + path.resolve().relative_to(root.resolve()).as_posix()
