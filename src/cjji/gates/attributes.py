"""[attributes] Only allowed attributes, well-formed ids and no raw passthrough reach the writers.

pandoc's writers give some attributes a meaning: `typst:text:fill="..."` is pasted into the Typst
source and `custom-style` picks a Word style; Typst code can read any file under its root, so such
an attribute once printed .git/config into a PDF (issue 13). This gate refuses, at its line and
column:

- every attribute written in `{ }` that is not in `checks/attributes.yml`, or is on an element
  the policy does not allow it on, or whose value does not match the policy's pattern;
- ids and classes that do not match the strict patterns of cjji.attributes (an id ends up in
  links, labels and the generated annex, so `{id="x)![a](.secret.png"}` could inject Markdown);
- pandoc's raw passthrough: ```` ```{=typst} ```` blocks and `` `code`{=openxml} `` (cjji never
  passes them to a writer, but the author meant raw code, and would be surprised by the output).

The writers drop the same things again (cjji.attributes), whatever this gate said.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from markdown_it.token import Token

from cjji import attributes as rules
from cjji.blocks import CLASS_ALIASES, MEANINGFUL_CLASSES
from cjji.findings import Finding, warning
from cjji.gates.base import Context, Gate
from cjji.gates.locate import find_in_block, inline_tokens
from cjji.markdown import classes
from cjji.report import Report

ID = "attributes"
KINDS = {"heading_open": "heading", "div_open": "div", "span_open": "span", "image": "image",
         "link_open": "link", "code_inline": "code"}
_RAW_FENCE = re.compile(r"^\s*\{\s*=")
_RAW_INLINE = re.compile(r"^\{\s*=\s*([^\s}]*)")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]*$")
_RAW_HINT = ("raw Typst, Word or HTML code is not allowed in a report: write Markdown; to show code, "
             "use a fence with a language name, like ```python")


def _allowed(context: Context) -> dict[str, dict[str, Any]]:
    data = context.policy.get("attributes") or {}
    return dict(data.get("attributes") or {})


def _where(report: Report, block: Token, token: Token, needle: str) -> tuple[int, int]:
    """Line and column of `needle` (an attribute) on the token's own line if it is a block,
    else in its block."""
    if token is block and token.map:
        line = token.map[0] + 1
        text = report.lines[line - 1] if line - 1 < len(report.lines) else ""
        col = text.find(needle)
        return line, (col + 1 if col >= 0 else 1)
    line, col, _ = find_in_block(report, block, needle, 0)
    return line, col


def _check_token(report: Report, block: Token, token: Token,
                 allowed: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    kind = KINDS.get(token.type, "")
    written = rules.author_attributes(token)
    for name, value in written.items():
        if name == "id":
            if not rules.is_id(value):
                line, col = _where(report, block, token, value[:30] or "#")
                yield report.finding(ID, "bad-id", line, col,
                                     f"the id '{value}' is not allowed: {rules.ID_HINT}",
                                     "ids end up in links, labels and the framework annex, so they must be "
                                     "plain; rename it, and every link to it")
            continue
        if name == "class":
            for cls in classes(token):
                if not rules.CLASS.match(cls):
                    line, col = _where(report, block, token, cls[:30])
                    yield report.finding(ID, "bad-class", line, col, f"the class '{cls}' is not allowed",
                                         rules.CLASS_HINT)
                elif cls not in MEANINGFUL_CLASSES and kind in ("div", "span", "heading"):
                    yield _meaningless(report, block, token, cls)
            continue
        if name.lower().startswith("on") and name not in allowed:
            continue  # the html gate reports it: it would run a script on the website
        line, col = _where(report, block, token, name)
        rule = allowed.get(name)
        what = f"a {kind}" if kind else f"this element ({token.type.removesuffix('_open')})"
        if rule is None:
            known = ", ".join(sorted(allowed)) or "none"
            yield report.finding(
                ID, "unknown-attribute", line, col,
                f"the attribute '{name}' is not allowed in a report"
                + (": pandoc and Typst treat such attributes as code for one output format"
                   if ":" in name or name in ("custom-style", "style", "lang", "dir") else ""),
                f"remove it; a report may write #id, .class and these attributes: {known} (checks/attributes.yml)")
        elif kind not in rule.get("on", []):
            yield report.finding(ID, "misplaced-attribute", line, col,
                                 f"the attribute '{name}' is not allowed on {what}",
                                 f"'{name}' belongs on: {', '.join(rule.get('on', []))} (checks/attributes.yml)")
        elif not re.search(str(rule.get("pattern", "^$")), value):
            yield report.finding(ID, "bad-attribute-value", line, col,
                                 f"the value '{value[:60]}' of '{name}' is not allowed",
                                 str(rule.get("hint", "see checks/attributes.yml")))


def _meaningless(report: Report, block: Token, token: Token, cls: str) -> Finding:
    """Issue 16: `.case-study` and `.good-practice` were accepted without a word and printed as
    plain paragraphs. A class cjji gives no meaning to is a warning, with the class it may mean."""
    line, col = _where(report, block, token, f".{cls}")
    near = CLASS_ALIASES.get(cls) or next(iter(difflib.get_close_matches(cls, MEANINGFUL_CLASSES, n=1, cutoff=0.7)),
                                          None)
    return warning(ID, "unknown-class", report.display, line, col,
                   f"the class '.{cls}' means nothing to cjji: this is printed as plain text, with no label or box",
                   (f"did you mean .{near}? " if near else "")
                   + f"the classes with a meaning are: {', '.join('.' + c for c in MEANINGFUL_CLASSES)}")


def _raw(report: Report, block: Token, children: list[Token]) -> Iterator[Finding]:
    for i, child in enumerate(children):
        if child.type != "code_inline" or i + 1 >= len(children):
            continue
        after = children[i + 1]
        found = _RAW_INLINE.match(after.content) if after.type == "text" else None
        if found:
            line, col, _ = find_in_block(report, block, "{=", 0)
            yield report.finding(ID, "raw-passthrough", line, col,
                                 f"raw {found.group(1) or 'output'} code (`...`{{={found.group(1)}}}) is not allowed",
                                 _RAW_HINT)


def _fence(report: Report, token: Token) -> Iterator[Finding]:
    info = token.info.strip()
    line = token.map[0] + 1 if token.map else 0
    col = (report.lines[line - 1].find(info) + 1 if line and info else 1) or 1
    if _RAW_FENCE.match(info):
        yield report.finding(ID, "raw-passthrough", line, col,
                             f"a raw code block ({info}) is not allowed", _RAW_HINT)
    elif info and not _LANGUAGE.match(info.split()[0]):
        yield report.finding(ID, "bad-language", line, col,
                             f"'{info.split()[0][:40]}' is not a language name",
                             "write the language after the fence, like ```python, or nothing")


def run(report: Report, context: Context) -> list[Finding]:
    allowed = _allowed(context)
    findings: list[Finding] = []
    for block in report.tokens:
        if block.type == "fence":
            findings.extend(_fence(report, block))
        findings.extend(_check_token(report, block, block, allowed))
        children = inline_tokens(block)
        for child in children:
            findings.extend(_check_token(report, block, child, allowed))
        if children:
            findings.extend(_raw(report, block, children))
    return findings


GATE = Gate(ID, "Only the attributes in checks/attributes.yml, plain ids and classes, and no raw "
                "Typst, Word or HTML code", run)
