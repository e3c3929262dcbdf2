"""`cjji recommendations`: export the recommendations register (CSV or JSON) for follow-up.

Each recommendation, cause of concern and area for improvement is one row with its kind. When a
later report follows it up (`follows_up` in its metadata), the row carries its status history:
each follow-up's status (achieved, partially achieved, not achieved, no longer relevant), with the
following report, its date and the evidence. Items of an earlier report that is not in the
repository (a report from before cjji) get rows of their own, built from the follow-ups alone."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from cjji.atomic import write_text
from cjji.blocks import graded_blocks
from cjji.bodies import addressees
from cjji.commands.options import open_project, root_option
from cjji.findings import format_human
from cjji.gates._framework import mapping
from cjji.policy import Policy
from cjji.project import report_dirs
from cjji.report import LoadError, Report, load

COLUMNS = ("report_id", "report_title", "publication_date", "kind", "recommendation_id", "owner_code",
           "owner_name", "due_date", "text", "line", "latest_status", "status_history")
TRACKED = ("recommendation", "cause-of-concern", "area-for-improvement")  # followed up later
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows(report: Report, policy: Policy) -> list[dict[str, Any]]:
    title = report.meta.get("title")
    published = mapping(report.meta.get("publication")).get("date")
    out = []
    for block in graded_blocks(report):
        if block.kind not in TRACKED:
            continue
        to = addressees(block.attrs, policy)
        out.append({
            "report_id": report.id,
            "report_title": title if isinstance(title, str) else "",
            "publication_date": published if isinstance(published, str) else "",
            "kind": block.kind,
            "recommendation_id": block.id,
            "owner_code": "; ".join(a.code or a.body or "" for a in to),
            "owner_name": "; ".join(a.name for a in to),
            "due_date": block.attrs.get("due", ""),
            "text": block.text,
            "line": block.line,
            "latest_status": "",
            "status_history": [],
        })
    return out


def follow_ups(report: Report) -> list[tuple[tuple[str, str, str], dict[str, Any]]]:
    """((earlier report id or title, kind, id), status entry) for each item `report` follows up."""
    follows = mapping(report.meta.get("follows_up"))
    if not follows:
        return []
    earlier = follows.get("report") if isinstance(follows.get("report"), str) else None
    title = str(follows.get("title") or "")
    published = mapping(report.meta.get("publication")).get("date")
    found = []
    for item in follows.get("items") or []:
        item = mapping(item)
        key = (earlier or title, str(item.get("kind", "")), str(item.get("id", "")))
        found.append((key, {"status": str(item.get("status", "")), "evidence": str(item.get("evidence", "")),
                            "followed_up_by": report.id,
                            "date": published if isinstance(published, str) else "",
                            "earlier_title": title}))
    return found


def with_history(register: list[dict[str, Any]], reports: list[Report]) -> list[dict[str, Any]]:
    """The register with each item's status history (oldest follow-up first), plus rows for items
    of earlier reports not in the repository, known only from their follow-ups."""
    history: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for report in reports:
        for key, entry in follow_ups(report):
            history.setdefault(key, []).append(entry)
    for entries in history.values():
        entries.sort(key=lambda e: (e["date"], e["followed_up_by"]))
    out = []
    seen = set()
    for row in register:
        key = (row["report_id"], row["kind"], row["recommendation_id"])
        seen.add(key)
        entries = history.get(key, [])
        out.append({**row, "status_history": entries, "latest_status": entries[-1]["status"] if entries else ""})
    for key, entries in history.items():
        if key in seen:
            continue
        earlier, kind, ident = key
        out.append({"report_id": "", "report_title": entries[0]["earlier_title"], "publication_date": "",
                    "kind": kind, "recommendation_id": ident, "owner_code": "", "owner_name": "", "due_date": "",
                    "text": "", "line": "", "latest_status": entries[-1]["status"], "status_history": entries})
    return out


def history_text(entries: list[dict[str, Any]]) -> str:
    """A status history in one spreadsheet cell: "achieved (2021-08-12, 2021-cleveland-custody): ..."."""
    return " | ".join(f"{e['status'].replace('-', ' ')} ({e['date']}, {e['followed_up_by']}): {e['evidence']}"
                      for e in entries)


def _cell(value: Any) -> Any:
    """Stop a spreadsheet from running text as a formula (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(register: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in register:
        flat = {**row, "status_history": history_text(row.get("status_history") or [])}
        writer.writerow({k: _cell(v) for k, v in flat.items()})
    return buffer.getvalue()


def to_json(register: list[dict[str, Any]]) -> str:
    return json.dumps({"version": 1, "recommendations": register}, indent=2, ensure_ascii=False) + "\n"


@click.command("recommendations")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="csv: for spreadsheets; json: for tools.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the register to this file (default: print it).")
@root_option
def command(paths: tuple[Path, ...], fmt: str, output: Path | None, root: Path | None) -> None:
    """Export the register of recommendations, causes of concern and areas for improvement, so
    follow-up can be tracked (Annex A principle 1).

    PATHS are report folders, report.md files or folders of reports (default: every report under
    reports/). One row per item: report id, title and publication date, kind, id, addressees'
    codes and names, due date, text and its line in report.md. Nothing is written if a
    report cannot be read.
    """
    project, policy = open_project(root)
    dirs = report_dirs(project, list(paths))
    if not dirs:
        raise click.ClickException("no reports found; create one with `cjji new <id>`")
    register: list[dict[str, Any]] = []
    loaded: list[Report] = []
    failed = 0
    for folder in dirs:
        try:
            report = load(folder)
            loaded.append(report)
            register.extend(rows(report, policy))
        except LoadError as exc:
            failed += 1
            click.echo(format_human(exc.finding), err=True)
    if failed:
        click.echo(f"cjji: {failed} report(s) could not be read; nothing was exported", err=True)
        raise SystemExit(1)
    register = with_history(register, loaded)
    text = to_csv(register) if fmt == "csv" else to_json(register)
    if output is None:
        click.echo(text, nl=False)
        return
    write_text(output, text)
    click.echo(f"wrote {len(register)} recommendation(s) from {len(dirs)} report(s) to {output}", err=True)
