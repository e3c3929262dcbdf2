"""`cjji new <id>`: start a report folder with every field to fill."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from string import Template

import click

from cjji import resources
from cjji.commands.options import open_project, root_option
from cjji.project import REPORTS

ID_PATTERN = re.compile(r"^[0-9]{4}-[a-z0-9]+(-[a-z0-9]+)*$")
PROPOSAL_PATTERN = re.compile(r"^([0-9]{4})/([a-z0-9]+(?:-[a-z0-9]+)*)$")
FROM_PROPOSAL = ("title", "lead", "inspectorates", "business_process", "scope", "purpose")


def _yaml_value(value: object) -> str:
    """A value as YAML flow text: JSON is valid YAML 1.2, so text is quoted and lists stay lists."""
    return json.dumps(value, ensure_ascii=False)


def from_proposal(report_md: str, reference: str, proposal: dict[str, object]) -> str:
    """report.md from the template with the proposal's fields in place of the template's, and
    `proposal: <year>/<id>` recorded, so the report says which proposal it delivers."""
    head, sep, body = report_md.partition("\n---\n")
    lines = head.split("\n")
    fields = {name: proposal[name] for name in FROM_PROPOSAL if name in proposal}
    fields["proposal"] = reference
    for name, value in fields.items():
        note = "   # the proposal this report delivers" if name == "proposal" else "   # from the proposal"
        line = f"{name}: {_yaml_value(value)}{note}"
        for i, existing in enumerate(lines):
            if existing.startswith(f"{name}:"):
                lines[i] = line
                break
        else:
            lines.append(line)
    return "\n".join(lines) + sep + body


def _proposal(project: Path, reference: str) -> dict[str, object]:
    """The proposal named `<year>/<id>`, checked: it exists, loads, and is not excluded."""
    from cjji.findings import format_human
    from cjji.programme.model import load_programme

    match = PROPOSAL_PATTERN.match(reference)
    if not match:
        raise click.BadParameter("write the programme year and the proposal's id, like 2027/rape-case-progression",
                                 param_hint="--from-proposal")
    year, ident = match.groups()
    programme = load_programme(project, year)
    source = programme.proposals.get(ident)
    if source is None:
        problems = [f for f in programme.findings if f.file.endswith(f"/{ident}.yml")]
        if problems:
            raise click.ClickException("the proposal cannot be read:\n" + "\n".join(map(format_human, problems)))
        known = ", ".join(programme.proposals) or "none"
        raise click.BadParameter(f"the {year} programme has no proposal '{ident}' (it has: {known})",
                                 param_hint="--from-proposal")
    if "excluded" in source.data:
        raise click.ClickException(f"the proposal {reference} is excluded from the long list (framework 5.5), so no "
                                   "report delivers it; nothing was created")
    final = programme.plan.data.get("final_programme") if programme.plan else None
    if not isinstance(final, list) or ident not in final:
        click.echo(f"note: {reference} is not in the {year} final programme", err=True)
    return source.data


@click.command("new")
@click.argument("report_id")
@click.option("--from-proposal", "proposal", default=None, metavar="YEAR/ID",
              help="Start from a proposal of the joint programme (programme/YEAR/proposals/ID.yml): its title, "
                   "lead, inspectorates, business process, scope and purpose, and `proposal: YEAR/ID`.")
@root_option
def command(report_id: str, proposal: str | None, root: Path | None) -> None:
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
    fields = _proposal(project, proposal) if proposal is not None else None
    date = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    values = {"id": report_id, "date": date}
    texts = {
        name: Template(resources.template(f"new/{name}", project).read_text(encoding="utf-8")).substitute(values)
        for name in ("report.md", "impact-assessment.md")
    }
    if fields is not None and proposal is not None:
        texts["report.md"] = from_proposal(texts["report.md"], proposal, fields)
    folder.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".new-") as staging:
        (Path(staging) / report_id / "images").mkdir(parents=True)
        for name, text in texts.items():
            (Path(staging) / report_id / name).write_text(text, encoding="utf-8")
        (Path(staging) / report_id).rename(folder)  # appears whole, or not at all
    click.echo(f"created {folder.relative_to(project)}/report.md; fill in every TODO, then run `make check`")
