from __future__ import annotations

import datetime as dt

from framework_support import context
from hypothesis import given
from hypothesis import strategies as st

from cjji.names import inspectorate_name, inspectorate_short_name


def test_names_follow_the_reports_date() -> None:
    policy = context().policy
    assert inspectorate_name(policy, "HMIProbation", dt.date(2021, 8, 12)) == "Her Majesty's Inspectorate of Probation"
    assert inspectorate_name(policy, "HMIProbation", dt.date(2022, 9, 8)) == "Her Majesty's Inspectorate of Probation"
    assert inspectorate_name(policy, "HMIProbation", dt.date(2022, 9, 9)) == "His Majesty's Inspectorate of Probation"
    assert inspectorate_name(policy, "HMICFRS", dt.date(2016, 5, 1)) == "Her Majesty's Inspectorate of Constabulary"
    assert inspectorate_short_name(policy, "HMICFRS", dt.date(2016, 5, 1)) == "HMIC"
    assert inspectorate_short_name(policy, "HMICFRS", dt.date(2019, 5, 1)) == "HMICFRS"
    assert inspectorate_name(policy, "HMICFRS", None).startswith("His Majesty's")
    assert inspectorate_name(policy, "NOPE", dt.date(2020, 1, 1)) == "NOPE"


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_no_cj_inspectorate_is_ever_without_a_name(day: dt.date) -> None:
    policy = context().policy
    for code in policy.cj_inspectorates:
        name = inspectorate_name(policy, code, day)
        assert ("Her Majesty's" in name) == (day <= dt.date(2022, 9, 8))
