"""The entry point's last walls: what an author sees when the machine, not cjji, fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

CJJI = Path(sys.executable).parent / "cjji"


def test_an_output_that_cannot_be_written_is_named_not_called_a_bug(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    target = blocker / "register.csv"
    done = subprocess.run([str(CJJI), "recommendations", "--root", str(ROOT), "-o", str(target)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert f"({target}); nothing was left half-written" in done.stderr
    assert "Check that the folder exists, that you may write there" in done.stderr
    assert list(tmp_path.iterdir()) == [blocker]


def run_cjji(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CJJI), *args], capture_output=True, text=True, check=False, cwd=cwd)


def test_version_answers_without_importing_click_or_any_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.argv = ['cjji', '--version']; import cjji.cli; cjji.cli.main(); "
         "print(sorted(m for m in sys.modules if m == 'click' or m.startswith(('cjji.commands', 'cjji.gates'))))"],
        capture_output=True, text=True, check=True)
    from cjji import __version__

    assert done.stdout.splitlines() == [f"cjji, version {__version__}", "[]"]


def test_the_fast_version_answer_matches_clicks_own() -> None:
    from click.testing import CliRunner

    from cjji.cli import VERSION_TEXT, cli

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == VERSION_TEXT
    assert run_cjji("--version").stdout.strip() == VERSION_TEXT


def test_help_lists_every_registered_command_with_its_short_help() -> None:
    from cjji.cli import COMMANDS, load_command

    done = run_cjji("--help")
    assert done.returncode == 0
    listed = done.stdout.split("Commands:")[1].splitlines()
    names = [line.split()[0] for line in listed if line.strip()]
    assert names == list(COMMANDS)
    for line in listed:
        if line.strip():
            name, short = line.split(maxsplit=1)
            first_words = load_command(name).get_short_help_str(limit=200).split()[:3]
            assert short.split()[:3] == first_words, name
    assert "Exit codes: 0 clean; 1 findings" in done.stdout


def test_every_table_entry_names_a_click_command() -> None:
    import click

    from cjji.cli import COMMANDS, load_command

    for name in COMMANDS:
        command = load_command(name)
        assert isinstance(command, click.Command) and command.name == name


def test_no_project_is_a_project_error_exit_2_not_findings(tmp_path: Path) -> None:
    done = run_cjji("check", cwd=tmp_path)
    assert done.returncode == 2
    assert "no cjji project found" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_command_or_option_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    assert run_cjji("chekc", cwd=tmp_path).returncode == 2
    done = run_cjji("check", "--no-such-option", cwd=tmp_path)
    assert done.returncode == 2 and "No such option" in done.stderr


def test_findings_exit_1(example_copy: Path) -> None:
    report = example_copy / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    done = run_cjji("check", "--root", str(example_copy.parents[1]), str(example_copy))
    assert done.returncode == 1, done.stdout + done.stderr


def _boom() -> Any:
    import click

    @click.command("boom")
    def boom() -> None:
        """Crash on purpose."""
        raise RuntimeError("the flux capacitor is empty")

    return boom


def test_an_internal_error_exits_3_and_writes_the_traceback_to_a_log_not_the_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import cjji.cli

    monkeypatch.setitem(cjji.cli.COMMANDS, "boom", "test_cli:BOOM")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CJJI_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["cjji", "boom"])
    with pytest.raises(SystemExit) as exited:
        cjji.cli.main()
    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "internal error: RuntimeError: the flux capacitor is empty" in err
    logs = list((tmp_path / "cache" / "cjji").glob("cjji-crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "the flux capacitor is empty" in text and "command: cjji boom" in text


def test_a_crash_with_an_unwritable_cache_still_finds_somewhere_to_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import cjji.cli

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(cjji.cli.COMMANDS, "boom", "test_cli:BOOM")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.delenv("CJJI_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["cjji", "boom"])
    with pytest.raises(SystemExit) as exited:
        cjji.cli.main()
    assert exited.value.code == 3
    logs = list(tmp_path.glob("cjji-crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in capsys.readouterr().err


def test_cjji_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import cjji.cli

    monkeypatch.setitem(cjji.cli.COMMANDS, "boom", "test_cli:BOOM")
    monkeypatch.setenv("CJJI_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["cjji", "boom"])
    with pytest.raises(RuntimeError, match="flux capacitor"):
        cjji.cli.main()


BOOM = _boom()
