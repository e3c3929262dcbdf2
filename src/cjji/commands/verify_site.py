"""`cjji verify-site`: re-verify a published site from the trust anchors (cjji.publish.verify)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cjji.project import ProjectError, find_root
from cjji.publish.manifest import MANIFEST
from cjji.publish.verify import verify_site


@click.command("verify-site")
@click.argument("site", type=click.Path(path_type=Path), default=Path("site"))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The reports repository to verify against: its checks/ and, in a git clone, the history "
                   "of the protected branch (default: found from the current folder).")
@click.option("--skip-rebuild", is_flag=True,
              help="Do not rebuild the downloads and pages from the kept sources (faster; everything else "
                   "is still checked). By default every output is rebuilt and compared byte for byte.")
@click.option("--files-only", is_flag=True,
              help="Check only the files: every file against the manifest, and each version's kept sources "
                   "(with the SHA-256 of those left out) against its signed content digest. The sign-offs are "
                   "not verified. Works without the repository.")
def command(site: Path, root: Path | None, skip_rebuild: bool, files_only: bool) -> None:
    """Re-verify SITE (default site/) from the trust anchors, not from its manifest.

    The site names no gatekeeper: each sign-off is given by its role, time, the SHA-256 of its
    signed statement and signature, and the signing key's fingerprint. The statements, the keys
    (checks/allowed_signers), the registry (checks/gatekeepers.yml) and the review logs are in the
    reports repository, and are found there by those SHA-256s (its working tree, else its history).

    For every published version: the kept sources, with the review logs, digest to the signed
    content digest; the policy files are the repository's (at the version's commit on the
    protected branch, or now); every sign-off verifies against them, at its trusted time, is what
    the record says (role, time, key), and every required role signed; with the git history at
    hand each sign-off landed on the protected branch; and the downloads, images, record and pages
    are the reproducible build of the kept sources (rebuilt and compared byte for byte). The
    manifest is checked too: every file listed with its SHA-256, nothing missing or unlisted.

    Without the repository only the files can be checked: it says so and exits 1 (0 with
    --files-only when the files are intact). Exits 0 when all is well, 1 with one line per problem
    otherwise.
    """
    folder = site.resolve()
    if not (folder / MANIFEST).is_file():
        raise click.ClickException(f"{site} is not a published site: it has no {MANIFEST}")
    try:
        project: Path | None = find_root(root)
    except ProjectError:
        project = None
    notes: list[str] = []
    unchecked: list[str] = []
    problems = verify_site(folder, project, rebuild=not skip_rebuild, notes=notes, files_only=files_only,
                           unchecked=unchecked)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for problem in problems:
        click.echo(f"{site}: {problem}")
    if problems:
        click.echo(f"{site}: {len(problems)} problem(s) found", err=True)
        sys.exit(1)
    files = ("every file matches the manifest, and each version's kept sources give its signed content "
             "digest")
    if unchecked:
        click.echo(f"{site}: checked: {files}")
        for item in unchecked:
            click.echo(f"{site}: not checked: {item}")
        click.echo(f"{site}: NOT verified: the sign-offs could not be checked (use --files-only to check only "
                   "the files)")
        sys.exit(1)
    if files_only:
        click.echo(f"{site}: files intact (--files-only): {files}; the sign-offs were NOT verified")
        return
    how = "sources, sign-offs and policy checked" + ("" if skip_rebuild else ", every output rebuilt and identical")
    click.echo(f"{site}: verified from the trust anchors in {project} ({folder.name}): {how}")
