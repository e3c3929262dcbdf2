"""`cjji build`: check each report, build its Word, PDF and HTML, then check what was built."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from cjji import gates
from cjji.build import FORMATS, build_report
from cjji.build.brand import BrandError, load_brand
from cjji.build.pandoc import PandocError
from cjji.build.pandoc_ast import BuildError
from cjji.commands.options import open_project, root_option
from cjji.findings import Finding, count, error, format_human
from cjji.gates import outputs
from cjji.gates.base import Context
from cjji.policy import Policy
from cjji.project import report_dirs
from cjji.report import LoadError, display_path, load


@dataclass
class BuildResult:
    display: str
    files: dict[str, Path] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was not built (empty when it was)


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def build_one(report_dir: Path, policy: Policy, out: Path, formats: tuple[str, ...]) -> BuildResult:
    """Check and build one report; never raises for bad input."""
    result = BuildResult(display_path(report_dir / "report.md"))
    try:
        report = load(report_dir)
    except LoadError as exc:
        result.findings, result.reason = [exc.finding], "it could not be read"
        return result
    result.findings = _errors(gates.run_all(report, Context(policy=policy)))
    if result.findings:
        result.reason = f"the checks found {_plural(len(result.findings), 'error')} (run `cjji check`)"
        return result
    try:
        result.files = build_report(report, policy, out / report.id, formats)
    except BuildError as exc:
        result.findings, result.reason = exc.findings, "it could not be built"
        return result
    except PandocError as exc:
        result.findings = [error("build", "pandoc", result.display, 0, 0, str(exc))]
        result.reason = "it could not be built"
        return result
    except Exception as exc:  # a builder's own located error (the HTML builder's HtmlBuildError)
        finding = getattr(exc, "finding", None)
        if not isinstance(finding, Finding):
            raise
        result.findings, result.reason = [finding], "it could not be built"
        return result
    result.findings = _errors(outputs.run(report, result.files))
    if result.findings:
        result.reason = f"the built files failed {_plural(len(result.findings), 'output check')}"
    return result


def _progress(items: list[Path], enabled: bool) -> Iterator[Path]:
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("", total=len(items))
        for item in items:
            progress.update(task, description=item.name)
            yield item
            progress.advance(task)


def _print(result: BuildResult) -> None:
    if result.reason:
        click.echo(click.style(f"{result.display}: not built: {result.reason}", fg="red", bold=True))
        for finding in result.findings:
            click.echo(format_human(finding))
        click.echo()
        return
    click.echo(f"{result.display}: built " + ", ".join(display_path(p) for p in result.files.values()))


@click.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: out/ in the project). Each report goes to OUT/<id>/.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Build only this format (repeatable). Default: docx, pdf and html.")
@root_option
def command(paths: tuple[Path, ...], out: Path | None, formats: tuple[str, ...], root: Path | None) -> None:
    """Build Word, PDF and HTML for reports that pass every check.

    PATHS are report folders, report.md files or folders of reports (default: every report under
    reports/). Writes OUT/<id>/<id>.docx, .pdf and .html. A report that cannot be read or has
    errors is not built: the run says why, builds the others, and exits 1.
    """
    started = time.perf_counter()
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
    results = []
    for report_dir in _progress(dirs, show_progress):
        result = build_one(report_dir, policy, out_dir, formats or FORMATS)
        results.append(result)
    for result in results:
        _print(result)
    failed = [r for r in results if r.reason]
    built = len(results) - len(failed)
    errors = count([f for r in failed for f in r.findings], "error")
    click.echo(f"{_plural(built, 'report')} built, {len(failed)} not built "
               f"({_plural(errors, 'error')}) in {time.perf_counter() - started:.2f} s")
    if failed:
        sys.exit(1)
