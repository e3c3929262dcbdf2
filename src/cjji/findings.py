"""The one Finding type, and its three output formats (human, json, github)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Literal

# todo: a placeholder still in a draft ("TODO", "TBC"); not an error while drafting, an error for
# publication (cjji.gates.run_all), and a failure with --strict
Severity = Literal["error", "todo", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "todo", "warning", "info")


class Problem(Exception):
    """A problem that becomes a Finding where it is met: a rule id, a plain-English message and
    a hint (the caller knows the file, line and column)."""

    def __init__(self, rule: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.hint = hint


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in one file. Line and column are 1-based; 0 means "whole file"."""

    file: str
    line: int
    col: int
    severity: Severity
    gate: str
    rule: str
    message: str
    hint: str = ""

    @property
    def code(self) -> str:
        return f"{self.gate}/{self.rule}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def error(gate: str, rule: str, file: str, line: int, col: int, message: str, hint: str = "") -> Finding:
    return Finding(file, line, col, "error", gate, rule, message, hint)


def warning(
    gate: str, rule: str, file: str, line: int, col: int, message: str, hint: str = ""
) -> Finding:
    return Finding(file, line, col, "warning", gate, rule, message, hint)


def todo(gate: str, rule: str, file: str, line: int, col: int, message: str, hint: str = "") -> Finding:
    """A placeholder left in a draft: the message says what is still to do, like 'TODO: write the scope'."""
    return Finding(file, line, col, "todo", gate, rule, f"TODO: {message}", hint)


def count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity == severity)


def format_human(f: Finding) -> str:
    where = f"{f.file}:{f.line}:{f.col}" if f.line else f.file
    text = f"{where}: {f.severity} [{f.code}] {f.message}"
    if f.hint:
        text += f"\n    hint: {f.hint}"
    return text


def _escape_github(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(f: Finding) -> str:
    """A GitHub Actions workflow command, so the finding sits on the pull-request diff."""
    level = {"error": "error", "todo": "warning", "warning": "warning", "info": "notice"}[f.severity]
    props = [f"file={_escape_github(f.file, prop=True)}"]
    if f.line:
        props.append(f"line={f.line}")
    if f.col:
        props.append(f"col={f.col}")
    props.append(f"title={_escape_github(f.code, prop=True)}")
    message = f.message + (f" ({f.hint})" if f.hint else "")
    return f"::{level} {','.join(props)}::{_escape_github(message)}"


def to_json(findings: Iterable[Finding], summary: Mapping[str, object]) -> str:
    """The stable JSON format: {"version": 1, "summary": {...}, "findings": [...]}."""
    return json.dumps(
        {"version": 1, "summary": summary, "findings": [f.to_dict() for f in findings]},
        indent=2,
        ensure_ascii=False,
    )


def display_path(path: os.PathLike[str] | str) -> str:
    """How a finding names its file: relative to the current folder when inside it (editors make
    that clickable), else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return str(absolute) if relative.startswith("..") else relative
