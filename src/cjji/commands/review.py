"""`cjji review`: send a report out for review in Word and bring the answers back to report.md.

cjji review export REPORT --for BODY          write the review copy (Word)
cjji review import REPORT RETURNED.docx --from BODY   record its comments and changes
cjji review accept LOG ITEM... [--response TEXT]
cjji review reject LOG ITEM... --response TEXT
cjji review apply LOG [ITEM...] [--dry-run]   make accepted changes in report.md
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cjji.commands.options import open_project, root_option
from cjji.findings import format_human
from cjji.report import LoadError, display_path, load


def _load(report_dir: Path):  # type: ignore[no-untyped-def]
    try:
        return load(report_dir)
    except LoadError as exc:
        click.echo(format_human(exc.finding), err=True)
        raise SystemExit(1) from None


def _project(root: Path | None) -> Path:
    from cjji.project import ProjectError, find_root

    try:
        return find_root(root)
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from None


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date written YYYY-MM-DD") from None


@click.group("review")
def command() -> None:
    """Review in Word, record in Markdown: export a review copy, import what comes back, decide
    each item and apply accepted changes to report.md."""


@command.command("export")
@click.argument("report", type=click.Path(path_type=Path, file_okay=False))
@click.option("--for", "body", required=True, help="Who it goes to, as a short name: cps, westvale-police, hmicfrs.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write it (default: out/<id>/review/<id>-for-<body>.docx).",
)
@click.option("--date", "when", default=None, help="Export date recorded in the file (default: today).")
@click.option("--word-page-numbers", is_flag=True,
              help="Lay the copy out with LibreOffice (soffice, which must be installed) and write the page "
                   "numbers into its contents, for reviewers whose viewer does not update fields (3-6 s).")
@root_option
def export_command(report: Path, body: str, output: Path | None, when: str | None, word_page_numbers: bool,
                   root: Path | None) -> None:
    """Write the Word review copy of REPORT for BODY: the branded document with every paragraph,
    heading, table cell, caption and footnote anchored to report.md, the content digest and version
    in its properties, line numbers in the margin and track changes switched on."""
    from cjji.build.pandoc import PandocError
    from cjji.build.pandoc_ast import BuildError
    from cjji.review.export import ExportError, default_path, export

    project, policy = open_project(root)
    loaded = _load(report)
    dest = output or default_path(project, loaded, body)
    try:
        result = export(loaded, policy, body, dest, _date(when))
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    except BuildError as exc:
        for finding in exc.findings:
            click.echo(format_human(finding), err=True)
        raise SystemExit(1) from None
    except PandocError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {display_path(result.path)}: {result.anchors} paragraphs anchored to {loaded.display}")
    for block in result.unanchored:
        click.echo(
            f"{loaded.display}:{block.line}:{block.col}: warning: this {block.kind} was not found in the "
            "Word file, so comments on it will be placed at the paragraph before",
            err=True,
        )
    numbering_failed = False
    if word_page_numbers:  # only the contents' numbers change: every anchor stays where it was
        from cjji.commands.build import number_word_pages

        numbering_failed = number_word_pages([result.path], policy)
    click.echo(
        f"send it to {body}; when it comes back: cjji review import {display_path(loaded.dir)} "
        f"<returned.docx> --from {body}"
    )
    if numbering_failed:
        raise SystemExit(1)


@command.command("import")
@click.argument("report", type=click.Path(path_type=Path, file_okay=False))
@click.argument("returned", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "body", required=True, help="Who sent it back (the name used with export --for).")
@click.option("--date", "when", default=None, help="Date received (default: today); names the log.")
@root_option
def import_command(report: Path, returned: Path, body: str, when: str | None, root: Path | None) -> None:
    """Read RETURNED.docx (a review copy of REPORT sent back by BODY) into a review log,
    reports/<id>/reviews/<body>-<date>.yml: every comment, reply, tracked change and untracked edit,
    located in report.md. Nothing else is changed; a hostile or foreign file is refused."""
    from cjji.review.export import BODY
    from cjji.review.importer import HostileFile, current_blocks, read_file, read_returned
    from cjji.review.log import build_items, log_path, write_new

    _project(root)  # inside a project; its policy is not needed to read a returned file
    loaded = _load(report)
    if not BODY.match(body):
        raise click.BadParameter(
            f"'{body}' cannot name a body: use lower-case letters, digits and hyphens", param_hint="--from"
        )
    received = _date(when)
    display = display_path(returned)
    try:
        returned_doc = read_returned(read_file(returned, display), display)
    except HostileFile as exc:
        raise click.ClickException(f"{exc}; nothing was changed") from None
    header = returned_doc.header
    if header.get("report") != loaded.id:
        raise click.ClickException(
            f"{display} is a review copy of the report '{header.get('report')}', not of "
            f"'{loaded.id}'; nothing was changed"
        )
    if header.get("body") != body:
        click.echo(f"note: the copy was exported for '{header.get('body')}' and comes back from '{body}'", err=True)
    blocks, index, sha = current_blocks(loaded)
    items, warnings = build_items(returned_doc, blocks, index)
    data = {
        "report": loaded.id,
        "body": body,
        "received": received.isoformat(),
        "file": {"name": returned.name, "sha256": returned_doc.sha256},
        "export": {
            "digest": str(header.get("digest", "")),
            "version": str(header.get("report_version", "")),
            "source_sha256": str(header.get("source_sha256", "")),
            "exported": str(header.get("exported", "")),
            "current": header.get("source_sha256") == sha,
        },
        "items": items,
    }
    path = log_path(loaded.dir, body, received)
    write_new(path, data)
    if header.get("source_sha256") != sha:
        click.echo(
            f"note: report.md has changed since this copy was exported ({header.get('exported')}); "
            "unchanged paragraphs map exactly, the others are marked",
            err=True,
        )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    counted = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items())) or "nothing"
    click.echo(f"wrote {display_path(path)}: {counted}")
    click.echo("decide each item there (status and response); `cjji check` lists the open ones at their lines")


def _decide(log_file: Path, items: tuple[str, ...], status: str, response: str | None) -> None:
    from cjji.review.log import LogChanged, read, update

    log = read(log_file)
    if log.findings:
        for finding in log.findings:
            click.echo(format_human(finding), err=True)
        raise SystemExit(1)
    known = {str(i.get("id")) for i in log.items}
    missing = [i for i in items if i not in known]
    if missing:
        raise click.ClickException(f"no item {', '.join(missing)} in {log.display}; nothing was changed")
    change: dict[str, str] = {"status": status}
    if response is not None:
        change["response"] = response
    try:
        update(log, {i: dict(change) for i in items})
    except LogChanged as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{log.display}: {', '.join(items)} {status}")


@command.command("accept")
@click.argument("log_file", metavar="LOG", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("items", nargs=-1, required=True)
@click.option("--response", default=None, help="What to tell the reviewer.")
@click.option("--with-change", is_flag=True, help="Accepted, but made differently (a response is required).")
def accept_command(log_file: Path, items: tuple[str, ...], response: str | None, with_change: bool) -> None:
    """Mark ITEMS of LOG accepted (`cjji review apply` then makes accepted changes)."""
    if with_change and not (response or "").strip():
        raise click.BadParameter("say what was changed instead", param_hint="--response")
    _decide(log_file, items, "accepted-with-change" if with_change else "accepted", response)


@command.command("reject")
@click.argument("log_file", metavar="LOG", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("items", nargs=-1, required=True)
@click.option("--response", required=True, help="The reason, for the reviewer (required).")
def reject_command(log_file: Path, items: tuple[str, ...], response: str) -> None:
    """Mark ITEMS of LOG rejected, with the reason."""
    if not response.strip():
        raise click.BadParameter("a rejection needs a reason", param_hint="--response")
    _decide(log_file, items, "rejected", response)


@command.command("apply")
@click.argument("log_file", metavar="LOG", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("items", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show the diff; change nothing.")
@root_option
def apply_command(log_file: Path, items: tuple[str, ...], dry_run: bool, root: Path | None) -> None:
    """Make the accepted changes of LOG in report.md (or only ITEMS, which are then accepted),
    print the diff, and record them as applied. A change whose paragraph moved or was edited since
    the export is refused with the reason."""
    from cjji.review.apply import plan, write
    from cjji.review.log import LogChanged, read

    _, policy = open_project(root)
    log = read(log_file)
    if log.findings:
        for finding in log.findings:
            click.echo(format_human(finding), err=True)
        raise SystemExit(1)
    report_dir = log_file.resolve().parent.parent
    loaded = _load(report_dir)
    if log.data.get("report") != loaded.id:
        raise click.ClickException(
            f"{log.display} is for the report '{log.data.get('report')}', not '{loaded.id}'; nothing was changed"
        )
    result = plan(loaded, policy, log, list(items))
    if result.diff:
        click.echo(result.diff, nl=False)
    for ident, reason in result.refused.items():
        click.echo(f"refused {ident}: {reason}", err=True)
    if not result.applied:
        click.echo("nothing applied; report.md is unchanged")
    elif dry_run:
        click.echo(f"dry run: {len(result.applied)} change(s) not written")
    else:
        try:
            write(loaded, log, result)
        except LogChanged as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"applied {', '.join(result.applied)} to {loaded.display}; recorded in {log.display}")
    if result.refused:
        raise SystemExit(1)
