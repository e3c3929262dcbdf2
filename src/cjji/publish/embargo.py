"""UK publication times: embargoes are Europe/London wall-clock times, across the clock changes.

A report's `publication.embargo` is either an exact instant with an offset
("2026-12-10T00:01:00+00:00") or a UK wall-clock time without one ("2027-03-29T00:01", read as
Europe/London: GMT in winter, BST in summer). With no embargo the report goes live at 00:01 UK
time on `publication.date`, as joint reports usually do. A wall-clock time that happens twice
(the autumn change) or never (the spring change) is taken at the LATER instant: an embargo is
never lifted early.

The clock is injectable: `cjji publish --now ISO` or the environment variable CJJI_NOW.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DEFAULT_TIME = dt.time(0, 1)  # 00:01 UK time
NOW_VARIABLE = "CJJI_NOW"


class TimeError(ValueError):
    """A time could not be read; the message says what was written and what is expected."""


def london_instant(wall: dt.datetime) -> dt.datetime:
    """The UTC instant of a UK wall-clock time; ambiguous or skipped times take the later one."""
    naive = wall.replace(tzinfo=None)
    candidates = [naive.replace(tzinfo=LONDON, fold=fold).astimezone(dt.UTC) for fold in (0, 1)]
    return max(candidates)


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time: with an offset it is exact; without one it is UK wall-clock time."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise TimeError(
            f"'{text}' is not a date and time; write it like 2026-12-10T00:01 (UK time) "
            "or 2026-12-10T00:01:00+00:00 (exact)"
        ) from None
    if value.tzinfo is None:
        return london_instant(value)
    return value.astimezone(dt.UTC)


def now(option: str | None = None, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The run's clock: the --now option, else $CJJI_NOW, else the system clock (UTC)."""
    environ = os.environ if environ is None else environ
    text = option or environ.get(NOW_VARIABLE)
    if text:
        return parse_time(text)
    return dt.datetime.now(dt.UTC)


def embargo_of(publication: Mapping[str, Any]) -> dt.datetime:
    """When a report may go live, from its `publication` metadata (schema-checked already)."""
    embargo = publication.get("embargo")
    if embargo:
        return parse_time(str(embargo))
    date = dt.date.fromisoformat(str(publication["date"]))
    return london_instant(dt.datetime.combine(date, DEFAULT_TIME))


def london_date(instant: dt.datetime) -> dt.date:
    """The UK calendar date of an instant."""
    return instant.astimezone(LONDON).date()


def describe(instant: dt.datetime) -> str:
    """'00:01 on 10 December 2026 (UK time, GMT)' for messages."""
    local = instant.astimezone(LONDON)
    return f"{local:%H:%M} on {local.day} {local:%B %Y} (UK time, {local.tzname()})"
