"""What Word and PDF share: the document's properties, and its body as pandoc blocks.

The body is the report's own token stream followed by the generated framework annex (if
cjji.annex exists), both converted by cjji.build.pandoc_ast.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from cjji import crossref
from cjji.blocks import labels_of
from cjji.build.brand import Brand
from cjji.build.numbering import Numbering, number
from cjji.build.pandoc_ast import Node, Options, Source, Target, convert, defined_ids
from cjji.build.typst_markup import escape_markup
from cjji.dates import long_date
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

    @property
    def long_date(self) -> str:
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
    )


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
    """The report's tokens with each empty cross-reference written in ("paragraph 6.9"), for every writer."""
    return crossref.fill(report.tokens, report_numbering(report, brand), labels_of(policy))


def body_blocks(report: Report, policy: Policy, brand: Brand, target: Target) -> list[Node]:
    """The report's blocks followed by the framework annex, for `target`."""
    headings, paragraphs = numbering_options(report, brand)
    options = Options(target, number_headings=headings, number_paragraphs=paragraphs,
                      typst_root=brand.root, labels=labels_of(policy))
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
