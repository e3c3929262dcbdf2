"""Helpers for the hostile-input tests: a small valid report, the corpora, in-process checks."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from support import FIXTURES, ROOT

from cjji.checking import check_report
from cjji.findings import Finding
from cjji.gates.base import Context
from cjji.policy import load_policy

BASE = FIXTURES / "hostile" / "2027-hostile"
CORPORA = ROOT / "tests" / "corpora"
SECURITY_GATES = ("html", "files")


def corpus(name: str) -> list[str]:
    """The entries of tests/corpora/<name>: one per line, '%%' comments, \\n and \\t escapes."""
    lines = (CORPORA / name).read_text(encoding="utf-8").split("\n")
    return [line.replace("\\n", "\n").replace("\\t", "\t")
            for line in lines if line.strip() and not line.startswith("%%")]


@cache
def context() -> Context:
    return Context(policy=load_policy(ROOT))


def report_with(parent: Path, extra_body: str, name: str = BASE.name) -> Path:
    """A copy of the valid base report in parent/<name>/ with `extra_body` at the end of the body."""
    folder = parent / name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(BASE, folder)
    return set_body(folder, extra_body)


def set_body(folder: Path, extra_body: str) -> Path:
    """Rewrite folder/report.md as the base report with `extra_body` at the end (no copying)."""
    text = (BASE / "report.md").read_text(encoding="utf-8")
    if folder.name != BASE.name:
        text = text.replace(f"id: {BASE.name}\n", f"id: {folder.name}\n", 1)
    (folder / "report.md").write_text(text.rstrip("\n") + "\n\n" + extra_body + "\n", encoding="utf-8")
    return folder


def make_project(path: Path) -> Path:
    """A throwaway project: the real checks/, schemas/ and templates/, and an empty reports/."""
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, path / name)
    (path / "reports").mkdir()
    return path


def check(folder: Path) -> list[Finding]:
    """Every finding of every gate, in process (no cache)."""
    return check_report(folder, context()).findings


def crashes(findings: list[Finding]) -> list[Finding]:
    """Findings that say a gate crashed (the registry turns an exception into one)."""
    return [f for f in findings if f.rule == "internal-error"]


def security_errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.gate in SECURITY_GATES and f.severity == "error"]
