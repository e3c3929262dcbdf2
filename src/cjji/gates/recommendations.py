"""[recommendations] Recommendations are numbered, addressed and dated.

Each recommendation block has a unique id of the form set in thresholds (R1, R2, ...), numbered
without gaps in document order; addressees (`to="name; name"`, resolved against checks/bodies.yml
by cjji.bodies: an unknown body is a warning with a suggestion, and is published as written; or
the older `owner="CODE"` with codes from checks/agencies.yml); and, if it has one, a real due
date. `cjji recommendations` exports them so follow-up can be tracked (Annex A principle 1).
"""

from __future__ import annotations

import difflib
import re

from cjji.blocks import Block, recommendations
from cjji.bodies import addressees, split_to, suggestion
from cjji.findings import Finding, todo
from cjji.gates._framework import agencies, mapping, parse_date, placeholder_in, warn
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report

ID = "recommendations"
_DIGITS = re.compile(r"([0-9]+)")


def _col(report: Report, block: Block, needle: str) -> int:
    """Column of `needle` on the block's opening fence line (1 if it is not there)."""
    line = report.lines[block.line - 1] if 0 < block.line <= len(report.lines) else ""
    found = line.find(needle)
    return found + 1 if found >= 0 else 1


def _owner(report: Report, block: Block, policy: Policy) -> list[Finding]:
    known = agencies(policy)
    name = block.id or "this recommendation"
    if not split_to(block.attrs.get("to", "")) and not block.attrs.get("owner", "").split():
        return [report.finding(ID, "no-owner", block.line, _col(report, block, "{"),
                               f"{name} is not addressed to anyone",
                               'add to="..." naming who must act, such as to="Cleveland Police; '
                               'Crown Prosecution Service" (names from checks/bodies.yml)')]
    findings = []
    for addressee in addressees(block.attrs, policy):
        if addressee.body is not None or addressee.code is not None:
            continue
        if addressee.written in block.attrs.get("owner", "").split():
            close = difflib.get_close_matches(addressee.written, list(known), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            findings.append(report.finding(
                ID, "unknown-owner", block.line, _col(report, block, "owner="),
                f"{name} is addressed to '{addressee.written}', which is not a known agency",
                f"{hint}use a code from checks/agencies.yml ({', '.join(known)}), or name the body "
                'with to="..."'))
            continue
        close_name = suggestion(policy, addressee.written)
        findings.append(warn(
            report, ID, "unknown-addressee", block.line, _col(report, block, addressee.written),
            f"{name} is addressed to '{addressee.written}', which is not in checks/bodies.yml "
            "(it is published as written)",
            (f"did you mean '{close_name}'? " if close_name else "")
            + "check the name, or ask the secretariat to add the body"))
    return findings


def _due(report: Report, block: Block) -> list[Finding]:
    due = block.attrs.get("due")
    if due is None:
        return []
    col = _col(report, block, "due=")
    name = block.id or "this recommendation"
    day = parse_date(due)
    if day is None:
        return [report.finding(ID, "bad-due", block.line, col,
                               f"the due date of {name}, '{due}', is not a real date written YYYY-MM-DD",
                               'write it like due="2027-06-30"')]
    published = parse_date(mapping(report.meta.get("publication")).get("date"))
    if published and day < published:
        return [warn(report, ID, "due-before-publication", block.line, col,
                     f"{name} is due on {due}, before the report is published ({published})",
                     "check the due date")]
    return []


def _ids(report: Report, blocks: list[Block], policy: Policy) -> list[Finding]:
    pattern = policy.limits.recommendation_id
    findings = []
    first: dict[str, int] = {}
    expected = 1
    for block in blocks:
        if not block.id:
            findings.append(report.finding(ID, "no-id", block.line, _col(report, block, "{"),
                                           "this recommendation has no id",
                                           f"number it, like ::: {{.recommendation #R{expected} ...}}"))
            continue
        col = _col(report, block, f"#{block.id}")
        if block.id in first:
            findings.append(report.finding(
                ID, "duplicate", block.line, col,
                f"the recommendation id '{block.id}' is used twice (first on line {first[block.id]})",
                "number the recommendations R1, R2, R3 ... in order"))
            continue
        first[block.id] = block.line
        digits = _DIGITS.search(block.id)
        if not pattern.search(block.id) or digits is None:
            findings.append(report.finding(
                ID, "id-form", block.line, col,
                f"the recommendation id '{block.id}' is not in the expected form",
                f"number recommendations R1, R2, R3 ... (pattern {pattern.pattern})"))
            continue
        number = int(digits.group(1))
        if number != expected:
            findings.append(report.finding(
                ID, "numbering", block.line, col,
                f"recommendation '{block.id}' breaks the numbering: R{expected} was expected here",
                "number the recommendations continuously in the order they appear: R1, R2, R3 ..."))
        expected = number + 1
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    blocks = recommendations(report)
    findings = _ids(report, blocks, context.policy)
    for block in blocks:
        findings += _owner(report, block, context.policy)
        findings += _due(report, block)
        placeholder = placeholder_in(block.text, context.policy)
        if not block.text.strip():
            findings.append(report.finding(ID, "empty", block.line, 1,
                                           f"{block.id or 'this recommendation'} has no text",
                                           "write the recommendation between the ::: lines"))
        elif placeholder:
            findings.append(todo(
                ID, "placeholder", report.display, block.line + 1, 1,
                f"write {block.id or 'this recommendation'}: it still says '{placeholder}'",
                "write what should be done, by whom and by when"))
    return findings


GATE = Gate(ID, "Recommendations have unique continuous ids, addressees (checks/bodies.yml) and a "
                "real due date", run)
