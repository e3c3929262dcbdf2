"""Checks of a built HTML page, as findings for the `outputs` gate.

`html_findings(path)` reads the page (never the report) and checks what every reader relies on:
the language, a title, one main landmark, a skip link whose target exists, alt text on every
image, unique ids, and that no script, inline event handler or javascript:/data: address got
through. These static checks are fast and always run.

The slow path runs axe-core in headless Chromium (`axe_findings`): it is switched on by
`html_findings(path, axe=True)` or, when the caller leaves `axe` unset, by the environment
variable CJJI_AXE=1 (CI sets it). It needs /usr/bin/chromium and the test dependencies
(`make setup-test`); when they are missing it says so in a warning instead of failing.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cjji.findings import Finding, error, warning
from cjji.report import display_path

GATE = "outputs"
AXE_SWITCH = "CJJI_AXE"
_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.in_title = False
        self.mains: list[int] = []
        self.first_link: tuple[str, int] | None = None
        self.ids: dict[str, int] = {}
        self.duplicate_ids: list[tuple[str, int]] = []
        self.images_without_alt: list[tuple[str, int]] = []
        self.unsafe: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag == "main" or values.get("role") == "main":
            self.mains.append(line)
        elif tag == "a" and self.first_link is None and "href" in values:
            self.first_link = (values["href"], line)
        elif tag == "img" and "alt" not in values:
            self.images_without_alt.append((values.get("src", "?"), line))
        elif tag in ("script", "iframe", "object", "embed"):
            self.unsafe.append((f"a <{tag}> element", line))
        for name, value in values.items():
            if name.startswith("on"):
                self.unsafe.append((f"an inline event handler ({name})", line))
            elif name in ("href", "src") and value.strip().lower().startswith(_UNSAFE_SCHEMES):
                self.unsafe.append((f"a {value.split(':', 1)[0]}: address", line))
        ident = values.get("id")
        if ident:
            if ident in self.ids:
                self.duplicate_ids.append((ident, line))
            else:
                self.ids[ident] = line

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data


def static_findings(path: Path) -> list[Finding]:
    """The fast checks: lang, title, one main, skip link target, alt text, ids, no scripts."""
    shown = display_path(path)

    def fail(rule: str, line: int, message: str, hint: str) -> Finding:
        return error(GATE, rule, shown, line, 1 if line else 0, message, hint)

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [fail("html-unreadable", 0, f"the HTML page cannot be read: {exc}",
                     "rebuild it with `cjji build`")]
    scan = _PageScan()
    scan.feed(text)
    scan.close()
    rebuild = "this comes from the page template (templates/html/); rebuild with `cjji build`"
    found: list[Finding] = []
    if not scan.lang:
        found.append(fail("html-lang", 1, "the page does not say its language (<html lang>)",
                          rebuild))
    if not scan.title.strip():
        found.append(fail("html-title", 1, "the page has no title", rebuild))
    if len(scan.mains) != 1:
        found.append(fail("html-main", scan.mains[1] if len(scan.mains) > 1 else 1,
                          f"the page has {len(scan.mains)} main landmarks; it needs exactly one",
                          rebuild))
    href, line = scan.first_link or ("", 1)
    if not href.startswith("#") or href[1:] not in scan.ids:
        found.append(fail("html-skip-link", line,
                          "the page does not start with a skip link to an element that exists",
                          rebuild))
    for src, line in scan.images_without_alt:
        found.append(fail("html-alt", line, f"the image {src} has no alt text",
                          "give the image alt text in report.md: ![what it shows](images/x.png)"))
    for ident, line in scan.duplicate_ids:
        found.append(fail("html-duplicate-id", line,
                          f"the id '{ident}' is used more than once on the page, so links to it "
                          "can go to the wrong place",
                          "give each heading, figure and finding in report.md its own id"))
    for what, line in scan.unsafe:
        found.append(fail("html-unsafe", line, f"the page contains {what}",
                          "raw HTML is not allowed in reports; this is a bug in the HTML "
                          "builder if the report has none"))
    return found


def axe_findings(path: Path) -> list[Finding]:
    """axe-core's violations (WCAG A/AA and best practice) in headless Chromium, one finding each.
    The page is served with the files beside it, so its images and logos load."""
    from cjji import browser

    shown = display_path(path)
    reason = browser.unavailable()
    if reason:
        return [warning(GATE, "axe-unavailable", shown, 0, 0,
                        f"the accessibility check in a browser could not run: {reason}",
                        "run `make setup-test`, or unset CJJI_AXE to skip it")]
    # Playwright's sync API refuses to start inside a running event loop (a caller's own
    # browser session, say): a worker thread has none.
    with ThreadPoolExecutor(max_workers=1) as pool:
        violations = pool.submit(_axe_violations, path.resolve()).result()
    found = []
    for violation in violations:
        targets = [", ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
        shown_targets = "; ".join(targets[:3]) + (f" and {len(targets) - 3} more" if len(targets) > 3 else "")
        found.append(error(
            GATE, f"axe-{violation['id']}", shown, 0, 0,
            f"accessibility: {violation['help']} ({violation.get('impact') or 'unknown'} impact; "
            f"{len(targets)} element(s): {shown_targets})",
            f"see {violation.get('helpUrl', 'the axe-core rule ' + violation['id'])}",
        ))
    return found


def _axe_violations(path: Path) -> list[dict[str, Any]]:
    from cjji import browser

    with browser.serve(path.parent) as base, browser.chromium() as chromium:
        page = chromium.new_page()
        page.goto(f"{base}/{path.name}", wait_until="load")
        return browser.run_axe(page)


def axe_switched_on() -> bool:
    return os.environ.get(AXE_SWITCH, "").strip().lower() in ("1", "true", "yes", "on")


def html_findings(path: Path, *, axe: bool | None = None) -> list[Finding]:
    """Every check of a built page: the static ones, and axe-core when switched on
    (`axe=True`, or CJJI_AXE=1 when `axe` is None)."""
    found = static_findings(path)
    if axe if axe is not None else axe_switched_on():
        found.extend(axe_findings(path))
    return found
