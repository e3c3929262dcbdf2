"""[qualifying] Framework 5.5: which proposals may go on the long list.

    "The qualifying criteria applied since 2006 has been that all joint CJ systems proposed
    inspections to be included on the long-list should: Relate to cross-cutting work that
    involves two or more of the CJ inspectorates; Have an identified lead CJ inspectorate; Have a
    clearly defined scope and purpose; and Meet the key principles for public sector inspection,
    in particular: a contribute to service improvement; b be outcome focussed; and c have a user
    perspective."

A proposal that fails a criterion is on the long list only by mistake: it must say
`excluded: {criterion, reason}`. The first two criteria are facts the file states (the
inspectorates and the lead), so an exclusion naming one of them that the proposal in fact meets is
refused. The last two are also judgements: the chief inspectors may find a scope too vague even
when it is long enough, so such an exclusion is accepted on its stated reason.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from cjji.findings import Finding
from cjji.gates._framework import placeholder_in, threshold, word_count
from cjji.policy import Policy
from cjji.programme import rules
from cjji.programme.model import Programme, Source

GATE = "qualifying"
FACTUAL = frozenset({"two-cj-inspectorates", "lead-cj-inspectorate"})


@dataclass(frozen=True)
class Failure:
    criterion: str
    path: tuple[str | int, ...]
    message: str
    hint: str


def _codes(value: Any) -> list[str]:
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


def failures(proposal: Source, policy: Policy) -> list[Failure]:
    """Every qualifying criterion the proposal fails, and why, in the framework's order."""
    data = proposal.data
    cj = policy.cj_inspectorates
    found: list[Failure] = []
    taking_part = _codes(data.get("inspectorates"))
    lead = data.get("lead")
    counted = sorted(set(c for c in taking_part + ([lead] if isinstance(lead, str) else []) if c in cj))
    if len(counted) < 2:
        partners = [c for c in taking_part if c in policy.inspectorates and c not in cj]
        note = f"; {', '.join(partners)} may take part but do not count" if partners else ""
        found.append(Failure("two-cj-inspectorates", ("inspectorates",),
                             f"it involves {len(counted)} of the criminal justice inspectorates, not two or "
                             f"more{note}", f"a joint inspection needs two or more of {', '.join(cj)}"))
    if not isinstance(lead, str) or not lead.strip():
        found.append(Failure("lead-cj-inspectorate", ("lead",) if "lead" in data else (),
                             "it has no identified lead inspectorate", f"write lead: one of {', '.join(cj)}"))
    elif lead not in cj:
        found.append(Failure("lead-cj-inspectorate", ("lead",),
                             f"its lead, {lead}, is not a criminal justice inspectorate",
                             f"the lead must be one of {', '.join(cj)}"))
    elif lead not in taking_part:
        found.append(Failure("lead-cj-inspectorate", ("lead",),
                             f"its lead, {lead}, is not in the inspectorates taking part",
                             f"add {lead} to inspectorates"))
    for field_name, what in (("scope", "what it would cover and not cover"),
                             ("purpose", "why it would be done and what it would set out to find")):
        value = data.get(field_name)
        text = value if isinstance(value, str) else ""
        placeholder = placeholder_in(text, policy)
        minimum = int(threshold(policy, f"{field_name}_min_words"))
        if placeholder:
            found.append(Failure("scope-and-purpose", (field_name,),
                                 f"its {field_name} is still a placeholder ('{placeholder}')", f"write out {what}"))
        elif word_count(text) < minimum:
            found.append(Failure("scope-and-purpose", (field_name,),
                                 f"its {field_name} is not clearly defined ({word_count(text)} words; at least "
                                 f"{minimum} are needed)", f"write out {what} in a few full sentences"))
    principles = data.get("principles")
    principles = principles if isinstance(principles, dict) else {}
    minimum = rules.setting(policy, "principle_min_words")
    for ident, name in rules.required_principles(policy).items():
        value = principles.get(ident)
        text = value if isinstance(value, str) else ""
        if not text.strip():
            found.append(Failure("principles", ("principles",),
                                 f"it does not say how it meets the Annex A principle '{name}'",
                                 f"add '{ident}: <how the inspection meets it>' under principles"))
        elif placeholder_in(text, policy) or word_count(text) < minimum:
            found.append(Failure("principles", ("principles", ident),
                                 f"it does not say clearly how it meets the Annex A principle '{name}' "
                                 f"(at least {minimum} words, no placeholders)",
                                 "say in a sentence how the inspection meets it"))
    return found


def qualifies(proposal: Source, policy: Policy) -> bool:
    """On the long list: not excluded and failing no criterion."""
    return "excluded" not in proposal.data and not failures(proposal, policy)


def long_list(programme: Programme, policy: Policy) -> list[str]:
    return [ident for ident, p in programme.proposals.items() if qualifies(p, policy)]


def _known_codes(proposal: Source, policy: Policy) -> list[Finding]:
    """Codes a schema cannot check: inspectorates, business process and principle ids."""
    found = []
    known = policy.inspectorates
    for i, code in enumerate(_codes(proposal.data.get("inspectorates"))):
        if code not in known:
            close = difflib.get_close_matches(code, list(known), n=1)
            found.append(proposal.finding(GATE, "unknown-inspectorate", ("inspectorates", i),
                                          f"'{code}' is not an inspectorate code in checks/inspectorates.yml",
                                          f"did you mean '{close[0]}'?" if close else
                                          "use one of: " + ", ".join(known)))
    lead = proposal.data.get("lead")
    if isinstance(lead, str) and lead and lead not in known:
        close = difflib.get_close_matches(lead, list(known), n=1)
        found.append(proposal.finding(GATE, "unknown-inspectorate", ("lead",),
                                      f"'{lead}' is not an inspectorate code in checks/inspectorates.yml",
                                      f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(known)))
    process = proposal.data.get("business_process")
    if isinstance(process, str) and process not in policy.business_processes:
        found.append(proposal.finding(GATE, "unknown-business-process", ("business_process",),
                                      f"'{process}' is not a business process in checks/business_processes.yml "
                                      "(framework 3.1)", "use one of: " + ", ".join(policy.business_processes)))
    principles = proposal.data.get("principles")
    named = rules.principle_ids(policy)
    for ident in principles if isinstance(principles, dict) else {}:
        if ident not in named:
            close = difflib.get_close_matches(ident, list(named), n=1)
            found.append(proposal.finding(GATE, "unknown-principle", ("principles", ident),
                                          f"'{ident}' is not an Annex A principle in checks/principles.yml",
                                          f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(named),
                                          key=True))
    return found


def _exclusion(proposal: Source, policy: Policy, failed: list[Failure]) -> list[Finding]:
    excluded = proposal.data["excluded"]
    if not isinstance(excluded, dict):
        return []
    criteria = rules.qualifying_criteria(policy)
    criterion = excluded.get("criterion")
    found = []
    if not isinstance(criterion, str) or criterion not in criteria:
        close = difflib.get_close_matches(str(criterion), list(criteria), n=1)
        return [proposal.finding(GATE, "unknown-criterion", ("excluded", "criterion"),
                                 f"'{criterion}' is not a qualifying criterion of framework 5.5",
                                 f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(criteria))]
    failed_ids = {f.criterion for f in failed}
    if criterion in FACTUAL and criterion not in failed_ids:
        found.append(proposal.finding(
            GATE, "excluded-but-meets", ("excluded", "criterion"),
            f"the proposal is excluded for failing '{criteria[criterion]['name']}', but its "
            "inspectorates and lead meet that criterion",
            "name the criterion it fails" + (f" ({', '.join(sorted(failed_ids))})" if failed_ids else
                                              ", or remove `excluded` so it goes on the long list")))
    reason = excluded.get("reason")
    reason = reason if isinstance(reason, str) else ""
    minimum = rules.setting(policy, "reason_min_words")
    if placeholder_in(reason, policy) or word_count(reason) < minimum:
        found.append(proposal.finding(GATE, "exclusion-reason", ("excluded", "reason"),
                                      f"the reason for the exclusion is not stated (at least {minimum} words, "
                                      "no placeholders)", "say why the proposal fails the criterion"))
    return found


def run(programme: Programme, policy: Policy) -> list[Finding]:
    findings: list[Finding] = []
    criteria = rules.qualifying_criteria(policy)
    for proposal in programme.proposals.values():
        findings += _known_codes(proposal, policy)
        failed = failures(proposal, policy)
        if "excluded" in proposal.data:
            findings += _exclusion(proposal, policy, failed)
            continue
        for failure in failed:
            name = criteria.get(failure.criterion, {}).get("name", failure.criterion)
            findings.append(proposal.finding(
                GATE, failure.criterion, failure.path,
                f"the proposal fails the qualifying criterion '{name}' (framework 5.5): {failure.message}; "
                "it cannot go on the long list",
                f"{failure.hint}; or, if it is not to go forward, record "
                f"excluded: {{criterion: {failure.criterion}, reason: ...}}"))
    return findings
