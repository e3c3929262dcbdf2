"""[signoffs] Every required gatekeeper has signed exactly this content; no sign-off is forged.

Drafts (`cjji check`): the status is information and never fails the check. Publishing
(`cjji check --for-publication`): a missing, stale or invalid sign-off is an error.

Unlike the other gates this one reads beyond report.md: the content digest covers every file in
the report folder, the statements in signoffs/ are verified with ssh-keygen (a review record
only if the sign-off workflow's key signed it), and a delegate's signing time is the time the
statement landed on the protected branch (git history), never the time it claims; until it
lands it is "unconfirmed", which publishing refuses.
"""

from __future__ import annotations

from cjji.findings import Finding, Severity
from cjji.gates.base import Context, Gate
from cjji.report import Report, display_path
from cjji.signoff import (
    ReportStatus,
    RoleStatus,
    SignoffError,
    Verdict,
    registry,
    registry_problems,
    report_status,
)

ID = "signoffs"


def _sign_hint(report: Report, role: str) -> str:
    return (f"the gatekeeper approves the pull request, or runs `cjji sign {display_path(report.dir)} "
            f"--role {role} --key ~/.ssh/id_ed25519`; `cjji status` shows every sign-off")


def _role_finding(report: Report, role: RoleStatus, severity: Severity) -> Finding | None:
    line, col = report.where(("inspectorates",), key=True)
    best = role.best
    if not role.known:
        return Finding(report.display, line, col, severity, ID, "unknown-role",
                       f"the policy requires a sign-off in the role '{role.role}', but "
                       "checks/gatekeepers.yml has no such role",
                       "the secretariat adds the role and its holder to checks/gatekeepers.yml")
    if role.state == "missing" or best is None:
        return Finding(report.display, line, col, severity, ID, "missing",
                       f"no sign-off yet from the {role.title} ({role.role})",
                       _sign_hint(report, role.role))
    if role.state == "stale":
        return Finding(display_path(best.path), 0, 0, severity, ID, "stale",
                       f"the sign-off by {best.identity} as {role.role} ({best.signed_at}) is stale: "
                       f"changed since: {', '.join(best.changed)}",
                       "the gatekeeper checks the changes and signs the current content again")
    if role.state == "invalid":
        return _invalid(best, severity)
    if role.state == "unconfirmed":
        return Finding(display_path(best.path), 0, 0, severity, ID, "unconfirmed",
                       f"the sign-off by {best.identity} as {role.role} counts only once its time is "
                       f"confirmed: {best.reason}. The time it claims ({best.claimed_at}) is the "
                       "signer's own and is not trusted",
                       "merge it to the main branch while the delegation lasts; it then counts from "
                       "the time it landed")
    return None


def _invalid(verdict: Verdict, severity: Severity) -> Finding:
    return Finding(display_path(verdict.path), 0, 0, severity, ID, "invalid",
                   f"this sign-off is refused: {verdict.reason}",
                   "delete it; only the gatekeeper can sign again (`cjji sign` or an approving review)")


def findings_for(report: Report, status: ReportStatus, for_publication: bool) -> list[Finding]:
    severity: Severity = "error" if for_publication else "info"
    if status.error:
        return [Finding(report.display, 0, 0, severity, ID, "digest",
                        f"the report folder cannot be digested for sign-off: {status.error}")]
    decisive = {id(r.best) for r in status.roles if r.state == "invalid"}
    refused = [_invalid(v, severity) for v in status.invalid if id(v) not in decisive]
    if for_publication:
        found = [f for f in (_role_finding(report, r, severity) for r in status.roles) if f]
        return found + refused
    return [_summary(report, status)] + [_invalid(v, "info") for v in status.invalid]


def _summary(report: Report, status: ReportStatus) -> Finding:
    """Drafts: one line of information, so `make check` stays short; `cjji status` has details."""
    total = len(status.roles)
    if all(r.state == "signed" for r in status.roles):
        names = ", ".join(f"{r.role} ({r.best.identity})" for r in status.roles if r.best)
        return Finding(report.display, 0, 0, "info", ID, "signed",
                       f"all {total} required sign-offs are valid: {names}")
    signed = sum(r.state == "signed" for r in status.roles)
    parts = [f"{state}: " + ", ".join(r.role for r in status.roles if r.state == state)
             for state in ("missing", "unconfirmed", "stale", "invalid")
             if any(r.state == state for r in status.roles)]
    line, col = report.where(("inspectorates",), key=True)
    return Finding(report.display, line, col, "info", ID, "status",
                   f"{signed} of {total} required sign-offs valid ({'; '.join(parts)}); "
                   "publishing needs all of them",
                   "`cjji status` shows who signed what and what changed since; gatekeepers sign by "
                   "approving the pull request or with `cjji sign`")


def run(report: Report, context: Context) -> list[Finding]:
    severity: Severity = "error" if context.for_publication else "info"
    try:
        status = report_status(report.dir, report.meta, context.policy)
    except SignoffError as exc:
        return [Finding(report.display, 0, 0, severity, ID, "cannot-verify", str(exc))]
    policy_file = display_path(context.policy.root / "checks" / "gatekeepers.yml")
    problems = [Finding(policy_file, 0, 0, severity, ID, "registry", problem,
                        "the secretariat corrects checks/gatekeepers.yml or checks/allowed_signers")
                for problem in registry_problems(registry(context.policy), context.policy)]
    return problems + findings_for(report, status, context.for_publication)


GATE = Gate(ID, "Gatekeeper sign-offs: signed, for this exact content, by the holder of each required role "
                "(errors only with --for-publication)", run)
