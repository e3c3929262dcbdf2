"""Helpers for publishing tests (importable as `publish_support`): run `cjji publish` with a
clock we control, edit a signed report's metadata, snapshot the served site.

Fixtures: `from publish_support import gk, keys, signed, site  # noqa: F401`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from signoff_support import REQUIRED, Gatekeepers, gk, keys, set_version  # noqa: F401

from cjji.cli import cli

SIGNERS = dict(zip(REQUIRED, ["cps-chief", "police-chief", "probation-chief", "cps-qa"], strict=True))
REPORT = "2026-victim-updates"
AFTER_EMBARGO = "2026-12-10T09:00"  # the example's embargo lifts at 00:01 UK time that day


def sign_all(kit: Gatekeepers, report: Path | None = None) -> None:
    for role, name in SIGNERS.items():
        kit.sign(role, name, report=report)


def publish(root: Path, site: Path, now: str = AFTER_EMBARGO, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["publish", "--root", str(root), "--site", str(site), "--now", now, *args],
        catch_exceptions=False,
    )


def verify(root: Path, site: Path) -> Result:
    return CliRunner().invoke(cli, ["verify-site", str(site), "--root", str(root)], catch_exceptions=False)


def set_meta(report: Path, key: str, value: str) -> None:
    """Set (or add, after `version:`) one top-level metadata line of report.md."""
    path = report / "report.md"
    text = path.read_text(encoding="utf-8")
    line = f"{key}: {value}"
    pattern = re.compile(rf"^{re.escape(key)}:.*$", re.M)
    text = pattern.sub(line, text, count=1) if pattern.search(text) else text.replace(
        "\nversion:", f"\n{line}\nversion:", 1)
    path.write_text(text, encoding="utf-8")


def new_version(kit: Gatekeepers, version: int, change: str, *, body_edit: tuple[str, str] | None = None) -> None:
    """Edit the report, raise its version with a change note, and sign it again."""
    if body_edit:
        path = kit.report / "report.md"
        text = path.read_text(encoding="utf-8")
        assert body_edit[0] in text
        path.write_text(text.replace(body_edit[0], body_edit[1], 1), encoding="utf-8")
    set_version(kit.report, version)
    set_meta(kit.report, "change", change)
    sign_all(kit)


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file the site serves, by relative path."""
    base = site.resolve()
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def page(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


@pytest.fixture
def signed(gk: Gatekeepers) -> Gatekeepers:  # noqa: F811
    """A throwaway project with the example report, signed off by every required role."""
    sign_all(gk)
    return gk


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Where the site link goes (its builds go beside it, in site-versions/)."""
    return tmp_path / "public" / "site"
