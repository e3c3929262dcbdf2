"""Shared fixtures: the real project root, and throwaway projects with real policy files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import EXAMPLE, ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's policy, schemas and templates with an empty reports/ folder."""
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name, symlinks=True)
    (tmp_path / "reports").mkdir()
    return tmp_path


@pytest.fixture
def example_copy(project: Path) -> Path:
    """The example report copied into a throwaway project; returns its folder."""
    dest = project / "reports" / EXAMPLE.name
    shutil.copytree(EXAMPLE, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Headless Debian Chromium (a Playwright BrowserContext) shared by a session's browser
    tests; skips when /usr/bin/chromium is absent. Helpers: tests/browser.py."""
    import browser

    with browser.chromium() as context:
        yield context
