"""Style rules from the policy: every checks/style/<id>.yml (already validated by its schema),
with project-wide severities from checks/language.yml applied. Rules turned off are left out."""

from __future__ import annotations

from cjji.policy import Policy
from cjji.style import settings
from cjji.style.rule import KINDS, TEXT, Rule

GATE = "style"
PREFIX = "style/"
_COMMON = {"extends", "message", "severity", "hint", "source", "scope", "precision", "calibration"}


def rules(policy: Policy, *, include_off: bool = False) -> list[Rule]:
    """The style rules, built once per policy (Policy.derived) and shared by every report."""
    return list(policy.derived(("style.rules", include_off), lambda: tuple(_rules(policy, include_off))))


def _rules(policy: Policy, include_off: bool) -> list[Rule]:
    found = []
    for name in sorted(policy.files):
        if not name.startswith(PREFIX):
            continue
        data = policy.files[name]
        rule_id = name[len(PREFIX):]
        severity = settings.severity(policy, GATE, rule_id, data.get("severity", "warning"))
        if severity is None and not include_off:
            continue
        found.append(Rule(
            id=rule_id,
            extends=data["extends"],
            message=data["message"],
            severity=severity or "info",
            hint=data.get("hint", ""),
            source=data.get("source", ""),
            scope=_scope(data.get("scope")),
            data={k: v for k, v in data.items() if k not in _COMMON},
        ))
    return found


def _scope(value: list[str] | None) -> frozenset[str]:
    if not value:
        return TEXT
    kinds: set[str] = set()
    for kind in value:
        kinds.update(TEXT if kind == "text" else {kind} if kind in KINDS else set())
    return frozenset(kinds)


def listing(policy: Policy) -> list[str]:
    """One line per rule for `cjji check --list-rules`: id, severity, type and message."""
    found = rules(policy, include_off=True)
    if not found:
        return ["no style rules (add them to checks/style/)"]
    width = max(len(f"{GATE}.{r.id}") for r in found)
    off = {r.id for r in found} - {r.id for r in rules(policy)}
    return [
        f"{f'{GATE}.{r.id}'.ljust(width)}  {'off' if r.id in off else r.severity:<7}  "
        f"{r.extends:<14}  {r.message}"
        for r in found
    ]
