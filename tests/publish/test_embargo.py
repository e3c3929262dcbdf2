"""Embargo times are UK wall-clock times (Europe/London), correct across the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cjji.publish.embargo import ClockRefused, TimeError, describe, embargo_of, london_date, now, parse_time

UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("written", "instant"), [
    ("2026-12-10T00:01", "2026-12-10T00:01"),  # winter: GMT = UTC
    ("2027-06-10T00:01", "2027-06-09T23:01"),  # summer: BST = UTC+1
    ("2027-03-28T00:30", "2027-03-28T00:30"),  # just before the spring change (01:00 UTC)
    ("2027-03-28T01:30", "2027-03-28T01:30"),  # never happens in the UK: the later instant (02:30 BST)
    ("2027-03-28T02:30", "2027-03-28T01:30"),  # just after the spring change
    ("2027-10-31T01:30", "2027-10-31T01:30"),  # happens twice: the later (GMT) one, never early
    ("2026-12-10T00:01:00+00:00", "2026-12-10T00:01"),  # an exact time keeps its offset
    ("2027-06-10T00:01:00+01:00", "2027-06-09T23:01"),
    ("2027-06-10T00:01:00Z", "2027-06-10T00:01"),
])
def test_uk_times_become_the_right_instant(written: str, instant: str) -> None:
    assert parse_time(written) == utc(instant)


def test_default_embargo_is_0001_uk_time_on_the_publication_date_even_in_summer() -> None:
    assert embargo_of({"date": "2027-03-29"}) == utc("2027-03-28T23:01")
    assert embargo_of({"date": "2027-03-27"}) == utc("2027-03-27T00:01")


def test_an_embargo_just_after_the_spring_change_lifts_at_the_uk_time() -> None:
    lifts = embargo_of({"date": "2027-03-28", "embargo": "2027-03-28T01:30"})
    assert utc("2027-03-28T00:30") < lifts  # 00:30 UTC: still embargoed
    assert utc("2027-03-28T01:30") >= lifts  # 01:30 UTC (02:30 BST): lifted
    assert describe(lifts) == "02:30 on 28 March 2027 (UK time, BST)"


def test_the_uk_date_of_an_instant_follows_bst() -> None:
    assert london_date(utc("2027-06-09T23:30")) == dt.date(2027, 6, 10)
    assert london_date(utc("2026-12-09T23:30")) == dt.date(2026, 12, 9)


def test_a_dry_run_takes_its_time_from_the_option_then_the_environment() -> None:
    assert now("2026-12-10T00:01", {"CJJI_NOW": "2030-01-01T00:00"}, dry_run=True) == utc("2026-12-10T00:01")
    assert now(None, {"CJJI_NOW": "2027-06-10T00:01"}, dry_run=True) == utc("2027-06-09T23:01")
    assert abs(now(None, {}, dry_run=True) - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


def test_attack_5_a_real_publication_refuses_any_other_time_than_the_clock() -> None:
    with pytest.raises(ClockRefused, match="--now .* works only with --dry-run"):
        now("2030-01-01T00:00", {}, dry_run=False)
    with pytest.raises(ClockRefused, match="CJJI_NOW .* works only with --dry-run.*unset CJJI_NOW"):
        now(None, {"CJJI_NOW": "2030-01-01T00:00"}, dry_run=False)
    with pytest.raises(ClockRefused):  # even a time in the past: the record would lie
        now("2001-01-01T00:00", {}, dry_run=False)
    assert abs(now(None, {"CJJI_NOW": " "}, dry_run=False) - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


def test_a_bad_time_says_how_to_write_one() -> None:
    with pytest.raises(TimeError, match="write it like 2026-12-10T00:01"):
        parse_time("10/12/2026 00:01")


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_a_uk_time_is_never_earlier_than_any_reading_of_it(wall: dt.datetime) -> None:
    from cjji.publish.embargo import LONDON

    instant = parse_time(wall.isoformat())
    for fold in (0, 1):
        assert instant >= wall.replace(tzinfo=LONDON, fold=fold).astimezone(UTC)
    assert instant.astimezone(LONDON).replace(tzinfo=None) >= wall - dt.timedelta(hours=1)


@given(st.text(min_size=1).filter(lambda t: t.strip()), st.booleans())
def test_attack_5_whatever_time_is_written_a_real_run_refuses_it(text: str, by_environment: bool) -> None:
    option, environ = (None, {"CJJI_NOW": text}) if by_environment else (text, {})
    with pytest.raises(ClockRefused):
        now(option, environ, dry_run=False)
