"""`cjji build`: check each report, build its Word, PDF and HTML, then check what was built."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from cjji.build import FORMATS
from cjji.build.brand import BrandError, load_brand
from cjji.building import BuildResult, _plural, build_all
from cjji.cache import CacheError
from cjji.commands.options import open_project, progress_bar, root_option
from cjji.findings import count, format_human
from cjji.policy import Policy
from cjji.project import report_dirs
from cjji.report import display_path


def _print(result: BuildResult) -> None:
    if result.reason:
        click.echo(click.style(f"{result.display}: not built: {result.reason}", fg="red", bold=True))
        for finding in result.findings:
            click.echo(format_human(finding))
        click.echo()
        return
    verb = "up to date" if result.cached else "built"
    click.echo(f"{result.display}: {verb} " + ", ".join(display_path(p) for p in result.files.values()))


@click.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: out/ in the project). Each report goes to OUT/<id>/.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Build only this format (repeatable). Default: docx, pdf and html.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Reports built in parallel.")
@click.option("--no-cache", is_flag=True, help="Rebuild even when nothing changed since the last build.")
@click.option("--word-page-numbers", is_flag=True,
              help="After building, lay out each Word file with LibreOffice (soffice, which must be installed) "
                   "and write the page numbers into its contents, for copies read in viewers that do not update "
                   "fields. Costs one LibreOffice run for all the reports (3-6 s for the example report). The numbers "
                   "depend on LibreOffice and its fonts, so published downloads never use this: `cjji publish` "
                   "and `cjji verify-site` build the Word file without it, and Word fills the numbers in on "
                   "opening anyway.")
@root_option
def command(paths: tuple[Path, ...], out: Path | None, formats: tuple[str, ...], jobs: int, no_cache: bool,
            word_page_numbers: bool, root: Path | None) -> None:
    """Build Word, PDF and HTML for reports that pass every check.

    PATHS are report folders, report.md files or folders of reports (default: every report under
    reports/). Writes OUT/<id>/<id>.docx, .pdf and .html. A report that cannot be read or has
    errors is not built: the run says why, builds the others, and exits 1.
    """
    started = time.perf_counter()
    if word_page_numbers and formats and "docx" not in formats:
        raise click.UsageError("--word-page-numbers numbers the Word file's contents: build docx too (-f docx)")
    project, policy = open_project(root)
    try:
        load_brand(project)
    except BrandError as exc:
        for finding in exc.findings:
            click.echo(format_human(finding), err=True)
        click.echo("cjji: templates/brand.yml has problems; fix them first", err=True)
        raise SystemExit(2) from None
    dirs = report_dirs(project, list(paths))
    if not dirs:
        raise click.ClickException("no reports found; create one with `cjji new <id>`")
    out_dir = out if out is not None else project / "out"
    show_progress = sys.stderr.isatty() and len(dirs) > 1
    try:
        with progress_bar(len(dirs), show_progress, "building") as done:
            results = build_all(dirs, policy, out_dir, formats or FORMATS, jobs=jobs, use_cache=not no_cache,
                                on_done=done)
    except CacheError as exc:
        raise click.ClickException(str(exc)) from None
    for result in results:
        _print(result)
    failed = [r for r in results if r.reason]
    numbering_failed = _number_pages(results, policy) if word_page_numbers else False
    built = len(results) - len(failed)
    errors = count([f for r in failed for f in r.findings], "error")
    click.echo(f"{_plural(built, 'report')} built, {len(failed)} not built "
               f"({_plural(errors, 'error')}) in {time.perf_counter() - started:.2f} s")
    if failed or numbering_failed:
        sys.exit(1)


def _number_pages(results: list[BuildResult], policy: Policy) -> bool:
    """--word-page-numbers: the contents' page numbers from LibreOffice, written into each built
    Word file (cjji.build.docx_pages), after the build and its cache. The cache recorded the file
    as built, so the next `cjji build` sees different bytes and rebuilds: a numbered file is never
    reported up to date as the plain one. Returns True if any file could not be numbered."""
    return number_word_pages([r.files["docx"] for r in results if not r.reason and "docx" in r.files], policy)


def number_word_pages(paths: list[Path], policy: Policy) -> bool:
    """Write LibreOffice's page numbers into the contents of each Word file in `paths`, saying what
    was done; True if any file could not be numbered (it is left as it was, and says why)."""
    from cjji.build.docx_pages import add_page_numbers
    from cjji.build.sandbox import build_limits

    if not paths:
        return False
    started = time.perf_counter()
    done, problems = add_page_numbers(paths, seconds=build_limits(policy)["seconds"])
    took = time.perf_counter() - started
    for numbered in done:
        entries = len(numbered.entries)
        note = f"; no page found for {', '.join(numbered.missing)}" if numbered.missing else ""
        click.echo(f"{display_path(numbered.path)}: contents page numbers from LibreOffice "
                   f"({entries} {'entry' if entries == 1 else 'entries'}){note}")
    for problem in problems:
        click.echo(format_human(problem.finding), err=True)
    click.echo(f"contents page numbers for {_plural(len(done), 'Word file')} in {took:.2f} s")
    return bool(problems)
