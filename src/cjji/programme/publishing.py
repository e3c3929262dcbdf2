"""What publishing the business plan needs, in one call, for the publishing code (cjji.publish) to use.

`prepare(root, year, policy, now)` loads the programme once and returns:

- `findings`: every check with for_publication, on the London date of `now` (consultation complete
  under framework 4.2 and 4.3, dates that have come, the chair and the other chief inspectors'
  sign-offs valid for this exact content). Any error means: do not publish.
- `document`: the report-shaped plan (cjji.programme.document) ready for cjji.build.build_report,
  flagged to leave out the report framework annex;
- `digest`: the content digest of programme/<year>/ (what the sign-offs bind);
- `embargo`: when it may go live (cjji.publish.embargo rules, as for reports);
- `signoffs`: each required role's state (cjji.signoff.ReportStatus);
- `page(published)`: the programme page's HTML fragment, given {report id: URL} of what the site
  holds, showing each inspection as planned, in fieldwork, published (linked) or withdrawn.

It writes nothing: the publishing target decides where the files go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from cjji import digest as content
from cjji.findings import Finding, error
from cjji.policy import Policy
from cjji.programme import gates
from cjji.programme.document import document
from cjji.programme.model import Programme, load_programme
from cjji.programme.signoff import plan_status
from cjji.programme.status import page_html, statuses
from cjji.report import Report
from cjji.signoff import ReportStatus

DOCUMENT_LABEL = "Joint inspection business plan"


@dataclass
class Prepared:
    programme: Programme
    policy: Policy
    findings: list[Finding] = field(default_factory=list)
    document: Report | None = None
    digest: str = ""
    embargo: dt.datetime | None = None
    signoffs: ReportStatus | None = None

    @property
    def ready(self) -> bool:
        return self.document is not None and not any(f.severity == "error" for f in self.findings)

    def page(self, published: Mapping[str, str]) -> Markup:
        return page_html(self.programme, self.policy, statuses(self.programme, published=published))


def prepare(root: Path, year: str, policy: Policy, now: dt.datetime) -> Prepared:
    from cjji.publish.embargo import TimeError, embargo_of, london_date

    programme = load_programme(root, year)
    prepared = Prepared(programme, policy)
    found: list[Finding] = []
    if programme.plan is not None:
        where = programme.plan.display
        try:
            prepared.digest = content.digest(programme.dir).value
        except content.DigestError as exc:
            found.append(error("publish", "digest", where, 0, 0, str(exc)))
        publication = programme.plan.data.get("publication")
        try:
            prepared.embargo = embargo_of(publication) if isinstance(publication, dict) else None
        except (TimeError, ValueError) as exc:
            found.append(error("publish", "embargo", where, 0, 0, str(exc)))
    # Before its publication date the plan is judged as of that date: what it records for the
    # weeks before publication (the programme agreed, the final copy sent) is "embargoed", not a
    # refusal. Nothing goes live before then, and the run that publishes it judges it on its own day.
    as_of = max(now, prepared.embargo) if prepared.embargo else now
    prepared.findings = gates.publication_findings(programme, policy, today=london_date(as_of), now=now) + found
    if programme.plan is None:
        return prepared
    prepared.signoffs = plan_status(programme, policy, now)
    report = document(programme, policy)
    if report is not None:
        report.extra["framework_annex"] = False  # cjji.annex leaves it out
    prepared.document = report
    return prepared
