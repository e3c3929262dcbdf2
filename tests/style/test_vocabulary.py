"""The criminal justice vocabulary as data (checks/vocabulary.yml, checks/bodies.yml): validated
when loaded, complete where it claims to be (the 43 territorial forces, the 14 CPS areas), shared
with the recommendation owners of checks/agencies.yml, and the source of a report's glossary."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import EXAMPLE, ROOT

from cjji.policy import PolicyError, load_policy
from cjji.report import load
from cjji.style import vocabulary

POLICY = load_policy(ROOT)
VOCAB = vocabulary.load(POLICY)


def test_the_43_territorial_police_forces_and_the_14_cps_areas_are_listed() -> None:
    bodies = POLICY.get("bodies")["bodies"]
    forces = [b["name"] for b in bodies if b["kind"] == "police-force"]
    assert len(forces) == len(set(forces)) == 43
    assert {"Dyfed-Powys Police", "Metropolitan Police Service", "City of London Police"} <= set(forces)
    areas = [p for p in POLICY.get("vocabulary")["places"] if p.get("kind") == "cps-area"]
    assert len(areas) == 14


def test_every_body_has_a_unique_id_and_every_agency_code_is_a_body() -> None:
    bodies = POLICY.get("bodies")["bodies"]
    assert len({b["id"] for b in bodies}) == len(bodies)
    codes = {a["code"] for a in POLICY.get("agencies")["agencies"]}
    assert codes <= {b.get("agency") for b in bodies}  # recommendation owners are bodies too


def test_acronyms_know_their_expansions_and_office_holders_their_aliases() -> None:
    assert VOCAB.expansion("CPS") == "Crown Prosecution Service"
    assert VOCAB.expansion("PACE") == "Police and Criminal Evidence Act 1984"
    assert VOCAB.expansion("HMIP") == "HM Inspectorate of Prisons or HM Inspectorate of Probation"
    assert "NHS" in VOCAB.well_known and "CPS" not in VOCAB.well_known
    assert "Lord Chancellor" in VOCAB.phrases and "Lord" not in VOCAB.single_names
    assert VOCAB.statutes["Police and Criminal Evidence Act"] == {"1984"}


def test_a_mistake_in_the_vocabulary_is_a_located_policy_error(project: Path) -> None:
    path = project / "checks" / "vocabulary.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - {acronym: ABE,", "  - {acronym: abe,", 1), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(project)
    [f] = caught.value.findings
    assert f.file.endswith("checks/vocabulary.yml") and f.line > 1
    assert "'abe'" in f.message and f.hint == "capitals and digits, like CPS, OASys or DG6"


def test_a_body_of_an_unknown_kind_is_refused(project: Path) -> None:
    path = project / "checks" / "bodies.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: prosecutor, short: CPS", "kind: prosecution"),
                    encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(project)
    assert any("kind" in f.message for f in caught.value.findings)


def test_the_glossary_lists_the_acronyms_a_report_uses_with_its_own_expansions_first() -> None:
    texts = ["The Crown Prosecution Service (CPS) and the Victim Liaison Unit (VLU) met.",
             "The CPS, the NPCC, PCCs and HMIP agreed. The ZQX team did not."]
    assert vocabulary.glossary(texts, VOCAB) == [
        ("CPS", "Crown Prosecution Service"), ("HMIP", "HM Inspectorate of Prisons or HM Inspectorate of Probation"),
        ("NPCC", "National Police Chiefs' Council"), ("PCC", "police and crime commissioner"),
        ("VLU", "Victim Liaison Unit")]


def test_the_example_reports_glossary() -> None:
    glossary = dict(vocabulary.report_glossary(load(EXAMPLE), POLICY))
    assert glossary["CPS"] == "Crown Prosecution Service"
    assert glossary["HMCPSI"] == "His Majesty's Crown Prosecution Service Inspectorate"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ABCDEFGHPSabc ()&'’,.-", max_size=80), max_size=5))
def test_the_glossary_never_crashes_and_only_lists_acronyms_it_can_expand(texts: list[str]) -> None:
    for acronym, expansion in vocabulary.glossary(texts, VOCAB):
        assert acronym and expansion
        assert acronym in VOCAB.acronyms or any(f"({acronym}" in t for t in texts)
