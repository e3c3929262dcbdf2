"""`cjji status [REPORTS]`: each required sign-off per report: signed, stale, missing or invalid."""

from __future__ import annotations

from pathlib import Path

import click

from cjji.checking import report_findings
from cjji.commands.options import open_project, root_option
from cjji.findings import count, format_human
from cjji.gates import signoffs
from cjji.gates.base import Context
from cjji.policy import Policy
from cjji.project import report_dirs
from cjji.report import LoadError, display_path, load
from cjji.signoff import ReportStatus, RoleStatus, SignoffError, Verdict, report_status

_METHOD = {"ssh-signature": "SSH signature", "github-review": "pull-request approval"}
_COLOUR = {"signed": "green", "unconfirmed": "yellow", "stale": "yellow", "missing": "red", "invalid": "red"}


def _signer(v: Verdict) -> str:
    return (f"{v.name} <{v.identity}> at {v.signed_at} [{v.time_note}] "
            f"({_METHOD.get(v.method, v.method)}; {v.reason})")


def role_line(role: RoleStatus, width: int) -> str:
    best = role.best
    state = click.style(role.state.ljust(7), fg=_COLOUR[role.state])  # "unconfirmed" is longer: fine
    if not role.known:
        detail = "this role is not in checks/gatekeepers.yml: the secretariat must add it"
    elif best is None:
        detail = f"no sign-off yet from the {role.title}"
    elif role.state in ("signed", "unconfirmed"):
        detail = "by " + _signer(best)
    elif role.state == "stale":
        detail = f"signed by {best.name} <{best.identity}> at {best.signed_at}; changed since: " + \
            ", ".join(best.changed)
    else:
        detail = f"{display_path(best.path)}: {best.reason}"
    return f"  {role.role.ljust(width)}  {state}  {detail}"


def print_status(display: str, meta: dict[str, object], status: ReportStatus,
                 errors: int, warnings: int) -> None:
    click.echo(click.style(display, bold=True) + f"  {meta.get('title', '')}, version {status.version}")
    if status.error:
        click.echo(f"  cannot digest the report folder: {status.error}")
        return
    assert status.digest is not None
    click.echo(f"  content  {status.digest.value}")
    click.echo(f"  checks   {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
               "from the other gates (`cjji check` lists them)")
    width = max((len(r.role) for r in status.roles), default=0)
    for role in status.roles:
        click.echo(role_line(role, width))
    decisive = {id(r.best) for r in status.roles}
    for verdict in status.invalid:
        if id(verdict) not in decisive:
            click.echo(f"  also refused: {display_path(verdict.path)}: {verdict.reason}")
    signed = sum(r.state == "signed" for r in status.roles)
    click.echo(f"  {signed} of {len(status.roles)} required sign-offs valid")


def status_of(folder: Path, policy: Policy) -> bool:
    """Print one report's status; False if the report could not be read."""
    try:
        report = load(folder)
    except LoadError as exc:
        click.echo(format_human(exc.finding))
        return False
    others = [f for f in report_findings(report, Context(policy=policy)) if f.gate != signoffs.ID]
    try:
        status = report_status(report.dir, report.meta, policy)
    except SignoffError as exc:
        raise click.ClickException(str(exc)) from None
    print_status(report.display, report.meta, status, count(others, "error"), count(others, "warning"))
    from cjji.review.log import review_summary  # per body: what came back from review in Word, and what is open
    for body, n in sorted(review_summary(report.dir).items()):
        click.echo(f"  review   {body}: {n['received']} received, {n['open']} open, {n['resolved']} resolved")
    return True


@click.command("status")
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@root_option
def command(reports: tuple[Path, ...], root: Path | None) -> None:
    """Show each report's required sign-offs: signed (by whom, when), stale (which files changed
    since), missing or invalid (why), and how many errors and warnings the other gates report.

    REPORTS are report folders (default: every report under reports/).
    """
    project, policy = open_project(root)
    dirs = report_dirs(project, list(reports))
    if not dirs:
        raise click.ClickException("no reports found")
    unreadable = 0
    for i, folder in enumerate(dirs):
        if i:
            click.echo()
        unreadable += not status_of(folder, policy)
    if unreadable:
        raise SystemExit(1)
