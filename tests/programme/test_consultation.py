"""Framework section 4: the consultation log; publication waits for 4.2 and 4.3."""

from __future__ import annotations

import datetime as dt

from programme_support import AFTER

LOG = "consultation.yml"
ANSWER = ('    taken_into_account: "No change was needed; the response was acknowledged and the value for money '
          'approach kept."')
HIW = ("  - consultee: hiw\n    kind: statutory\n    consulted: 2026-10-05\n"
       '    response: {not_received: "No response by the closing date of 27 November 2026; the secretariat reminded '
       'them on 20 November."}\n'
       "    final_copy_sent: 2027-03-03\n")


def _by_rule(findings):
    return {f.rule: f for f in findings}


def test_a_missing_statutory_consultee_warns_while_drafting_and_blocks_publication(example):
    example.replace(LOG, HIW, "")
    drafting = example.check(gate="consultation")
    assert [(f.rule, f.severity) for f in drafting] == [("not-consulted", "warning")]
    publishing = example.check(gate="consultation", for_publication=True)
    assert [(f.rule, f.severity) for f in publishing] == [("not-consulted", "error")]
    assert "Healthcare Inspectorate Wales (hiw)" in publishing[0].message and "framework 4.2" in publishing[0].message
    assert publishing[0].line == example.line_of(LOG, "consultees:")


def test_an_unanswered_response_blocks_publication(example):
    example.replace(LOG, ANSWER + "\n", "")
    found = example.check(gate="consultation", for_publication=True)
    assert [f.rule for f in found] == ["unanswered"]
    assert "Auditor General" not in found[0].message and "auditor-general-wales" in found[0].message
    assert found[0].line == example.line_of(LOG, "Had no comments on the draft programme")


def test_a_token_answer_does_not_count(example):
    example.replace(LOG, ANSWER, '    taken_into_account: "Noted."')
    assert [f.rule for f in example.check(gate="consultation", for_publication=True)] == ["unanswered"]


def test_no_response_recorded_at_all_blocks_publication(example):
    example.replace(LOG, '    response: {not_received: "No response by the closing date of 27 November 2026."}\n', "")
    assert [f.rule for f in example.check(gate="consultation", for_publication=True)] == ["no-response"]


def test_a_final_copy_not_sent_blocks_publication(example):
    example.replace(LOG, "    final_copy_sent: 2027-03-03\n", "", 1)
    found = example.check(gate="consultation", for_publication=True)
    assert [f.rule for f in found] == ["final-copy"] and "framework 4.3" in found[0].message


def test_a_copy_sent_before_the_programme_was_agreed_is_not_the_final_copy(example):
    """Attack: send the draft, record it as the final copy."""
    example.replace(LOG, "final_copy_sent: 2027-03-03", "final_copy_sent: 2027-01-10", 1)
    found = example.check(gate="consultation", for_publication=True)
    assert [f.rule for f in found] == ["copy-before-agreement"]
    assert found[0].line == example.line_of(LOG, "final_copy_sent: 2027-01-10")


def test_a_final_copy_dated_in_the_future_has_not_been_sent(example):
    """Attack: record tomorrow's date to publish today."""
    found = example.check(gate="consultation", for_publication=True, today=dt.date(2027, 3, 1))
    assert {f.rule for f in found} == {"future"} and all(f.severity == "error" for f in found)
    assert example.check(gate="consultation", for_publication=True, today=AFTER) == []


def test_consultation_after_the_programme_was_agreed_is_too_late(example):
    example.replace(LOG, "  - consultee: ofsted\n    kind: statutory\n    consulted: 2026-10-05",
                    "  - consultee: ofsted\n    kind: statutory\n    consulted: 2027-02-28")
    found = _by_rule(example.check(gate="consultation"))
    assert "after the programme was agreed" in found["after-agreement"].message


def test_an_unknown_statutory_consultee_gets_a_suggestion(example):
    example.replace(LOG, "consultee: ofsted", "consultee: ofstead")
    found = _by_rule(example.check(gate="consultation"))
    assert "did you mean 'ofsted'" in found["unknown-consultee"].hint


def test_a_statutory_consultee_logged_as_wider_is_an_error(example):
    example.replace(LOG, "  - consultee: cqc\n    kind: statutory", "  - consultee: cqc\n    kind: wider")
    found = _by_rule(example.check(gate="consultation"))
    assert "is a statutory consultee" in found["statutory-as-wider"].message


def test_a_consultee_logged_twice(example):
    example.replace(LOG, "consultee: Health and Safety Executive", "consultee: victim support")
    assert "duplicate" in _by_rule(example.check(gate="consultation"))


def test_the_list_of_statutory_consultees_has_dates_of_change(example):
    """A body that left the list before consultation opened may not be logged as statutory, and is
    not required; one added after it opened is not required either."""
    example.own_policy = True
    path = example.root / "checks" / "consultees.yml"
    text = path.read_text(encoding="utf-8")
    hiw = "{id: hiw, name: Healthcare Inspectorate Wales, group: named, from: 2023-12-05,"
    text = text.replace(hiw, hiw + " until: 2026-06-30,")
    text += ("  - {id: new-commissioner, name: A Commissioner the Ministers specify, group: specified,\n"
             "     from: 2026-12-01, source: specified by the relevant Ministers}\n")
    path.write_text(text, encoding="utf-8")
    found = example.check(gate="consultation", for_publication=True)
    assert [f.rule for f in found] == ["not-listed"]
    assert "left the list after 30 June 2026" in found[0].message
    example.replace(LOG, HIW, "")
    assert example.check(gate="consultation", for_publication=True) == []


def test_a_response_before_the_consultation_is_impossible(example):
    example.replace(LOG, "received: 2026-11-12", "received: 2026-09-12")
    assert "response-before-consultation" in _by_rule(example.check(gate="consultation"))


def test_a_statutory_consultee_logged_by_name_as_wider_is_caught(example):
    """Attack: log the CQC as a wider stakeholder under its name, so the statutory entry can be missing."""
    example.replace(LOG, "  - consultee: cqc\n    kind: statutory",
                    "  - consultee: Care Quality Commission\n    kind: wider")
    found = example.check(gate="consultation", for_publication=True)
    assert sorted(f.rule for f in found) == ["not-consulted", "statutory-as-wider"]
    assert "write consultee: cqc and kind: statutory" in _by_rule(found)["statutory-as-wider"].hint
