"""Cross-site scripting: every vector of tests/corpora/xss.txt is stopped three times over.

1. `cjji check` reports it as an error at its line (the html and files gates); harmless
   look-alikes (xss-inert.txt) are not reported.
2. `cjji build` and `cjji publish` refuse a report that has it: nothing is written for it.
3. The HTML builder itself (nh3 as a second wall), called directly as if the check had been
   skipped, makes a page that runs nothing in headless Chromium: no dialog, no console marker,
   no page error, no request leaving the page's own origin, even when every element is hovered,
   focused and clicked.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_support import check, corpus, crashes, make_project, report_with, security_errors
from publish_support import FAKE_CLOCK_CJJI

from cjji.build.html import HtmlBuildError, build_html
from cjji.cli import cli
from cjji.policy import load_policy
from cjji.report import load

VECTORS = corpus("xss.txt")
INERT = corpus("xss-inert.txt")
PUBLISH_TIME = "2027-12-01T09:00"  # after the base report's publication date


def folder_name(kind: str, n: int) -> str:
    return f"2027-{kind}-{n:03d}"


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one report per vector (and per harmless look-alike)."""
    project = make_project(tmp_path_factory.mktemp("xss") / "project")
    for n, vector in enumerate(VECTORS):
        report_with(project / "reports", vector, name=folder_name("xss", n))
    for n, text in enumerate(INERT):
        report_with(project / "reports", text, name=folder_name("inert", n))
    return project


def test_the_corpus_is_big_enough() -> None:
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)


def test_check_reports_every_vector_as_a_located_error(hostile_project: Path) -> None:
    missed, located = [], 0
    for n, vector in enumerate(VECTORS):
        findings = check(hostile_project / "reports" / folder_name("xss", n))
        assert crashes(findings) == []
        errors = security_errors(findings)
        if not errors:
            missed.append(vector)
        located += sum(1 for f in errors if f.line > 0 and f.col > 0)
    print(f"\n{len(VECTORS)} vectors checked: {located} located errors")
    assert missed == []


def test_check_does_not_report_harmless_look_alikes(hostile_project: Path) -> None:
    reported = {}
    for n, text in enumerate(INERT):
        findings = check(hostile_project / "reports" / folder_name("inert", n))
        assert crashes(findings) == []
        if security_errors(findings):
            reported[text] = [f.message for f in security_errors(findings)]
    assert reported == {}


def test_build_and_publish_refuse_every_vector(hostile_project: Path) -> None:
    # `cjji build` in process (its exit code as a command is tested in tests/test_cli.py),
    # `cjji publish` as the real command, with the test clock
    hostile = [str(hostile_project / "reports" / folder_name("xss", n)) for n in range(len(VECTORS))]
    build = CliRunner().invoke(cli, ["build", "--no-cache", "-f", "html", "--root", str(hostile_project), *hostile])
    assert build.exit_code == 1, build.output[-2000:]
    assert build.exception is None or isinstance(build.exception, SystemExit), repr(build.exception)
    assert "Traceback" not in build.output
    assert f"0 reports built, {len(VECTORS)} not built" in build.output
    assert not any((hostile_project / "out").rglob("*.html")) if (hostile_project / "out").exists() else True
    env = {**os.environ, "CJJI_TEST_CLOCK": PUBLISH_TIME}  # the clock of FAKE_CLOCK_CJJI
    publish = subprocess.run([*FAKE_CLOCK_CJJI, "publish", "--root", str(hostile_project),
                              "--site", str(hostile_project / "site"), *hostile],
                             capture_output=True, text=True, timeout=600, env=env)
    assert publish.returncode in (1, 2), publish.stdout[-2000:] + publish.stderr[-2000:]
    assert "Traceback" not in publish.stdout + publish.stderr
    site_pages = list((hostile_project / "site").rglob("*.html")) if (hostile_project / "site").exists() else []
    assert not [p for p in site_pages if "2027-xss-" in str(p)]


@dataclass
class Page:
    url: str
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    script_links: list[str] = field(default_factory=list)

    def ran_something(self) -> bool:
        return bool(self.dialogs or self.errors or self.foreign_requests or self.script_links
                    or any("XSS" in line or "alert" in line for line in self.console))


POKE_EVERY_ELEMENT = """() => {
  const links = [];
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'animationstart', 'toggle', 'load', 'error'])
      el.dispatchEvent(new Event(type));
    if (el.href && typeof el.href === 'string' && !/^(https?|mailto):/i.test(el.href)) links.push(el.href);
    // links are not clicked (their addresses are checked above); nor is anything inside one (a
    // figure's image inside its "open full size" link), whose click would only follow the link
    if (!el.closest('a, area') && typeof el.click === 'function') el.click();
  }
  return links;
}"""


class Visitor:
    """One tab with a dialog, console, page-error and request listener, reused page after page."""

    def __init__(self, context: Any, base: str) -> None:
        self.base = base
        self.page = context.new_page()
        self.record = Page("")
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.record.console.append(m.text))
        self.page.on("pageerror", lambda e: self.record.errors.append(str(e)))
        self.page.on("request", self._request)

    def _dialog(self, dialog: Any) -> None:
        self.record.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.base + "/"):
            self.record.foreign_requests.append(request.url)

    def visit(self, name: str) -> Page:
        self.record = Page(f"{self.base}/{name}")
        self.page.goto(self.record.url, wait_until="load")
        self.record.script_links = self.page.evaluate(POKE_EVERY_ELEMENT)
        self.page.goto("about:blank")  # unload: anything still pending is attributed to this page
        return self.record


def same_page_key(page: Path, name: str) -> str:
    """The page's bytes with its own name (in its id and asset paths) taken out: two vectors with
    the same key got byte-identical pages apart from that name, so Chromium does the same with
    both and one visit answers for each."""
    return hashlib.sha256(page.read_bytes().replace(name.encode(), b"NAME")).hexdigest()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.slow
def test_the_html_builder_alone_makes_pages_that_run_nothing(
        hostile_project: Path, tmp_path: Path, chromium_browser: Any) -> None:
    import browser

    policy = load_policy(hostile_project)
    pages_dir = tmp_path / "pages"
    pages: dict[str, tuple[str, list[str]]] = {}  # key -> (page opened, every text that built it)
    refused = 0
    for n, text in [(n, v) for n, v in enumerate(VECTORS)] + [(1000 + n, t) for n, t in enumerate(INERT)]:
        kind = "xss" if n < 1000 else "inert"
        folder = hostile_project / "reports" / folder_name(kind, n % 1000)
        try:
            build_html(load(folder), policy, pages_dir / f"{folder.name}.html")
        except HtmlBuildError:  # the builder refused it (a third wall): nothing to open
            refused += 1
            continue
        key = same_page_key(pages_dir / f"{folder.name}.html", folder.name)
        pages.setdefault(key, (f"{folder.name}.html", []))[1].append(text)
    ran = []
    with browser.served(pages_dir) as base:
        visitor = Visitor(chromium_browser, base)
        for name, texts in pages.values():
            record = visitor.visit(name)
            if record.ran_something():
                ran.extend((text, record) for text in texts)  # every vector that built this page
        visitor.page.close()
    built = sum(len(texts) for _, texts in pages.values())
    print(f"\n{built} pages built ({len(pages)} different, each opened in Chromium), "
          f"{refused} refused by the HTML builder")
    assert ran == []
    assert built + refused == len(VECTORS) + len(INERT)
    assert len(pages) > 20  # the vectors do give different pages: the visits are not all of one


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_listeners_do_catch_a_script(tmp_path: Path, chromium_browser: Any) -> None:
    """The browser test's own control: an unsanitised page does trip every listener."""
    import browser

    (tmp_path / "bad.html").write_text(
        "<!doctype html><title>x</title><img src=x onerror=alert(1)>"
        "<script>console.log('XSS-MARKER')</script><img src='http://xss.invalid/t.png'>"
        "<a href='javascript:void(0)'>x</a>")
    with browser.served(tmp_path) as base:
        visitor = Visitor(chromium_browser, base)
        record = visitor.visit("bad.html")
        visitor.page.close()
    assert "alert: 1" in record.dialogs
    assert "XSS-MARKER" in record.console
    assert record.foreign_requests == ["http://xss.invalid/t.png"]
    assert record.script_links == ["javascript:void(0)"]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_vectors_in_the_metadata_are_errors_and_run_nothing(tmp_path: Path, chromium_browser: Any) -> None:
    import browser

    project = make_project(tmp_path / "project")
    folder = report_with(project / "reports", "", name="2027-xss-meta")
    text = (folder / "report.md").read_text(encoding="utf-8")
    text = text.replace("title: Custody health care",
                        "title: 'Custody <img src=x onerror=alert(1)> care'\n"
                        "subtitle: '</title><script>alert(2)</script>'")
    text = text.replace('text: "Detained people', 'text: "<svg onload=alert(3)> Detained people')
    (folder / "report.md").write_text(text, encoding="utf-8")
    errors = [(f.rule, f.line) for f in security_errors(check(folder))]
    assert errors == [("html-in-metadata", 3), ("html-in-metadata", 4), ("html-in-metadata", 14)]
    build_html(load(folder), load_policy(project), tmp_path / "pages" / "meta.html")
    with browser.served(tmp_path / "pages") as base:
        visitor = Visitor(chromium_browser, base)
        record = visitor.visit("meta.html")
        visitor.page.close()
    assert not record.ran_something(), record
