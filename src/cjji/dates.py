"""The house style for dates, in one place: "5 January 2026" (GOV.UK style: no leading zero, the
month in full, in English whatever the machine's locale)."""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(day: dt.date) -> str:
    """30 June 2027. (A datetime gives its own calendar date: convert it to UK time first.)"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_date_of(value: dt.date | str) -> str:
    """long_date of a date or of an ISO text ("2026-12-10" or "2026-12-10T09:00"); ValueError
    when the text is not a date."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return long_date(day)
