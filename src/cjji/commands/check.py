"""`cjji check`: run every gate on every report and print located findings."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import click

from cjji.cache import CacheError
from cjji.checking import ReportResult, check_all, notes, warm_results
from cjji.commands.options import find_project, open_project, progress_bar, root_option
from cjji.findings import count, format_github, format_human, to_json
from cjji.project import ProjectError, changed_report_dirs, report_dirs


def summary_line(results: list[ReportResult], seconds: float) -> str:
    findings = [f for r in results for f in r.findings]
    errors, warnings, todos = count(findings, "error"), count(findings, "warning"), count(findings, "todo")
    reports = len(results)
    return (
        f"{reports} report{'s' if reports != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        + (f"{todos} to do, " if todos else "")
        + f"{warnings} warning{'s' if warnings != 1 else ''} ({seconds:.2f} s)"
    )


def print_results(results: Iterable[ReportResult], fmt: str, seconds: float) -> None:
    results = list(results)
    if fmt == "json":
        findings = [f for r in results for f in r.findings]
        summary = {
            "reports": len(results),
            "errors": count(findings, "error"),
            "warnings": count(findings, "warning"),
            "todos": count(findings, "todo"),
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
@click.option("--changed", "base", is_flag=False, flag_value="HEAD", default=None, metavar="[BASE]",
              help="Only the reports changed since git revision BASE (default HEAD), e.g. --changed=origin/main.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Reports checked in parallel.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not write the results cache and the parsed policy in "
              ".cache/ (hunspell's stored answers are still used).")
@click.option("--list-gates", is_flag=True, help="List every gate with its id and description, then stop.")
@click.option("--list-rules", is_flag=True,
              help="List every house style rule (checks/style/) with its id, severity and message, then stop.")
@root_option
def command(paths: tuple[Path, ...], fmt: str, strict: bool, for_publication: bool, base: str | None,
            jobs: int, no_cache: bool, list_gates: bool, list_rules: bool, root: Path | None) -> None:
    """Check reports against the schema and the quality-assurance gates.

    PATHS are report folders, report.md files or folders of reports (default: every report under
    reports/). Prints `file:line:col: severity [gate/rule] message` per finding, grouped by report,
    then a one-line summary. Exits 1 if any error was found (or any warning, with --strict).
    """
    if list_gates:
        from cjji import gates
        from cjji.gates import outputs  # run by `cjji build` on the files it writes

        listed = [(g.id, g.description) for g in gates.ALL]
        listed.append((outputs.ID, f"(after `cjji build`) {outputs.DESCRIPTION[0].upper()}{outputs.DESCRIPTION[1:]}"))
        width = max(len(gate_id) for gate_id, _ in listed)
        for gate_id, description in listed:
            click.echo(f"{gate_id.ljust(width)}  {description}")
        return
    started = time.perf_counter()
    project = find_project(root)
    if list_rules:
        from cjji.style import loader as style_rules

        for line in style_rules.listing(open_project(project)[1]):
            click.echo(line)
        return
    if base is not None:
        try:
            dirs = changed_report_dirs(project, base)
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        if not dirs:
            click.echo(f"no report changed since {base}", err=True)
            return
    else:
        dirs = report_dirs(project, list(paths))
    if not dirs:
        raise click.ClickException("no reports found; create one with `cjji new <id>`")
    try:
        # a warm draft check answers from the cache without loading the policy or the gates
        warm = None if no_cache or for_publication else warm_results(dirs, project)
        if warm is not None:
            results, said = warm
        else:
            _, policy = open_project(project, use_cache=not (no_cache or for_publication))
            show_progress = fmt == "human" and sys.stderr.isatty() and len(dirs) > 1
            with progress_bar(len(dirs), show_progress) as done:
                results = check_all(dirs, policy, for_publication=for_publication, jobs=jobs,
                                    use_cache=not no_cache, on_done=done)
            from cjji.gates.base import Context

            said = notes(Context(policy, for_publication))
    except CacheError as exc:
        raise click.ClickException(str(exc)) from None
    for text in said:  # said once per run, not once per report
        click.echo(f"note: {text}", err=True)
    print_results(results, fmt, time.perf_counter() - started)
    findings = [f for r in results for f in r.findings]
    if count(findings, "error") or (strict and (count(findings, "warning") or count(findings, "todo"))):
        sys.exit(1)
