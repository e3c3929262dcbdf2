"""[structure] The document's outline holds together: every heading has words, every id is used
once, every link to an `#id` leads to something, and heading levels go down one step at a time.

These are what screen-reader users and links depend on (WCAG 2.2 1.3.1 and 2.4.6; axe's
empty-heading and duplicate-id rules): an empty heading is announced as "heading" and nothing
else, a link to an id used twice leads to the first only, and a jump from a chapter (#) to a
sub-section (###) makes a reader think a level is missing. Recommendation ids used twice are the
recommendations gate's (it says how to renumber them).
"""

from __future__ import annotations

import difflib
from urllib.parse import unquote

from markdown_it.token import Token

from cjji import markdown
from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.report import Report

ID = "structure"
_VISIBLE = ("text", "code_inline", "image")  # an image's alt text names a heading too
_RECOMMENDATION = "recommendation"


def _visible_text(inline: Token) -> str:
    """The words a heading shows; `## {#id}` (only an attribute block) shows none."""
    if markdown.parse_attrs(inline.content) is not None and inline.content.strip().startswith("{"):
        return ""
    return "".join(c.content for c in inline.children or [] if c.type in _VISIBLE).strip()


def _column(report: Report, line: int, text: str) -> int:
    found = report.lines[line - 1].find(text) if 0 < line <= len(report.lines) else -1
    return found + 1 if found >= 0 else 1


def _empty_headings(report: Report) -> list[Finding]:
    findings = []
    for i, token in enumerate(report.tokens):
        if token.type != "heading_open" or not token.map or i + 1 >= len(report.tokens):
            continue
        if _visible_text(report.tokens[i + 1]):
            continue
        line = token.map[0] + 1
        findings.append(report.finding(
            ID, "empty-heading", line, 1,
            "this heading has no words: a screen reader announces an empty heading and the "
            "contents list shows a blank entry",
            "write the heading's words after the # marks, like `## Findings {#findings}`, "
            "or delete the line"))
    return findings


def _duplicate_ids(report: Report) -> list[Finding]:
    findings = []
    first: dict[str, tuple[int, Token]] = {}
    for token in report.walk():
        ident = token.attrs.get("id")
        if not ident or token.nesting == -1:
            continue
        ident, line = str(ident), report.line_of(token)
        if ident not in first:
            first[ident] = (line, token)
            continue
        earlier_line, earlier = first[ident]
        if _RECOMMENDATION in markdown.classes(token) and _RECOMMENDATION in markdown.classes(earlier):
            continue  # the recommendations gate reports it
        findings.append(report.finding(
            ID, "duplicate-id", line, _column(report, line, f"#{ident}"),
            f"the id '{ident}' is used twice (first on line {earlier_line}): a link to "
            f"#{ident} can only lead to the first",
            f"give this one an id of its own, like {{#{ident}-2}} or one that says what it is, "
            "and check the links that should lead to it"))
    return findings


def _skipped_levels(report: Report) -> list[Finding]:
    findings = []
    previous = 0
    for heading in report.headings:
        if heading.level > previous + 1:
            wanted = "#" * (previous + 1)
            if previous:
                message = (f"this heading jumps from level {previous} to level {heading.level} "
                           f"({'#' * previous} to {'#' * heading.level}): a reader moving by "
                           "headings will think a level is missing")
            else:
                message = (f"the first heading is level {heading.level} ({'#' * heading.level}): "
                           "chapters start at level 1 (#)")
            findings.append(report.finding(
                ID, "skipped-level", heading.line, 1, message,
                f"make it a level {previous + 1} heading ({wanted} ...), or add the missing "
                "level above it"))
        previous = heading.level
    return findings


def _nested_chapters(report: Report) -> list[Finding]:
    """A chapter heading (#) inside a quote, a list or a fenced div: a chapter starts a new page
    and a new number, which cannot happen in the middle of a box or a list."""
    findings = []
    depth = 0
    for token in report.tokens:
        if token.type in ("heading_open", "paragraph_open") or token.nesting == 0:
            if token.type == "heading_open" and token.tag == "h1" and depth and token.map:
                findings.append(report.finding(
                    ID, "nested-chapter", token.map[0] + 1, 1,
                    "a chapter heading (#) is inside a quote, list or fenced div",
                    "move the heading out of it, or use a lower level (##, ###) inside"))
            continue
        if token.type in ("heading_close", "paragraph_close"):
            continue
        depth += token.nesting
    return findings


def _annex_ids(report: Report, context: Context) -> set[str]:
    """Ids the generated framework annex defines (an author may link to them)."""
    from cjji.annex import framework_annex

    text = framework_annex(report, context.policy)
    return {str(t.attrs["id"]) for t in markdown.parse(text) if t.attrs.get("id")} if text else set()


def _broken_links(report: Report, context: Context) -> list[Finding]:
    """A link to `#id` that nothing in the report defines leads nowhere in any format."""
    targets = {str(t.attrs["id"]) for t in report.walk() if t.attrs.get("id")}
    links = [(t, str(t.attrs.get("href", ""))) for t in report.walk() if t.type == "link_open"]
    missing = [(t, href) for t, href in links if href.startswith("#") and unquote(href[1:]) not in targets]
    if missing:
        targets |= _annex_ids(report, context)
    findings = []
    for token, href in missing:
        ident = unquote(href[1:])
        if ident in targets:
            continue
        line = report.line_of(token)
        close = difflib.get_close_matches(ident, sorted(targets), n=1, cutoff=0.6)
        findings.append(report.finding(
            ID, "broken-link", line, _column(report, line, href),
            f"the link to '{href}' leads nowhere: no heading, paragraph, box, figure or table has "
            f"the id '{ident}'",
            (f"did you mean '#{close[0]}'? " if close else "")
            + "link to an id given in this report, like [](#findings) or [the findings](#findings)"))
    return findings


def _unnamed_references(report: Report, context: Context) -> list[Finding]:
    """A link with no words reads as what it points at (cjji.crossref); one pointing at something
    cjji cannot name (a span, a plain div, an unnumbered paragraph, the generated annex) would
    print as an empty link in every format."""
    from cjji.crossref import empty_links

    empty = [(token, ident) for token in report.tokens if token.type == "inline"
             for _, ident in empty_links(token)]
    if not empty:
        return []
    from cjji.blocks import labels_of
    from cjji.build.brand import BrandError, load_brand
    from cjji.build.publication import report_numbering
    from cjji.crossref import targets

    try:
        numbering = report_numbering(report, load_brand(context.policy.root))
    except BrandError:
        return []  # the build reports a broken brand.yml
    named = targets(report.tokens, numbering, labels_of(context.policy, report))
    defined = {str(t.attrs["id"]) for t in report.walk() if t.attrs.get("id")}
    if any(ident not in defined and ident not in named for _, ident in empty):
        defined |= _annex_ids(report, context)  # the generated annex's headings have no number to print
    findings = []
    for token, ident in empty:
        if ident in named or ident not in defined:  # a missing id is _broken_links' finding
            continue
        line = report.line_of(token)
        findings.append(report.finding(
            ID, "unnamed-reference", line, _column(report, line, f"](#{ident})"),
            f"the link to '#{ident}' has no words, and what it points at has no number or label to "
            "print: it would show as an empty link",
            f"write the words yourself, like [the table below](#{ident}); a link with no words names "
            "a chapter, section, numbered paragraph, finding, figure, table or annex"))
    return findings


def _paragraph_prefixes(report: Report) -> list[Finding]:
    """`paragraphs="S"` numbers a chapter's paragraphs S1, S2 ...: on a chapter only, once per letter."""
    from cjji.build.numbering import PREFIX_ATTRIBUTE

    findings = []
    seen: dict[str, int] = {}
    for token in report.tokens:
        value = token.attrs.get(PREFIX_ATTRIBUTE)
        if token.type != "heading_open" or value is None or not token.map:
            continue
        line = token.map[0] + 1
        col = _column(report, line, PREFIX_ATTRIBUTE)
        if token.tag != "h1":
            findings.append(report.finding(
                ID, "prefix-not-chapter", line, col,
                f'{PREFIX_ATTRIBUTE}="{value}" is on a level {token.tag[1:]} heading: only a chapter (#) '
                "numbers its paragraphs with a letter",
                f'move {PREFIX_ATTRIBUTE}="{value}" to the chapter heading, like # Summary {{#summary '
                f'{PREFIX_ATTRIBUTE}="{value}"}}'))
        elif str(value) in seen:
            findings.append(report.finding(
                ID, "prefix-twice", line, col,
                f"the paragraphs of two chapters would both be numbered {value}1, {value}2 ... (the first "
                f"is on line {seen[str(value)]}): a reference to {value}1 would be ambiguous",
                "give each chapter its own letter, or remove one of them"))
        seen.setdefault(str(value), line)
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    return (_empty_headings(report) + _duplicate_ids(report) + _skipped_levels(report)
            + _nested_chapters(report) + _broken_links(report, context)
            + _unnamed_references(report, context) + _paragraph_prefixes(report))


GATE = Gate(ID, "Every heading has words, every id is used once and every #link leads to one, levels do not "
                "skip, chapters are not nested", run)
