"""The `cjji` command.

Each subcommand lives in a module that defines a click command; COMMANDS below maps its name to
"module:attribute", and the module is imported only when that command runs (or for `cjji --help`).
Registering a new command is one line in COMMANDS.

Exit codes (the same for every command):
  0  clean;
  1  findings: the reports, sign-offs or site have problems to fix;
  2  usage, configuration or project errors (a bad option, no project found, a policy that does
     not load, a folder that cannot be written);
  3  internal error: a bug in cjji. The traceback goes to a log file whose path is printed
     (CJJI_DEBUG=1 shows it on the terminal instead).
  130  interrupted (Ctrl-C).

Start-up is kept small on purpose: importing this module does not import click or any command,
so `cjji --version` answers without loading them.
"""

from __future__ import annotations

import os
import sys

from cjji import __version__

TYPE_CHECKING = False  # not `from typing import ...`: that module alone costs --version a tenth of its time
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    import click

#: name -> "module:attribute" of its click command. `cjji --help` lists them in this order.
COMMANDS: dict[str, str] = {
    "check": "cjji.commands.check:command",
    "build": "cjji.commands.build:command",
    "new": "cjji.commands.new:command",
    "recommendations": "cjji.commands.recommendations:command",
    "digest": "cjji.commands.digest:command",
    "sign": "cjji.commands.sign:command",
    "signoff": "cjji.commands.signoff:command",
    "status": "cjji.commands.status:command",
    "publish": "cjji.commands.publish:command",
    "verify-site": "cjji.commands.verify_site:command",
    "programme": "cjji.commands.programme:command",
    "review": "cjji.commands.review:command",
}

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

VERSION_TEXT = f"cjji, version {__version__}"

HELP = """Check, sign off, build and publish criminal justice joint inspection reports.

Authors: `cjji new <id>` starts a report, `cjji check` says what to fix.
Run `cjji COMMAND --help` for each command's options.

\b
Exit codes: 0 clean; 1 findings to fix; 2 usage, configuration or project error;
3 internal error (a bug in cjji: the log file's path is printed); 130 interrupted.
"""

_GROUP: click.Group | None = None


def load_command(name: str) -> click.Command:
    """Import the module registered for NAME and return its click command."""
    import importlib

    module_name, _, attribute = COMMANDS[name].partition(":")
    command: click.Command = getattr(importlib.import_module(module_name), attribute)
    return command


def _build_group() -> click.Group:
    import click

    class LazyGroup(click.Group):
        """A group whose commands are imported on first use, with cjji's exit codes."""

        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            return load_command(cmd_name) if cmd_name in COMMANDS else None

        def invoke(self, ctx: click.Context) -> Any:
            from cjji import run

            try:
                with run.scope():  # one command is one run: its memo tables (cjji.run) end with it
                    return super().invoke(ctx)
            except click.UsageError:
                raise  # already exit 2, with the usage line
            except click.ClickException as exc:  # a command's "cannot do that": a project or usage error
                exc.exit_code = EXIT_USAGE  # type: ignore[misc]  # click reads it from the instance
                raise
            except KeyboardInterrupt:
                click.echo("cjji: interrupted; nothing was left half-written", err=True)
                raise click.exceptions.Exit(EXIT_INTERRUPTED) from None

    @click.group(cls=LazyGroup, help=HELP,
                 context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    @click.version_option(__version__, prog_name="cjji", message="%(prog)s, version %(version)s")
    def cli() -> None:
        pass

    return cli


def __getattr__(name: str) -> click.Group:
    """`cli` (the click group) is built on first use, so importing this module stays cheap."""
    global _GROUP
    if name == "cli":
        if _GROUP is None:
            _GROUP = _build_group()
        return _GROUP
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def crash_log_dir() -> Path:
    """Where crash logs go: the user's cache folder ($XDG_CACHE_HOME or ~/.cache), under cjji/."""
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cjji"


def write_crash_log(exc: BaseException) -> Path | None:
    """Write the traceback and the command line to a new log file; return its path (None if no
    folder could be written)."""
    import tempfile
    import time
    import traceback
    from pathlib import Path

    stamp = time.strftime("%Y%m%dT%H%M%S")
    text = (f"{VERSION_TEXT} on Python {sys.version.split()[0]} ({sys.platform})\n"
            f"command: {' '.join(sys.argv)}\n"
            f"folder: {os.getcwd()}\n\n" + "".join(traceback.format_exception(exc)))
    for folder in (crash_log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f"cjji-crash-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as log:
                log.write(text)
            return Path(name)
        except OSError:
            continue
    return None


def _echo_err(message: str) -> None:
    print(message, file=sys.stderr)


def main() -> None:
    """Entry point: no traceback ever reaches an author (set CJJI_DEBUG=1 to see one)."""
    if sys.argv[1:] == ["--version"]:  # the cheapest question gets the cheapest answer
        print(VERSION_TEXT)
        return
    try:
        group: click.Group = __getattr__("cli")
        group.main(prog_name="cjji", standalone_mode=True)
    except KeyboardInterrupt:
        _echo_err("cjji: interrupted; nothing was left half-written")
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:  # the machine, not cjji: a folder that cannot be written, a full disk
        if os.environ.get("CJJI_DEBUG"):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        _echo_err(f"cjji: {exc.strerror or exc}{where}; nothing was left half-written\n"
                  "Check that the folder exists, that you may write there and that the disk is not full.")
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # the last wall: report, never crash with a traceback
        if os.environ.get("CJJI_DEBUG"):
            raise
        log = write_crash_log(exc)
        where = f"The details are in {log}; please attach that file when you report it." if log else (
            "Run again with CJJI_DEBUG=1 for details and report it.")
        _echo_err(f"cjji: internal error: {type(exc).__name__}: {exc}\n"
                  f"This is a bug in cjji, not in your report. {where}")
        sys.exit(EXIT_INTERNAL)
