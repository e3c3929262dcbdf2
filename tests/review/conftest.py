"""Fixtures for the review tests: the example's review copy is built once per session (about 3 s)
and copied into each test's throwaway project (the copies are identical, so is their digest)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from support import EXAMPLE, ROOT

from cjji.policy import load_policy
from cjji.report import load
from cjji.review.export import export


@pytest.fixture(scope="session")
def review_copy(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = tmp_path_factory.mktemp("review-project")
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, root / name, symlinks=True)
    shutil.copytree(EXAMPLE, root / "reports" / EXAMPLE.name, symlinks=True)
    report = load(root / "reports" / EXAMPLE.name)
    result = export(report, load_policy(root), "cps", root / "copy.docx", dt.date(2026, 11, 20))
    assert result.unanchored == []
    return result.path.read_bytes()


@pytest.fixture
def exported(example_copy: Path, project: Path, review_copy: bytes) -> Path:
    path = project / "out" / EXAMPLE.name / "review" / f"{EXAMPLE.name}-for-cps.docx"
    path.parent.mkdir(parents=True)
    path.write_bytes(review_copy)
    return path
