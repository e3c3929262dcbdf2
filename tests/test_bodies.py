from __future__ import annotations

from framework_support import context
from hypothesis import given
from hypothesis import strategies as st

from cjji.bodies import resolve, split_to
from cjji.gates._framework import entries

BODIES = entries(context().policy, "bodies")


@given(st.sampled_from(BODIES), st.sampled_from(["{}", "the {}", "The {}", "  {}  ", "{}".upper()]))
def test_every_body_resolves_from_its_name_however_it_is_written(body: dict, form: str) -> None:
    policy = context().policy
    found = resolve(policy, form.format(body["name"]))
    assert found.body is not None and found.body == resolve(policy, body["name"]).body


@given(st.text(max_size=200))
def test_any_to_attribute_splits_into_trimmed_non_empty_names(value: str) -> None:
    parts = split_to(value)
    assert all(p and p == p.strip() and ";" not in p for p in parts)
    for part in parts:
        assert resolve(context().policy, part).written == part


def test_short_forms_and_aliases_resolve() -> None:
    policy = context().policy
    assert resolve(policy, "CPS").body == "cps"
    assert resolve(policy, "the CPS").name == "Crown Prosecution Service"
    assert resolve(policy, "Nowhere Constabulary").body is None


def test_a_body_has_its_welsh_name_for_a_welsh_edition() -> None:
    policy = context().policy
    for written in ("Heddlu Gwent", "Gwent Police", "gwent"):
        found = resolve(policy, written)
        assert (found.body, found.name_in("cy"), found.name_in("en")) == ("gwent", "Heddlu Gwent", "Gwent Police")
    assert resolve(policy, "Cleveland Police").name_in("cy") == "Cleveland Police"  # no Welsh name listed: as it is
