"""[prioritising] and [judgement]: framework 5.6 and 5.7.

5.6: "Those proposed inspections which pass the first stage enter the long-list for
prioritisation, being assessed against three qualifying elements" (pre-existing commitment, the
six current priority factors, the additional considerations). Every proposal on the long list
gives every factor in checks/prioritisation.yml a rating and a rationale.

The computed order comes from the secretariat's settings in checks/prioritisation.yml, nowhere
else: a proposal's score is the sum, over the `scale` factors, of the rating's value times the
factor's weight, plus the weight of each `yes-no` factor answered yes. Proposals answering yes to
a `ranks_first` factor (pre-existing commitment: "will be progressed") come before the rest. Ties
go to the proposal whose id sorts first, so the order never depends on the file system.

5.7: "the key determinant in finalising a long-list of potential areas for inspection remains the
professional judgement of the Chief Inspectors". The plan's `final_programme` may therefore differ
from the computed short list (its first `capacity` proposals), but every difference is a departure
that the plan records with the chief inspectors' reason: a proposal brought in, one left out, or
one moved. With the departed proposals set aside, the rest of the final programme must be exactly
the computed short list, in the computed order.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from cjji.findings import Finding
from cjji.gates._framework import placeholder_in, word_count
from cjji.policy import Policy
from cjji.programme import rules
from cjji.programme.model import Programme, Source
from cjji.programme.qualifying import long_list

GATE_ASSESS = "prioritising"
GATE_JUDGE = "judgement"
YES_NO = ("yes", "no")


@dataclass
class Ranked:
    id: str
    score: float
    first: bool  # answered yes to a ranks_first factor
    ratings: dict[str, str] = field(default_factory=dict)


@dataclass
class Ranking:
    order: list[Ranked]  # every rankable proposal on the long list, best first
    unrankable: list[str]  # on the long list, but the assessment is incomplete or wrong
    capacity: int

    @property
    def short_list(self) -> list[str]:
        return [r.id for r in self.order[: self.capacity]]

    def position(self, ident: str) -> int | None:
        for n, r in enumerate(self.order, start=1):
            if r.id == ident:
                return n
        return None


def _assessment(proposal: Source) -> dict[str, object]:
    value = proposal.data.get("assessment")
    return value if isinstance(value, dict) else {}


def assessment_findings(proposal: Source, policy: Policy) -> list[Finding]:
    """A rating and a rationale for every 5.6 factor; ratings from the secretariat's scale."""
    found = []
    factors = {f.id: f for f in rules.factors(policy)}
    scale = rules.scale(policy)
    given = _assessment(proposal)
    minimum = rules.setting(policy, "rationale_min_words")
    where = ("assessment",) if "assessment" in proposal.data else ()
    for ident, factor in factors.items():
        entry = given.get(ident)
        if not isinstance(entry, dict):
            found.append(proposal.finding(
                GATE_ASSESS, "missing-factor", where,
                f"the proposal is on the long list but has no assessment against '{factor.name}' (framework 5.6)",
                f"add under assessment: {ident}: {{rating: ..., rationale: ...}} "
                f"(rating: {' or '.join(YES_NO) if factor.kind == 'yes-no' else ', '.join(scale)})",
                key=bool(where)))
            continue
        rating = entry.get("rating")
        allowed = list(YES_NO) if factor.kind == "yes-no" else list(scale)
        if not isinstance(rating, str) or rating not in allowed:
            found.append(proposal.finding(
                GATE_ASSESS, "rating", ("assessment", ident, "rating"),
                f"'{rating}' is not a rating for '{factor.name}'",
                f"use one of: {', '.join(allowed)}" + (" (the secretariat's scale in checks/prioritisation.yml)"
                                                       if factor.kind == "scale" else "")))
        rationale = entry.get("rationale")
        rationale = rationale if isinstance(rationale, str) else ""
        if placeholder_in(rationale, policy) or word_count(rationale) < minimum:
            found.append(proposal.finding(
                GATE_ASSESS, "rationale", ("assessment", ident, "rationale"),
                f"the rationale for '{factor.name}' does not say why (at least {minimum} words, no placeholders)",
                "say what the rating rests on"))
    for ident in given:
        if ident not in factors:
            close = difflib.get_close_matches(ident, list(factors), n=1)
            found.append(proposal.finding(
                GATE_ASSESS, "unknown-factor", ("assessment", ident),
                f"'{ident}' is not a prioritising factor in checks/prioritisation.yml",
                f"did you mean '{close[0]}'?" if close else "use: " + ", ".join(factors), key=True))
    return found


def score(proposal: Source, policy: Policy) -> Ranked | None:
    """The proposal's score under the secretariat's weights, or None if it cannot be scored."""
    scale = rules.scale(policy)
    given = _assessment(proposal)
    total, first, ratings = 0.0, False, {}
    for factor in rules.factors(policy):
        entry = given.get(factor.id)
        rating = entry.get("rating") if isinstance(entry, dict) else None
        if factor.kind == "yes-no":
            if not isinstance(rating, str) or rating not in YES_NO:
                return None
            if rating == "yes":
                total += factor.weight
                first = first or factor.ranks_first
        else:
            if not isinstance(rating, str) or rating not in scale:
                return None
            total += scale[str(rating)] * factor.weight
        ratings[factor.id] = str(rating)
    return Ranked(str(proposal.data.get("id", "")), total, first, ratings)


def capacity(programme: Programme) -> int:
    value = programme.plan.data.get("capacity") if programme.plan else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def rank(programme: Programme, policy: Policy) -> Ranking:
    scored, unrankable = [], []
    for ident in long_list(programme, policy):
        ranked = score(programme.proposals[ident], policy)
        if ranked is None or assessment_findings(programme.proposals[ident], policy):
            unrankable.append(ident)
        else:
            ranked.id = ident
            scored.append(ranked)
    scored.sort(key=lambda r: (not r.first, -r.score, r.id))
    return Ranking(scored, unrankable, capacity(programme))


def final_programme(programme: Programme) -> list[str]:
    value = programme.plan.data.get("final_programme") if programme.plan else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def departures(programme: Programme) -> dict[str, int]:
    """proposal id -> index in the plan's `departures` list."""
    value = programme.plan.data.get("departures") if programme.plan else None
    found: dict[str, int] = {}
    for i, entry in enumerate(value if isinstance(value, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("proposal"), str):
            found.setdefault(entry["proposal"], i)
    return found


def _departure_reasons(programme: Programme, policy: Policy) -> list[Finding]:
    plan = programme.plan
    assert plan is not None
    found = []
    minimum = rules.setting(policy, "reason_min_words")
    seen: set[str] = set()
    for i, entry in enumerate(plan.data.get("departures") or []):
        if not isinstance(entry, dict):
            continue
        ident = entry.get("proposal")
        if ident in seen:
            found.append(plan.finding(GATE_JUDGE, "duplicate-departure", ("departures", i, "proposal"),
                                      f"the departure for '{ident}' is recorded twice",
                                      "keep one, with the full reason"))
        seen.add(str(ident))
        if ident not in programme.proposals:
            found.append(plan.finding(GATE_JUDGE, "unknown-proposal", ("departures", i, "proposal"),
                                      f"there is no proposal '{ident}' in proposals/",
                                      _did_you_mean(str(ident), list(programme.proposals))))
        reason = entry.get("reason")
        reason = reason if isinstance(reason, str) else ""
        if placeholder_in(reason, policy) or word_count(reason) < minimum:
            found.append(plan.finding(GATE_JUDGE, "departure-reason", ("departures", i, "reason"),
                                      f"the chief inspectors' reason for departing from the computed order is not "
                                      f"stated (at least {minimum} words, no placeholders; framework 5.7)",
                                      "say why the chief inspectors decided differently"))
    return found


def _did_you_mean(ident: str, known: list[str]) -> str:
    close = difflib.get_close_matches(ident, known, n=1)
    return f"did you mean '{close[0]}'?" if close else "use the name of a file in proposals/, without .yml"


def judgement_findings(programme: Programme, policy: Policy, ranking: Ranking) -> list[Finding]:
    plan = programme.plan
    if plan is None:
        return []
    found = _departure_reasons(programme, policy)
    final = final_programme(programme)
    qualifying = set(long_list(programme, policy))
    for i, ident in enumerate(final):
        if ident not in programme.proposals:
            found.append(plan.finding(GATE_JUDGE, "unknown-proposal", ("final_programme", i),
                                      f"there is no proposal '{ident}' in proposals/",
                                      _did_you_mean(ident, list(programme.proposals))))
        elif ident not in qualifying:
            found.append(plan.finding(GATE_JUDGE, "not-qualifying", ("final_programme", i),
                                      f"'{ident}' is in the final programme but is not on the long list: it is "
                                      "excluded or fails a qualifying criterion, and framework 5.5 lets only "
                                      "qualifying proposals into the programme", "take it out of final_programme"))
    if ranking.unrankable:
        found.append(plan.finding(GATE_JUDGE, "incomplete-ranking", ("final_programme",),
                                  "the computed order cannot be worked out until every proposal on the long list "
                                  f"is fully assessed ({', '.join(ranking.unrankable)} not yet), so departures "
                                  "from it cannot be checked", "complete each proposal's assessment", key=True))
        return found
    if len(final) > ranking.capacity > 0:
        found.append(plan.finding(GATE_JUDGE, "over-capacity", ("final_programme",),
                                  f"the final programme has {len(final)} inspections but the plan's capacity is "
                                  f"{ranking.capacity}", "raise capacity if the resources are there, or take some out",
                                  key=True, severity="warning"))
    departed = departures(programme)
    short = ranking.short_list
    rest_final = [x for x in final if x not in departed and x in qualifying]
    rest_short = [x for x in short if x not in departed]
    for i, ident in enumerate(final):
        if ident in departed or ident not in qualifying or ident in short:
            continue
        position = ranking.position(ident)
        found.append(plan.finding(
            GATE_JUDGE, "unexplained-inclusion", ("final_programme", i),
            f"'{ident}' is in the final programme but is ranked {position} of {len(ranking.order)} in the computed "
            f"order, outside the short list of {ranking.capacity}; framework 5.7 leaves this to the chief "
            "inspectors' judgement, but the plan must record their reason",
            f"add under departures: {{proposal: {ident}, reason: ..., agreed: YYYY-MM-DD}}"))
    for ident in short:
        if ident in departed or ident in final:
            continue
        found.append(plan.finding(
            GATE_JUDGE, "unexplained-omission", ("final_programme",),
            f"'{ident}' is ranked {ranking.position(ident)} in the computed order, inside the short list of "
            f"{ranking.capacity}, but is not in the final programme; the plan must record the chief "
            "inspectors' reason (framework 5.7)",
            f"add it to final_programme, or add under departures: "
            f"{{proposal: {ident}, reason: ..., agreed: YYYY-MM-DD}}",
            key=True))
    common_final = [x for x in rest_final if x in rest_short]
    common_short = [x for x in rest_short if x in rest_final]
    for got, wanted in zip(common_final, common_short, strict=True):
        if got != wanted:
            index = final.index(got)
            found.append(plan.finding(
                GATE_JUDGE, "unexplained-order", ("final_programme", index),
                f"'{got}' is placed before '{wanted}', but the computed order puts '{wanted}' first "
                f"(positions {ranking.position(wanted)} and {ranking.position(got)}); record the chief "
                "inspectors' reason for the move (framework 5.7), or follow the computed order",
                f"add under departures: {{proposal: {got}, reason: ..., agreed: YYYY-MM-DD}}"))
            break
    for ident, index in departed.items():
        if ident in programme.proposals and ident not in final and ident not in short:
            found.append(plan.finding(
                GATE_JUDGE, "no-departure", ("departures", index, "proposal"),
                f"'{ident}' is neither in the final programme nor in the computed short list, so there is "
                "no departure to explain", "remove this entry", severity="warning"))
    return found


def run(programme: Programme, policy: Policy) -> list[Finding]:
    found: list[Finding] = []
    for ident in long_list(programme, policy):
        found += assessment_findings(programme.proposals[ident], policy)
    found += judgement_findings(programme, policy, rank(programme, policy))
    return found
