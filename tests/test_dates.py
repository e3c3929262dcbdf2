"""One house style for dates (cjji.dates), used by every message, page and document."""

from __future__ import annotations

import datetime as dt
import locale
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from support import ROOT

from cjji.dates import MONTHS, long_date, long_date_of


def test_a_single_digit_day_has_no_leading_zero() -> None:
    assert long_date(dt.date(2026, 1, 5)) == "5 January 2026"
    assert long_date(dt.date(2027, 6, 30)) == "30 June 2027"
    assert long_date_of("2026-12-10T09:00") == "10 December 2026"


@given(st.dates())
def test_every_date_reads_back_as_itself(day: dt.date) -> None:
    text = long_date(day)
    d, month, year = text.split(" ")
    assert (int(d), MONTHS.index(month) + 1, int(year)) == (day.day, day.month, day.year)
    assert not d.startswith("0")


def test_the_machines_locale_does_not_change_the_month() -> None:
    saved = locale.setlocale(locale.LC_TIME)
    for name in ("fr_FR.UTF-8", "de_DE.UTF-8", "cy_GB.UTF-8", "C.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            assert long_date(dt.date(2026, 2, 1)) == "1 February 2026"
        finally:
            locale.setlocale(locale.LC_TIME, saved)


def test_the_embargo_message_uses_the_house_style() -> None:
    from cjji.publish.embargo import describe

    winter = dt.datetime(2026, 1, 5, 0, 1, tzinfo=dt.UTC)
    assert describe(winter) == "00:01 on 5 January 2026 (UK time, GMT)"


def test_no_module_formats_a_date_by_itself() -> None:
    """strftime's %d writes "05 January" and %B follows the machine's locale: cjji.dates only."""
    offenders = []
    for path in sorted((ROOT / "src" / "cjji").rglob("*.py")):
        if path.name == "dates.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if re.search(r"%[dB]\b.*%[BY]|\{[^}]*:%[dB]", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_checker_above_catches_each_old_spelling(tmp_path: Path) -> None:
    pattern = re.compile(r"%[dB]\b.*%[BY]|\{[^}]*:%[dB]")
    for old in ('f"{day.day} {day:%B %Y}"', 'f"on {same.change.date:%d %B %Y} "', 'day.strftime("%d %B %Y")'):
        assert pattern.search(old), old
