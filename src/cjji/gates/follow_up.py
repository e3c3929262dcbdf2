"""[follow-up] Follow-up of an earlier inspection (Annex A principles 1 and 10).

Principle 1 asks inspection to guide "the focus, method, reporting and follow-up of inspection";
principle 10 asks inspectors to assess "their own impact on the service provider's ability to
improve". A report that follows up an earlier one lists under `follows_up.items` what became of
each earlier recommendation, cause of concern and area for improvement: achieved, partially
achieved, not achieved or no longer relevant, with a sentence of evidence. When the earlier report
is in this repository (`follows_up.report`), every item it made must be accounted for, and no
item may be invented. The counts sentence (`summary`) is generated, never typed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from cjji.blocks import graded_blocks
from cjji.findings import Finding, todo
from cjji.gates._framework import listing, mapping, placeholder_in
from cjji.gates.base import Context, Gate
from cjji.report import LoadError, Report, load

ID = "follow-up"
PATH = ("follows_up",)
TRACKED = ("recommendation", "cause-of-concern", "area-for-improvement")
STATUS_WORDS = {"achieved": "had been achieved", "partially-achieved": "had been partially achieved",
                "not-achieved": "had not been achieved", "no-longer-relevant": "no longer relevant"}
KIND_WORDS = {"recommendation": ("recommendation", "recommendations"),
              "cause-of-concern": ("cause of concern", "causes of concern"),
              "area-for-improvement": ("area for improvement", "areas for improvement")}


def items(report: Report) -> list[dict[str, Any]]:
    return [mapping(i) for i in listing(mapping(report.meta.get("follows_up")).get("items"))]


def _count(n: int, kind: str) -> str:
    singular, plural = KIND_WORDS[kind]
    return f"{n} {singular if n == 1 else plural}"


def _outcome(n: int, status: str) -> str:
    if status == "no-longer-relevant":
        return f"{n} {'was' if n == 1 else 'were'} no longer relevant"
    return f"{n} {STATUS_WORDS[status]}"


def summary(report: Report) -> list[str]:
    """One generated sentence per kind: 'Of the 4 recommendations in X, 1 had been achieved, ...'."""
    follows = mapping(report.meta.get("follows_up"))
    title = str(follows.get("title", "the earlier report"))
    sentences = []
    for kind in TRACKED:
        mine = [i for i in items(report) if i.get("kind") == kind]
        if len(mine) == 1:
            status = str(mine[0].get("status"))
            verb = ("was no longer relevant" if status == "no-longer-relevant"
                    else STATUS_WORDS.get(status, status))
            sentences.append(f"The one {KIND_WORDS[kind][0]} in {title} {verb}.")
        elif mine:
            counts = Counter(str(i.get("status")) for i in mine)
            parts = [_outcome(counts[status], status) for status in STATUS_WORDS if counts[status]]
            listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            sentences.append(f"Of the {_count(len(mine), kind)} in {title}, {listed}.")
    return sentences


def reads(report: Report) -> list[Path]:
    """The earlier report's folder, which this gate reads (the results cache keys on it too)."""
    ident = mapping(report.meta.get("follows_up")).get("report")
    return [report.dir.parent / ident] if isinstance(ident, str) else []


def _earlier(report: Report) -> Report | None:
    folders = reads(report)
    if not folders:
        return None
    folder = folders[0]
    try:
        return load(folder) if (folder / "report.md").is_file() else None
    except LoadError:
        return None


def _accounted(report: Report) -> list[Finding]:
    ident = mapping(report.meta.get("follows_up")).get("report")
    if not isinstance(ident, str):
        return []
    earlier = _earlier(report)
    line, col = report.where(PATH + ("report",))
    if earlier is None:
        return [report.finding(ID, "earlier-missing", line, col,
                               f"the earlier report '{ident}' is not in {report.dir.parent.name}/",
                               "correct the id, or leave report: out and list the earlier items yourself")]
    made = {(b.kind, b.id): b for b in graded_blocks(earlier) if b.kind in TRACKED and b.id}
    listed = {(str(i.get("kind")), str(i.get("id"))): n for n, i in enumerate(items(report))}
    findings = []
    for kind, bid in made:
        if (kind, bid) not in listed:
            findings.append(report.finding(
                ID, "not-accounted", line, col,
                f"the {KIND_WORDS[kind][0]} {bid} of {ident} is not accounted for",
                f"add {{id: {bid}, kind: {kind}, status: ..., evidence: \"...\"}} under follows_up.items"))
    for (kind, bid), n in listed.items():
        if (kind, bid) not in made:
            item_line, item_col = report.where(PATH + ("items", n, "id"))
            findings.append(report.finding(
                ID, "not-in-earlier", item_line, item_col,
                f"{ident} made no {KIND_WORDS.get(kind, (kind,))[0]} with the id {bid}",
                "check the id and kind against the earlier report"))
    return findings


def run(report: Report, context: Context) -> list[Finding]:
    if not isinstance(report.meta.get("follows_up"), dict):
        return []
    findings = _accounted(report)
    seen: dict[tuple[str, str], int] = {}
    for n, item in enumerate(items(report)):
        key = (str(item.get("kind")), str(item.get("id")))
        if key in seen:
            line, col = report.where(PATH + ("items", n, "id"))
            findings.append(report.finding(ID, "listed-twice", line, col,
                                           f"{key[1]} is listed twice (first as item {seen[key] + 1})",
                                           "keep one entry per earlier item"))
        seen.setdefault(key, n)
        evidence = item.get("evidence")
        found = placeholder_in(evidence, context.policy) if isinstance(evidence, str) else None
        if found:
            line, col = report.where(PATH + ("items", n, "evidence"))
            findings.append(todo(ID, "placeholder", report.display, line, col,
                                 f"write the evidence for {key[1]}: it still says '{found}'",
                                           "say in a sentence what the inspection found"))
    return findings


GATE = Gate(ID, "A follow-up accounts for every earlier recommendation, cause of concern and area for "
                "improvement, with a status and evidence (Annex A principles 1 and 10)", run, reads)
