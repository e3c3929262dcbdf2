"""The `cjji` command. Each subcommand lives in cjji/commands/<name>.py and is registered here."""

from __future__ import annotations

import os
import sys

import click

from cjji.commands import (
    build,
    check,
    digest,
    new,
    publish,
    recommendations,
    sign,
    signoff,
    status,
    verify_site,
)

COMMANDS: list[click.Command] = [
    check.command,
    build.command,
    new.command,
    recommendations.command,
    digest.command,
    sign.command,
    signoff.command,
    status.command,
    publish.command,
    verify_site.command,
]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="cjji")
def cli() -> None:
    """Check, sign off, build and publish criminal justice joint inspection reports.

    Authors: `cjji new <id>` starts a report, `cjji check` says what to fix.
    Run `cjji COMMAND --help` for each command's options.
    """


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Entry point: no traceback ever reaches an author (set CJJI_DEBUG=1 to see one)."""
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("cjji: interrupted; nothing was left half-written", err=True)
        sys.exit(130)
    except OSError as exc:  # the machine, not cjji: a folder that cannot be written, a full disk
        if os.environ.get("CJJI_DEBUG"):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"cjji: {exc.strerror or exc}{where}; nothing was left half-written\n"
                   "Check that the folder exists, that you may write there and that the disk is not full.",
                   err=True)
        sys.exit(2)
    except Exception as exc:  # the last wall: report, never crash with a traceback
        if os.environ.get("CJJI_DEBUG"):
            raise
        click.echo(
            f"cjji: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in cjji, not in your report. Run again with CJJI_DEBUG=1 for details "
            "and report it.",
            err=True,
        )
        sys.exit(3)
