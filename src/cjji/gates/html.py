"""[html] No raw HTML in a report, and no link, image or attribute that could run a script.

Reports are published on a public website, so anything that could run a script there is an error
at its line and column: raw HTML (other than comments), event-handler attributes such as
`{onclick=...}`, and links or images to `javascript:`, `vbscript:`, `data:` or `file:` addresses.
markdown-it refuses such links and leaves them as text; this gate finds them there too, so the
author learns why the link vanished. The HTML builder sanitises again (nh3) as a second wall.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from markdown_it.token import Token

from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.gates.locate import block_text, find_in_block, inline_tokens, position_in_block
from cjji.report import Report

ID = "html"
BAD_SCHEMES = ("javascript", "vbscript", "data", "file")
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data", "background",
    "cite", "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "codebase", "archive", "usemap",
    "icon", "srcdoc",
})

# CommonMark 0.31 comments: <!-->, <!---> or <!-- ... -->
_COMMENT = re.compile(r"<!--(?:-?>|[\s\S]*?-->)")
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)|<!\[CDATA\[|<![A-Za-z]+|<\?")
_HTML_IN_TEXT = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9:-]*[\s/>]|<!--|<!\[CDATA\[")
_REFUSED_LINK = re.compile(
    r"(?:\]\(\s*<?|\]:\s*<?|<)\s*((?:java|vb)script|data|file)\s*:", re.IGNORECASE
)
_ELEMENTS = (
    "a abbr address applet area article aside audio b base basefont bgsound big blink blockquote "
    "body br button canvas caption center code col colgroup data datalist dd del details dfn "
    "dialog div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 "
    "h3 h4 h5 h6 head header hr html i iframe img image input ins isindex kbd keygen label layer "
    "legend li link listing main map mark marquee math menu meta meter nav nobr noembed noframes "
    "noscript object ol optgroup option output p param picture plaintext portal pre progress q "
    "s samp script section select slot small source span strike strong style sub summary sup svg "
    "table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr "
    "xml xmp xss"
)
# text that a browser or another Markdown tool would take for a tag, though CommonMark did not
_TAG_LIKE_TEXT = re.compile(
    r"(?<!\\)<\s*/?\s*(" + "|".join(_ELEMENTS.split()) + r")(?=[\s/>`\"']|$)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)")
_SCRIPTY_STYLE = re.compile(r"url\s*\(|expression\s*\(|@import|javascript:|behavior\s*:|binding",
                            re.IGNORECASE)
_STRIPPED = re.compile(r"[\x00-\x20\x7f]+")

_MARKDOWN_FOR = {
    "img": "an image is ![description](images/file.png)",
    "a": "a link is [text](https://address)",
    "b": "bold is **text**", "strong": "bold is **text**",
    "i": "italic is *text*", "em": "italic is *text*",
    "br": "end a line with a backslash \\ to break it",
    "table": "a table is a pipe table (see reports/README.md)",
    "div": "a block with a class is a fenced div: ::: {.note} ... :::",
    "span": "text with a class is a bracketed span: [text]{.class}",
    "sup": "a footnote is [^1]", "h1": "a heading is # Heading", "h2": "a heading is ## Heading",
    "ul": "a list is lines starting with '- '", "ol": "a numbered list is lines starting with '1. '",
    "p": "a paragraph is text with a blank line before and after",
    "hr": "a line across is *** on its own line", "code": "code is `text` in backticks",
    "blockquote": "a quotation is lines starting with '> '",
}
_WHY = "raw HTML could run scripts on the published website"


def url_scheme(url: str) -> str:
    """The scheme a browser would see ('javascript' for ' Java\\tScript:x'), or ''."""
    cleaned = _STRIPPED.sub("", html.unescape(url)).lower()
    found = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return found.group(1) if found else ""


def _hint_for(tag: str) -> str:
    markdown = _MARKDOWN_FOR.get(tag.lower())
    return f"use Markdown instead: {markdown}" if markdown else (
        f"use Markdown instead (see reports/README.md); {_WHY}")


def _name(match: re.Match[str]) -> str:
    if match.group(2):
        return f"<{match.group(1)}{match.group(2).lower()}>"
    text = match.group(0)
    return {"<?": "<?...?> (a processing instruction)", "<![CDATA[": "<![CDATA[...]]> (CDATA)"}.get(
        text, f"{text}...> (a declaration)")


def _raw_html(report: Report, block: Token, raw: str, cursor: int) -> tuple[list[Finding], int]:
    """Findings for one piece of raw HTML (an html_block or html_inline token)."""
    findings: list[Finding] = []
    for comment in _COMMENT.finditer(raw):
        if "--!>" in comment.group(0):
            line, col, _ = find_in_block(report, block, "--!>", cursor)
            findings.append(report.finding(
                ID, "comment-trick", line, col,
                "this HTML comment contains '--!>', which browsers read as the end of the comment",
                "remove the comment, or reword it without '--!>'"))
    rest = _COMMENT.sub(lambda m: " " * len(m.group(0)), raw)
    if rest.lstrip().startswith("<!--"):
        line, col, cursor = find_in_block(report, block, "<!--", cursor)
        findings.append(report.finding(
            ID, "unclosed-comment", line, col,
            "this HTML comment is never closed, so everything after it would be hidden",
            "end the comment with -->, or delete it"))
        return findings, cursor
    if not rest.strip():
        return findings, cursor + len(raw)
    tags = list(_TAG.finditer(rest))
    names = list(dict.fromkeys(_name(t) for t in tags if not t.group(1)))
    names = names or list(dict.fromkeys(_name(t) for t in tags))
    first = tags[0].group(0) if tags else rest.strip()[:20]
    line, col, _ = find_in_block(report, block, first, cursor)
    if not names:
        names = [repr(rest.strip()[:30])]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    first_tag = tags[0].group(2) if tags and tags[0].group(2) else ""
    findings.append(report.finding(
        ID, "raw-html", line, col, f"raw HTML is not allowed in a report: {shown}",
        _hint_for(first_tag)))
    _, _, end = find_in_block(report, block, raw, cursor)
    return findings, max(end, cursor)


def _bad_url(report: Report, block: Token, token: Token, name: str, value: str,
             cursor: int) -> Finding | None:
    scheme = url_scheme(value)
    if name != "srcdoc" and scheme not in BAD_SCHEMES:
        return None
    line, col, _ = find_in_block(report, block, value[:40], cursor, ignore_case=True)
    if token.type == "image" and name == "src":
        what, hint = "the image", (
            "save the image in the report's images/ folder and use ![description](images/name.png)")
    elif token.type == "link_open" and name == "href":
        what, hint = "the link", "link to a web page (https://...) or to a section (#id)"
    else:
        what, hint = f"the attribute '{name}'", "remove the attribute"
    if name == "srcdoc":
        return report.finding(ID, "bad-attribute", line, col,
                              "the attribute 'srcdoc' holds a web page, which could run scripts", hint)
    return report.finding(
        ID, "bad-url", line, col,
        f"{what} uses a '{scheme}:' address, which is not allowed: it could run a script or "
        "carry content nobody has checked", hint)


def _attributes(report: Report, block: Token, token: Token, cursor: int) -> Iterator[Finding]:
    attrs: dict[str, Any] = {**token.attrs, **token.meta.get("insecure_attrs", {})}
    for name, value in attrs.items():
        lowered, text = str(name).lower(), str(value)
        if lowered.startswith("on"):
            line, col, _ = find_in_block(report, block, str(name), cursor)
            yield report.finding(
                ID, "event-attribute", line, col,
                f"the attribute '{name}' would run a script on the published website",
                "remove it: a report may give an element an id, classes and plain values only")
        elif lowered == "style" and _SCRIPTY_STYLE.search(text):
            line, col, _ = find_in_block(report, block, "style", cursor)
            yield report.finding(
                ID, "bad-style", line, col,
                "this style attribute loads or runs something (url(), expression(), @import)",
                "remove the style: the house style comes from the templates")
        elif lowered in URL_ATTRIBUTES:
            found = _bad_url(report, block, token, lowered, text, cursor)
            if found:
                yield found


def _refused_links(report: Report, block: Token, children: list[Token]) -> Iterator[Finding]:
    """Links markdown-it refused to make (javascript: and the like) are left as text: find them."""
    plain = "".join(
        c.content if c.type == "text" else "\n" if c.type in ("softbreak", "hardbreak") else "\0"
        for c in children)
    cursor = 0
    for match in _REFUSED_LINK.finditer(plain):
        scheme = match.group(1).lower()
        written = match.group(0)[match.start(1) - match.start(0):]
        _, _, end = find_in_block(report, block, match.group(0), cursor, ignore_case=True)
        start = end - len(match.group(0)) if end > cursor else cursor
        line, col, cursor = find_in_block(report, block, written, start, ignore_case=True)
        if cursor == start:  # written with entities (jav&#x61;script:): find its first letters
            line, col, cursor = find_in_block(report, block, scheme[:3], start, ignore_case=True)
        opening = plain.rfind("[", 0, match.start())
        what = "image" if opening > 0 and plain[opening - 1] == "!" else "link"
        yield report.finding(
            ID, "bad-url", line, col,
            f"this {what} uses a '{scheme}:' address, which is not allowed: it could run a script "
            "or carry content nobody has checked (it will show as plain text)",
            "link to a web page (https://...) or to a section (#id)" if what == "link" else
            "save the image in the report's images/ folder and use ![description](images/name.png)")


def _tag_like_text(report: Report, block: Token, children: list[Token]) -> Iterator[Finding]:
    """`<IMG SRC=javascript:alert('x')>` is not a tag to CommonMark (the quote), so it stays text;
    it is still HTML the author meant, and other tools would read it as such."""
    if not any(c.type == "text" and "<" in c.content for c in children):
        return
    text = block_text(report, block)
    if any(c.type == "code_inline" for c in children):  # `<img>` in backticks is code, not HTML
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    for match in _TAG_LIKE_TEXT.finditer(text):
        line, col = position_in_block(report, block, match.start())
        yield report.finding(
            ID, "raw-html", line, col,
            f"raw HTML is not allowed in a report: <{match.group(1).lower()}> (written here as text)",
            _hint_for(match.group(1)) + "; to show code, put it in `backticks`")


def _body(report: Report) -> Iterator[Finding]:
    for block in report.tokens:
        cursor = 0
        if block.type == "html_block":
            found, cursor = _raw_html(report, block, block.content, cursor)
            yield from found
        yield from _attributes(report, block, block, 0)
        children = inline_tokens(block)
        reported: set[tuple[int, int]] = set()
        for child in children:
            if child.type == "html_inline":
                found, cursor = _raw_html(report, block, child.content, cursor)
                reported.update((f.line, f.col) for f in found)
                yield from found
            yield from _attributes(report, block, child, cursor)
        if children:
            yield from _refused_links(report, block, children)
            yield from (f for f in _tag_like_text(report, block, children) if (f.line, f.col) not in reported)


def _metadata(report: Report, value: Any, path: tuple[str | int, ...]) -> Iterator[Finding]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _metadata(report, item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _metadata(report, item, path + (i,))
    elif isinstance(value, str) and _HTML_IN_TEXT.search(value):
        line, col = report.where(path)
        yield report.finding(
            ID, "html-in-metadata", line, col,
            "this metadata value contains HTML, which is not allowed",
            "write plain text; " + _WHY)


def _drop_closing_duplicates(findings: list[Finding]) -> list[Finding]:
    """`<b>x</b>` is one mistake: keep the finding for a closing tag only if nothing else is on
    its line for the same tag."""
    opened = {(f.line, f.message.replace("</", "<")) for f in findings if "</" not in f.message}
    return [f for f in findings
            if "</" not in f.message or (f.line, f.message.replace("</", "<")) not in opened]


def run(report: Report, context: Context) -> list[Finding]:
    findings = _drop_closing_duplicates(list(_body(report)))
    findings.extend(_metadata(report, report.meta, ()))
    return findings


GATE = Gate(ID, "No raw HTML, event handlers or javascript:/data:/file: links in a report", run)
