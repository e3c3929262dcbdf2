"""`cjji digest REPORT`: print the content digest that sign-offs bind to."""

from __future__ import annotations

from pathlib import Path

import click

from cjji.digest import DigestError, digest


@click.command("digest")
@click.argument("report", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--files", "show_files", is_flag=True,
              help="Also list every digested file with its own SHA-256 (the sha256sum format).")
def command(report: Path, show_files: bool) -> None:
    """Print the SHA-256 content digest of the report folder REPORT.

    It covers every file that reaches the outputs (report.md, images, the impact assessment, any
    other file), not signoffs/ or hidden and editor files, and does not depend on where the folder
    is checked out. Any change to any of those files changes it, which makes sign-offs stale.
    """
    try:
        result = digest(report)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from None
    if show_files:
        click.echo(result.manifest(), nl=False)
    click.echo(result.value)
