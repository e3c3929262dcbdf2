"""Huge and deeply nested reports: `cjji check` ends within bounded time and memory, or says why.

Each case runs the real command in a subprocess (no cache, one job), measures its own CPU time and
peak memory with os.wait4 (getrusage of that child alone), and is killed if it overruns: nothing
may hang.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_support import report_with
from support import ROOT, thorough

CJJI = Path(sys.executable).with_name("cjji")
MEMORY_CEILING = 3 * 1024**3  # address-space limit for the child, so a runaway cannot take the machine

pytestmark = pytest.mark.slow


@dataclass
class Run:
    exit_code: int
    seconds: float  # wall clock
    cpu_seconds: float
    peak_mb: float
    output: str


def run_check(project: Path, folder: Path, timeout: float) -> Run:
    log = project / "check-output.txt"

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))

    started = time.perf_counter()
    with log.open("wb") as out:
        child = subprocess.Popen(
            [str(CJJI), "check", "--no-cache", "-j", "1", "--root", str(project), str(folder)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=limit_memory)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                child.kill()
                child.wait()
                pytest.fail(f"cjji check still running after {timeout} s: it hangs on this input")
            time.sleep(0.05)
    text = log.read_text(encoding="utf-8", errors="replace")
    result = Run(os.waitstatus_to_exitcode(status), time.perf_counter() - started,
                 usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)
    print(f"\n{folder.name}: exit {result.exit_code}, {result.seconds:.1f} s, "
          f"{result.peak_mb:.0f} MB peak; {text.strip().splitlines()[-1] if text.strip() else ''}")
    return result


def assert_clean_end(run: Run, *, max_seconds: float, max_mb: float) -> None:
    assert run.exit_code in (0, 1), run.output[-2000:]
    assert "Traceback" not in run.output and "internal error" not in run.output
    assert "internal-error" not in run.output
    assert run.seconds < max_seconds
    assert run.peak_mb < max_mb


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "reports").mkdir()
    return tmp_path


def test_a_50_mb_report_is_refused_before_it_is_read(project: Path) -> None:
    folder = report_with(project / "reports", "")
    with (folder / "report.md").open("ab") as handle:
        handle.write(b"A long paragraph of ordinary words. " * (50 * 1024 * 1024 // 36))
    run = run_check(project, folder, timeout=60)
    assert_clean_end(run, max_seconds=30, max_mb=300)
    assert run.exit_code == 1
    assert "error [load/too-large] the file is 50.0 MB; the limit is 5 MB" in run.output


ROWS = thorough(10_000, 100_000)  # 4 (or 40) times the cells of checks/limits.yml


def test_a_huge_table(project: Path) -> None:
    rows = "".join(f"| Area {i} | {i % 97} |\n" for i in range(ROWS))
    folder = report_with(project / "reports", "| Area | Cases |\n| --- | --- |\n" + rows)
    run = run_check(project, folder, timeout=300)
    assert_clean_end(run, max_seconds=240, max_mb=1500)
    assert "1 report checked" in run.output
    cells = f"{2 * ROWS + 2:,}"
    assert f"error [limits/table-too-large] this table has {cells} cells; the limit is 5,000" in run.output
    assert f"error [limits/tables-too-large] with this table the report's tables have {cells} cells" in run.output


def test_lists_nested_500_deep(project: Path) -> None:
    body = "".join("  " * depth + f"- item {depth}\n" for depth in range(500))
    quotes = "".join(">" * depth + " quoted\n" for depth in range(1, 500))
    folder = report_with(project / "reports", body + "\n" + quotes)
    run = run_check(project, folder, timeout=120)
    assert_clean_end(run, max_seconds=60, max_mb=600)
    assert run.exit_code == 1  # markdown-it stops at 20 levels and drops the rest: said, not silent
    assert "error [load/too-deep] the lists or quotations here are nested too deeply" in run.output


def test_a_single_line_of_one_megabyte(project: Path) -> None:
    line = " ".join(f"word{i % 1000}" for i in range(125_000))[: 1024 * 1024]
    folder = report_with(project / "reports", line)
    run = run_check(project, folder, timeout=300)
    assert_clean_end(run, max_seconds=240, max_mb=1500)
    assert "1 report checked" in run.output


def test_a_paragraph_of_100_000_brackets_is_refused_quickly(project: Path) -> None:
    folder = report_with(project / "reports", "[" * 100_000)
    run = run_check(project, folder, timeout=60)
    assert_clean_end(run, max_seconds=30, max_mb=400)
    assert run.exit_code == 1
    assert "error [load/too-complex] this paragraph has 100000 '[' characters; the limit is 2000" in run.output
