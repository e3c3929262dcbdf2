"""`cjji publish`: publish every report that passed its gates, is signed off and is out of embargo."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from cjji.commands.options import open_project, root_option
from cjji.project import report_dirs
from cjji.publish import TARGETS, embargo
from cjji.publish.plan import Decision, decide
from cjji.publish.site import SiteError
from cjji.publish.target import Release, TargetError

_MARKS = {"publish": "published", "unchanged": "unchanged", "embargoed": "embargoed", "refused": "REFUSED"}


def _print(decision: Decision) -> None:
    click.echo(f"{decision.display}: {_MARKS[decision.action]}: {decision.message}")
    for reason in decision.reasons:
        click.echo("    " + reason.replace("\n", "\n    "))


@click.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--target", "target_name", type=click.Choice(sorted(TARGETS)), default="local", show_default=True,
              help="Where to publish.")
@click.option("--site", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="The local target's site folder (a link to the build being served).")
@click.option("--now", "now_text", metavar="ISO",
              help=f"Publish as if it were this time (UK time without an offset); default ${embargo.NOW_VARIABLE} "
                   "or the clock. For tests and dry runs of embargoes.")
@click.option("--base-url", help="The site's public address for the feed and sitemap "
                                 "(default: base_url in templates/site/site.yml).")
@root_option
def command(paths: tuple[Path, ...], target_name: str, site: Path, now_text: str | None,
            base_url: str | None, root: Path | None) -> None:
    """Publish reports to the joint website: gated, embargo-aware, versioned, atomic.

    A report is published when every gate passes with its sign-offs (as `cjji check
    --for-publication`), its embargo (Europe/London time) has passed, and its version is new.
    The same version again changes nothing; a changed report with a published version number is
    refused. Each refusal is explained and the other reports still publish. Exits 1 if any report
    was refused, 2 if the site could not be written.
    """
    project, policy = open_project(root)
    try:
        now = embargo.now(now_text)
    except embargo.TimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    dirs = report_dirs(project, list(paths))
    try:
        target = TARGETS[target_name](site=site, root=project, policy=policy, base_url=base_url)
        published = target.published()
    except (TargetError, SiteError) as exc:
        click.echo(f"cjji publish: {exc}", err=True)
        raise SystemExit(2) from None
    click.echo(f"publishing at {embargo.describe(now)} to {target_name}")
    with tempfile.TemporaryDirectory(prefix="cjji-publish-") as work:
        decisions = [decide(d, policy, published, now, Path(work)) for d in dirs]
        for decision in decisions:
            _print(decision)
        added = [d.version for d in decisions if d.version is not None]
        release = Release(
            versions=tuple(sorted([*published, *added], key=lambda v: (v.published_at, v.report_id, v.version))),
            added=tuple(v.key for v in added),
            now=now,
        )
        try:
            where = target.publish(release)
        except (TargetError, SiteError) as exc:
            done = exc.partial if isinstance(exc, TargetError) and exc.partial else "nothing was published"
            click.echo(f"cjji publish: {done}: {exc}", err=True)
            raise SystemExit(2) from None
    counts = {a: sum(1 for d in decisions if d.action == a) for a in _MARKS}
    click.echo(f"{where}: {counts['publish']} published, {counts['unchanged']} unchanged, "
               f"{counts['embargoed']} embargoed, {counts['refused']} refused")
    if counts["refused"]:
        sys.exit(1)
