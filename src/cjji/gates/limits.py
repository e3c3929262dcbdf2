"""[limits] Refuse at check time what the build could not make in reasonable time and memory.

Measured on d084701 (issue 13): a one-megabyte paragraph of `a* ` took the PDF 217 seconds (the
time grows with the square of the paragraph's length), and a five-megabyte table 129 seconds and
13.1 GB. The build has its own time and memory limits as a backstop (cjji.build.sandbox), but an
author should learn at `cjji check`, with a line number, rather than from a failed build. The
limits are `text:` in checks/limits.yml; the images' total is the files gate's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markdown_it.token import Token

from cjji import prose
from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.report import Report

ID = "limits"
DEFAULT_LIMITS = {"max_block_characters": 10000, "max_table_cells": 5000, "max_total_table_cells": 20000}
_WHAT = {"paragraph_open": "paragraph", "heading_open": "heading", "th_open": "table cell",
         "td_open": "table cell", "fence": "code block", "code_block": "code block"}


def text_limits(policy: Any) -> dict[str, int]:
    """checks/limits.yml `text:` with defaults. Other gates may skip a block longer than
    `max_block_characters`: this gate already refuses it, and reading it can take minutes."""
    data = (policy.get("limits") or {}).get("text") or {}
    return {**DEFAULT_LIMITS, **{k: int(v) for k, v in data.items()}}


def readable_blocks(report: Report, context: Context) -> list[prose.Block]:
    """The prose the language gates read: a block over max_block_characters is this gate's to refuse."""
    return prose.readable_blocks(report, text_limits(context.policy)["max_block_characters"])


def _limits(context: Context) -> dict[str, int]:
    return text_limits(context.policy)


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _long_blocks(report: Report, tokens: list[Token], most: int) -> Iterator[Finding]:
    for i, token in enumerate(tokens):
        if token.type in ("fence", "code_block"):
            text, opener = token.content, token
        elif token.type == "inline" and i > 0:
            text, opener = token.content, tokens[i - 1]
        else:
            continue
        if len(text) <= most:
            continue
        what = _WHAT.get(opener.type, "block")
        line = _line(opener) or _line(token) or report.body_start
        yield report.finding(
            ID, "block-too-long", line, 1,
            f"this {what} is {len(text):,} characters long; the limit is {most:,} (checks/limits.yml "
            "text.max_block_characters), because the PDF would take minutes to lay it out",
            "split it into shorter paragraphs; a paragraph of more than 300 words is hard to read anyway")


def _tables(report: Report, tokens: list[Token], most: int, total_most: int) -> Iterator[Finding]:
    total = 0
    reported_total = False
    start: Token | None = None
    cells = 0
    for token in tokens:
        if token.type == "table_open":
            start, cells = token, 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "table_close" and start is not None:
            line = _line(start)
            if cells > most:
                yield report.finding(
                    ID, "table-too-large", line, 1,
                    f"this table has {cells:,} cells; the limit is {most:,} (checks/limits.yml "
                    "text.max_table_cells), because the PDF would need minutes and gigabytes to lay it out",
                    "split the table, or publish the full data as a spreadsheet and show a summary here")
            total += cells
            if total > total_most and not reported_total:
                reported_total = True
                yield report.finding(
                    ID, "tables-too-large", line, 1,
                    f"with this table the report's tables have {total:,} cells; the limit for one report is "
                    f"{total_most:,} (checks/limits.yml text.max_total_table_cells)",
                    "publish the full data as a spreadsheet and show summaries in the report")
            start = None


def run(report: Report, context: Context) -> list[Finding]:
    limits = _limits(context)
    tokens = report.tokens
    return [*_long_blocks(report, tokens, limits["max_block_characters"]),
            *_tables(report, tokens, limits["max_table_cells"], limits["max_total_table_cells"])]


GATE = Gate(ID, "No paragraph, table or code block too large for the PDF to be built "
                "(checks/limits.yml text:)", run)
