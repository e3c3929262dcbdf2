# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""Every page of a published site passes axe-core in headless Chromium, at a laptop's and a
phone's width, and the screenshots of the index and the report page are kept for a look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import WIDTHS, axe_violations, describe, open_page, served
from publish_support import (
    REPORT,
    gk,  # noqa: F401
    keys,  # noqa: F401
    new_version,
    publish,
    published,  # noqa: F401
    published_once,  # noqa: F401
    site,  # noqa: F401
)
from signoff_support import Gatekeepers

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_every_site_page_passes_axe(chromium_browser: Any, published: Gatekeepers, site: Path, tmp_path: Path) -> None:
    new_version(published, 2, '{type: major, note: "Corrected chapter 3."}',
                body_edit=("We found committed staff", "We found dedicated staff"))
    assert publish(published.root, site, "2027-01-15T10:00").exit_code == 0
    root = site.resolve()
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("index.html"))
    assert len(pages) >= 9, pages
    failures = []
    with served(root) as base:
        for rel in pages:
            for width in WIDTHS:
                page = open_page(chromium_browser, f"{base}/{rel}", width=width)
                violations = axe_violations(page)
                if violations:
                    failures.append(f"{rel} at {width}px:\n{describe(violations)}")
                if width == WIDTHS[0] and rel in ("index.html", f"reports/{REPORT}/index.html"):
                    page.screenshot(path=str(tmp_path / (rel.replace("/", "_") + ".png")), full_page=True)
                page.close()
    assert not failures, "\n".join(failures)
