"""`cjji programme check|build|status [YEAR]`: the joint programme (business plan, proposals and
consultation log in programme/<year>/) through the same checks and builders as reports."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from cjji.build import FORMATS
from cjji.commands.options import open_project, root_option, signing_options
from cjji.findings import Finding, count, format_github, format_human, to_json
from cjji.programme import gates
from cjji.programme.model import PROGRAMME, load_programme, years
from cjji.report import display_path

EXIT_FINDINGS = 1
EXIT_USAGE = 2


def _years(project: Path, year: str | None) -> list[str]:
    if year is not None:
        return [year]
    found = years(project)
    if not found:
        raise click.ClickException(f"no programme found: there is no {PROGRAMME}/<year>/ folder in {project}")
    return found


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date written YYYY-MM-DD", param_hint="--as-of") from None


_AS_OF = click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                      help="Judge dates as if today were this day (to see what publication on that day "
                           "would need). Publishing itself always uses the real date.")


@click.group("programme")
def command() -> None:
    """The joint programme: business plan, proposals and statutory consultation.

    programme/<year>/plan.md is the business plan, programme/<year>/proposals/<id>.yml one proposed
    inspection each, programme/<year>/consultation.yml the consultation log (framework sections 4
    and 5). YEAR defaults to every year under programme/.
    """


@command.command("check")
@click.argument("year", required=False)
@click.option("--format", "fmt", type=click.Choice(["human", "json", "github"]), default="human",
              show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--for-publication", is_flag=True,
              help="What publication waits for is an error, not a warning: every statutory consultee consulted, "
                   "every response answered, every final copy sent (framework 4.3).")
@_AS_OF
@root_option
def check_command(year: str | None, fmt: str, strict: bool, for_publication: bool, as_of: str | None,
                  root: Path | None) -> None:
    """Check the programme of YEAR: schemas, qualifying criteria (5.5), assessments (5.6), the computed
    order and departures from it (5.7), risk assessment (5.2), victim issues (5.3), consultation (4.2,
    4.3) and the plan's writing. Exits 1 if any error was found."""
    started = time.perf_counter()
    project, policy = open_project(root)
    today = _as_of(as_of)
    findings: list[Finding] = []
    chosen = _years(project, year)
    for one in chosen:
        findings += gates.check(load_programme(project, one), policy, for_publication=for_publication, today=today)
    errors, warnings = count(findings, "error"), count(findings, "warning")
    seconds = time.perf_counter() - started
    summary = (f"{len(chosen)} programme{'' if len(chosen) == 1 else 's'} checked: "
               f"{errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'} "
               f"({seconds:.2f} s)")
    if fmt == "json":
        click.echo(to_json(findings, {"programmes": len(chosen), "errors": errors, "warnings": warnings}))
    elif fmt == "github":
        for finding in findings:
            click.echo(format_github(finding))
        click.echo(summary, err=True)
    else:
        for finding in findings:
            click.echo(format_human(finding))
        click.echo(summary)
    if errors or (strict and warnings):
        sys.exit(EXIT_FINDINGS)


@command.command("build")
@click.argument("year", required=False)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: out/ in the project). The plan goes to OUT/programme-<year>/.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Build only this format (repeatable). Default: docx, pdf and html.")
@_AS_OF
@root_option
def build_command(year: str | None, out: Path | None, formats: tuple[str, ...], as_of: str | None,
                  root: Path | None) -> None:
    """Build the business plan of YEAR to Word, PDF and HTML, with its generated tables (long list,
    exclusions, prioritisation matrix, final programme, consultation), and the programme page
    showing where each inspection stands. A programme with errors is not built; exits 1."""
    from cjji.programme.build import build_programme  # the builders pull in heavy libraries

    started = time.perf_counter()
    project, policy = open_project(root)
    today = _as_of(as_of)
    out_dir = out if out is not None else project / "out"
    failed = 0
    for one in _years(project, year):
        result = build_programme(project, one, policy, out_dir, formats or FORMATS, today=today)
        if result.reason:
            failed += 1
            click.echo(click.style(f"programme {one}: not built: {result.reason}", fg="red", bold=True))
            for finding in result.findings:
                click.echo(format_human(finding))
        else:
            click.echo(f"programme {one}: built " + ", ".join(display_path(p) for p in result.files.values()))
    click.echo(f"done in {time.perf_counter() - started:.2f} s")
    if failed:
        sys.exit(EXIT_FINDINGS)


@command.command("status")
@click.argument("year", required=False)
@_AS_OF
@root_option
def status_command(year: str | None, as_of: str | None, root: Path | None) -> None:
    """Where each inspection of the final programme stands: planned, in fieldwork, published or
    withdrawn, from the reports' own metadata (`proposal: <year>/<id>` in report.md)."""
    from cjji.programme.signoff import plan_status
    from cjji.programme.status import statuses

    project, policy = open_project(root)
    today = _as_of(as_of)
    for one in _years(project, year):
        programme = load_programme(project, one)
        click.echo(click.style(f"programme {one}", bold=True))
        for item in statuses(programme, today=today):
            report = f" ({item.report.id})" if item.report else ""
            click.echo(f"  {item.state:<12}  {item.proposal}{report}")
        status = plan_status(programme, policy)
        if status is None:
            click.echo("  sign-off: no `programme:` section in checks/gatekeepers.yml")
            continue
        for role in status.roles:
            best = role.best
            who = f" by {best.name or best.identity}" if best is not None and role.state != "missing" else ""
            click.echo(f"  sign-off {role.state:<11} {role.role}{who}")


@command.command("sign")
@click.argument("year")
@signing_options("chief-inspector-HMIProbation")
@root_option
def sign_command(year: str, role: str, key: Path, identity: str | None, root: Path | None) -> None:
    """Sign off the current content of the YEAR programme (plan.md, proposals/, consultation.yml) in ROLE.

    Who must sign is the `programme:` section of checks/gatekeepers.yml: the CJCIG chair, with the
    other chief inspectors. Writes programme/YEAR/signoffs/ROLE--IDENTITY.json and its .sig; commit
    both. Any later change to the programme's files makes the sign-off stale."""
    from cjji.programme.signoff import PlanSignError, sign_plan

    project, policy = open_project(root)
    programme = load_programme(project, year)
    try:
        path, summary = sign_plan(programme, policy, role, key, identity)
    except PlanSignError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{summary}\nwrote {display_path(path)} and its .sig: commit both")
