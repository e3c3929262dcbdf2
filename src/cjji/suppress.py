"""Inline suppressions: HTML comments in report.md that turn language rules off where an author
knows better (a quotation, a name, a computer program).

    <!-- cjji-disable style.latin -->   ...   <!-- cjji-enable -->
    <!-- cjji-disable-next-line spelling style.numbers -->

A name is a gate (spelling, style, grammar) or one rule of it (style.latin or style/latin); no
name means every language rule. A disable lasts until an enable that names it (or names nothing),
or to the end of the file. Only the language gates can be turned off this way: the framework,
schema and sign-off gates cannot. A suppression that turns nothing off is itself a warning, so
stale ones do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cjji import prose
from cjji.findings import Finding, warning
from cjji.gates.base import Context
from cjji.report import Report

GATE = "suppress"
SUPPRESSIBLE = ("spelling", "style", "grammar")
_DIRECTIVE = re.compile(r"^cjji-(disable-next-line|disable|enable)(?:\s+(.*))?$", re.S)


@dataclass
class Suppression:
    line: int  # where the comment is
    col: int
    names: tuple[str, ...]  # normalised to gate or gate/rule; () = every language rule
    first: int  # lines it covers
    last: int
    used: bool = field(default=False)

    def covers(self, f: Finding) -> bool:
        if f.gate not in SUPPRESSIBLE or not self.first <= f.line <= self.last:
            return False
        return not self.names or f.gate in self.names or f"{f.gate}/{f.rule}" in self.names


def _normalise(name: str) -> str:
    gate, sep, rule = name.replace("/", ".").partition(".")
    return f"{gate}/{rule}" if sep and rule else gate


def parse(report: Report) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions in the report, and warnings about malformed ones."""
    found: list[Suppression] = []
    problems: list[Finding] = []
    open_: list[Suppression] = []
    end = len(report.lines)
    for comment in sorted(prose.extract(report).comments, key=lambda c: (c.line, c.col)):
        m = _DIRECTIVE.match(comment.text)
        if not m:
            continue
        kind = m.group(1)
        names = tuple(_normalise(n) for n in (m.group(2) or "").replace(",", " ").split())
        bad = [n for n in names if n.split("/")[0] not in SUPPRESSIBLE]
        if bad:
            problems.append(warning(
                GATE, "not-allowed", report.display, comment.line, comment.col,
                f"'{bad[0].replace('/', '.')}' cannot be turned off with a comment; "
                f"only {', '.join(SUPPRESSIBLE)} findings can",
                "fix what the finding says, or remove this name from the comment"))
            names = tuple(n for n in names if n not in bad)
            if not names:
                continue
        if kind == "enable":
            for s in list(open_):
                if not names or set(names) & set(s.names) or not s.names:
                    s.last = comment.line
                    open_.remove(s)
            continue
        if kind == "disable-next-line":
            found.append(Suppression(comment.line, comment.col, names, comment.end_line + 1,
                                     comment.end_line + 1))
        else:
            s = Suppression(comment.line, comment.col, names, comment.line, end)
            found.append(s)
            open_.append(s)
    return found, problems


def mark_used(report: Report, suppressions: list[Suppression]) -> None:
    """A gate that applied these suppressions itself (spelling gathers one word's places into one
    finding, so it leaves out the suppressed places first) records them, so they are not unused."""
    used = report.extra.setdefault("suppressions-used", set())
    used.update((s.line, s.col) for s in suppressions)


def apply(report: Report, findings: list[Finding], context: Context) -> list[Finding]:
    """The findings no suppression covers, plus warnings for suppressions that covered nothing."""
    suppressions, problems = parse(report)
    if not suppressions:
        return findings + problems
    for s in suppressions:
        if (s.line, s.col) in report.extra.get("suppressions-used", ()):
            s.used = True
    kept = []
    for f in findings:
        covering = [s for s in suppressions if s.covers(f)]
        for s in covering:
            s.used = True
        if not covering:
            kept.append(f)
    skipped = skipped_gates(context) | {f.gate for f in findings if f.rule == "unavailable"}
    for s in suppressions:
        if s.used or (s.names and all(n.split("/")[0] in skipped for n in s.names)):
            continue
        what = ", ".join(n.replace("/", ".") for n in s.names) or "every language rule"
        problems.append(warning(
            GATE, "unused", report.display, s.line, s.col,
            f"this comment turns off {what}, but nothing here needs it",
            "delete the comment (the text it covered no longer breaks the rule)"))
    return kept + problems


def skipped_gates(context: Context) -> set[str]:
    """Language gates that did not run (no dictionary, no LanguageTool server)."""
    from cjji.gates import grammar, spelling

    return {g.ID for g in (grammar, spelling) if g.note(context)}
