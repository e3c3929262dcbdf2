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
from pathlib import Path
from typing import Any

from cjji import digest as content
from cjji import resources, signoff
from cjji.atomic import write_bytes
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
    schema_path = resources.schema("signoff.schema.json")  # cjji's own format: the installed copy
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
               "invalid": "has a sign-off that is refused",
               "unconfirmed": "has a sign-off not yet confirmed"}[role.state]
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


class PlanSignError(Exception):
    """Signing refused; the message says why in plain English."""


def sign_plan(programme: Programme, policy: Policy, role: str, key: Path, identity: str | None = None,
              now: dt.datetime | None = None) -> tuple[Path, str]:
    """Sign off the programme folder's current content in `role` with an SSH key, as `cjji sign` does
    for a report. Writes signoffs/<role>--<identity>.json and its .sig; returns (path, summary)."""
    reg = plan_registry(programme, policy)
    if reg is None:
        raise PlanSignError("checks/gatekeepers.yml has no `programme:` section, so no one can sign the plan")
    if programme.plan is None:
        raise PlanSignError(f"{programme.dir}/plan.md cannot be read; run `cjji programme check {programme.year}`")
    if role not in reg.roles:
        raise PlanSignError(f"'{role}' is not a role in checks/gatekeepers.yml; the roles are: " + ", ".join(reg.roles))
    meta = report_meta(programme, policy)
    needed = signoff.required_roles(meta, policy, reg)
    if role not in needed:
        raise PlanSignError(f"the {programme.year} plan does not need a sign-off in the role {role}; it needs: "
                            + ", ".join(needed))
    try:
        if identity is None:
            found = signoff.key_identities(signoff.public_key_of(key), reg.allowed_signers)
            if len(found) != 1:
                raise PlanSignError(f"checks/allowed_signers lists {'no one' if not found else ', '.join(found)} "
                                    f"for the key {key}; pass --identity, or ask the secretariat to add your key")
            identity = found[0]
        holder = reg.holders.get(identity)
        if holder is None:
            raise PlanSignError(f"{identity} is not a gatekeeper in checks/gatekeepers.yml")
        moment = now or signoff.utc_now()
        authority = reg.authority(identity, role, moment, programme.id)
        if not authority.ok:
            raise PlanSignError(f"you cannot sign in this role: {authority.how}")
        current = content.digest(programme.dir)
        data = signoff.dump(signoff.statement(programme.id, meta.get("version"), str(meta.get("title", "")),
                                              role, holder, current, moment))
        sig = signoff.sign_bytes(data, key)
        problem = signoff.verify_bytes(data, sig, identity, reg.allowed_signers)
    except (signoff.SignoffError, content.DigestError, OSError) as exc:
        raise PlanSignError(str(exc)) from None
    if problem:
        raise PlanSignError(f"nothing was written: {problem}. Is the key the one listed for {identity}?")
    path = programme.dir / content.SIGNOFFS / signoff.statement_name(role, identity, signoff.SIGNED)
    write_bytes(path.with_name(path.name + ".sig"), sig)
    write_bytes(path, data)
    return path, (f"signed the {programme.year} plan version {meta.get('version')} as {role} ({identity}, "
                  f"{authority.how}) at {signoff.utc_text(moment)}; content {current.value}")
