"""Nothing lost: no command changes or deletes a report's sources, and a build or publish killed
half-way leaves nothing that a later run would trust (outputs are written aside and renamed)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hostile_support import make_project, report_with
from publish_support import FAKE_CLOCK_CJJI, frozen_clock
from support import EXAMPLE, THOROUGH

from cjji.cli import cli

CJJI = Path(sys.executable).with_name("cjji")
NOW = "2027-12-01T09:00"
pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """path -> (content digest or link target, mode, mtime) of every file, link and folder."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            what = "link:" + os.readlink(path)
        elif path.is_dir():
            what = "dir"
        else:
            what = hashlib.sha256(path.read_bytes()).hexdigest()
        found[path.relative_to(folder).as_posix()] = (what, info.st_mode, info.st_mtime_ns)
    return found


def outputs(folder: Path) -> dict[str, str]:
    """Digest of every finished output (not the hidden .part files of a write in progress)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.part")) if folder.exists() else []


def cjji(project: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*FAKE_CLOCK_CJJI, *args], cwd=project, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "CJJI_TEST_CLOCK": NOW})  # a real publish takes no --now
    assert "Traceback" not in done.stdout + done.stderr and "internal error" not in done.stderr, done.stderr
    return done


def cjji_in_process(project: Path, *args: str) -> Result:
    """`cjji ARGS` run in this process from the project folder (as `cjji` would be, without the
    second of starting Python and importing cjji); the clock reads NOW."""
    with frozen_clock(NOW), contextlib.chdir(project):
        done = CliRunner().invoke(cli, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
    assert "Traceback" not in done.output and "internal error" not in done.output, done.output
    return done


def kill_after(project: Path, seconds: float, *args: str) -> None:
    """Start `cjji ARGS` and SIGKILL it and every process it started after `seconds`."""
    child = subprocess.Popen([*FAKE_CLOCK_CJJI, *args], cwd=project, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True,
                             env={**os.environ, "CJJI_TEST_CLOCK": NOW})
    time.sleep(seconds)
    with contextlib.suppress(ProcessLookupError):  # it may have finished already
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example report (signed), the small valid report, a hostile one and a broken one."""
    project = make_project(tmp_path / "project")
    shutil.copytree(EXAMPLE, project / "reports" / EXAMPLE.name, symlinks=True)
    report_with(project / "reports", "")
    report_with(project / "reports", "<script>alert(1)</script> ![x](../../etc/passwd)", name="2027-hostile-x")
    broken = report_with(project / "reports", "![chart](images/chart.png)", name="2027-broken")
    (broken / "images" / "chart.png").write_bytes(b"not a png")
    (broken / "images" / "outside.png").symlink_to("/etc/hostname")
    return project


def test_no_command_changes_a_report_source(project: Path) -> None:
    # In process: the same commands' code as `cjji ...` (the subprocess tests below and
    # tests/test_cli.py run the real command and its exit codes)
    before = snapshot(project / "reports")
    cjji_in_process(project, "check")
    cjji_in_process(project, "check", "--format", "json", "--no-cache")
    cjji_in_process(project, "check", "--for-publication", "--format", "github")
    cjji_in_process(project, "build")
    cjji_in_process(project, "build")  # from the cache
    cjji_in_process(project, "status")
    cjji_in_process(project, "digest", f"reports/{EXAMPLE.name}")
    cjji_in_process(project, "recommendations")
    assert cjji_in_process(project, "publish").exit_code == 1  # the hostile and broken reports are refused
    assert cjji_in_process(project, "verify-site").exit_code == 0
    refused = cjji_in_process(project, "new", EXAMPLE.name)
    assert refused.exit_code != 0
    assert snapshot(project / "reports") == before


def test_a_killed_build_leaves_nothing_a_later_run_trusts(project: Path) -> None:
    started = time.perf_counter()
    assert cjji(project, "build", "--no-cache").returncode == 1  # the hostile and broken reports
    full = time.perf_counter() - started
    reference = outputs(project / "out")
    assert len([name for name in reference if name.endswith((".docx", ".pdf", ".html"))]) == 6
    sources = snapshot(project / "reports")
    fractions = (0.35, 0.5, 0.7, 0.85, 0.95) if THOROUGH else (0.45, 0.95)  # while it writes
    for delay in (full * fraction for fraction in fractions):
        shutil.rmtree(project / "out")
        shutil.rmtree(project / ".cache", ignore_errors=True)
        kill_after(project, delay, "build")
        half = outputs(project / "out")
        assert {name: half[name] for name in half if half[name] != reference.get(name)} == {}, \
            f"killed after {delay} s, a finished output differs from a full build's"
        again = cjji(project, "build")
        assert again.returncode == 1
        assert outputs(project / "out") == reference
        print(f"\nkilled after {delay:.1f} s of {full:.1f} s: {len(half)} finished outputs; "
              f"temporary files left after the next build: {leftovers(project / 'out')}")
    assert snapshot(project / "reports") == sources


def test_a_killed_check_leaves_a_cache_that_gives_the_same_answers(project: Path) -> None:
    clean = cjji(project, "check", "--no-cache", "--format", "json")
    for delay in (0.3, 0.6, 1.0) if THOROUGH else (0.4, 0.9):
        shutil.rmtree(project / ".cache", ignore_errors=True)
        kill_after(project, delay, "check")
        assert cjji(project, "check", "--format", "json").stdout.split('"seconds"')[0] == \
            clean.stdout.split('"seconds"')[0]


def test_a_killed_publish_leaves_the_site_whole(project: Path) -> None:
    assert cjji(project, "publish").returncode == 1  # the others are refused
    published = (project / "site").resolve()
    delays = (0.5, 1.0, 1.8) if THOROUGH else (0.7, 1.6)
    for delay in delays:
        kill_after(project, delay, "publish")
        assert (project / "site").resolve() == published
        # every file against the manifest, sources and sign-offs; the last time also rebuilt and
        # compared byte for byte (a kill cannot change the kept sources a rebuild starts from)
        rebuild = () if delay == delays[-1] else ("--skip-rebuild",)
        assert cjji(project, "verify-site", *rebuild).returncode == 0


def test_text_nested_deeper_than_markdown_reads_is_an_error_not_silently_dropped(tmp_path: Path) -> None:
    from hostile_support import check

    nine = "".join("  " * depth + f"- level {depth}\n" for depth in range(9))
    assert [f for f in check(report_with(tmp_path, nine)) if f.gate == "load"] == []
    ten = "".join("  " * depth + f"- level {depth}\n" for depth in range(10)) + "\nAfter the list.\n"
    [f] = check(report_with(tmp_path, ten))
    assert (f.rule, f.message) == (
        "too-deep", "the lists or quotations here are nested too deeply: Markdown leaves out everything "
        "deeper, so text would be lost")
    lines = (tmp_path / "2027-hostile" / "report.md").read_text().split("\n")
    assert lines[f.line - 1] == "  " * 9 + "- level 9"
