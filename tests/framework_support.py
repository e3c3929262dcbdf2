"""Helpers for the framework gate tests: variants of the small real report in fixtures/framework/."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from support import FIXTURES, ROOT

from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.policy import load_policy
from cjji.report import load

GOOD = FIXTURES / "framework" / "2027-good"


@cache
def context() -> Context:
    return Context(policy=load_policy(ROOT))


def variant(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the good report with each (old, new) text edit made once; old must be there."""
    folder = tmp_path / GOOD.name
    shutil.copytree(GOOD, folder)
    path = folder / "report.md"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"the fixture no longer contains {old!r}"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return folder


def line_of(folder: Path, needle: str) -> int:
    """1-based line of the first line containing `needle` in the folder's report.md."""
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def run(gate: Gate, folder: Path) -> list[Finding]:
    return gate.run(load(folder), context())


def brief(findings: list[Finding]) -> list[tuple[int, str, str]]:
    """(line, rule, message) of each finding: what an author sees."""
    return [(f.line, f.rule, f.message) for f in findings]


EXAMPLE_DIR = ROOT / "reports" / "2026-victim-updates"
