"""Build the business plan: check the programme, then make branded Word, PDF and HTML with the report
builders (cjji.build.build_report) from the report-shaped document (cjji.programme.document), check
what was built (the `outputs` gate), and write the programme page (cjji.programme.status).

    out/programme-<year>/programme-<year>.docx, .pdf, .html   the plan
    out/programme-<year>/programme-<year>-page.md, -page.html  where each inspection stands

Never raises for bad input: a programme with errors is not built and the result says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cjji.atomic import write_text
from cjji.build import FORMATS
from cjji.building import build_checked
from cjji.findings import Finding
from cjji.policy import Policy
from cjji.programme import gates
from cjji.programme.document import document
from cjji.programme.model import load_programme
from cjji.programme.status import page_html, page_markdown, statuses


@dataclass
class ProgrammeBuild:
    year: str
    files: dict[str, Path] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was not built (empty when it was)


def build_programme(root: Path, year: str, policy: Policy, out: Path, formats: tuple[str, ...] = FORMATS,
                    *, today: dt.date | None = None, published: Mapping[str, str] | None = None) -> ProgrammeBuild:
    result = ProgrammeBuild(year)
    programme = load_programme(root, year)
    errors = [f for f in gates.check(programme, policy, today=today) if f.severity == "error"]
    if errors or programme.plan is None:
        result.findings = errors
        result.reason = f"the checks found {len(errors)} error(s) (run `cjji programme check {year}`)"
        return result
    report = document(programme, policy)
    assert report is not None
    report.extra["framework_annex"] = False  # cjji.annex leaves it out
    folder = out / programme.id
    result.files, result.findings, result.reason = build_checked(report, policy, folder, formats,
                                                                 programme.plan.display)
    if result.findings:
        return result
    items = statuses(programme, today=today, published=published)
    page_md, page = folder / f"{programme.id}-page.md", folder / f"{programme.id}-page.html"
    write_text(page_md, page_markdown(programme, policy, items))
    write_text(page, str(page_html(programme, policy, items)))
    result.files["page-md"], result.files["page-html"] = page_md, page
    return result
