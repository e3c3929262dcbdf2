"""Sign-off of the business plan: the same statements, keys and verification as reports (cjji.signoff),
bound to the content of the whole programme folder (plan.md, proposals/, consultation.yml; the
`signoffs/` folder inside it is left out of the digest as for reports).

Who must sign is policy: the `programme:` section of checks/gatekeepers.yml, in the same form as
its `required:` list. There `of: lead` means the inspectorate whose chief inspector chairs CJCIG
this year (plan.md `chair`, framework 7.5) and `of: participating` every criminal justice
inspectorate, since CJCIG agrees the plan (7.4): the chair approves, with the other chief
inspectors. `example_years` lets the fictional example gatekeepers sign the worked example only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cjji import digest as content
from cjji import signoff
from cjji.findings import Finding, error
from cjji.policy import Policy
from cjji.programme.document import report_meta
from cjji.programme.model import Programme

GATE = "signoffs"


def programme_policy(policy: Policy) -> dict[str, Any] | None:
    data = policy.get("gatekeepers") or {}
    section = data.get("programme") if isinstance(data, dict) else None
    return section if isinstance(section, dict) else None


def plan_registry(programme: Programme, policy: Policy) -> signoff.Registry | None:
    """The gatekeeper registry with the programme's required roles, or None without a policy."""
    section = programme_policy(policy)
    if section is None:
        return None
    reg = signoff.registry(policy)
    examples = list(reg.example_reports)
    if programme.year in [str(y) for y in section.get("example_years", [])]:
        examples.append(programme.id)
    return dataclasses.replace(reg, required=list(section.get("required", [])), example_reports=examples)


def required_roles(programme: Programme, policy: Policy) -> list[str]:
    reg = plan_registry(programme, policy)
    if reg is None:
        return []
    return signoff.required_roles(report_meta(programme, policy), policy, reg)


def plan_status(programme: Programme, policy: Policy, now: dt.datetime | None = None,
                landing: Any = None) -> signoff.ReportStatus | None:
    """Every required role's state for the plan (cjji.signoff.report_status, with the programme's roles)."""
    reg = plan_registry(programme, policy)
    if reg is None:
        return None
    meta = report_meta(programme, policy)
    version = meta.get("version")
    roles = [signoff.RoleStatus(r, "missing", r in reg.roles, reg.roles[r].name if r in reg.roles else "")
             for r in signoff.required_roles(meta, policy, reg)]
    status = signoff.ReportStatus(programme.id, version, None, roles, [])
    try:
        status.digest = content.digest(programme.dir)
    except content.DigestError as exc:
        status.error = str(exc)
        return status
    schema_path = policy.root / "schemas" / "signoff.schema.json"
    by_role = {r.role: r for r in roles}
    for path in signoff.statement_files(programme.dir):
        verdict = signoff.check_statement(path, programme.id, version, status.digest, reg, schema_path,
                                          now or signoff.utc_now(), landing)
        target = by_role.get(verdict.role)
        (target.verdicts if target is not None else status.others).append(verdict)
    for role in roles:
        best = role.best
        role.state = best.state if best else "missing"
    return status


def findings(programme: Programme, policy: Policy, now: dt.datetime | None = None,
             landing: Any = None) -> list[Finding]:
    """What stops publication: each required role not validly signed for the current content."""
    where = programme.plan.display if programme.plan else str(programme.dir)
    status = plan_status(programme, policy, now, landing)
    if status is None:
        return [error(GATE, "no-policy", "checks/gatekeepers.yml", 0, 0,
                      "checks/gatekeepers.yml has no `programme:` section, so no one can sign off the business plan",
                      "add programme: {required: [{kind: chief-inspector, of: lead}, "
                      "{kind: chief-inspector, of: participating}]}")]
    if status.error:
        return [error(GATE, "digest", where, 0, 0, f"the programme folder cannot be digested: {status.error}")]
    found = []
    for role in status.roles:
        if role.state == "signed":
            continue
        best = role.best
        why = {"missing": "has not signed off", "stale": "signed an earlier version of the content",
               "invalid": "has a sign-off that is refused", "unconfirmed": "has a sign-off not yet confirmed"}[role.state]
        detail = f": {best.reason}" if best is not None and best.reason and role.state != "stale" else ""
        if role.state == "stale" and best is not None and best.changed:
            detail = f" (changed since: {', '.join(best.changed[:5])})"
        found.append(error(GATE, role.state, where, 0, 0,
                           f"{role.title or role.role} {why}{detail}",
                           f"cjji programme sign {programme.year} --role {role.role} --key <your key>"))
    for verdict in status.invalid:
        if verdict.role not in {r.role for r in status.roles}:
            found.append(error(GATE, "invalid", str(verdict.path), 0, 0, f"refused sign-off: {verdict.reason}"))
    return found
