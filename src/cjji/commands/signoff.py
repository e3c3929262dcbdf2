"""`cjji signoff from-review EVENT.json`: turn an approving pull-request review into a sign-off.

Run by .github/workflows/signoff.yml on `pull_request_review` events, in a checkout of the pull
request's head. The record rests on GitHub's authentication of the reviewer; it names the review
and the commit, and carries the content digest computed from the checked-out tree.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import click

from cjji.atomic import write_bytes
from cjji.commands.options import open_project, root_option
from cjji.digest import SIGNOFFS, DigestError, digest
from cjji.policy import Policy
from cjji.project import REPORTS, report_dirs
from cjji.report import LoadError, display_path, load
from cjji.signoff import (
    REVIEW,
    Holder,
    Registry,
    dump,
    parse_time,
    registry,
    required_roles,
    statement,
    statement_files,
    statement_name,
    utc_text,
)


@click.group("signoff")
def command() -> None:
    """Record sign-offs made outside `cjji sign` (pull-request approvals)."""


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def read_event(path: Path) -> dict[str, Any]:
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"cannot read the event payload {path}: {exc}") from None
    needed = (("action",), ("review", "id"), ("review", "state"), ("review", "user", "login"),
              ("pull_request", "number"), ("pull_request", "head", "sha"))
    missing = [".".join(p) for p in needed if _get(event, *p) is None]
    if missing:
        raise click.ClickException(f"{path} is not a GitHub pull_request_review event payload "
                                   f"(missing: {', '.join(missing)})")
    return event


def remove_records(project: Path, review_id: int) -> list[Path]:
    """Delete the records made from a review that has since been dismissed."""
    removed = []
    for folder in report_dirs(project, [project / REPORTS]):
        for path in statement_files(folder):
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and _get(data, "review", "id") == review_id:
                path.unlink()
                removed.append(path)
    return removed


def changed_reports(project: Path, base: str | None, head: str) -> list[Path]:
    """Report folders the pull request changes (git diff base...head)."""
    if not base:
        return []
    names = _git(project, "diff", "--name-only", f"{base}...{head}", "--", REPORTS)
    if names is None:
        raise click.ClickException("cannot tell which reports the pull request changes (no git "
                                   "history here); name the report folders after EVENT")
    folders = {line.split("/")[1] for line in names.splitlines() if line.count("/") >= 2}
    return sorted(project / REPORTS / name for name in folders if (project / REPORTS / name).is_dir())


def review_facts(event: dict[str, Any]) -> dict[str, Any]:
    review, pr = event["review"], event["pull_request"]
    return {
        "id": review["id"],
        "url": review.get("html_url") or "",
        "state": str(review["state"]).lower(),
        "submitted_at": utc_text(parse_time(str(review.get("submitted_at")))),
        "reviewer": review["user"]["login"],
        "commit": review.get("commit_id") or "",
        "head_sha": pr["head"]["sha"],
        "pull_request": pr["number"],
        "pull_request_url": pr.get("html_url") or "",
        "repository": _get(event, "repository", "full_name") or "",
    }


def record(folder: Path, facts: dict[str, Any], holder: Holder, reg: Registry,
           policy: Policy) -> list[str]:
    """Write one record per required role the reviewer may sign in; return what was done."""
    try:
        report = load(folder)
        current = digest(report.dir)
    except LoadError as exc:
        raise click.ClickException(f"{exc.finding.file}: {exc.finding.message}") from None
    except DigestError as exc:
        raise click.ClickException(str(exc)) from None
    at = parse_time(facts["submitted_at"])
    required = required_roles(report.meta, policy, reg)
    roles = [r for r in required if reg.authority(holder.identity, r, at, report.id).ok]
    if not roles:
        return [f"nothing recorded for {report.id}: {holder.identity} ({facts['reviewer']}) holds none "
                f"of the roles it needs ({', '.join(required)}) at {facts['submitted_at']}"]
    done = []
    for role in roles:
        data = statement(report.id, report.meta.get("version"), str(report.meta.get("title", "")),
                         role, holder, current, at, method=REVIEW, review=facts)
        path = report.dir / SIGNOFFS / statement_name(role, holder.identity, REVIEW)
        write_bytes(path, dump(data))
        done.append(f"recorded {display_path(path)}: {facts['reviewer']} approved {report.id} as "
                    f"{role} at commit {facts['commit'][:12]}, content {current.value}")
    return done


@command.command("from-review")
@click.argument("event_path", metavar="EVENT.json", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@click.option("--policy-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Read checks/ (who the gatekeepers are) from this folder, e.g. a checkout of the "
                   "base branch, so a pull request cannot add its own gatekeepers. Default: --root.")
@root_option
def from_review(event_path: Path, reports: tuple[Path, ...], policy_root: Path | None,
                root: Path | None) -> None:
    """Turn a GitHub pull_request_review event (EVENT.json) into sign-off records.

    An approving review by a registered gatekeeper, on the pull request's head commit, becomes
    reports/<id>/signoffs/ROLE--IDENTITY.review.json for each report the pull request changes (or
    each of REPORTS) and each required role the reviewer holds. Comments, requested changes and
    reviews by others record nothing; a dismissed review's records are removed. A review of an
    older commit, or a checkout that is not the head, is refused (exit 1).
    """
    project, _ = open_project(root)
    _, policy = open_project(policy_root or project)
    reg = registry(policy)
    event = read_event(event_path)
    facts_id = event["review"]["id"]
    if event["action"] == "dismissed" or str(event["review"]["state"]).lower() == "dismissed":
        removed = remove_records(project, facts_id)
        for path in removed:
            click.echo(f"removed {display_path(path)}: review {facts_id} was dismissed")
        if not removed:
            click.echo(f"nothing to remove: no sign-off was recorded from review {facts_id}")
        return
    if event["action"] != "submitted":
        click.echo(f"nothing recorded: the review was {event['action']}, not submitted")
        return
    try:
        facts = review_facts(event)
    except (ValueError, TypeError):
        raise click.ClickException("the review has no valid submitted_at time") from None
    if facts["state"] != "approved":
        click.echo(f"nothing recorded: review {facts['id']} by {facts['reviewer']} is "
                   f"'{facts['state']}', not an approval")
        return
    holder = reg.by_github(facts["reviewer"])
    if holder is None:
        click.echo(f"nothing recorded: {facts['reviewer']} is not a gatekeeper in checks/gatekeepers.yml")
        return
    if facts["commit"] != facts["head_sha"]:
        raise click.ClickException(
            f"refused: review {facts['id']} approved commit {facts['commit'][:12] or '(unknown)'}, but the "
            f"pull request's head is {facts['head_sha'][:12]}; the gatekeeper must approve the current head")
    checked_out = _git(project, "rev-parse", "HEAD")
    if checked_out is not None and checked_out != facts["head_sha"]:
        raise click.ClickException(
            f"refused: the checkout is at {checked_out[:12]}, not at the reviewed head "
            f"{facts['head_sha'][:12]}, so its digest would not be of the approved content")
    folders = report_dirs(project, list(reports)) if reports else changed_reports(
        project, _get(event, "pull_request", "base", "sha"), facts["head_sha"])
    if not folders:
        click.echo("nothing recorded: the pull request changes no report")
        return
    for folder in folders:
        for line in record(folder, facts, holder, reg, policy):
            click.echo(line)
