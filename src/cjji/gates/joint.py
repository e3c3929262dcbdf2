"""[joint] The qualifying criteria of a joint inspection (framework 5.5).

Two or more of the criminal justice inspectorates take part (non-CJ partners such as Ofsted or
CQC may join but do not count, framework 4.2 and 9); the lead is one of them and takes part; the
scope and purpose are written out, not placeholders. Unknown codes, a missing field and an unknown
business process (framework 3.1) are the schema gate's to report, so they are skipped here.
"""

from __future__ import annotations

from cjji.findings import Finding, todo
from cjji.gates._framework import listing, placeholder_in, threshold, word_count
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report

ID = "joint"


def _inspectorates(report: Report, policy: Policy) -> list[Finding]:
    cj = policy.cj_inspectorates
    taking_part = [c for c in listing(report.meta.get("inspectorates")) if isinstance(c, str)]
    findings = []
    if "inspectorates" in report.meta and isinstance(report.meta["inspectorates"], list):
        counted = [c for c in taking_part if c in cj]
        if len(set(counted)) < 2:
            line, col = report.where(("inspectorates",))
            partners = [c for c in taking_part if c in policy.inspectorates and c not in cj]
            note = (f"; {', '.join(partners)} may take part but do not count toward the two"
                    if partners else "")
            findings.append(report.finding(
                ID, "two-cj-inspectorates", line, col,
                f"a joint inspection needs at least two of the criminal justice inspectorates "
                f"(framework 5.5); this one has {len(set(counted))}{note}",
                f"add the other criminal justice inspectorates taking part: {', '.join(cj)}"))
    lead = report.meta.get("lead")
    if isinstance(lead, str) and lead in policy.inspectorates:
        line, col = report.where(("lead",))
        if lead not in cj:
            findings.append(report.finding(
                ID, "lead-not-cj", line, col,
                f"the lead inspectorate must be a criminal justice inspectorate (framework 5.5); "
                f"{lead} is a partner inspectorate",
                f"make one of {', '.join(cj)} the lead"))
        elif isinstance(report.meta.get("inspectorates"), list) and lead not in taking_part:
            findings.append(report.finding(
                ID, "lead-not-listed", line, col,
                f"the lead inspectorate {lead} is not in the list of inspectorates taking part",
                f"add {lead} to inspectorates"))
    return findings


def _substantive(report: Report, policy: Policy, field: str, what: str) -> list[Finding]:
    value = report.meta.get(field)
    if not isinstance(value, str):
        return []
    line, col = report.where((field,))
    placeholder = placeholder_in(value, policy)
    if placeholder:
        return [todo(
            ID, f"{field}-placeholder", report.display, line, col,
            f"write the {field}: it still says '{placeholder}'",
            f"write out {what} (framework 5.5 asks for a clearly defined scope and purpose)")]
    minimum = int(threshold(policy, f"{field}_min_words"))
    words = word_count(value)
    if words < minimum:
        return [report.finding(
            ID, f"{field}-too-short", line, col,
            f"the {field} is too short to define the inspection ({words} words; at least "
            f"{minimum} are needed)",
            f"write out {what} in a few full sentences")]
    return []


def run(report: Report, context: Context) -> list[Finding]:
    policy = context.policy
    return [
        *_inspectorates(report, policy),
        *_substantive(report, policy, "scope", "what the inspection covered and did not cover"),
        *_substantive(report, policy, "purpose", "why the inspection was done and what it set out to find"),
    ]


GATE = Gate(ID, "Qualifies as a joint inspection: two or more CJ inspectorates, a CJ lead, "
                "a real scope and purpose (framework 5.5)", run)
