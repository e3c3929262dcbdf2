"""`cjji signoff from-pull-request PR.json REVIEWS.json --key KEY`: approvals -> signed records.

Run by .github/workflows/signoff.yml (a `workflow_run` workflow: it runs from the default branch,
never from a pull request's own copy of the workflow, so a pull request cannot reach the signing
key), in a checkout of the pull request's head. PR.json and REVIEWS.json are what GitHub's API
says about the pull request and its reviews. Each current approval of the head commit by a
registered gatekeeper becomes `reports/<id>/signoffs/<role>--<identity>.review.json`, signed with
the workflow's key (a CI secret; namespace cjji-review-record in checks/allowed_signers); the
record binds the reviewer's login, the pull request, the head commit and the content digest.
Records of approvals since dismissed, or withdrawn by a later "request changes", are removed.

`cjji signoff from-review EVENT.json --key KEY` does the same for one pull_request_review event.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
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
    REVIEW_NAMESPACE,
    Holder,
    Registry,
    SignoffError,
    dump,
    key_identities,
    parse_time,
    public_key_of,
    registry,
    required_roles,
    sign_bytes,
    statement,
    statement_files,
    statement_name,
    utc_text,
    verify_bytes,
)

KEY_HELP = ("The sign-off workflow's SSH private key (in CI: the secret CJJI_REVIEW_SIGNING_KEY, "
            "written to a file). Its public key must be listed in checks/allowed_signers with "
            f'namespaces="{REVIEW_NAMESPACE}" under a `recorders:` identity of checks/gatekeepers.yml.')


class Signer:
    """The workflow's key and the recorder identity it is listed under."""

    def __init__(self, key: Path, reg: Registry) -> None:
        try:
            found = [i for i in key_identities(public_key_of(key), reg.allowed_signers) if i in reg.recorders]
        except (OSError, SignoffError) as exc:
            raise click.ClickException(f"cannot read the signing key {key}: {exc}") from None
        if len(found) != 1:
            raise click.ClickException(
                f"the key {key} is not listed in checks/allowed_signers under a recorder of "
                f"checks/gatekeepers.yml ({', '.join(reg.recorders) or 'there are none'}); nothing recorded")
        self.key, self.identity, self.reg = key, found[0], reg

    def sign(self, data: bytes) -> bytes:
        try:
            sig = sign_bytes(data, self.key, REVIEW_NAMESPACE)
        except SignoffError as exc:
            raise click.ClickException(str(exc)) from None
        problem = verify_bytes(data, sig, self.identity, self.reg.allowed_signers, REVIEW_NAMESPACE)
        if problem:
            raise click.ClickException(f"nothing recorded: the record's signature does not verify: {problem}")
        return sig


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
    if missing or not isinstance(event, dict):  # not a dict: everything is missing
        raise click.ClickException(f"{path} is not a GitHub pull_request_review event payload "
                                   f"(missing: {', '.join(missing)})")
    return event


def _statements(project: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(path, data) of every readable sign-off statement or review record in the project."""
    for folder in report_dirs(project, [project / REPORTS]):
        for path in statement_files(folder):
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if isinstance(data, dict):
                yield path, data


def remove_records(project: Path, review_ids: set[int]) -> list[Path]:
    """Delete the records (and their signatures) made from reviews that no longer approve."""
    removed = []
    for path, data in _statements(project):
        if _get(data, "review", "id") in review_ids:
            path.unlink()
            path.with_name(path.name + ".sig").unlink(missing_ok=True)
            removed.append(path)
    return removed


def recorded_ids(project: Path) -> set[int]:
    found = set()
    for path, data in _statements(project):
        review_id = _get(data, "review", "id")
        if isinstance(review_id, int) and path.with_name(path.name + ".sig").is_file():
            found.add(review_id)
    return found


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
           policy: Policy, signer: Signer) -> list[str]:
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
        data = dump(statement(report.id, report.meta.get("version"), str(report.meta.get("title", "")),
                              role, holder, current, at, method=REVIEW, review=facts,
                              recorder=signer.identity))
        path = report.dir / SIGNOFFS / statement_name(role, holder.identity, REVIEW)
        write_bytes(path.with_name(path.name + ".sig"), signer.sign(data))
        write_bytes(path, data)
        done.append(f"recorded {display_path(path)}: {facts['reviewer']} approved {report.id} as "
                    f"{role} at commit {facts['commit'][:12]}, content {current.value}")
    return done


@command.command("from-review")
@click.argument("event_path", metavar="EVENT.json", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@click.option("--policy-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Read checks/ (who the gatekeepers are) from this folder, e.g. a checkout of the "
                   "base branch, so a pull request cannot add its own gatekeepers. Default: --root.")
@click.option("--key", required=True, type=click.Path(path_type=Path, dir_okay=False), help=KEY_HELP)
@root_option
def from_review(event_path: Path, reports: tuple[Path, ...], policy_root: Path | None, key: Path,
                root: Path | None) -> None:
    """Turn a GitHub pull_request_review event (EVENT.json) into sign-off records.

    An approving review by a registered gatekeeper, on the pull request's head commit, becomes
    reports/<id>/signoffs/ROLE--IDENTITY.review.json for each report the pull request changes (or
    each of REPORTS) and each required role the reviewer holds. Comments, requested changes and
    reviews by others record nothing; a dismissed review's records are removed. A review of an
    older commit, or a checkout that is not the head, is refused (exit 1). Each record is signed
    with --key, the workflow's key.
    """
    project, _ = open_project(root)
    _, policy = open_project(policy_root or project, use_cache=False)
    reg = registry(policy)
    event = read_event(event_path)
    facts_id = event["review"]["id"]
    if event["action"] == "dismissed" or str(event["review"]["state"]).lower() == "dismissed":
        removed = remove_records(project, {facts_id})
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
    signer = Signer(key, reg)
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
        for line in record(folder, facts, holder, reg, policy, signer):
            click.echo(line)


def read_json_values(path: Path) -> list[Any]:
    """One JSON value, or several one after another (`gh api --paginate` prints one per page, and
    `--jq '.[]'` one per line); arrays are flattened."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    decoder, at = json.JSONDecoder(), 0
    values: list[Any] = []
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return values
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path} is not JSON from GitHub's API: {exc}") from None
        values.extend(value if isinstance(value, list) else [value])


def live_approvals(reviews: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], set[int]]:
    """Each reviewer's standing approval (their latest approve / request-changes / dismissed
    review, if it approves), and the ids of approvals that no longer stand."""
    latest: dict[str, dict[str, Any]] = {}
    gone: set[int] = set()
    for review in sorted(reviews, key=lambda r: (str(r.get("submitted_at") or ""), r["id"])):
        state = str(review["state"]).upper()
        login = review["user"]["login"]
        if state == "DISMISSED":
            gone.add(review["id"])
        if state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            before = latest.get(login)
            if before is not None and before["id"] != review["id"]:
                gone.add(before["id"])
            latest[login] = review
    standing = [r for r in latest.values() if str(r["state"]).upper() == "APPROVED"]
    return standing, gone - {r["id"] for r in standing}


def _review_ok(review: Any) -> bool:
    return (isinstance(review, dict) and isinstance(review.get("id"), int)
            and isinstance(review.get("state"), str) and isinstance(_get(review, "user", "login"), str))


@command.command("from-pull-request")
@click.argument("pr_path", metavar="PR.json", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("reviews_path", metavar="REVIEWS.json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--policy-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Read checks/ (who the gatekeepers are) from this folder, e.g. a checkout of the "
                   "default branch, so a pull request cannot add its own gatekeepers. Default: --root.")
@click.option("--key", required=True, type=click.Path(path_type=Path, dir_okay=False), help=KEY_HELP)
@root_option
def from_pull_request(pr_path: Path, reviews_path: Path, policy_root: Path | None, key: Path,
                      root: Path | None) -> None:
    """Bring the sign-off records of a pull request up to date with its reviews.

    PR.json is `gh api repos/OWNER/REPO/pulls/N`; REVIEWS.json is `gh api --paginate
    repos/OWNER/REPO/pulls/N/reviews`. Each reviewer's standing approval of the head commit, by
    a registered gatekeeper, becomes a signed record (once); records of approvals dismissed or
    withdrawn are removed; an approval of an older commit is reported (approve the latest
    commit again). The checkout (--root) must be at the pull request's head.
    """
    project, _ = open_project(root)
    _, policy = open_project(policy_root or project, use_cache=False)
    reg = registry(policy)
    values = read_json_values(pr_path)
    pr = values[0] if len(values) == 1 else None
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int) \
            or not isinstance(_get(pr, "head", "sha"), str):
        raise click.ClickException(f"{pr_path} is not a pull request from GitHub's API (number, head.sha)")
    reviews = read_json_values(reviews_path)
    bad = [i for i, r in enumerate(reviews) if not _review_ok(r)]
    if bad:
        raise click.ClickException(f"{reviews_path}: item {bad[0] + 1} is not a pull-request review "
                                   "from GitHub's API (id, state, user.login)")
    signer = Signer(key, reg)
    standing, gone = live_approvals(reviews)
    for path in remove_records(project, gone):
        click.echo(f"removed {display_path(path)}: the approval was dismissed or withdrawn")
    head = pr["head"]["sha"]
    checked_out = _git(project, "rev-parse", "HEAD")
    if checked_out is not None and checked_out != head:
        raise click.ClickException(
            f"refused: the checkout is at {checked_out[:12]}, not at the pull request's head "
            f"{head[:12]}; a later run will record the approvals")
    done = recorded_ids(project)
    folders = changed_reports(project, _get(pr, "base", "sha"), head)
    repository = _get(pr, "base", "repo", "full_name") or ""
    for review in standing:
        login = review["user"]["login"]
        holder = reg.by_github(login)
        if review["id"] in done:
            continue
        if holder is None:
            click.echo(f"nothing recorded for review {review['id']}: {login} is not a gatekeeper in "
                       "checks/gatekeepers.yml")
            continue
        if review.get("commit_id") != head:
            click.echo(f"nothing recorded for review {review['id']}: {login} approved commit "
                       f"{str(review.get('commit_id'))[:12]}, not the head {head[:12]}; approve the "
                       "latest commit again")
            continue
        event = {"review": review, "pull_request": pr, "repository": {"full_name": repository}}
        try:
            facts = review_facts(event)
        except (ValueError, TypeError, KeyError):
            click.echo(f"nothing recorded for review {review['id']}: it has no valid submitted_at time")
            continue
        if not folders:
            click.echo("nothing recorded: the pull request changes no report")
            return
        for folder in folders:
            for line in record(folder, facts, holder, reg, policy, signer):
                click.echo(line)
