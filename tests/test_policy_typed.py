"""Policy loads into typed, frozen objects built once per policy; what a run works out lives in the
run (cjji.run) or in the policy it came from (Policy.derived), never in a module global."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from support import ROOT

from cjji import run
from cjji.policy import Thresholds, load_policy
from cjji.style import loader


def test_thresholds_are_typed_with_their_patterns_compiled_once() -> None:
    policy = load_policy(ROOT)
    limits = policy.limits
    assert limits is policy.limits  # built once per policy
    raw = policy.get("thresholds")
    assert (limits.scope_min_words, limits.not_applicable_min_words) == (
        raw["scope_min_words"], raw["not_applicable_min_words"])
    assert limits.recommendation_id.fullmatch("R12") and not limits.recommendation_id.fullmatch("Rec12")
    assert limits.placeholder_in("The figures are TBC.") == "TBC"
    assert limits.placeholder_in("(to follow) later") == "to follow"
    assert limits.placeholder_in("hard to follow") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.scope_min_words = 0  # type: ignore[misc]


def test_a_threshold_left_out_takes_its_default_and_an_edit_is_seen_on_the_next_load(project: Path) -> None:
    path = project / "checks" / "thresholds.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^purpose_min_words:.*$", "purpose_min_words: 35",
                           re.sub(r"(?m)^scope_min_words:.*\n", "", text)), encoding="utf-8")
    limits = load_policy(project).limits
    assert (limits.scope_min_words, limits.purpose_min_words) == (20, 35)
    assert limits.min_words("purpose") == 35
    assert Thresholds.of({}).placeholders  # no file at all: the defaults still find placeholders


def test_inspectorates_and_report_types_are_typed() -> None:
    policy = load_policy(ROOT)
    hmicfrs = policy.inspectorate("HMICFRS")
    assert hmicfrs is not None and hmicfrs.criminal_justice
    assert hmicfrs.earlier_names[0].short_name == "HMIC" and hmicfrs.earlier_names[0].until == dt.date(2017, 7, 18)
    assert policy.inspectorate("HMIP") is None  # refused as ambiguous: not in checks/inspectorates.yml
    assert policy.cj_inspectorates == [i.code for i in policy.inspectorate_list if i.criminal_justice]
    assert {t.id: t.evidence for t in policy.report_types}["joint-evidence-review"] == "sources"
    assert all(t.evidence in ("counts", "sources") for t in policy.report_types)


def test_derived_views_live_with_their_policy() -> None:
    policy = load_policy(ROOT)
    first = loader.rules(policy)
    assert [id(r) for r in loader.rules(policy)] == [id(r) for r in first]  # the style rules are built once
    changed = dataclasses.replace(policy, files={**policy.files, "thresholds": {"scope_min_words": 3}})
    assert changed.memo == {}  # a changed policy never sees the old one's views
    assert changed.limits.scope_min_words == 3
    assert policy.limits.scope_min_words == policy.get("thresholds")["scope_min_words"]
    assert load_policy(ROOT).memo == {}  # nor does a policy loaded again


def test_run_memo_tables_last_as_long_as_their_run() -> None:
    run.memo("test.table")["x"] = 1
    assert run.memo("test.table") == {}  # outside a run nothing is kept
    with run.scope():
        run.memo("test.table")["x"] = 1
        with run.scope():  # a nested scope is the same run
            assert run.memo("test.table") == {"x": 1}
        assert run.memo("test.table") == {"x": 1}
    assert run.memo("test.table") == {}
    with run.scope():
        assert run.memo("test.table") == {}  # the next run starts empty
