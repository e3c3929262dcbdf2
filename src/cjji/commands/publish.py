"""`cjji publish`: publish every report that passed its gates, is signed off and is out of embargo,
and the joint programme's business plan of each year (programme/<year>/) on the same terms.

A real run uses the clock and holds the target's lock for the whole run: it reads what is being
served, decides, builds and publishes under one lock, so two runs at once never lose a version.
`--dry-run` (the only way to use `--now` or CJJI_NOW) starts from what is being served and writes
the site it would make into a folder of its own (default dry-run/site), never the served site
and never WordPress.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from cjji.cache import CacheError, refuse_tracked
from cjji.commands.options import open_project, root_option
from cjji.policy import Policy
from cjji.project import report_dirs
from cjji.publish import TARGETS, embargo
from cjji.publish.plan import Decision, decide, decide_programme
from cjji.publish.site import SiteError
from cjji.publish.target import Release, ReportVersion, Target, TargetError

_MARKS = {"publish": "published", "unchanged": "unchanged", "embargoed": "embargoed", "refused": "REFUSED"}
DRY_RUN_SITE = Path("dry-run") / "site"
DRY_RUN_MARK = ".cjji-dry-run"  # in the dry-run folder: cjji made it, and may empty it next time


def _print(decision: Decision, dry_run: bool) -> None:
    mark = _MARKS[decision.action]
    if dry_run and decision.action == "publish":
        mark = "would be published"
    click.echo(f"{decision.display}: {mark}: {decision.message}")
    for reason in decision.reasons:
        click.echo("    " + reason.replace("\n", "\n    "))


@click.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--target", "target_name", type=click.Choice(sorted(TARGETS)), default="local", show_default=True,
              help="Where to publish.")
@click.option("--site", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="The local target's site folder (a link to the build being served).")
@click.option("--dry-run", is_flag=True,
              help="Build the site as it would be, from the one being served, into --dry-run-site; "
                   "publish nothing.")
@click.option("--dry-run-site", type=click.Path(path_type=Path), default=DRY_RUN_SITE, show_default=True,
              help="Where a dry run writes its site (never the served site).")
@click.option("--now", "now_text", metavar="ISO",
              help=f"With --dry-run only: as if it were this time (UK time without an offset); default "
                   f"${embargo.NOW_VARIABLE} or the clock. A real publication always uses the clock.")
@click.option("--base-url", help="The site's public address for the feed and sitemap "
                                 "(default: base_url in templates/site/site.yml).")
@root_option
def command(paths: tuple[Path, ...], target_name: str, site: Path, dry_run: bool, dry_run_site: Path,
            now_text: str | None, base_url: str | None, root: Path | None) -> None:
    """Publish reports to the joint website: gated, embargo-aware, versioned, atomic.

    A report is published when every gate passes with its sign-offs (as `cjji check
    --for-publication`), its embargo (Europe/London time) has passed, and its version is new.
    The same version again changes nothing; a changed report with a published version number is
    refused. Each refusal is explained and the other reports still publish. Exits 1 if any report
    was refused, 2 if the site could not be written.

    The joint programme's business plan of each year (programme/<year>/) is published on the same
    terms (its checks for publication, the chief inspectors' sign-offs, embargo, version): with
    no PATHS every report and every year; name programme/<year> to publish just that plan.

    `--dry-run --now ISO` shows what would be published at another time, in --dry-run-site.
    """
    try:  # before anything else: a real run asked to pretend it is another time changes nothing
        embargo.now(now_text, dry_run=dry_run)
    except embargo.ClockRefused as exc:
        raise click.UsageError(str(exc)) from None
    except embargo.TimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    if dry_run and target_name != "local":
        raise click.UsageError("a dry run builds a local copy of the site; run it without --target "
                               f"{target_name} (nothing is ever sent to {target_name} in a dry run)")
    project, policy = open_project(root, use_cache=False)
    try:
        refuse_tracked(project)  # the builds use .cache/ (the Word reference document)
    except CacheError as exc:
        raise click.ClickException(str(exc)) from None
    years, report_paths = _programme_years(project, list(paths))
    dirs = report_dirs(project, report_paths) if report_paths or not paths else []
    try:
        if dry_run:
            served = TARGETS[target_name](site=site, root=project, policy=policy, base_url=base_url)
            target = TARGETS["local"](site=_dry_run_folder(dry_run_site, site), root=project, policy=policy,
                                      base_url=base_url)
            _seed(target, served)
            source: Target = served
        else:
            target = TARGETS[target_name](site=site, root=project, policy=policy, base_url=base_url)
            source = target
        with _lock(target):
            now = embargo.now(now_text, dry_run=dry_run)  # taken under the lock: waiting moved the clock
            published = source.published()  # what is being served now, under the lock
            counts = _run(dirs, policy, published, now, target, target_name, dry_run, years)
    except (TargetError, SiteError) as exc:
        done = exc.partial if isinstance(exc, TargetError) and exc.partial else "nothing was published"
        click.echo(f"cjji publish: {done}: {exc}", err=True)
        raise SystemExit(2) from None
    if counts["refused"]:
        sys.exit(1)


def _programme_years(project: Path, paths: list[Path]) -> tuple[list[str], list[Path]]:
    """The programme years the paths name (programme/, programme/<year>, its plan.md), and the
    other paths (reports). With no paths: every year of programme/."""
    from cjji.programme.model import PROGRAMME, years

    folder = (project / PROGRAMME).resolve()
    if not paths:
        return years(project), []
    found: list[str] = []
    rest: list[Path] = []
    for path in paths:
        here = (path.parent if path.name == "plan.md" else path).resolve()
        if here == folder:
            found += years(project)
        elif here.parent == folder:
            found.append(here.name)
        else:
            rest.append(path)
    return sorted(set(found)), rest


def _run(dirs: list[Path], policy: Policy, published: tuple[ReportVersion, ...], now: dt.datetime, target: Target,
         target_name: str, dry_run: bool, years: list[str] | None = None) -> dict[str, int]:
    what = "dry run (nothing is published)" if dry_run else "publishing"
    click.echo(f"{what} at {embargo.describe(now)} to {'a copy of the site' if dry_run else target_name}")
    with tempfile.TemporaryDirectory(prefix="cjji-publish-") as work:
        decisions = [decide(d, policy, published, now, Path(work)) for d in dirs]
        decisions += [decide_programme(policy.root, year, policy, published, now, Path(work))
                      for year in years or []]
        for decision in decisions:
            _print(decision, dry_run)
        added = [d.version for d in decisions if d.version is not None]
        release = Release(
            versions=tuple(sorted([*published, *added], key=lambda v: (v.published_at, v.report_id, v.version))),
            added=tuple(v.key for v in added),
            now=now,
        )
        where = target.publish(release)
    counts = {a: sum(1 for d in decisions if d.action == a) for a in _MARKS}
    published_word = "would be published" if dry_run else "published"
    click.echo(f"{where}: {counts['publish']} {published_word}, {counts['unchanged']} unchanged, "
               f"{counts['embargoed']} embargoed, {counts['refused']} refused")
    if dry_run:
        click.echo("dry run: nothing was published; the site above is a preview only")
    return counts


@contextlib.contextmanager
def _lock(target: Target) -> Iterator[None]:
    """The target's publishing lock for the whole run, when it has one (the local folder does;
    WordPress runs one at a time through the workflow's concurrency group)."""
    lock = getattr(target, "lock", None)
    if lock is None:
        yield
        return
    with lock(on_wait=lambda: click.echo("waiting for another `cjji publish` to finish ...", err=True)):
        yield


def _seed(dry: Any, served: Any) -> None:
    """Start the dry run's site as a copy of the build being served, so it starts from what is
    live. Copied, not hard-linked: nothing done to the preview can reach a served file."""
    build = served.current()
    if build is None:
        return
    copy = dry.builds / build.name
    dry.builds.mkdir(parents=True, exist_ok=True)
    shutil.copytree(build, copy, symlinks=True)
    os.symlink(copy.relative_to(dry.site.parent), dry.site)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _dry_run_folder(dry_site: Path, served_site: Path) -> Path:
    """The dry run's site link, in a folder emptied for it; never the served site or its builds."""
    folder = dry_site.parent.resolve()
    served = [served_site.absolute(), served_site.parent.resolve() / served_site.name, served_site.resolve(),
              served_site.parent.resolve() / f"{served_site.name}-versions"]
    if dry_site.absolute() == served_site.absolute() or any(
            _inside(folder, s) or _inside(s, folder) for s in served):
        raise click.UsageError(f"--dry-run-site {dry_site} is the served site or shares its folder; "
                               f"choose a folder of its own, like {DRY_RUN_SITE}")
    if folder.exists() and any(folder.iterdir()):
        if not (folder / DRY_RUN_MARK).is_file():
            raise click.UsageError(f"{folder} is not empty and was not made by a dry run; it is not emptied "
                                   f"for you: choose another --dry-run-site, like {DRY_RUN_SITE}")
        for entry in folder.iterdir():  # only a dry run's own leftovers
            if entry.is_symlink() or entry.is_file():
                entry.unlink()
            else:
                shutil.rmtree(entry)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DRY_RUN_MARK).write_text("made by `cjji publish --dry-run`; emptied by the next dry run\n",
                                       encoding="utf-8")
    return folder / dry_site.name

