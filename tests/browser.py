"""Browser test helpers (importable as `browser`): headless Debian Chromium through Playwright,
a folder served on 127.0.0.1, and axe-core. The machinery is cjji.browser; this adds what tests
need: skipping when Chromium is absent, opening a page at a width, readable axe failures.

    pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

    def test_page(chromium_browser, tmp_path):          # fixture in tests/conftest.py
        with served(tmp_path) as base:
            page = open_page(chromium_browser, f"{base}/x.html", width=390)
            assert axe_violations(page) == [], describe(axe_violations(page))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cjji import browser as _browser

CHROMIUM = _browser.CHROMIUM
WIDTHS = (1280, 390)  # a laptop and a phone


def require_chromium() -> None:
    """Skip the test when Debian chromium is not installed; fail if Chromium is there but
    Playwright or axe-core is missing (that is a broken set-up, not an optional feature)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed: `make setup-test` (scripts/setup-system.sh "
                    "--test) installs Debian chromium")
    reason = _browser.unavailable()
    if reason:
        pytest.fail(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright BrowserContext on /usr/bin/chromium with a new, empty profile."""
    require_chromium()
    with _browser.chromium() as context:
        yield context


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1; yields the base URL (no trailing slash)."""
    with _browser.serve(folder) as base:
        yield base


def open_page(context: Any, url: str, *, width: int = 1280, height: int = 900) -> Any:
    """A new tab at `url`, `width` CSS pixels wide, loaded (images included)."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url, wait_until="load")
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page: WCAG 2.x A/AA and the best-practice rules."""
    return _browser.run_axe(page)


def axe_results(page: Any) -> dict[str, Any]:
    return _browser.run_axe_full(page)


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and element, for an assertion message."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} at {node.get('target')}: "
                         f"{node.get('html', '')[:120]}")
    return "\n".join(lines) or "no violations"
