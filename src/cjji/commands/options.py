"""Options and helpers shared by several subcommands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cjji.findings import format_human
from cjji.project import ProjectError, find_root

if TYPE_CHECKING:
    from cjji.policy import Policy

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (holding checks/ and schemas/). Default: found from the current folder.",
)


def signing_options(example_role: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--role, --key and --identity, the options of every command that signs something."""
    role = click.option("--role", required=True, help=f"The role you sign in, like {example_role}.")
    key = click.option("--key", required=True, type=click.Path(path_type=Path, dir_okay=False),
                       help="Your SSH private key (or its .pub, if the private key is in ssh-agent).")
    identity = click.option("--identity", default=None,
                            help="Your e-mail as listed in checks/allowed_signers (default: found from the key).")
    return lambda f: role(key(identity(f)))


def find_project(root: Path | None) -> Path:
    """Find the project (without loading its policy), or exit 2 saying where it looked."""
    try:
        return find_root(root)
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from None


def open_project(root: Path | None, *, use_cache: bool = True) -> tuple[Path, Policy]:
    """Find the project and load its policy, or exit 2 with the located problems. Commands that
    sign, publish or verify pass use_cache=False: they parse checks/ themselves, never trusting
    .cache/policy.json."""
    from cjji.policy import PolicyError, load_policy  # loaded only by the commands that need it

    found = find_project(root)
    try:
        return found, load_policy(found, use_cache=use_cache)
    except PolicyError as exc:
        for finding in exc.findings:
            click.echo(format_human(finding), err=True)
        click.echo(f"cjji: the policy in checks/ has {len(exc.findings)} problem(s); fix them first", err=True)
        raise SystemExit(2) from None


@contextmanager
def progress_bar(total: int, enabled: bool, verb: str = "checking") -> Iterator[Callable[[Path], None]]:
    """A progress bar on stderr (terminals only); yields the callback to call per finished item."""
    if not enabled:
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn(verb), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"))
    with Progress(*columns, transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("", total=total)
        yield lambda item: progress.update(task, advance=1, description=item.name)
