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


# -- `make test-fast`: the edit loop runs `pytest -m "not slow"` -----------------------------------
# A test is slow when it drives a browser or WordPress (their markers), or when its module builds
# documents, publishes sites or makes huge inputs (below). Mark a single slow test with
# @pytest.mark.slow instead of adding its module here.
SLOW_MODULES = {
    "tests/build/test_docx.py", "tests/build/test_pdf.py", "tests/build/test_reproducible.py",
    "tests/build/test_sandbox.py", "tests/build/test_html.py", "tests/build/test_readback.py",
    "tests/commands/test_build.py", "tests/commands/test_publish.py", "tests/commands/test_verify_site.py",
    "tests/publish/test_local.py", "tests/publish/test_site.py", "tests/publish/test_manifest.py",
    "tests/review/test_export.py", "tests/review/test_loop.py", "tests/review/test_import.py",
    "tests/test_building.py", "tests/test_nothing_lost.py", "tests/test_xss.py", "tests/test_workflows.py",
    "tests/test_hostile_size.py", "tests/test_packaging.py", "tests/test_fuzz.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.relative_to(ROOT).as_posix()
        if (module in SLOW_MODULES or item.get_closest_marker("browser") is not None
                or item.get_closest_marker("wordpress") is not None):
            item.add_marker(pytest.mark.slow)
