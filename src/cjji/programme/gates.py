"""Every check of a year's joint programme, in one list like cjji.gates: pure functions of the loaded
Programme and the policy, each returning the project's Finding type.

    programme-schema  each file matches its schema (run while loading, cjji.programme.model)
    plan              the plan's own metadata: the CJCIG chair, the period, the risk-assessment
                      summary (5.2) and the victim issues section (5.3)
    qualifying        framework 5.5 (cjji.programme.qualifying)
    prioritising      framework 5.6 (cjji.programme.ranking)
    judgement         framework 5.7: departures from the computed order (cjji.programme.ranking)
    consultation      framework 4.2 to 4.5 (cjji.programme.consultation)
    traceability      reports that say they deliver a proposal (`proposal:` in report.md)
    html, files, structure, spelling, style
                      the report gates that judge writing, run on plan.md's narrative
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from cjji import gates as report_gates
from cjji.findings import Finding, error, warning
from cjji.gates._framework import placeholder_in, word_count
from cjji.gates.base import Context
from cjji.policy import Policy
from cjji.programme import consultation, qualifying, ranking, rules
from cjji.programme.document import narrative
from cjji.programme.model import Programme
from cjji.programme.status import delivering

WRITING_GATES = ("html", "files", "structure", "spelling", "style")


@dataclass(frozen=True)
class ProgrammeGate:
    id: str
    description: str
    run: Callable[[Programme, Policy, bool, dt.date], list[Finding]]


def _plan(programme: Programme, policy: Policy, for_publication: bool, today: dt.date) -> list[Finding]:
    plan = programme.plan
    if plan is None:
        return []
    found: list[Finding] = []
    data = plan.data
    chair = data.get("chair")
    if isinstance(chair, str) and chair not in policy.cj_inspectorates:
        found.append(plan.finding("plan", "chair", ("chair",),
                                  f"'{chair}' is not a criminal justice inspectorate: CJCIG is chaired by one of "
                                  "the chief inspectors (framework 7.5)",
                                  "use one of: " + ", ".join(policy.cj_inspectorates)))
    period = data.get("period")
    period = period if isinstance(period, dict) else {}
    start, end = rules.parse_date(period.get("start")), rules.parse_date(period.get("end"))
    if start and end and end <= start:
        found.append(plan.finding("plan", "period", ("period", "end"), "the period ends before it starts",
                                  "check the dates"))
    if start and str(start.year) != programme.year:
        found.append(plan.finding("plan", "period", ("period", "start"),
                                  f"the {programme.year} programme's period starts in {start.year}",
                                  f"start the period in {programme.year}, or move the plan"))
    agreed = rules.parse_date(data.get("agreed"))
    publication = data.get("publication")
    publication = publication if isinstance(publication, dict) else {}
    published = rules.parse_date(publication.get("date"))
    if agreed and published and published < agreed:
        found.append(plan.finding("plan", "publication-date", ("publication", "date"),
                                  "the plan would be published before CJCIG agreed it", "check the dates"))
    if for_publication and agreed and agreed > today:
        found.append(plan.finding("plan", "agreed-future", ("agreed",),
                                  f"the agreement date {rules.long_date(agreed)} has not come yet",
                                  "record the date once CJCIG has agreed the programme"))
    found += _risk_sources(programme, policy)
    found += _victim_issues(programme, policy)
    return found


def _risk_sources(programme: Programme, policy: Policy) -> list[Finding]:
    """Framework 5.2: the plan summarises what each source of risk assessment showed."""
    plan = programme.plan
    assert plan is not None
    found = []
    sources = rules.risk_sources(policy)
    given = plan.data.get("risk_sources")
    given = given if isinstance(given, dict) else {}
    minimum = rules.setting(policy, "rationale_min_words")
    for ident, source in sources.items():
        text = given.get(ident)
        if not isinstance(text, str) or not text.strip():
            found.append(plan.finding("plan", "risk-source", ("risk_sources",),
                                      f"the plan does not summarise the risk-assessment source '{source['name']}' "
                                      "(framework 5.2)", f"add under risk_sources: {ident}: <what it showed>",
                                      key=True))
        elif placeholder_in(text, policy) or word_count(text) < minimum:
            found.append(plan.finding("plan", "risk-source", ("risk_sources", ident),
                                      f"the summary of '{source['name']}' says too little (at least {minimum} words, "
                                      "no placeholders)", "say what this source showed"))
    for ident in given:
        if ident not in sources:
            close = difflib.get_close_matches(ident, list(sources), n=1)
            found.append(plan.finding("plan", "unknown-risk-source", ("risk_sources", ident),
                                      f"'{ident}' is not a risk-assessment source in checks/prioritisation.yml",
                                      f"did you mean '{close[0]}'?" if close else "use: " + ", ".join(sources),
                                      key=True))
    for proposal in programme.proposals.values():
        cited = proposal.data.get("risk_sources")
        for i, entry in enumerate(cited if isinstance(cited, list) else []):
            if isinstance(entry, dict) and str(entry.get("source")) not in sources:
                close = difflib.get_close_matches(str(entry.get("source")), list(sources), n=1)
                found.append(proposal.finding("plan", "unknown-risk-source", ("risk_sources", i, "source"),
                                              f"'{entry.get('source')}' is not a risk-assessment source in "
                                              "checks/prioritisation.yml (framework 5.2)",
                                              f"did you mean '{close[0]}'?" if close else "use: " + ", ".join(sources)))
        if isinstance(cited, list) and not cited and qualifying.qualifies(proposal, policy):
            found.append(proposal.finding("plan", "no-risk-source", ("risk_sources",),
                                          "the proposal cites no risk-assessment source (framework 5.2)",
                                          "say which sources show the risk it addresses", severity="warning"))
    return found


def _section_words(programme: Programme, ident: str) -> tuple[int, int] | None:
    """(line, words) of the plan section with heading id `ident`, up to the next heading of its level or above."""
    plan = programme.plan
    assert plan is not None
    tokens = plan.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrs.get("id") == ident:
            level = int(token.tag[1:])
            words = 0
            for later in tokens[i + 3:]:
                if later.type == "heading_open" and int(later.tag[1:]) <= level:
                    break
                if later.type == "inline":
                    words += word_count(later.content)
            return (token.map[0] + 1 if token.map else 0), words
    return None


def _victim_issues(programme: Programme, policy: Policy) -> list[Finding]:
    """Framework 5.3: "some subject areas - such as victim issues - will always be considered
    within programme planning, regardless of their profile"."""
    plan = programme.plan
    assert plan is not None
    entry = plan.data.get("victim_issues")
    section = entry.get("section") if isinstance(entry, dict) else None
    if not isinstance(section, str):
        return []  # the schema reports the missing field
    found = _section_words(programme, section)
    minimum = rules.setting(policy, "victim_issues_min_words")
    if found is None:
        return [plan.finding("plan", "victim-issues", ("victim_issues", "section"),
                             f"there is no section with the id '{section}' in plan.md, so the plan does not show "
                             "that victim issues were considered (framework 5.3)",
                             f"add a heading like '# Victim issues {{#{section}}}' and say how they were considered")]
    line, words = found
    if words < minimum:
        return [error("plan", "victim-issues", plan.display, line, 1,
                      f"the section '{section}' has {words} words; to show that victim issues were considered "
                      f"(framework 5.3) it needs at least {minimum}",
                      "say which victim issues were weighed and what the programme does about them")]
    return []


def _traceability(programme: Programme, policy: Policy, for_publication: bool, today: dt.date) -> list[Finding]:
    found: list[Finding] = []
    final = ranking.final_programme(programme)
    for ident, refs in delivering(programme).items():
        for ref in refs:
            if ident not in programme.proposals:
                close = difflib.get_close_matches(ident, list(programme.proposals), n=1)
                found.append(error("traceability", "unknown-proposal", ref.display, ref.line, ref.col,
                                   f"the report says it delivers '{ref.proposal}', but the {programme.year} "
                                   "programme has no such proposal",
                                   f"did you mean '{programme.year}/{close[0]}'?" if close else
                                   f"use {programme.year}/<id>, the id of a file in "
                                   f"programme/{programme.year}/proposals/"))
            elif ident not in final:
                found.append(warning("traceability", "not-in-programme", ref.display, ref.line, ref.col,
                                     f"the report delivers '{ref.proposal}', which is not in the {programme.year} "
                                     "final programme", "check the proposal id"))
        if len(refs) > 1:
            names = ", ".join(r.id for r in refs)
            for ref in refs[1:]:
                found.append(warning("traceability", "two-reports", ref.display, ref.line, ref.col,
                                     f"more than one report says it delivers '{ref.proposal}' ({names})",
                                     "check the proposal id"))
    return found


def _writing(programme: Programme, policy: Policy, for_publication: bool, today: dt.date) -> list[Finding]:
    report = narrative(programme, policy)
    if report is None:
        return []
    chosen = [g for g in report_gates.ALL if g.id in WRITING_GATES]
    return report_gates.run_all(report, Context(policy=policy, for_publication=for_publication), chosen)


def _signoffs(programme: Programme, policy: Policy, for_publication: bool, today: dt.date,
              now: dt.datetime | None = None) -> list[Finding]:
    """For publication: the CJCIG chair and the other chief inspectors have signed this content."""
    if not for_publication:
        return []
    from cjji.programme import signoff  # reads the statements and runs ssh-keygen: only when needed

    return signoff.findings(programme, policy, now)


GATES: list[ProgrammeGate] = [
    ProgrammeGate("plan", "The plan names a CJ chair, summarises every risk-assessment source (5.2) and shows "
                          "victim issues were considered (5.3)", _plan),
    ProgrammeGate("qualifying", "Every proposal on the long list passes the qualifying criteria; an excluded one "
                                "says which it fails (framework 5.5)",
                  lambda p, pol, fp, t: qualifying.run(p, pol)),
    ProgrammeGate("prioritising", "Every qualifying proposal is rated, with a rationale, against every "
                                  "prioritising factor; departures from the computed order record the chief "
                                  "inspectors' reason (framework 5.6, 5.7)",
                  lambda p, pol, fp, t: ranking.run(p, pol)),
    ProgrammeGate("consultation", "Statutory consultees consulted, responses answered, final copies sent "
                                  "(framework 4.2, 4.3; errors with --for-publication)",
                  lambda p, pol, fp, t: consultation.run(p, pol, for_publication=fp, today=t)),
    ProgrammeGate("traceability", "Reports that deliver a proposal name one in the programme", _traceability),
    ProgrammeGate("writing", "The plan's narrative passes the report gates " + ", ".join(WRITING_GATES), _writing),
    ProgrammeGate("signoffs", "The CJCIG chair and the other chief inspectors signed off this exact content "
                              "(checks/gatekeepers.yml programme:; only with --for-publication)", _signoffs),
]


def publication_findings(programme: Programme, policy: Policy, today: dt.date | None = None,
                         now: dt.datetime | None = None) -> list[Finding]:
    """What publishing the plan must refuse on: every check with for_publication (consultation
    complete, 4.3; dates that have come; sign-offs valid for this content at `now`). Errors block
    publication."""
    return check(programme, policy, for_publication=True, today=today, now=now)


def check(programme: Programme, policy: Policy, *, for_publication: bool = False,
          today: dt.date | None = None, now: dt.datetime | None = None) -> list[Finding]:
    """Every finding for the programme: loading and schema first, then each gate. A gate that crashes
    becomes one error finding; the others still run."""
    today = today or dt.date.today()
    found = list(programme.findings)
    for gate in GATES:
        try:
            if gate.id == "signoffs":
                found += _signoffs(programme, policy, for_publication, today, now)
                continue
            found += gate.run(programme, policy, for_publication, today)
        except Exception as exc:  # a bug in one check must not hide the others
            where = programme.plan.display if programme.plan else str(programme.dir)
            found.append(error(gate.id, "internal-error", where, 0, 0,
                               f"the {gate.id} check failed ({type(exc).__name__}: {exc})",
                               "this is a bug in cjji, not in the programme; please report it"))
    return sorted(set(found), key=lambda f: (f.file, f.line, f.col, f.gate, f.rule, f.message))
