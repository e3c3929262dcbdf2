"""Where each inspection of the final programme stands, from the reports' own metadata.

A report says which proposal it delivers (`proposal: 2027/<id>` in report.md). Then:

    withdrawn     the proposal records `withdrawn` (the chief inspectors took it out of the agreed
                  programme), or the report delivering it records `withdrawn`
    published     a report delivers it and is published: listed in `published` (what the site
                  holds, when the publisher passes it) or, without that, its publication date has come
    in fieldwork  a report delivers it but is not published yet
    planned       no report delivers it yet

`page_markdown` and `page_html` render the programme page the site shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from cjji.policy import Policy
from cjji.programme.model import Programme, ReportRef
from cjji.programme.ranking import final_programme
from cjji.programme.rules import parse_date

STATES = ("planned", "in fieldwork", "published", "withdrawn")


@dataclass(frozen=True)
class Status:
    proposal: str
    title: str
    state: str  # one of STATES
    report: ReportRef | None = None
    link: str = ""  # the published report's page, for "published"
    note: str = ""


def report_link(report_id: str, prefix: str = "") -> str:
    """The published report's page on the joint site (cjji.publish.site: reports/<id>/)."""
    return f"{prefix}reports/{report_id}/"


def delivering(programme: Programme) -> dict[str, list[ReportRef]]:
    """proposal id -> the reports that say they deliver it."""
    found: dict[str, list[ReportRef]] = {}
    for ref in programme.reports:
        found.setdefault(ref.proposal.split("/", 1)[-1], []).append(ref)
    return found


def statuses(programme: Programme, *, today: dt.date | None = None,
             published: Mapping[str, str] | None = None, link_prefix: str = "") -> list[Status]:
    """The status of every inspection in the final programme, in programme order.

    `published`: report id -> URL of its page, from the site, when the caller knows it; without
    it a report counts as published once its publication date has come."""
    today = today or dt.date.today()
    reports = delivering(programme)
    found = []
    for ident in final_programme(programme):
        proposal = programme.proposals.get(ident)
        title = str(proposal.data.get("title", ident)) if proposal else ident
        withdrawn = proposal.data.get("withdrawn") if proposal else None
        refs = reports.get(ident, [])
        ref = refs[0] if refs else None
        if isinstance(withdrawn, dict):
            found.append(Status(ident, title, "withdrawn", ref, note=str(withdrawn.get("reason", ""))))
        elif ref is None:
            found.append(Status(ident, title, "planned"))
        elif ref.withdrawn:
            found.append(Status(ident, title, "withdrawn", ref, note="the report was withdrawn"))
        elif published is not None:
            if ref.id in published:
                found.append(Status(ident, title, "published", ref, published[ref.id]))
            else:
                found.append(Status(ident, title, "in fieldwork", ref))
        else:
            date = parse_date(ref.publication_date)
            if date is not None and date <= today:
                found.append(Status(ident, title, "published", ref, report_link(ref.id, link_prefix)))
            else:
                found.append(Status(ident, title, "in fieldwork", ref))
    return found


def _lead_name(programme: Programme, policy: Policy, ident: str) -> str:
    proposal = programme.proposals.get(ident)
    lead = proposal.data.get("lead") if proposal else None
    if not isinstance(lead, str):
        return ""
    return str(policy.inspectorates.get(lead, {}).get("short_name") or lead)


def page_markdown(programme: Programme, policy: Policy, items: list[Status]) -> str:
    """The programme page as Markdown in the report dialect (a heading and one table)."""
    from cjji.programme.document import md_escape, md_table

    rows = []
    for s in items:
        state = s.state
        if s.state == "published" and s.link:
            state = f"[Published]({s.link})"
        elif s.state == "withdrawn" and s.note:
            state = f"Withdrawn: {md_escape(s.note)}"
        else:
            state = state.capitalize()
        rows.append([md_escape(s.title), md_escape(_lead_name(programme, policy, s.proposal)), state])
    heading = f"# Joint inspection programme {programme.year} {{#programme-{programme.year}}}"
    if not rows:
        return f"{heading}\n\nThe final programme lists no inspections yet.\n"
    return f"{heading}\n\n" + md_table(["Inspection", "Lead inspectorate", "Status"], rows) + "\n"


def page_html(programme: Programme, policy: Policy, items: list[Status]) -> Markup:
    """The programme page's content as an HTML fragment (escaped), for the site's page template."""
    rows = []
    for s in items:
        if s.state == "published" and s.link:
            state = Markup('<a href="{}">Published</a>').format(s.link)
        elif s.state == "withdrawn" and s.note:
            state = Markup("Withdrawn: {}").format(s.note)
        else:
            state = escape(s.state.capitalize())
        rows.append(Markup('<tr><th scope="row">{}</th><td>{}</td><td class="status status-{}">{}</td></tr>')
                    .format(s.title, _lead_name(programme, policy, s.proposal), s.state.replace(" ", "-"), state))
    caption = f"Joint inspection programme {programme.year}: where each inspection stands"
    head = Markup('<thead><tr><th scope="col">Inspection</th><th scope="col">Lead inspectorate</th>'
                  '<th scope="col">Status</th></tr></thead>')
    return Markup('<section class="programme" id="programme-{}"><h1>Joint inspection programme {}</h1>\n'
                  '<table><caption>{}</caption>{}<tbody>\n{}\n</tbody></table></section>\n').format(
        programme.year, programme.year, caption, head, Markup("\n").join(rows))
