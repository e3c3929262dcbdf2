"""The programme's policy, read from checks/ (validated there by cjji.policy): prioritisation.yml
(framework 5.2, 5.5, 5.6 and the secretariat's scale and weights) and consultees.yml (4.2).

Accessors are defensive like cjji.gates._framework: a missing file gives empty lists, so a gate
reports what is missing instead of crashing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cjji.dates import long_date as long_date  # re-exported for the programme modules
from cjji.policy import Policy


@dataclass(frozen=True)
class Factor:
    id: str
    group: str  # pre-existing-commitment | current-priority | additional-consideration
    name: str
    text: str
    kind: str  # scale | yes-no
    weight: float
    ranks_first: bool
    high_means: str


@dataclass(frozen=True)
class Consultee:
    id: str
    name: str
    group: str
    start: dt.date
    end: dt.date | None  # last day on the list, included

    def listed_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


GROUP_NAMES = {
    "pre-existing-commitment": "Pre-existing commitment to delivery",
    "current-priority": "Current priority factors",
    "additional-consideration": "Additional considerations",
}


def _prioritisation(policy: Policy) -> dict[str, Any]:
    data = policy.get("prioritisation")
    return data if isinstance(data, dict) else {}


def risk_sources(policy: Policy) -> dict[str, dict[str, Any]]:
    return {str(s["id"]): s for s in _prioritisation(policy).get("risk_sources", [])}


def qualifying_criteria(policy: Policy) -> dict[str, dict[str, Any]]:
    return {str(c["id"]): c for c in _prioritisation(policy).get("qualifying_criteria", [])}


def scale(policy: Policy) -> dict[str, float]:
    """rating -> value, in the order the secretariat listed them."""
    return {str(s["rating"]): float(s["value"]) for s in _prioritisation(policy).get("scale", [])}


def factors(policy: Policy) -> list[Factor]:
    return [Factor(str(f["id"]), str(f["group"]), str(f["name"]), str(f["text"]), str(f["kind"]),
                   float(f.get("weight", 0)), bool(f.get("ranks_first", False)), str(f.get("high_means", "")))
            for f in _prioritisation(policy).get("factors", [])]


def setting(policy: Policy, name: str) -> int:
    defaults = {"rationale_min_words": 6, "reason_min_words": 10, "victim_issues_min_words": 60,
                "principle_min_words": 8}
    return int(_prioritisation(policy).get("settings", {}).get(name, defaults[name]))


def consultees(policy: Policy) -> dict[str, Consultee]:
    data = policy.get("consultees")
    entries = data.get("statutory", []) if isinstance(data, dict) else []
    return {str(c["id"]): Consultee(str(c["id"]), str(c["name"]), str(c["group"]),
                                    dt.date.fromisoformat(c["from"]),
                                    dt.date.fromisoformat(c["until"]) if c.get("until") else None)
            for c in entries}


def required_principles(policy: Policy) -> dict[str, str]:
    """Annex A principles a joint inspection must meet to qualify (checks/principles.yml required)."""
    data = policy.get("principles")
    entries = data.get("principles", []) if isinstance(data, dict) else []
    return {str(p["id"]): str(p.get("name", p["id"])) for p in entries if p.get("required")}


def principle_ids(policy: Policy) -> dict[str, str]:
    data = policy.get("principles")
    entries = data.get("principles", []) if isinstance(data, dict) else []
    return {str(p["id"]): str(p.get("name", p["id"])) for p in entries}


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


