"""The html gate: raw HTML, event handlers and script addresses are errors at their line and column."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_support import BASE, check, context, report_with
from support import EXAMPLE

from cjji.findings import Finding
from cjji.gates import html
from cjji.report import load

BASE_LINES = len((BASE / "report.md").read_text(encoding="utf-8").rstrip("\n").split("\n"))
FIRST = BASE_LINES + 2  # the line where report_with() puts the extra body


def findings(tmp_path: Path, body: str) -> list[Finding]:
    return html.run(load(report_with(tmp_path, body)), context())


def test_the_example_and_the_base_report_pass() -> None:
    assert html.run(load(EXAMPLE), context()) == []
    assert html.run(load(BASE), context()) == []


def test_a_script_block_is_located_and_named(tmp_path: Path) -> None:
    [f] = findings(tmp_path, "Text.\n\n<script>alert(1)</script>")
    assert (f.line, f.col, f.severity, f.rule) == (FIRST + 2, 1, "error", "raw-html")
    assert f.message == "raw HTML is not allowed in a report: <script>"
    assert f.hint.startswith("use Markdown instead")


def test_inline_html_is_located_at_its_column_with_a_markdown_hint(tmp_path: Path) -> None:
    [bold, image] = findings(tmp_path, "Some <b>bold</b> and <img src=x onerror=alert(1)> text.")
    assert (bold.line, bold.col, bold.message) == (FIRST, 6, "raw HTML is not allowed in a report: <b>")
    assert bold.hint == "use Markdown instead: bold is **text**"
    assert (image.line, image.col) == (FIRST, 22)
    assert "![description](images/file.png)" in image.hint


def test_html_inside_a_quotation_on_its_second_line(tmp_path: Path) -> None:
    [f] = findings(tmp_path, "> first line\n> second <iframe src=x>")
    assert (f.line, f.col) == (FIRST + 1, 10)
    assert "<iframe>" in f.message


def test_comments_are_allowed_but_not_comment_tricks(tmp_path: Path) -> None:
    assert findings(tmp_path, "<!-- a note for the team -->\n\nText <!-- inline --> here.") == []
    [trick] = findings(tmp_path, "<!-- --!><img src=x onerror=alert(1)> -->")
    assert (trick.rule, trick.line, trick.col) == ("comment-trick", FIRST, 6)
    [empty_comment] = findings(tmp_path, "<!--><img src=x onerror=alert(1)>-->")
    assert (empty_comment.rule, empty_comment.col) == ("raw-html", 6)
    assert "<img>" in empty_comment.message
    [unclosed] = findings(tmp_path, "<!-- this never ends\n\nmore text")
    assert (unclosed.rule, unclosed.line) == ("unclosed-comment", FIRST)


@pytest.mark.parametrize(("body", "scheme", "col"), [
    ("[click](javascript:alert(1))", "javascript", 9),
    ("[click](JaVaScRiPt:alert(1))", "javascript", 9),
    ("See [click](jav&#x61;script:alert(1)).", "javascript", 13),
    ("<vbscript:msgbox(1)>", "vbscript", 2),
    ("[click](file:///etc/passwd)", "file", 9),
    ("![chart](data:image/png;base64,iVBORw0KGgo=)", "data", 10),
    ("[ref]: data:text/html,x", "data", 8),
])
def test_script_and_data_addresses_are_errors(tmp_path: Path, body: str, scheme: str, col: int) -> None:
    [f] = findings(tmp_path, body)
    assert (f.rule, f.line, f.col) == ("bad-url", FIRST, col)
    assert f"'{scheme}:' address" in f.message


def test_event_handler_and_style_attributes(tmp_path: Path) -> None:
    got = findings(tmp_path, '[text]{.note onclick="alert(1)"}\n\n'
                             '# Heading {onmouseover="x"}\n\n'
                             '[x]{style="background:url(javascript:alert(1))"}')
    assert [(f.rule, f.line, f.col) for f in got] == [
        ("event-attribute", FIRST, 14), ("event-attribute", FIRST + 2, 12),
        ("bad-style", FIRST + 4, 5)]
    assert got[0].message == "the attribute 'onclick' would run a script on the published website"


def test_tags_commonmark_leaves_as_text_are_still_reported(tmp_path: Path) -> None:
    [f] = findings(tmp_path, "<IMG SRC=javascript:alert('XSS')>")
    assert (f.rule, f.col) == ("raw-html", 1)
    assert "<img>" in f.message and "backticks" in f.hint


def test_code_escapes_and_entities_are_not_html(tmp_path: Path) -> None:
    body = ("`<script>alert(1)</script>` and \\<b> and &lt;img src=x&gt;\n\n"
            "```html\n<script>alert(1)</script>\n```\n\n"
            "Five is < six. The text javascript:alert(1) is not a link. <https://example.org>")
    assert findings(tmp_path, body) == []


def test_html_in_metadata_is_located_at_the_value(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "")
    path = folder / "report.md"
    path.write_text(path.read_text().replace("title: Custody health care",
                                             "title: Custody <script>alert(1)</script> care"))
    [f] = html.run(load(folder), context())
    assert (f.rule, f.line, f.col) == ("html-in-metadata", 3, 8)


def test_url_scheme_sees_what_a_browser_sees() -> None:
    assert html.url_scheme(" Java\tScript:alert(1)") == "javascript"
    assert html.url_scheme("jav&#x61;script:x") == "javascript"
    assert html.url_scheme("images/chart.png") == ""
    assert html.url_scheme("https://example.org") == "https"


def test_a_suppression_comment_cannot_turn_the_gate_off(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "<!-- cjji-disable html files -->\n\n<script>alert(1)</script>\n\n"
                                   "<!-- cjji-disable-next-line html -->\n[x](javascript:alert(1))")
    found = [(f.gate, f.rule) for f in check(folder) if f.severity == "error"]
    assert ("html", "raw-html") in found and ("html", "bad-url") in found


def test_thousands_of_tags_in_one_paragraph_are_located_in_linear_time(tmp_path: Path) -> None:
    body = "a <img src=x\n" * 20_000 + "b <b>bold</b> `<i>code</i>`\n" * 20_000
    report = load(report_with(tmp_path, body))
    started = time.perf_counter()
    found = html.run(report, context())
    assert time.perf_counter() - started < 10
    assert len(found) == 40_000
    assert max((f.line, f.col) for f in found) == (FIRST + 39_999, 3)
    assert min((f.line, f.col) for f in found) == (FIRST, 3)
