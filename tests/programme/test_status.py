"""Traceability: a report says which proposal it delivers; the programme page shows each inspection as
planned, in fieldwork, published (with a link) or withdrawn, from the reports' own metadata."""

from __future__ import annotations

import datetime as dt

from programme_support import AFTER

from cjji.programme.status import page_html, page_markdown, statuses


def _report(example, ident, proposal, date="2027-11-10", extra=""):
    folder = example.root / "reports" / ident
    folder.mkdir(parents=True)
    (folder / "report.md").write_text(
        f"---\nid: {ident}\ntitle: A report\nproposal: \"{proposal}\"\npublication: {{date: {date}}}\n{extra}"
        "---\n\nBody.\n",
        encoding="utf-8")
    return folder


def _states(example, **kwargs):
    return {s.proposal: s.state for s in statuses(example.load(), **kwargs)}


def test_planned_until_a_report_says_it_delivers_the_proposal(example):
    assert set(_states(example, today=AFTER).values()) == {"planned"}


def test_in_fieldwork_then_published_by_the_reports_own_date(example):
    _report(example, "2027-rape-progression", "2027/rape-case-progression", date="2027-11-10")
    assert _states(example, today=dt.date(2027, 11, 9))["rape-case-progression"] == "in fieldwork"
    items = statuses(example.load(), today=dt.date(2027, 11, 10))
    item = next(s for s in items if s.proposal == "rape-case-progression")
    assert (item.state, item.link) == ("published", "reports/2027-rape-progression/")


def test_the_site_decides_published_when_it_is_given(example):
    _report(example, "2027-rape-progression", "2027/rape-case-progression", date="2027-01-10")
    states = _states(example, today=AFTER, published={})
    assert states["rape-case-progression"] == "in fieldwork"  # the date has come, but the site does not hold it
    states = _states(example, today=AFTER, published={"2027-rape-progression": "https://x.example/r/"})
    assert states["rape-case-progression"] == "published"


def test_withdrawn_by_the_chief_inspectors_or_with_the_report(example):
    example.replace("proposals/youth-remand.yml", "risk_sources:",
                    "withdrawn: {date: 2027-06-01, reason: \"The youth custody estate is being reorganised this "
                    "year.\"}\n"
                    "risk_sources:")
    _report(example, "2027-da-bail", "2027/domestic-abuse-bail", date="2027-05-01",
            extra="withdrawn: {date: 2027-06-01, reason: a correction is due}\n")
    states = _states(example, today=AFTER)
    assert states["youth-remand"] == "withdrawn" and states["domestic-abuse-bail"] == "withdrawn"


def test_a_report_naming_an_unknown_proposal_is_an_error_at_its_line(example):
    _report(example, "2027-x", "2027/rape-case-progresion")
    found = example.check(gate="traceability")
    assert [(f.rule, f.file, f.line) for f in found] == [
        ("unknown-proposal", "reports/2027-x/report.md", 4)]
    assert "did you mean '2027/rape-case-progression'" in found[0].hint


def test_a_report_delivering_a_proposal_outside_the_programme_is_a_warning(example):
    _report(example, "2027-y", "2027/disclosure-magistrates")
    found = example.check(gate="traceability")
    assert [(f.rule, f.severity) for f in found] == [("not-in-programme", "warning")]


def test_the_page_escapes_what_authors_wrote(example):
    example.replace("proposals/rape-case-progression.yml", 'title: "Progression of rape cases from report to charge"',
                    'title: "Rape <script>alert(1)</script> [x](javascript:alert(1))"')
    programme = example.load()
    items = statuses(programme, today=AFTER)
    html = str(page_html(programme, example.policy(), items))
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = page_markdown(programme, example.policy(), items)
    assert "\\<script\\>" in md and "\\[x\\]" in md
    assert html.count("<tr>") == 6 and "Release from prison to settled accommodation" in html
