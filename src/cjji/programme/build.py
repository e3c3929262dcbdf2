"""Build the business plan: check the programme, then make branded Word, PDF and HTML with the report
builders (cjji.build.build_report) from the report-shaped document (cjji.programme.document), check
what was built (the `outputs` gate), and write the programme page (cjji.programme.status).

    out/programme-<year>/programme-<year>.docx, .pdf, .html   the plan
    out/programme-<year>/programme-<year>-page.md, -page.html  where each inspection stands

Never raises for bad input: a programme with errors is not built and the result says why.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjji.atomic import remove_stale_parts, write_text
from cjji.build import FORMATS, build_report
from cjji.build.pandoc import PandocError
from cjji.build.pandoc_ast import BuildError
from cjji.findings import Finding, error
from cjji.gates import outputs
from cjji.policy import Policy
from cjji.programme import gates
from cjji.programme.document import document
from cjji.programme.model import load_programme
from cjji.programme.status import page_html, page_markdown, statuses
from cjji.report import Report


@dataclass
class ProgrammeBuild:
    year: str
    files: dict[str, Path] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was not built (empty when it was)


def _output_findings(report: Report, files: dict[str, Path], policy: Policy) -> list[Finding]:
    run: Any = outputs.run
    if len(inspect.signature(run).parameters) >= 3:
        return list(run(report, files, policy))
    return list(run(report, files))


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
    remove_stale_parts(folder)
    try:
        result.files = build_report(report, policy, folder, formats)
    except BuildError as exc:
        result.findings, result.reason = list(exc.findings), "it could not be built"
        return result
    except PandocError as exc:
        result.findings = [error("build", "pandoc", programme.plan.display, 0, 0, str(exc))]
        result.reason = "it could not be built"
        return result
    except Exception as exc:  # a builder's own located error (the HTML builder's HtmlBuildError)
        finding = getattr(exc, "finding", None)
        if not isinstance(finding, Finding):
            raise
        result.findings, result.reason = [finding], "it could not be built"
        return result
    result.findings = [f for f in _output_findings(report, result.files, policy) if f.severity == "error"]
    if result.findings:
        result.reason = f"the built files failed {len(result.findings)} output check(s)"
        return result
    items = statuses(programme, today=today, published=published)
    page_md, page = folder / f"{programme.id}-page.md", folder / f"{programme.id}-page.html"
    write_text(page_md, page_markdown(programme, policy, items))
    write_text(page, str(page_html(programme, policy, items)))
    result.files["page-md"], result.files["page-html"] = page_md, page
    return result
