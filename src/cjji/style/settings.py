"""Language policy shared by the spelling, style and grammar gates: checks/language.yml and
checks/wordlist.txt, and project-wide severities."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from cjji.findings import Finding, Severity
from cjji.policy import Policy

WORDLIST = "wordlist.txt"


def language(policy: Policy) -> dict[str, Any]:
    data = policy.get("language")
    return data if isinstance(data, dict) else {}


def section(policy: Policy, name: str) -> dict[str, Any]:
    data = language(policy).get(name)
    return data if isinstance(data, dict) else {}


def severity(policy: Policy, gate: str, rule: str, default: Severity) -> Severity | None:
    """The severity checks/language.yml sets for gate/rule (or the whole gate); None if off."""
    table = language(policy).get("severities") or {}
    value = table.get(f"{gate}/{rule}", table.get(gate, default))
    return None if value == "off" else value


def wordlist(policy: Policy) -> frozenset[str]:
    """The project's extra words: one a line in checks/wordlist.txt; '#' starts a comment."""
    return _read_wordlist(policy.root / "checks" / WORDLIST, policy.digest)


@cache
def _read_wordlist(path: Path, _digest: str) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    words = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().replace("\u2019", "'")
        if line:
            words.update(line.split())
    return frozenset(words)


def finding(file: str, gate: str, rule: str, severity: Severity, line: int, col: int,
            message: str, hint: str = "") -> Finding:
    return Finding(file, line, col, severity, gate, rule, message, hint)
