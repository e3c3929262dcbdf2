"""The business plan as a report-shaped document, so the report builders make its Word, PDF and HTML.

`document(programme, policy)` returns a cjji.report.Report held in memory: plan.md's own text with
generated chapters appended after its narrative (long list, exclusions with reasons,
prioritisation matrix, final programme with departures, consultation summary, and the inspections
in the programme). Everything in it comes from the programme folder and checks/, never from the
reports or the date, so the built plan is a function of the bytes the chief inspectors signed;
where each inspection stands today is the programme page's job (cjji.programme.status).
plan.md's lines keep their numbers, so a builder's finding about the
narrative points at the right line of plan.md. The metadata is report-shaped: the CJCIG chair's
inspectorate as `lead` and every criminal justice inspectorate as `inspectorates`, because CJCIG
agrees the plan (framework 7.4, 7.5).

`narrative(programme)` is the same without the generated chapters: the report gates that judge
writing (html, files, structure, spelling, style) run on it, so their findings are on plan.md.
"""

from __future__ import annotations

import re
from typing import Any

from cjji import markdown
from cjji.policy import Policy
from cjji.programme import rules
from cjji.programme.model import Plan, Programme
from cjji.programme.qualifying import failures, long_list
from cjji.programme.ranking import departures, final_programme, rank
from cjji.programme.rules import long_date, parse_date
from cjji.report import Report

DOCUMENT_TYPE = "business-plan-for-joint-inspection"  # the HTML cover reads "Business plan for joint inspection"
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~^$&#!])")


def md_escape(text: Any) -> str:
    """Plain text as Markdown inline text on one line (safe in a table cell and a heading)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _h(level: int, text: str, ident: str) -> str:
    return f"{'#' * level} {md_escape(text)} {{#{ident}}}"


def report_meta(programme: Programme, policy: Policy) -> dict[str, Any]:
    plan = programme.plan
    data = plan.data if plan else {}
    chair = data.get("chair")
    cj = policy.cj_inspectorates
    meta: dict[str, Any] = {
        "id": programme.id,
        "title": data.get("title") or f"Joint inspection business plan {programme.year}",
        "type": DOCUMENT_TYPE,
        "lead": chair if isinstance(chair, str) else (cj[0] if cj else ""),
        "inspectorates": list(cj),
        "version": data.get("version", 1),
        "keywords": data.get("keywords") or ["joint inspection", "business plan", "inspection programme"],
    }
    for key in ("subtitle", "publication", "words", "numbering"):
        if key in data:
            meta[key] = data[key]
    return meta


def _names(policy: Policy, codes: Any, short: bool = True) -> str:
    known = policy.inspectorates
    out = []
    for code in codes if isinstance(codes, list) else []:
        entry = known.get(code, {}) if isinstance(code, str) else {}
        out.append(str(entry.get("short_name" if short else "name") or code))
    return ", ".join(out)


def _process(policy: Policy, ident: Any) -> str:
    if not isinstance(ident, str):
        return ""
    return str(policy.business_processes.get(ident, {}).get("name", ident))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _key(value: Any) -> str:
    """A value used to look something up: text as it is, anything else as its text."""
    return value if isinstance(value, str) else str(value)


def _risk(programme: Programme, policy: Policy) -> str:
    given = programme.plan.data.get("risk_sources") if programme.plan else None
    given = given if isinstance(given, dict) else {}
    rows = [[md_escape(source["name"]), md_escape(given.get(ident, "Not recorded"))]
            for ident, source in rules.risk_sources(policy).items()]
    intro = ("A substantial part of our risk assessment comes from the consultation. We also drew on the other "
             "sources that framework paragraph 5.2 names. This is what each showed.")
    return intro + "\n\n" + md_table(["Source", "What it showed"], rows)


def _long_list(programme: Programme, policy: Policy) -> str:
    sources = rules.risk_sources(policy)
    rows = []
    for ident in long_list(programme, policy):
        data = programme.proposals[ident].data
        cited = [sources.get(_key(s.get("source")), {}).get("name", s.get("source"))
                 for s in _list(data.get("risk_sources")) if isinstance(s, dict)]
        rows.append([md_escape(data.get("title", ident)), md_escape(_names(policy, [data.get("lead")])),
                     md_escape(_names(policy, _others(data))),
                     md_escape(_process(policy, data.get("business_process"))), md_escape("; ".join(map(str, cited)))])
    intro = ("These proposals meet the qualifying criteria of framework paragraph 5.5: they involve two or more "
             "criminal justice inspectorates, have an identified lead criminal justice inspectorate, a clearly "
             "defined scope and purpose, and meet the key principles of public sector inspection.")
    if not rows:
        return intro + "\n\nNo proposal is on the long list."
    return intro + "\n\n" + md_table(["Proposal", "Lead", "With", "Business process", "Risk assessment sources"], rows)


def _exclusions(programme: Programme, policy: Policy) -> str:
    criteria = rules.qualifying_criteria(policy)
    rows = []
    for ident, proposal in programme.proposals.items():
        excluded = proposal.data.get("excluded")
        if isinstance(excluded, dict):
            name = criteria.get(_key(excluded.get("criterion")), {}).get("name", excluded.get("criterion"))
            rows.append([md_escape(proposal.data.get("title", ident)), md_escape(name),
                         md_escape(excluded.get("reason", ""))])
        elif failures(proposal, policy):  # not excluded, yet failing: the check says so; shown honestly
            names = ", ".join(str(criteria.get(f.criterion, {}).get("name", f.criterion))
                              for f in failures(proposal, policy))
            rows.append([md_escape(proposal.data.get("title", ident)), md_escape(names), "Not recorded"])
    intro = ("These proposals did not meet a qualifying criterion of framework paragraph 5.5, so they are not on "
             "the long list.")
    if not rows:
        return intro + "\n\nEvery proposal met the qualifying criteria."
    return intro + "\n\n" + md_table(["Proposal", "Criterion not met", "Reason"], rows)


MATRIX_COLUMNS = 8  # proposals per ratings table: more columns overflow a portrait A4 page


def _matrix(programme: Programme, policy: Policy) -> str:
    """The prioritisation matrix: the factors and their weights, the computed order, then the
    ratings with one column per proposal (by rank), split so that each table fits the page."""
    factors = rules.factors(policy)
    ranking = rank(programme, policy)
    key_rows = []
    for n, f in enumerate(factors, start=1):
        effect = ("ranked first when yes" if f.ranks_first else
                  f"{f.weight:g} per point" if f.kind == "scale" else f"adds {f.weight:g} when yes")
        key_rows.append([f"F{n}", md_escape(f.name), md_escape(rules.GROUP_NAMES.get(f.group, f.group)),
                         md_escape(effect)])
    scale = ", ".join(f"{r} = {v:g}" for r, v in rules.scale(policy).items())
    parts = [
        "Each proposal on the long list was assessed against the prioritising factors of framework paragraph "
        "5.6. The computed order uses the rating scale and weights the secretariat sets in the policy file "
        f"checks/prioritisation.yml. The scale is: {md_escape(scale)}. Weights are the secretariat's settings, not "
        "the framework's.",
        md_table(["Key", "Factor", "Group", "Weight"], key_rows),
    ]
    if ranking.order:
        first = [f for f in factors if f.ranks_first]
        order_rows = [[str(n), md_escape(programme.proposals[r.id].data.get("title", r.id)),
                       "Yes" if r.first else "No", f"{r.score:g}"] for n, r in enumerate(ranking.order, start=1)]
        parts += [_h(2, "The computed order", "programme-computed-order"),
                  md_table(["Rank", "Proposal", md_escape(first[0].name) if first else "Ranked first", "Score"],
                           order_rows),
                  _h(2, "Ratings", "programme-ratings"),
                  "Each column is a proposal, numbered by its rank in the computed order."]
        tables = -(-len(ranking.order) // MATRIX_COLUMNS)
        size = -(-len(ranking.order) // tables)  # balanced: 9 proposals make tables of 5 and 4
        for start in range(0, len(ranking.order), size):
            chunk = ranking.order[start:start + size]
            rows = [[f"F{n}", *[md_escape(r.ratings.get(f.id, "")) for r in chunk]]
                    for n, f in enumerate(factors, start=1)]
            rows.append(["Score", *[f"{r.score:g}" for r in chunk]])
            parts.append(md_table(["Factor", *[str(start + i + 1) for i in range(len(chunk))]], rows))
    if ranking.unrankable:
        titles = ", ".join(md_escape(programme.proposals[i].data.get("title", i)) for i in ranking.unrankable)
        parts.append(f"Not yet fully assessed: {titles}.")
    return "\n\n".join(parts)


def _final(programme: Programme, policy: Policy) -> str:
    ranking = rank(programme, policy)
    rows = []
    for n, ident in enumerate(final_programme(programme), start=1):
        proposal = programme.proposals.get(ident)
        data = proposal.data if proposal else {}
        position = ranking.position(ident)
        title = f"[{md_escape(data.get('title', ident))}](#inspection-{ident})" if proposal else md_escape(ident)
        rows.append([str(n), title, md_escape(_names(policy, [data.get("lead")])),
                     md_escape(_process(policy, data.get("business_process"))), str(position) if position else " "])
    parts = [
        "The chief inspectors agreed this programme using their professional judgement, informed by the "
        "consultation and the views of ministers (framework paragraph 5.7). The computed rank is each "
        "inspection's place in the prioritisation matrix.",
        md_table(["No.", "Inspection", "Lead", "Business process", "Computed rank"], rows)
        if rows else "The final programme lists no inspections yet.",
    ]
    plan = programme.plan
    recorded = plan.data.get("departures") if plan else None
    if isinstance(recorded, list) and recorded:
        dep_rows = []
        for ident, index in departures(programme).items():
            entry = recorded[index]
            title = programme.proposals[ident].data.get("title", ident) if ident in programme.proposals else ident
            decision = "Included" if ident in final_programme(programme) else "Not included"
            agreed = parse_date(entry.get("agreed"))
            dep_rows.append([md_escape(title), decision, md_escape(entry.get("reason", "")),
                             md_escape(long_date(agreed)) if agreed else " "])
        parts += [_h(2, "Where the programme departs from the computed order", "programme-departures"),
                  "Each departure records the chief inspectors' reason (framework paragraph 5.7).",
                  md_table(["Proposal", "Decision", "Reason", "Agreed"], dep_rows)]
    return "\n\n".join(parts)


def _consultation(programme: Programme, policy: Policy) -> str:
    log = programme.consultation
    if log is None:
        return "The consultation log could not be read."
    statutory = rules.consultees(policy)
    tables = {"statutory": [], "wider": []}  # type: dict[str, list[list[str]]]
    for entry in log.data.get("consultees") or []:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("kind")
        kind = kind if isinstance(kind, str) and kind in tables else "wider"
        name = entry.get("consultee", "")
        if kind == "statutory" and isinstance(name, str) and name in statutory:
            name = statutory[name].name
        response = entry.get("response")
        response = response if isinstance(response, dict) else {}
        if response.get("received"):
            said = f"{response.get('summary', '')}"
        elif response.get("not_received"):
            said = f"No response: {response['not_received']}"
        else:
            said = "Awaited"
        consulted, sent = parse_date(entry.get("consulted")), parse_date(entry.get("final_copy_sent"))
        tables[kind].append([md_escape(name), md_escape(long_date(consulted)) if consulted else " ", md_escape(said),
                             md_escape(entry.get("taken_into_account", "")) or " ",
                             md_escape(long_date(sent)) if sent else "Not yet"])
    header = ["Consultee", "Consulted", "Response", "How we took it into account", "Final copy sent"]
    parts = [_h(2, "Statutory consultation", "consultation-statutory"),
             "The Police and Justice Act 2006 requires each criminal justice chief inspector to consult the relevant "
             "ministers and named bodies before preparing the programme (framework paragraph 4.2), and to send each "
             "of them a copy once prepared (paragraph 4.3).",
             md_table(header, tables["statutory"]) if tables["statutory"] else "No statutory consultation is recorded.",
             _h(2, "Wider consultation", "consultation-wider"),
             "We also circulated the draft business plan to other statutory and voluntary organisations with a "
             "direct interest, for comment and contributions to inform the final selection (paragraphs 4.4 and 4.5).",
             md_table(header, tables["wider"]) if tables["wider"] else "No wider consultation is recorded."]
    return "\n\n".join(parts)


def _others(data: dict[str, Any]) -> list[Any]:
    """The inspectorates taking part besides the lead."""
    listed = data.get("inspectorates")
    return [c for c in listed if c != data.get("lead")] if isinstance(listed, list) else []


def _inspections(programme: Programme, policy: Policy) -> str:
    parts = []
    for ident in final_programme(programme):
        proposal = programme.proposals.get(ident)
        if proposal is None:
            continue
        data = proposal.data
        parts += [_h(2, str(data.get("title", ident)), f"inspection-{ident}"),
                  f"Led by {md_escape(_names(policy, [data.get('lead')], short=False))}, with "
                  f"{md_escape(_names(policy, _others(data), short=False))}. "
                  f"Business process: {md_escape(_process(policy, data.get('business_process')))}.",
                  f"**Scope.** {md_escape(data.get('scope', ''))}",
                  f"**Purpose.** {md_escape(data.get('purpose', ''))}"]
    return "\n\n".join(parts) if parts else "The final programme lists no inspections yet."


def generated_markdown(programme: Programme, policy: Policy) -> str:
    """The generated chapters, in the report dialect (cjji.markdown): no raw HTML, escaped text."""
    chapters = [
        (_h(1, "Risk assessment", "programme-risk"), _risk(programme, policy)),
        (_h(1, "The long list", "programme-long-list"), _long_list(programme, policy)),
        (_h(1, "Proposals not taken forward", "programme-exclusions"), _exclusions(programme, policy)),
        (_h(1, "Prioritisation", "programme-prioritisation"), _matrix(programme, policy)),
        (_h(1, "The final programme", "programme-final"), _final(programme, policy)),
        (_h(1, "Consultation", "programme-consultation"), _consultation(programme, policy)),
        (_h(1, "The inspections in the programme", "programme-inspections"), _inspections(programme, policy)),
    ]
    return "\n\n".join(f"{heading}\n\n{body}" for heading, body in chapters) + "\n"


def _report(programme: Programme, policy: Policy, plan: Plan, extra_markdown: str) -> Report:
    text = plan.text.rstrip("\n") + "\n"
    tokens = list(plan.tokens)
    if extra_markdown:
        first_line = text.count("\n") + 1  # 0-based line where the generated chapters start
        text += "\n" + extra_markdown
        extra = markdown.parse(extra_markdown)
        for token in extra:
            if token.map:
                token.map = [token.map[0] + first_line, token.map[1] + first_line]
        tokens += extra
    return Report(programme.dir, plan.path, plan.display, text, report_meta(programme, policy),
                  plan.positions, plan.body_start, tokens)


def narrative(programme: Programme, policy: Policy) -> Report | None:
    """plan.md alone, report-shaped: what the writing gates judge."""
    return _report(programme, policy, programme.plan, "") if programme.plan else None


def document(programme: Programme, policy: Policy) -> Report | None:
    """The whole plan, narrative then generated chapters: what the builders build."""
    if programme.plan is None:
        return None
    return _report(programme, policy, programme.plan, generated_markdown(programme, policy))
