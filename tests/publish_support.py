"""Helpers for publishing tests (importable as `publish_support`): run `cjji publish` with a
clock we control, edit a signed report's metadata, snapshot the served site.

Fixtures: `from publish_support import gk, keys, signed, site  # noqa: F401`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from signoff_support import REQUIRED, Gatekeepers, gk, keys, set_version  # noqa: F401

from cjji.cli import cli
from cjji.publish import embargo
from cjji.publish.embargo import parse_time
from cjji.publish.target import Body, Change, PublishedFile, Release, ReportMetadata, ReportVersion, Withdrawal

SIGNERS = dict(zip(REQUIRED, ["cps-chief", "police-chief", "probation-chief", "cps-qa"], strict=True))
REPORT = "2026-victim-updates"
ROOT_PROJECT = Path(__file__).resolve().parents[1]
AFTER_EMBARGO = "2026-12-10T09:00"  # the example's embargo lifts at 00:01 UK time that day


def sign_all(kit: Gatekeepers, report: Path | None = None) -> None:
    for role, name in SIGNERS.items():
        kit.sign(role, name, report=report)


@contextlib.contextmanager
def frozen_clock(now: str) -> Iterator[None]:
    """Run in-process code as if the clock said `now` (UK time without an offset). A real
    `cjji publish` takes no time from outside (`--now` needs `--dry-run`); only tests replace the
    clock, from inside the process. For a subprocess, run FAKE_CLOCK_CJJI instead of cjji."""
    fixed = parse_time(now)
    saved = embargo.clock
    embargo.clock = lambda: fixed
    try:
        yield
    finally:
        embargo.clock = saved


# `cjji` with its clock set from $CJJI_TEST_CLOCK, for tests that publish in a subprocess:
# [*FAKE_CLOCK_CJJI, "publish", ...] with env={..., "CJJI_TEST_CLOCK": "2026-12-10T09:00"}.
FAKE_CLOCK_CJJI = [sys.executable, str(Path(__file__).resolve().parent / "fake_clock_cjji.py")]


def publish(root: Path, site: Path, now: str = AFTER_EMBARGO, *args: str) -> Result:
    """`cjji publish` (a real run) with the clock at `now`."""
    with frozen_clock(now):
        return CliRunner().invoke(
            cli, ["publish", "--root", str(root), "--site", str(site), *args],
            catch_exceptions=False,
        )


def verify(root: Path, site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["verify-site", str(site), "--root", str(root), *args], catch_exceptions=False)


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


@pytest.fixture(scope="session")
def published_once(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Path:  # noqa: F811
    """A project made as `signed` makes it, with version 1 published at AFTER_EMBARGO into its
    public/site: once per test process (publishing builds Word, PDF and HTML)."""
    import shutil

    from support import EXAMPLE

    root = tmp_path_factory.mktemp("published")
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT_PROJECT / name, root / name, symlinks=True)
    report = root / "reports" / EXAMPLE.name
    shutil.copytree(EXAMPLE, report, symlinks=True)
    shutil.rmtree(report / "signoffs", ignore_errors=True)
    kit = Gatekeepers(root, report, keys)
    kit.write_registry()
    sign_all(kit)
    result = publish(root, root / "public" / "site")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def published(published_once: Path, tmp_path: Path, keys: dict[str, Path]) -> Gatekeepers:  # noqa: F811
    """`signed`, with version 1 already published into `site` at AFTER_EMBARGO: a copy of
    `published_once` in this test's tmp_path (the site link is relative, the builds beside it)."""
    import shutil

    shutil.copytree(published_once, tmp_path, symlinks=True, dirs_exist_ok=True)
    return Gatekeepers(tmp_path, tmp_path / "reports" / REPORT, keys)


# ---- stand-in versions, for unit tests of the site logic only (no builders, no sign-offs) ----


def stand_in_version(folder: Path, report_id: str, version: int = 1, *, date: str = "2026-12-10",
                     change: tuple[str, str] = ("major", "First published."), pages: int = 3,
                     lead: str = "HMCPSI", codes: tuple[str, ...] = ("HMCPSI", "HMICFRS"),
                     process: str = "bringing-offenders-to-justice", withdrawn: str = "",
                     history: tuple[Change, ...] = ()) -> ReportVersion:
    """A small but real published version: a PDF of `pages` blank pages made by pikepdf."""
    import hashlib

    import pikepdf

    folder.mkdir(parents=True, exist_ok=True)
    pdf_path = folder / f"{report_id}.pdf"
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page()
        pdf.save(pdf_path)
    data = pdf_path.read_bytes()
    pdf_file = PublishedFile("pdf", pdf_path.name, hashlib.sha256(data).hexdigest(), len(data), pages, pdf_path)
    day = dt.date.fromisoformat(date)
    this = Change(version, day, change[0], change[1])  # type: ignore[arg-type]
    moment = dt.datetime.combine(day, dt.time(9, 0), dt.UTC)
    return ReportVersion(
        report_id=report_id, version=version,
        metadata=ReportMetadata(
            title=f"Report {report_id}", subtitle="", summary=f"What {report_id} found.",
            inspection_type="Joint thematic inspection", lead=f"Lead {lead}", inspectorates=("Other",),
            inspectorate_codes=codes, business_process=process.replace("-", " ").capitalize(),
            business_process_id=process, publication_date=day),
        files={"pdf": pdf_file},
        body=Body((f'<h2 id="summary">Summary</h2><p>The findings of {report_id}.</p>',)),
        change=this, history=(*history, this), recommendations=(),
        content_digest="sha256:" + hashlib.sha256(report_id.encode() + bytes([version])).hexdigest(),
        signoffs=(), embargo=moment, published_at=moment,
        withdrawn=Withdrawal(day, withdrawn) if withdrawn else None,
    )


def release_of(*versions: ReportVersion, added: tuple[tuple[str, int], ...] | None = None) -> Release:
    now = max(v.published_at for v in versions)
    return Release(tuple(versions), tuple(v.key for v in versions) if added is None else added, now)


# ---- the joint programme's business plan (programme/2027), signed, for publishing tests ----

PLAN_SIGNERS = {  # the CJCIG chair (HMIProbation in 2027) and the other chief inspectors
    "chief-inspector-HMIProbation": "priya.raman",
    "chief-inspector-HMICFRS": "daniel.okafor",
    "chief-inspector-HMCPSI": "catherine.ellwood",
    "chief-inspector-HMIPrisons": "thomas.ashdown",
}
PLAN_AFTER_EMBARGO = "2027-03-20T09:00"  # the example plan goes live at 00:01 on 17 March 2027


def signed_programme(root: Path, year: str = "2027") -> Path:
    """A project at `root` (policy, schemas, templates, an empty reports/) holding the example
    programme of `year`, signed off by the chair and the other chief inspectors. Returns root."""
    import shutil

    from cjji.policy import load_policy
    from cjji.programme import signoff as plan_signoff
    from cjji.programme.model import load_programme

    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT_PROJECT / name, root / name, symlinks=True)
    (root / "reports").mkdir()
    shutil.copytree(ROOT_PROJECT / "programme" / year, root / "programme" / year)
    policy = load_policy(root)
    programme = load_programme(root, year)
    for role, name in PLAN_SIGNERS.items():
        key = root.parent / f"key-{name}"
        shutil.copyfile(ROOT_PROJECT / "examples" / "keys" / f"EXAMPLE-ONLY-{name}", key)
        key.chmod(0o600)
        plan_signoff.sign_plan(programme, policy, role, key, now=dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC))
    return root
