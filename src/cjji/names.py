"""Inspectorates' names as they were on a given day (checks/inspectorates.yml `earlier_names`).

A report published on 12 August 2021 names "Her Majesty's Inspectorate of Probation"; one of 2017
names HMIC, not HMICFRS. Every writer and the site ask here, never the table directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cjji.policy import Policy


def _entry(policy: Policy, code: str, day: dt.date | None) -> dict[str, Any]:
    current = policy.inspectorates.get(code, {})
    if day is None:
        return current
    for earlier in current.get("earlier_names", []):  # oldest first
        until = dt.date.fromisoformat(str(earlier["until"]))
        if day <= until:
            return {**current, "name": earlier["name"],
                    "short_name": earlier.get("short_name", current.get("short_name"))}
    return current


def inspectorate_name(policy: Policy, code: str, day: dt.date | None) -> str:
    """The inspectorate's full name on `day` (today's name when day is None); unknown codes as given."""
    return str(_entry(policy, code, day).get("name", code))


def inspectorate_short_name(policy: Policy, code: str, day: dt.date | None) -> str:
    entry = _entry(policy, code, day)
    return str(entry.get("short_name") or entry.get("name") or code)
