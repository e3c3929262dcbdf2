"""[consultation] Framework section 4: the consultation log, and what publication waits for.

4.2: "before preparing an inspection programme (or framework), each CJ Chief Inspector shall
consult the relevant Ministers and - subject to exceptions - the following: ..." (the list is data
in checks/consultees.yml, with the dates each entry is on it).
4.3: "It is subsequently incumbent upon the Chief Inspector(s) to send each of the consultees a
copy of the programme and framework, once prepared."
4.4 and 4.5: wider stakeholders, usually sent the draft business plan "for comment and
contributions to inform the final selection".

Always errors: an unknown statutory consultee, one not on the list on the day consultation opened,
a wider stakeholder logged as statutory (or the reverse), an entry logged twice, dates out of order.
What publication waits for (every statutory consultee consulted, every response answered, every
consultee sent the final copy after the programme was agreed) is a warning while the plan is being
drafted and an error `for_publication` (`cjji programme check --for-publication`, and publishing).
For publication a date that has not come yet does not count either: a final copy "sent" next week
has not been sent.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from cjji.findings import Finding
from cjji.gates._framework import placeholder_in, word_count
from cjji.policy import Policy
from cjji.programme import rules
from cjji.programme.model import Programme, Source
from cjji.programme.rules import long_date, parse_date

GATE = "consultation"


def _entries(log: Source) -> list[tuple[int, dict[str, Any]]]:
    value = log.data.get("consultees")
    return [(i, e) for i, e in enumerate(value if isinstance(value, list) else []) if isinstance(e, dict)]


def agreed_date(programme: Programme) -> dt.date | None:
    return parse_date(programme.plan.data.get("agreed")) if programme.plan else None


def run(programme: Programme, policy: Policy, *, for_publication: bool = False,
        today: dt.date | None = None) -> list[Finding]:
    log = programme.consultation
    if log is None:
        return []
    today = today or dt.date.today()
    severity = "error" if for_publication else "warning"
    found: list[Finding] = []
    statutory = rules.consultees(policy)
    opened = parse_date(log.data.get("opened"))
    agreed = agreed_date(programme)
    minimum = rules.setting(policy, "rationale_min_words")
    seen: dict[str, int] = {}
    by_name = {c.name.strip().lower(): c for c in statutory.values()}
    for i, entry in _entries(log):
        name = entry.get("consultee")
        kind = entry.get("kind")
        if not isinstance(name, str):
            continue
        key = name.strip().lower()
        if key in seen:
            found.append(log.finding(GATE, "duplicate", ("consultees", i, "consultee"),
                                     f"'{name}' is logged twice (first as entry {seen[key] + 1})",
                                     "keep one entry per consultee"))
        seen.setdefault(key, i)
        if kind == "statutory":
            consultee = statutory.get(name)
            if consultee is None:
                close = difflib.get_close_matches(name, list(statutory), n=1)
                found.append(log.finding(
                    GATE, "unknown-consultee", ("consultees", i, "consultee"),
                    f"'{name}' is not a statutory consultee in checks/consultees.yml (framework 4.2)",
                    f"did you mean '{close[0]}'?" if close else
                    "use an id from checks/consultees.yml, or log a wider stakeholder with kind: wider"))
            elif opened and not consultee.listed_on(opened):
                when = (f"left the list after {long_date(consultee.end)}" if consultee.end and opened > consultee.end
                        else f"joins the list on {long_date(consultee.start)}")
                found.append(log.finding(
                    GATE, "not-listed", ("consultees", i, "consultee"),
                    f"{consultee.name} was not a statutory consultee when consultation opened on "
                    f"{long_date(opened)}: it {when}", "log it with kind: wider, or check the dates"))
        elif kind == "wider" and (name in statutory or key in by_name):
            consultee = statutory.get(name) or by_name[key]
            found.append(log.finding(GATE, "statutory-as-wider", ("consultees", i, "kind"),
                                     f"{consultee.name} is a statutory consultee (framework 4.2), not a "
                                     "wider stakeholder",
                                     f"write consultee: {consultee.id} and kind: statutory"))
        consulted = parse_date(entry.get("consulted"))
        if consulted and opened and consulted < opened:
            found.append(log.finding(GATE, "before-opening", ("consultees", i, "consulted"),
                                     f"consulted on {long_date(consulted)}, before consultation opened on "
                                     f"{long_date(opened)}", "check the dates"))
        if consulted and agreed and consulted > agreed:
            found.append(log.finding(GATE, "after-agreement", ("consultees", i, "consulted"),
                                     f"consulted on {long_date(consulted)}, after the programme was agreed on "
                                     f"{long_date(agreed)}: framework 4.2 requires consultation before the "
                                     "programme is prepared", "check the dates"))
        if for_publication and consulted and consulted > today:
            found.append(log.finding(GATE, "future", ("consultees", i, "consulted"),
                                     f"the consultation date {long_date(consulted)} has not come yet",
                                     "log consultation once it has happened", severity=severity))
        response = entry.get("response")
        received = parse_date(response.get("received")) if isinstance(response, dict) else None
        if received and consulted and received < consulted:
            found.append(log.finding(GATE, "response-before-consultation", ("consultees", i, "response", "received"),
                                     f"the response is dated {long_date(received)}, before the consultee was "
                                     f"consulted on {long_date(consulted)}", "check the dates"))
        if not isinstance(response, dict):
            found.append(log.finding(GATE, "no-response", ("consultees", i),
                                     f"no response is recorded for '{name}'",
                                     "add response: {received: YYYY-MM-DD, summary: ...}, or "
                                     "response: {not_received: \"no reply by the closing date\"}",
                                     severity=severity))
        elif received:
            answer = entry.get("taken_into_account")
            answer = answer if isinstance(answer, str) else ""
            if placeholder_in(answer, policy) or word_count(answer) < minimum:
                found.append(log.finding(
                    GATE, "unanswered", ("consultees", i, "taken_into_account") if "taken_into_account" in entry
                    else ("consultees", i, "response"),
                    f"the response from '{name}' is not answered: say how it was taken into account "
                    f"(at least {minimum} words, no placeholders)",
                    "add taken_into_account: what changed in the plan, or why not", severity=severity))
        sent = parse_date(entry.get("final_copy_sent"))
        if sent is None:
            found.append(log.finding(GATE, "final-copy", ("consultees", i),
                                     f"'{name}' has not been sent the final programme and framework (framework 4.3)",
                                     "add final_copy_sent: YYYY-MM-DD once it is sent", severity=severity))
        elif agreed and sent < agreed:
            found.append(log.finding(GATE, "copy-before-agreement", ("consultees", i, "final_copy_sent"),
                                     f"the copy sent on {long_date(sent)} predates the programme agreed on "
                                     f"{long_date(agreed)}, so it was not the final programme (framework 4.3)",
                                     "send the agreed programme and record that date", severity=severity))
        elif for_publication and sent > today:
            found.append(log.finding(GATE, "future", ("consultees", i, "final_copy_sent"),
                                     f"the final copy is recorded as sent on {long_date(sent)}, which has not come yet",
                                     "record it once it is sent", severity=severity))
    if opened:
        logged = {e.get("consultee") for _, e in _entries(log) if e.get("kind") == "statutory"}
        for ident, consultee in statutory.items():
            if consultee.listed_on(opened) and ident not in logged:
                found.append(log.finding(
                    GATE, "not-consulted", ("consultees",),
                    f"the statutory consultee {consultee.name} ({ident}) is not in the log: framework 4.2 "
                    "requires it to be consulted before the programme is prepared",
                    f"add {{consultee: {ident}, kind: statutory, consulted: YYYY-MM-DD, ...}}",
                    key=True, severity=severity))
    if agreed is None and programme.plan is not None:
        found.append(programme.plan.finding(GATE, "not-agreed", (),
                                            "the plan does not say when CJCIG agreed the final programme "
                                            "(framework 7.4), so the final copies cannot be checked (4.3)",
                                            "add agreed: YYYY-MM-DD to plan.md", severity=severity))
    return found
