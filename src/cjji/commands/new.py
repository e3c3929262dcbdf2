"""`cjji new <id>`: start a report folder with every field to fill."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from string import Template

import click

from cjji.commands.options import open_project, root_option
from cjji.project import REPORTS

ID_PATTERN = re.compile(r"^[0-9]{4}-[a-z0-9]+(-[a-z0-9]+)*$")


@click.command("new")
@click.argument("report_id")
@root_option
def command(report_id: str, root: Path | None) -> None:
    """Create reports/REPORT_ID/ with a report.md showing every metadata field to fill.

    REPORT_ID is the year and a short slug, like 2027-custody-health. The new report passes the
    schema gate; the other gates then tell you what is still to write (every TODO).
    """
    if not ID_PATTERN.match(report_id):
        raise click.BadParameter(
            "use the year and a short slug in lower case with hyphens, like 2027-custody-health",
            param_hint="REPORT_ID",
        )
    project, _ = open_project(root)
    folder = project / REPORTS / report_id
    if folder.exists():
        raise click.ClickException(f"{folder} already exists; nothing was changed")
    date = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    values = {"id": report_id, "date": date}
    texts = {
        name: Template((project / "templates" / "new" / name).read_text(encoding="utf-8")).substitute(values)
        for name in ("report.md", "impact-assessment.md")
    }
    folder.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".new-") as staging:
        (Path(staging) / report_id / "images").mkdir(parents=True)
        for name, text in texts.items():
            (Path(staging) / report_id / name).write_text(text, encoding="utf-8")
        (Path(staging) / report_id).rename(folder)  # appears whole, or not at all
    click.echo(f"created {folder.relative_to(project)}/report.md; fill in every TODO, then run `make check`")
