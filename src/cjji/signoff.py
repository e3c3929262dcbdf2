"""Gatekeeper sign-offs: the statement, signing and verifying it, the registry and who must sign.

A sign-off is a JSON statement in `reports/<id>/signoffs/` binding a role, an identity and a UTC
time to the report's id, version and content digest (cjji.digest). It is either

- signed: `<role>--<identity>.json` with `<role>--<identity>.json.sig`, made by
  `ssh-keygen -Y sign -n cjji-report-signoff` and verified against checks/allowed_signers; or
- a review record: `<role>--<identity>.review.json` with `<role>--<identity>.review.json.sig`,
  written by the sign-off workflow when a gatekeeper approves the pull request's head commit, and
  signed by the workflow's own key (a CI secret) under the namespace `cjji-review-record`. The
  key is listed in checks/allowed_signers for that namespace only, and its identity is a
  `recorders:` entry in checks/gatekeepers.yml. The record binds the reviewer's login, the pull
  request, the reviewed head commit and the content digest. An unsigned record counts for nothing.

Who holds which role, and the delegations (framework section 9), are in checks/gatekeepers.yml.

The signing time that decides a delegation is one the signer does not control (`trusted_time`):
for an SSH statement, the time of the first commit on the first-parent history of the protected
branch (`signing: {branch: main}`) that holds both the statement and its signature, byte for
byte; for a review record, the review's time as GitHub reported it to the workflow. The time a
statement claims is shown, never trusted: a delegate's sign-off that has not landed yet is
"unconfirmed" and does not count for publication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from cjji import digest as content
from cjji import resources
from cjji.policy import Policy
from cjji.run import memo as run_memo
from cjji.schemacheck import load_schema, validator

NAMESPACE = "cjji-report-signoff"
REVIEW_NAMESPACE = "cjji-review-record"
FORMAT = "cjji-signoff/1"
SIGNED = "ssh-signature"
REVIEW = "github-review"
ALLOWED_SIGNERS = Path("checks") / "allowed_signers"
LONDON = ZoneInfo("Europe/London")
CLOCK_SKEW = dt.timedelta(minutes=5)
DEFAULT_BRANCH = "main"
DEFAULT_MAX_CLAIM_AGE_DAYS = 90
FORGE_NOTE = (
    "This record is not signed by the gatekeeper's key. GitHub reported to the sign-off workflow "
    "that the reviewer approved the pull request at the commit named below; the workflow computed "
    "the content digest from that commit's tree and signed this record with its own key (the "
    "recorder, namespace cjji-review-record in checks/allowed_signers)."
)

State = Literal["signed", "unconfirmed", "stale", "invalid", "missing"]


class SignoffError(Exception):
    """Signing or verifying could not be done at all (no ssh-keygen, unreadable key, ...)."""


# --- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    id: str
    kind: str
    name: str
    inspectorate: str | None = None


@dataclass(frozen=True)
class Holder:
    identity: str
    name: str
    roles: tuple[str, ...]
    github: str | None = None
    example: bool = False


@dataclass(frozen=True)
class Delegation:
    delegate: str
    role: str
    valid_from: dt.date
    valid_until: dt.date  # included
    delegated_by: str

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.valid_from, dt.time(), LONDON)

    @property
    def ends(self) -> dt.datetime:  # exclusive: the start of the day after valid_until
        return dt.datetime.combine(self.valid_until + dt.timedelta(days=1), dt.time(), LONDON)


@dataclass(frozen=True)
class Recorder:
    """The sign-off workflow's key: it signs review records, nothing else."""

    identity: str
    name: str
    example: bool = False


@dataclass(frozen=True)
class Authority:
    ok: bool
    how: str  # "holds the role" / "delegated by ... (valid ...)" / the reason it is refused
    pending: bool = False  # a delegate whose signing time is not yet confirmed (not landed)


@dataclass
class Registry:
    roles: dict[str, Role]
    holders: dict[str, Holder]
    delegations: list[Delegation]
    required: list[dict[str, str]]
    example_reports: list[str]
    allowed_signers: Path
    recorders: dict[str, Recorder] = field(default_factory=dict)
    branch: str = DEFAULT_BRANCH
    max_claim_age: dt.timedelta = dt.timedelta(days=DEFAULT_MAX_CLAIM_AGE_DAYS)

    def by_github(self, login: str) -> Holder | None:
        for holder in self.holders.values():
            if holder.github and holder.github.lower() == login.lower():
                return holder
        return None

    def role_for(self, kind: str, inspectorate: str) -> str:
        for role in self.roles.values():
            if role.kind == kind and role.inspectorate == inspectorate:
                return role.id
        return f"{kind}-{inspectorate}"  # not in the registry: reported as such

    def authority(self, identity: str, role: str, at: dt.datetime | None, report_id: str,
                  now: dt.datetime | None = None) -> Authority:
        """May `identity` sign for `role` at the trusted time `at`? Says why not, in plain English.

        `at` None: the signing time is not known to anyone but the signer (the statement has not
        landed on the protected branch). A role holder still holds the role; a delegate's
        sign-off is then `pending` while the delegation lasts (it will be judged at the time it
        lands, which is after `now`) and refused once it has ended."""
        holder = self.holders.get(identity)
        if holder is None:
            return Authority(False, f"{identity} is not a gatekeeper in checks/gatekeepers.yml")
        if holder.example and report_id not in self.example_reports:
            return Authority(False, f"{identity} is a fictional example gatekeeper whose private key "
                                    "is published; example sign-offs are refused for real reports")
        if role not in self.roles:
            return Authority(False, f"there is no role '{role}' in checks/gatekeepers.yml")
        if role in holder.roles:
            return Authority(True, "holds the role")
        refusals = []
        for d in self.delegations:
            if d.delegate != identity or d.role != role:
                continue
            grantor = self.holders.get(d.delegated_by)
            if grantor is None or role not in grantor.roles:
                refusals.append(f"the delegation of {role} to {identity} was granted by "
                                f"{d.delegated_by}, who does not hold that role")
            elif at is None:
                if (now or utc_now()) >= d.ends:
                    refusals.append(f"the delegation of {role} to {identity} expired after "
                                    f"{d.valid_until}, and this sign-off has not landed on the "
                                    f"{self.branch} branch (the time it claims is not trusted)")
                else:
                    return Authority(True, f"delegated by {d.delegated_by}, valid {d.valid_from} to "
                                           f"{d.valid_until}; not confirmed until it lands on the "
                                           f"{self.branch} branch inside that window", pending=True)
            elif at < d.starts:
                refusals.append(f"the delegation of {role} to {identity} is not valid until "
                                f"{d.valid_from} (signed at {utc_text(at)})")
            elif at >= d.ends:
                refusals.append(f"the delegation of {role} to {identity} expired after "
                                f"{d.valid_until} (signed at {utc_text(at)})")
            else:
                return Authority(True, f"delegated by {d.delegated_by}, valid {d.valid_from} to "
                                       f"{d.valid_until}")
        if refusals:
            return Authority(False, "; ".join(refusals))
        return Authority(False, f"{identity} does not hold the role {role} and has no delegation for it")


def registry(policy: Policy) -> Registry:
    data = policy.get("gatekeepers") or {}
    roles = {r["id"]: Role(r["id"], r["kind"], r["name"], r.get("inspectorate"))
             for r in data.get("roles", [])}
    holders = {h["identity"]: Holder(h["identity"], h["name"], tuple(h.get("roles", [])),
                                     h.get("github"), bool(h.get("example")))
               for h in data.get("holders", [])}
    delegations = [Delegation(d["delegate"], d["role"], dt.date.fromisoformat(d["valid_from"]),
                              dt.date.fromisoformat(d["valid_until"]), d["delegated_by"])
                   for d in data.get("delegations", [])]
    recorders = {r["identity"]: Recorder(r["identity"], r.get("name", r["identity"]), bool(r.get("example")))
                 for r in data.get("recorders", [])}
    signing = data.get("signing") or {}
    return Registry(roles, holders, delegations, list(data.get("required", [])),
                    list(data.get("example_reports", [])), policy.root / ALLOWED_SIGNERS, recorders,
                    str(signing.get("branch", DEFAULT_BRANCH)),
                    dt.timedelta(days=int(signing.get("max_claim_age_days", DEFAULT_MAX_CLAIM_AGE_DAYS))))


def registry_problems(reg: Registry, policy: Policy) -> list[str]:
    """Cross-references a schema cannot check: unknown roles, codes, people and missing keys."""
    problems = []
    known_codes = set(policy.inspectorates)
    for role in reg.roles.values():
        if role.inspectorate and role.inspectorate not in known_codes:
            problems.append(f"role {role.id}: '{role.inspectorate}' is not a code in checks/inspectorates.yml")
    try:
        signers = reg.allowed_signers.read_text(encoding="utf-8")
    except OSError:
        signers = ""
        problems.append("checks/allowed_signers is missing")
    entries = signer_entries(signers)
    listed = {p for principals, _ in entries for p in principals}
    for principals, namespaces in entries:
        who = ", ".join(principals)
        is_recorder = any(p in reg.recorders for p in principals)
        if namespaces is None:
            problems.append(f"checks/allowed_signers: the key of {who} has no namespaces= option, so it "
                            f"could sign anything; add namespaces=\"{REVIEW_NAMESPACE if is_recorder else NAMESPACE}\"")
        elif is_recorder and namespaces != [REVIEW_NAMESPACE]:
            problems.append(f"checks/allowed_signers: the sign-off workflow's key ({who}) must be listed "
                            f"with namespaces=\"{REVIEW_NAMESPACE}\" only, so it cannot sign as a gatekeeper")
        elif not is_recorder and REVIEW_NAMESPACE in namespaces:
            problems.append(f"checks/allowed_signers: {who} is not a recorder in checks/gatekeepers.yml, "
                            f"so its key must not have the namespace {REVIEW_NAMESPACE}")
    for recorder in reg.recorders.values():
        if recorder.identity not in listed:
            problems.append(f"recorder {recorder.identity} has no key in checks/allowed_signers, so "
                            "no pull-request approval can be recorded")
        if recorder.identity in reg.holders:
            problems.append(f"recorder {recorder.identity} is also a gatekeeper; give the workflow "
                            "its own identity")
    for holder in reg.holders.values():
        problems += [f"holder {holder.identity}: there is no role '{r}'" for r in holder.roles
                     if r not in reg.roles]
        if holder.identity not in listed and not holder.github:
            problems.append(f"holder {holder.identity} has neither a key in checks/allowed_signers "
                            "nor a GitHub login, so cannot sign")
    for d in reg.delegations:
        if d.role not in reg.roles:
            problems.append(f"delegation to {d.delegate}: there is no role '{d.role}'")
        if d.delegate not in reg.holders:
            problems.append(f"delegation of {d.role}: the delegate {d.delegate} is not in holders")
        if d.valid_until < d.valid_from:
            problems.append(f"delegation of {d.role} to {d.delegate} ends before it starts")
    for rule in reg.required:
        if "role" in rule and rule["role"] not in reg.roles:
            problems.append(f"required: there is no role '{rule['role']}'")
        if "kind" in rule and not any(r.kind == rule["kind"] for r in reg.roles.values()):
            problems.append(f"required: no role has the kind '{rule['kind']}'")
    return problems


def signer_entries(text: str) -> list[tuple[list[str], list[str] | None]]:
    """(principals, namespaces or None when unrestricted) of each line of an allowed_signers file."""
    out: list[tuple[list[str], list[str] | None]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        principals = line.split()[0].split(",")
        found = re.search(r'(?:^|[\s,])namespaces="([^"]*)"', line, re.I)
        namespaces = [n for n in found.group(1).split(",") if n] if found else None
        out.append((principals, namespaces))
    return out


def required_roles(meta: dict[str, Any], policy: Policy, reg: Registry) -> list[str]:
    """The roles that must sign this report, from its metadata and the policy's `required` rules."""
    lead = meta.get("lead")
    listed = meta.get("inspectorates")
    participating = [c for c in (listed if isinstance(listed, list) else []) if isinstance(c, str)]
    if isinstance(lead, str) and lead not in participating:
        participating.insert(0, lead)
    cj = set(policy.cj_inspectorates)
    roles: list[str] = []
    for rule in reg.required:
        if "role" in rule:
            found = [rule["role"]]
        elif rule.get("of") == "lead":
            found = [reg.role_for(rule["kind"], lead)] if isinstance(lead, str) else []
        else:
            found = [reg.role_for(rule["kind"], c) for c in participating if c in cj]
        roles.extend(r for r in found if r not in roles)
    return roles


# --- time ---------------------------------------------------------------------------------------


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def utc_text(moment: dt.datetime) -> str:
    """UTC ISO 8601 with a Z, to the second: 2026-11-26T11:04:05Z."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the time {text} has no time zone")
    return moment


# --- the statement ------------------------------------------------------------------------------


def statement(report_id: str, version: Any, title: str, role: str, holder: Holder,
              digest: content.Digest, signed_at: dt.datetime, method: str = SIGNED,
              review: dict[str, Any] | None = None, recorder: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "method": method,
        "report": report_id,
        "title": title,
        "version": version,
        "role": role,
        "identity": holder.identity,
        "name": holder.name,
        "signed_at": utc_text(signed_at),
        "content_digest": digest.value,
        "files": dict(sorted(digest.files.items())),
    }
    if method == SIGNED:
        data["namespace"] = NAMESPACE
    else:
        data["namespace"] = REVIEW_NAMESPACE
        data["recorder"] = recorder
        data["authentication"] = FORGE_NOTE
        data["review"] = review or {}
    return data


def dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def statement_name(role: str, identity: str, method: str) -> str:
    safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in identity)
    return f"{role}--{safe}" + (".json" if method == SIGNED else ".review.json")


# --- ssh-keygen ---------------------------------------------------------------------------------


def _ssh_keygen(args: list[str], data: bytes, *, interactive: bool = False) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise SignoffError("ssh-keygen is not installed (Debian package openssh-client); "
                           "run `bash scripts/setup-system.sh`")
    return subprocess.run([exe, *args], input=data, capture_output=not interactive,
                          stdout=subprocess.PIPE if interactive else None, check=False)


def sign_bytes(data: bytes, key: Path, namespace: str = NAMESPACE) -> bytes:
    """Sign `data` with an SSH private key (or a .pub whose private half is in ssh-agent)."""
    if not key.is_file():
        raise SignoffError(f"the key file {key} does not exist")
    if key.suffix != ".pub" and key.stat().st_mode & 0o077:  # ssh-keygen ignores such a key
        raise SignoffError(f"the private key {key} can be read by other users, so ssh-keygen will not use "
                           f"it; make it yours alone with `chmod 600 {key}` and sign again")
    result = _ssh_keygen(["-Y", "sign", "-q", "-f", str(key), "-n", namespace], data, interactive=True)
    if result.returncode != 0 or not result.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----"):
        raise SignoffError(f"ssh-keygen could not sign with {key} (wrong passphrase, or not an SSH "
                           "private key?)")
    return result.stdout


# Kept for the run (cjji.run.memo), never the process: a verified signature, git's answers.
VERIFIED = "signoff.verified"  # (data, sig, allowed_signers, identity, namespace) -> reason or ''


def verify_bytes(data: bytes, sig: bytes, identity: str, allowed_signers: Path,
                 namespace: str = NAMESPACE) -> str:
    """'' if `sig` is `identity`'s signature of `data` under `namespace`; else the reason."""
    try:
        signers = allowed_signers.read_bytes()
    except OSError:
        return f"{allowed_signers} is missing, so no signature can be verified"
    key = (data, sig, signers, identity, namespace)
    verified: dict[tuple[bytes, bytes, bytes, str, str], str] = run_memo(VERIFIED)
    if key not in verified:
        verified[key] = _verify(data, sig, identity, allowed_signers, namespace)
    return verified[key]


def _verify(data: bytes, sig: bytes, identity: str, allowed_signers: Path, namespace: str) -> str:
    with tempfile.TemporaryDirectory(prefix="cjji-verify-") as tmp:
        sig_path = Path(tmp) / "statement.sig"
        sig_path.write_bytes(sig)
        ok = _ssh_keygen(["-Y", "verify", "-f", str(allowed_signers), "-I", identity,
                          "-n", namespace, "-s", str(sig_path)], data)
        if ok.returncode == 0:
            return ""
        intact = _ssh_keygen(["-Y", "check-novalidate", "-n", namespace, "-s", str(sig_path)], data)
        if intact.returncode != 0:
            return ("the statement does not match its signature: it was changed after it was "
                    "signed, or the signature was made for something else")
        owners = _ssh_keygen(["-Y", "find-principals", "-f", str(allowed_signers),
                              "-s", str(sig_path)], b"")
        names = owners.stdout.decode("utf-8", "replace").split() if owners.returncode == 0 else []
        if names:
            return (f"the statement names {identity}, but it was signed with the key of "
                    f"{', '.join(names)}")
        return (f"it was signed with a key that checks/allowed_signers does not list for "
                f"{identity} in the namespace {namespace} (or for anyone)")


# --- the trusted signing time ----------------------------------------------------------------------


@dataclass(frozen=True)
class Landing:
    """Where a signed statement first appeared on the protected branch, and when."""

    commit: str
    at: dt.datetime  # the committer time of that first-parent commit (set by GitHub on merge)


# (path of the statement, its bytes, its signature's bytes) -> the Landing, or None
LandingLookup = Callable[[Path, bytes, bytes], "Landing | None"]


def git_blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes (`git hash-object`), without running git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _git(cwd: Path, *args: str) -> str | None:
    exe = shutil.which("git")
    if exe is None:
        return None
    try:
        result = subprocess.run([exe, "-C", str(cwd), "-c", "core.quotePath=false", *args],
                                capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.decode("utf-8", "surrogateescape") if result.returncode == 0 else None


def branch_ref(top: Path, branch: str) -> str | None:
    """The commit the protected branch is at: as the server has it (origin/<branch>, what a fresh
    CI checkout fetched) when there is a remote, else the local branch."""
    return _refs(top, branch)[0]


def is_shallow(top: Path) -> bool:
    return _refs(top, DEFAULT_BRANCH)[1]


REFS = "signoff.refs"  # run memo: (top, branch, ref files' stat) -> (commit, shallow?)


def _refs(top: Path, branch: str) -> tuple[str | None, bool]:
    """(the branch's commit, whether the clone is shallow), asked of git once for as long as the
    repository's ref files stay as they are (a check of 200 reports asks git twice, not 1,600 times)."""
    git_dir = top / ".git"
    names = ("packed-refs", "shallow", "HEAD", f"refs/heads/{branch}", f"refs/remotes/origin/{branch}")
    stamp: tuple[tuple[int, int], ...] | None = None
    if git_dir.is_dir():
        stats = []
        for name in names:
            try:
                st = (git_dir / name).stat()
                stats.append((st.st_mtime_ns, st.st_size))
            except OSError:
                stats.append((0, -1))
        stamp = tuple(stats)
    key = (str(top), branch, stamp or ())
    refs: dict[tuple[str, str, tuple[tuple[int, int], ...]], tuple[str | None, bool]] = run_memo(REFS)
    if stamp is not None and key in refs:
        return refs[key]
    sha = None
    for ref in (f"refs/remotes/origin/{branch}", f"refs/heads/{branch}"):
        out = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if out:
            sha = out.strip()
            break
    found = (sha, (_git(top, "rev-parse", "--is-shallow-repository") or "").strip() == "true")
    if stamp is not None:
        refs[key] = found
    return found


HISTORY = "signoff.history"  # run memo: (top, commit) -> signoffs/ path -> [(blob, commit, time)]
TOPLEVEL = "signoff.toplevel"  # run memo: folder -> the top of its git work tree


def landing_history(top: Path, branch: str) -> tuple[str, dict[str, list[tuple[str, str, dt.datetime]]]] | None:
    """Every version of every file under a signoffs/ folder on the branch's first-parent history,
    oldest first: path -> [(blob id, commit, committer time)]. None when there is no such branch.

    First-parent: only the commits made ON the branch (the merges GitHub makes, or the commits it
    writes for squash and rebase merges), not the commits of the merged branches, whose times
    their authors set. `git log --first-parent` compares each of those commits with its first
    parent, so a file appears at the commit that brought it onto the branch."""
    sha = branch_ref(top, branch)
    if sha is None:
        return None
    if is_shallow(top):
        return None  # a shallow clone shows every file as added by its oldest commit: no history
    key = (str(top), sha)
    histories: dict[tuple[str, str], dict[str, list[tuple[str, str, dt.datetime]]]] = run_memo(HISTORY)
    if key not in histories:
        out = _git(top, "log", "--first-parent", "--diff-merges=first-parent", "--reverse", "--raw",
                   "--no-abbrev", "--no-renames", "--format=%x01%H %ct", sha, "--", ".") or ""
        history: dict[str, list[tuple[str, str, dt.datetime]]] = {}
        commit, when = "", dt.datetime.min.replace(tzinfo=dt.UTC)
        for line in out.splitlines():
            if line.startswith("\x01"):
                commit, stamp = line[1:].split()
                when = dt.datetime.fromtimestamp(int(stamp), dt.UTC)
            elif line.startswith(":") and "\t" in line:
                meta, path = line.split("\t", 1)
                fields = meta.split()
                if len(fields) >= 5 and f"/{content.SIGNOFFS}/" in f"/{path}" and fields[4] != "D":
                    history.setdefault(path, []).append((fields[3], commit, when))
        histories[key] = history
    return sha, histories[key]


def _toplevel(folder: Path) -> Path | None:
    name = str(folder)
    toplevel: dict[str, Path | None] = run_memo(TOPLEVEL)
    if toplevel.get(name) is None:  # "not in git" is asked again: a repository may appear
        out = _git(folder, "rev-parse", "--show-toplevel")
        toplevel[name] = Path(out.strip()).resolve() if out else None
    return toplevel[name]


def landing_in(top: Path, rel: str, data: bytes, branch: str) -> Landing | None:
    """The first commit on the branch's first-parent history where `rel` held exactly `data`."""
    found = landing_history(top, branch)
    if found is None:
        return None
    blob = git_blob_id(data)
    for seen, commit, when in found[1].get(rel, []):
        if seen == blob:
            return Landing(commit, when)
    return None


def git_landing(branch: str) -> LandingLookup:
    """Look statements up in the git repository that holds them (the report's own checkout)."""
    def lookup(path: Path, raw: bytes, sig: bytes) -> Landing | None:
        top = _toplevel(path.parent)
        if top is None:
            return None
        try:
            rel = path.resolve().relative_to(top).as_posix()
        except ValueError:
            return None
        return later(landing_in(top, rel, raw, branch), landing_in(top, rel + ".sig", sig, branch))
    return lookup


def later(a: Landing | None, b: Landing | None) -> Landing | None:
    """Both must have landed; the statement counts from the later of the two."""
    if a is None or b is None:
        return None
    return a if a.at >= b.at else b


# --- verifying a report's sign-offs ---------------------------------------------------------------


@dataclass
class Verdict:
    path: Path
    state: State
    role: str = ""
    identity: str = ""
    name: str = ""
    signed_at: str = ""  # the time that decides: trusted when time_source is "main" or "review"
    method: str = ""
    reason: str = ""  # why invalid, or how the signer holds the role
    changed: list[str] = field(default_factory=list)  # for stale: what changed since signing
    claimed_at: str = ""  # the time written in the statement by the signer
    time_source: str = ""  # "main": landed on the branch; "review": GitHub's review time; "claimed"
    landed: Landing | None = None

    @property
    def time_note(self) -> str:
        if self.time_source == "main" and self.landed is not None:
            return f"landed on the main branch in commit {self.landed.commit[:12]}"
        if self.time_source == "review":
            return "the review's time, as GitHub reported it"
        return "the time the signer claims; not confirmed until it lands on the main branch"


@dataclass
class RoleStatus:
    role: str
    state: State
    known: bool  # the role exists in checks/gatekeepers.yml
    title: str = ""  # the role's name, like "HM Chief Inspector of Probation"
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def best(self) -> Verdict | None:
        """The verdict that decides the role: signed, unconfirmed, stale, invalid; latest first."""
        order = {"signed": 0, "unconfirmed": 1, "stale": 2, "invalid": 3}
        latest_first = sorted(self.verdicts, key=lambda v: v.signed_at, reverse=True)
        return min(latest_first, key=lambda v: order[v.state], default=None)


@dataclass
class ReportStatus:
    report_id: str
    version: Any
    digest: content.Digest | None
    roles: list[RoleStatus]
    others: list[Verdict]  # statements for roles this report does not require
    error: str = ""  # the folder could not be digested

    @property
    def invalid(self) -> list[Verdict]:
        return [v for r in self.roles for v in r.verdicts if v.state == "invalid"] + [
            v for v in self.others if v.state == "invalid"]


_STATEMENT_SCHEMA = resources.schema("signoff.schema.json")  # cjji's own format: the installed copy


def _schema_problem(data: Any, schema_path: Path) -> str:
    schema = load_schema(schema_path)
    errors = sorted(validator(schema).iter_errors(data), key=lambda e: list(map(str, e.path)))
    if not errors:
        return ""
    err = errors[0]
    where = ".".join(map(str, err.absolute_path)) or "the statement"
    return f"{where}: {err.message}"


def check_statement(path: Path, report_id: str, version: Any, current: content.Digest,
                    reg: Registry, schema_path: Path, now: dt.datetime,
                    landing: LandingLookup | None = None) -> Verdict:
    """Verify one statement file; the verdict says signed, unconfirmed, stale or invalid, and why."""
    verdict = Verdict(path, "invalid")
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        verdict.reason = f"not a readable JSON statement ({exc}); it was damaged or hand-edited"
        return verdict
    if isinstance(data, dict):  # say whose statement it claims to be, even if it is damaged
        verdict.role, verdict.identity = str(data.get("role", "")), str(data.get("identity", ""))
        verdict.signed_at = verdict.claimed_at = str(data.get("signed_at", ""))
    sig_path = path.with_name(path.name + ".sig")
    if path.name.endswith(".review.json") and not sig_path.is_file():
        verdict.reason = (f"this pull-request approval record is not signed: {sig_path.name}, the sign-off "
                          f"workflow's signature (namespace {REVIEW_NAMESPACE}), is missing. Anyone who "
                          "can push could have written it; only the workflow's records count")
        return verdict
    problem = _schema_problem(data, schema_path)
    if problem:
        verdict.reason = f"not a valid sign-off statement ({problem}); it was damaged or hand-edited"
        return verdict
    verdict.role, verdict.identity, verdict.name = data["role"], data["identity"], data["name"]
    verdict.method = data["method"]
    verdict.reason = _authenticity(path, raw, data, reg, report_id)
    if verdict.reason:
        return verdict
    if data["report"] != report_id:
        verdict.reason = (f"replay: this sign-off is for the report '{data['report']}', "
                          f"not '{report_id}'")
        return verdict
    if data["version"] != version:
        verdict.reason = (f"replay: this sign-off is for version {data['version']} of the report, "
                          f"which is now version {version}")
        return verdict
    try:
        claimed = parse_time(data["signed_at"])
    except ValueError:
        verdict.reason = f"the signing time '{data['signed_at']}' is not a UTC ISO 8601 time"
        return verdict
    if claimed > now + CLOCK_SKEW:
        verdict.reason = f"the signing time {data['signed_at']} is in the future"
        return verdict
    trusted, problem = _trusted_time(path, raw, data, claimed, reg, landing or git_landing(reg.branch))
    if problem:
        verdict.reason = problem
        return verdict
    if trusted is not None:
        verdict.signed_at = utc_text(trusted[0])
        verdict.time_source, verdict.landed = trusted[1], trusted[2]
    else:
        verdict.time_source = "claimed"
    authority = reg.authority(data["identity"], data["role"], trusted[0] if trusted else None, report_id, now)
    verdict.reason = authority.how
    if not authority.ok:
        return verdict
    if data["content_digest"] != current.value:
        verdict.state = "stale"
        verdict.changed = content.changed_files(data["files"], current.files) or [
            "the content digest differs (the statement's file list was altered)"]
        return verdict
    verdict.state = "unconfirmed" if authority.pending else "signed"
    return verdict


def _trusted_time(path: Path, raw: bytes, data: dict[str, Any], claimed: dt.datetime, reg: Registry,
                  landing: LandingLookup) -> tuple[tuple[dt.datetime, str, Landing | None] | None, str]:
    """(trusted time, its source, the landing) or None, and a reason to refuse the statement."""
    if data["method"] == REVIEW:  # GitHub's time, signed into the record by the workflow's key
        return (parse_time(data["review"]["submitted_at"]), "review", None), ""
    try:
        sig = path.with_name(path.name + ".sig").read_bytes()
    except OSError:
        return None, ""
    landed = landing(path, raw, sig)
    if landed is None:
        return None, ""
    if claimed > landed.at + CLOCK_SKEW:
        return None, (f"the statement claims it was signed at {utc_text(claimed)}, after it landed on "
                      f"the {reg.branch} branch at {utc_text(landed.at)} (commit {landed.commit[:12]}): "
                      "its time is false")
    if claimed < landed.at - reg.max_claim_age:
        return None, (f"the statement claims it was signed at {utc_text(claimed)}, more than "
                      f"{reg.max_claim_age.days} days before it landed on the {reg.branch} branch at "
                      f"{utc_text(landed.at)} (commit {landed.commit[:12]}); the gatekeeper signs again")
    return (landed.at, "main", landed), ""


def _authenticity(path: Path, raw: bytes, data: dict[str, Any], reg: Registry, report_id: str) -> str:
    """'' if the statement is authentic (a signature by the right key); else the reason."""
    sig = path.with_name(path.name + ".sig")
    if data["method"] == SIGNED:
        if path.name.endswith(".review.json"):
            return "a gatekeeper's statement must not be named like a review record"
        if not sig.is_file():
            return f"the signature file {sig.name} is missing"
        return verify_bytes(raw, sig.read_bytes(), data["identity"], reg.allowed_signers)
    if not path.name.endswith(".review.json"):
        return "a review record must be named ROLE--IDENTITY.review.json"
    if not sig.is_file():
        return f"the sign-off workflow's signature {sig.name} is missing"
    recorder = reg.recorders.get(data["recorder"])
    if recorder is None:
        return (f"the record was signed by {data['recorder']}, which is not a recorder (the sign-off "
                "workflow's key) in checks/gatekeepers.yml")
    if recorder.example and report_id not in reg.example_reports:
        return (f"the record was signed by the example workflow key {recorder.identity}, whose private "
                "key is published; it is refused for real reports")
    problem = verify_bytes(raw, sig.read_bytes(), recorder.identity, reg.allowed_signers, REVIEW_NAMESPACE)
    if problem:
        return f"the sign-off workflow's signature does not verify: {problem}"
    review = data["review"]
    holder = reg.by_github(review["reviewer"])
    if holder is None:
        return f"the reviewer {review['reviewer']} is not a gatekeeper in checks/gatekeepers.yml"
    if holder.identity != data["identity"]:
        return (f"the record names {data['identity']}, but the GitHub reviewer "
                f"{review['reviewer']} is {holder.identity}")
    if review["state"] != "approved":
        return f"the review was '{review['state']}', not an approval"
    if review["commit"] != review["head_sha"]:
        return (f"the review was on commit {review['commit'][:12]}, not on the pull request's "
                f"head {review['head_sha'][:12]}; the gatekeeper approved older content")
    if review["submitted_at"] != data["signed_at"]:
        return "the record's time differs from the review's time"
    return ""


def key_identities(public_key: str, allowed_signers: Path) -> list[str]:
    """The identities checks/allowed_signers lists for an SSH public key ('type base64 ...')."""
    parts = public_key.split()
    if len(parts) < 2:
        return []
    found: list[str] = []
    try:
        lines = allowed_signers.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            tokens = shlex.split(line)
        except ValueError:
            continue
        for i, token in enumerate(tokens[1:-1], start=1):
            if token == parts[0] and tokens[i + 1] == parts[1]:
                found.extend(p for p in tokens[0].split(",") if p not in found)
    return found


def public_key_of(key: Path) -> str:
    """The public half of a key file: KEY.pub beside it, or derived with `ssh-keygen -y`."""
    if key.suffix == ".pub":
        return key.read_text(encoding="utf-8")
    pub = key.with_name(key.name + ".pub")
    if pub.is_file():
        return pub.read_text(encoding="utf-8")
    result = _ssh_keygen(["-y", "-f", str(key)], b"", interactive=True)
    if result.returncode != 0:
        raise SignoffError(f"cannot read the public key of {key}")
    return result.stdout.decode("utf-8", "replace")


def statement_files(report_dir: Path) -> list[Path]:
    folder = report_dir / content.SIGNOFFS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


def report_status(report_dir: Path, meta: dict[str, Any], policy: Policy,
                  now: dt.datetime | None = None, landing: LandingLookup | None = None) -> ReportStatus:
    """Every required role's state for one report, and every statement's verdict."""
    reg = registry(policy)
    report_id = meta.get("id") if isinstance(meta.get("id"), str) else report_dir.name
    version = meta.get("version")
    required = required_roles(meta, policy, reg)
    roles = [RoleStatus(r, "missing", r in reg.roles, reg.roles[r].name if r in reg.roles else "")
             for r in required]
    status = ReportStatus(str(report_id), version, None, roles, [])
    try:
        status.digest = content.digest(report_dir)
    except content.DigestError as exc:
        status.error = str(exc)
        return status
    schema_path = policy.root / "schemas" / "signoff.schema.json"
    if not schema_path.is_file():
        schema_path = _STATEMENT_SCHEMA
    by_role = {r.role: r for r in roles}
    for path in statement_files(report_dir):
        verdict = check_statement(path, str(report_id), version, status.digest, reg, schema_path,
                                  now or utc_now(), landing)
        target = by_role.get(verdict.role)
        if target is None:
            status.others.append(verdict)
        else:
            target.verdicts.append(verdict)
    for role in roles:
        best = role.best
        role.state = best.state if best else "missing"
    return status
