"""UK publication times: embargoes are Europe/London wall-clock times, across the clock changes.

A report's `publication.embargo` is either an exact instant with an offset
("2026-12-10T00:01:00+00:00") or a UK wall-clock time without one ("2027-03-29T00:01", read as
Europe/London: GMT in winter, BST in summer). With no embargo the report goes live at 00:01 UK
time on `publication.date`, as joint reports usually do. A wall-clock time that happens twice
(the autumn change) or never (the spring change) is taken at the LATER instant: an embargo is
never lifted early.

The clock: a real publication always uses the system clock (`clock`), so no report goes live
before its embargo and every recorded publication time is true. `cjji publish --dry-run --now ISO`
(or CJJI_NOW with --dry-run) shows what would be published at another time, in a folder of its
own, never the served site or WordPress; `--now` or CJJI_NOW without --dry-run is refused.
Tests replace `clock` in-process (tests/publish_support.frozen_clock); no option or environment
variable of a real run can move it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from cjji.dates import long_date

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


def system_clock() -> dt.datetime:
    """The machine's clock (UTC)."""
    return dt.datetime.now(dt.UTC)


# The clock of a real publication. Only code in the same process can replace it (the tests do);
# nothing a user passes to `cjji publish` reaches it.
clock: Callable[[], dt.datetime] = system_clock


class ClockRefused(TimeError):
    """--now or CJJI_NOW given to a real publication: only a dry run may pretend it is another time."""


def requested(option: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The time asked for with --now or $CJJI_NOW (the option wins), or None."""
    environ = os.environ if environ is None else environ
    text = option if option is not None else environ.get(NOW_VARIABLE)
    return text if text is not None and text.strip() else None


def now(option: str | None = None, environ: Mapping[str, str] | None = None, *, dry_run: bool) -> dt.datetime:
    """The run's time: the clock for a real publication; for a dry run, --now, else $CJJI_NOW,
    else the clock. Raises ClockRefused if a real publication is asked to use another time."""
    text = requested(option, environ)
    if text is None:
        return clock()
    source = "--now" if option is not None and option.strip() else f"the environment variable {NOW_VARIABLE}"
    if not dry_run:
        raise ClockRefused(
            f"{source} ('{text}') works only with --dry-run: a real publication uses the clock, so that no "
            "report goes live before its embargo and every publication time is true; add --dry-run to see "
            f"the site as it would be then (in a folder of its own, nothing published)"
            + (f", or unset {NOW_VARIABLE}" if option is None else ""))
    return parse_time(text)


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
    return f"{local:%H:%M} on {long_date(local.date())} (UK time, {local.tzname()})"
