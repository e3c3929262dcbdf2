"""Fixtures for the programme tests; the helpers are in programme_support.py beside this file."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from programme_support import YEAR, Example  # noqa: E402
from support import ROOT  # noqa: E402


@pytest.fixture
def example(project: Path, monkeypatch: pytest.MonkeyPatch) -> Example:
    """The worked example programme copied into a throwaway project (the current folder), without
    the repository's own sign-offs of it: each test signs what it needs."""
    shutil.copytree(ROOT / "programme" / YEAR, project / "programme" / YEAR,
                    ignore=shutil.ignore_patterns("signoffs"))
    monkeypatch.chdir(project)  # findings show paths relative to the project, as authors see them
    return Example(project)
