"""`cjji verify-site`: re-check a published site against its manifest and its sign-offs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cjji.policy import Policy, PolicyError, load_policy
from cjji.project import ProjectError, find_root
from cjji.publish.local import verify_folder
from cjji.publish.manifest import MANIFEST


@click.command("verify-site")
@click.argument("site", type=click.Path(path_type=Path), default=Path("site"))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder whose checks/allowed_signers verifies the sign-offs "
                   "(default: found from the current folder; without one, signatures are not re-checked).")
def command(site: Path, root: Path | None) -> None:
    """Re-check SITE (default site/): every file against the SHA-256 in its manifest.json, no
    file missing or unlisted, each version's record, and each published sign-off's signature and
    content digest. Shows that the files on the website are what the gatekeepers signed.
    Exits 0 when all is well, 1 with one line per problem otherwise.
    """
    folder = site.resolve()
    if not (folder / MANIFEST).is_file():
        raise click.ClickException(f"{site} is not a published site: it has no {MANIFEST}")
    policy: Policy | None = None
    try:
        policy = load_policy(find_root(root))
    except (ProjectError, PolicyError):
        click.echo("note: no project policy found, so sign-off signatures are not re-checked", err=True)
    problems = verify_folder(folder, policy)
    for problem in problems:
        click.echo(f"{site}: {problem}")
    if problems:
        click.echo(f"{site}: {len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo(f"{site}: every file matches the manifest ({folder.name})")
