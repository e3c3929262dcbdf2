"""`cjji check`: run every gate on every report and print located findings."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from cjji import gates
from cjji.checking import ReportResult, check_report
from cjji.commands.options import open_project, root_option
from cjji.findings import count, format_github, format_human, to_json
from cjji.gates.base import Context
from cjji.project import report_dirs


def _progress(items: list[Path], enabled: bool) -> Iterator[Path]:
    if not enabled:
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"))
    with Progress(*columns, transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("", total=len(items))
        for item in items:
            progress.update(task, description=item.name)
            yield item
            progress.advance(task)


def _stderr_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True)


def summary_line(results: list[ReportResult], seconds: float) -> str:
    findings = [f for r in results for f in r.findings]
    errors, warnings = count(findings, "error"), count(findings, "warning")
    reports = len(results)
    return (
        f"{reports} report{'s' if reports != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} ({seconds:.2f} s)"
    )


def print_results(results: Iterable[ReportResult], fmt: str, seconds: float) -> None:
    results = list(results)
    if fmt == "json":
        findings = [f for r in results for f in r.findings]
        summary = {
            "reports": len(results),
            "errors": count(findings, "error"),
            "warnings": count(findings, "warning"),
            "seconds": round(seconds, 3),
        }
        click.echo(to_json(findings, summary))
        return
    for result in results:
        if fmt == "github":
            for finding in result.findings:
                click.echo(format_github(finding))
            continue
        if not result.findings:
            continue
        click.echo(click.style(result.display, bold=True))
        for finding in result.findings:
            click.echo(format_human(finding))
        click.echo()
    click.echo(summary_line(results, seconds), err=fmt == "github")


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["human", "json", "github"]), default="human",
              show_default=True, help="human: for people; json: stable, for tools; github: Actions annotations.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--for-publication", is_flag=True,
              help="Publishing mode: missing or invalid sign-offs are errors, not information.")
@click.option("--list-gates", is_flag=True, help="List every gate with its id and description, then stop.")
@root_option
def command(paths: tuple[Path, ...], fmt: str, strict: bool, for_publication: bool,
            list_gates: bool, root: Path | None) -> None:
    """Check reports against the schema and the quality-assurance gates.

    PATHS are report folders, report.md files or folders of reports (default: every report under
    reports/). Prints `file:line:col: severity [gate/rule] message` per finding, grouped by report,
    then a one-line summary. Exits 1 if any error was found (or any warning, with --strict).
    """
    if list_gates:
        width = max(len(g.id) for g in gates.ALL)
        for gate in gates.ALL:
            click.echo(f"{gate.id.ljust(width)}  {gate.description}")
        return
    started = time.perf_counter()
    project, policy = open_project(root)
    context = Context(policy=policy, for_publication=for_publication)
    dirs = report_dirs(project, list(paths))
    if not dirs:
        raise click.ClickException("no reports found; create one with `cjji new <id>`")
    show_progress = fmt == "human" and sys.stderr.isatty() and len(dirs) > 1
    results = [check_report(d, context) for d in _progress(dirs, show_progress)]
    print_results(results, fmt, time.perf_counter() - started)
    findings = [f for r in results for f in r.findings]
    if count(findings, "error") or (strict and count(findings, "warning")):
        sys.exit(1)
