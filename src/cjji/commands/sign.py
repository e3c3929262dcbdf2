"""`cjji sign REPORT --role ROLE --key PATH`: sign off a report version with an SSH key."""

from __future__ import annotations

from pathlib import Path

import click

from cjji.atomic import write_bytes
from cjji.commands.options import open_project, root_option, signing_options
from cjji.digest import SIGNOFFS, DigestError, digest
from cjji.findings import format_human
from cjji.report import LoadError, display_path, load
from cjji.signoff import (
    SIGNED,
    SignoffError,
    dump,
    key_identities,
    public_key_of,
    registry,
    required_roles,
    sign_bytes,
    statement,
    statement_name,
    utc_now,
    utc_text,
    verify_bytes,
)


@click.command("sign")
@click.argument("report", type=click.Path(path_type=Path))
@signing_options("chief-inspector-HMCPSI")
@root_option
def command(report: Path, role: str, key: Path, identity: str | None, root: Path | None) -> None:
    """Sign off the current content of REPORT in ROLE.

    Writes signoffs/ROLE--IDENTITY.json (the statement: report id, version, content digest, role,
    identity, UTC time) and its .sig (ssh-keygen -Y sign) into the report folder. Commit both.
    Any later change to the report's files makes the sign-off stale.
    """
    _, policy = open_project(root, use_cache=False)
    try:
        loaded = load(report)
    except LoadError as exc:
        click.echo(format_human(exc.finding), err=True)
        raise SystemExit(1) from None
    reg = registry(policy)
    if role not in reg.roles:
        raise click.BadParameter(f"'{role}' is not a role in checks/gatekeepers.yml; the roles are: "
                                 + ", ".join(reg.roles), param_hint="--role")
    required = required_roles(loaded.meta, policy, reg)
    if role not in required:
        raise click.BadParameter(f"{loaded.id} does not need a sign-off in the role {role}; it needs: "
                                 + ", ".join(required), param_hint="--role")
    try:
        if identity is None:
            found = key_identities(public_key_of(key), reg.allowed_signers)
            if len(found) != 1:
                raise click.ClickException(
                    f"checks/allowed_signers lists {'no one' if not found else ', '.join(found)} for "
                    f"the key {key}; pass --identity, or ask the secretariat to add your public key")
            identity = found[0]
        holder = reg.holders.get(identity)
        if holder is None:
            raise click.ClickException(f"{identity} is not a gatekeeper in checks/gatekeepers.yml")
        now = utc_now()
        authority = reg.authority(identity, role, now, loaded.id)
        if not authority.ok:
            raise click.ClickException(f"you cannot sign in this role: {authority.how}")
        current = digest(loaded.dir)
        data = dump(statement(loaded.id, loaded.meta.get("version"), str(loaded.meta.get("title", "")),
                              role, holder, current, now))
        sig = sign_bytes(data, key)
        problem = verify_bytes(data, sig, identity, reg.allowed_signers)
    except (SignoffError, DigestError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    if problem:
        raise click.ClickException(f"nothing was written: {problem}. Is --key the key the secretariat "
                                   f"listed for {identity} in checks/allowed_signers?")
    path = loaded.dir / SIGNOFFS / statement_name(role, identity, SIGNED)
    write_bytes(path.with_name(path.name + ".sig"), sig)
    write_bytes(path, data)
    click.echo(f"signed {loaded.id} version {loaded.meta.get('version')} as {role} ({identity}, "
               f"{authority.how}) at {utc_text(now)}\n"
               f"content {current.value}\n"
               f"wrote {display_path(path)} and its .sig: commit both")
    if role not in holder.roles:  # a delegate: the time that counts is the merge, not this one
        ends = [d.valid_until for d in reg.delegations if d.delegate == identity and d.role == role]
        click.echo(f"note: as a delegate, this sign-off counts from the time it lands on the {reg.branch} "
                   f"branch (the merge), not from the time written in it: merge it before your delegation "
                   f"ends ({max(ends) if ends else 'see checks/gatekeepers.yml'}), Europe/London")
