"""A real browser for checking pages: Debian's headless Chromium driven by Playwright, and axe-core.

Nothing is downloaded: Chromium is /usr/bin/chromium (scripts/setup-system.sh --test installs it),
Playwright is told its path (`playwright install` is never needed), and axe-core's axe.min.js comes
from the PyPI package axe-playwright-python. Pages are served from a folder on 127.0.0.1 by
http.server in a thread, so relative images and stylesheets load as they will on the website.

    with serve(folder) as base_url, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base_url}/report.html")
        violations = run_axe(page)
"""

from __future__ import annotations

import functools
import http.server
import importlib.resources
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
AXE_PACKAGE = "axe_playwright_python"


def unavailable() -> str | None:
    """Why the browser checks cannot run here, or None if they can."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is not installed (scripts/setup-system.sh --test installs Debian chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if axe_script_path() is None:
        return "axe-core is not installed (pip install -e '.[test]' brings axe-playwright-python)"
    return None


def axe_script_path() -> Path | None:
    try:
        path = importlib.resources.files(AXE_PACKAGE) / "axe.min.js"
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


@functools.cache
def axe_script() -> str:
    path = axe_script_path()
    if path is None:
        raise RuntimeError(unavailable() or "axe-core is not installed")
    return path.read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright BrowserContext) with a new, empty profile."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="cjji-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=list(CHROMIUM_ARGS),
                viewport={"width": 1280, "height": 900},
                locale="en-GB",
                service_workers="block",
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the loaded page with all its rules except the experimental ones (axe's
    default: WCAG 2.x A and AA, and the best-practice rules such as region and
    landmark-one-main); returns axe's violations (each: id, impact, help, helpUrl, nodes[{target, html, ...}])."""
    return run_axe_full(page)["violations"]  # type: ignore[no-any-return]


def run_axe_full(page: Any) -> dict[str, Any]:
    """axe-core's whole result: violations, passes, incomplete, inapplicable."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_script())
    return page.evaluate(  # type: ignore[no-any-return]
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
