"""What a published version keeps so that anyone can re-verify it against the inspectorates' repository.

Each version folder of the site (`reports/<id>/v<N>/`) holds, beside its page and downloads:

- `source/`: the report's digested files (cjji.digest), byte for byte, except its review logs
  (`reviews/`: reviewers' names and comments); their digest is the one the sign-offs sign, and
  the downloads must be their reproducible build;
- `provenance.json`: the SHA-256 of every digested file left out of `source/` (`withheld`: with
  the kept ones they give the content digest again, so anyone can recompute it), the SHA-256 of
  checks/allowed_signers and checks/gatekeepers.yml as they were when the version was published
  (`policy`), the project commit and the digest of the build inputs (cjji's code, templates/,
  checks/, schemas/) it was built with, and where each sign-off (by its statement's SHA-256)
  landed on the protected branch (its trusted time).

No gatekeeper's statement, signature, e-mail address or name is published: the record
(`version.json`) gives each sign-off's role, time, the SHA-256 of its statement and signature and
the signing key's fingerprint. `cjji verify-site --root REPO` takes the statements, the policy
files and the review logs from the repository (its working tree, else its history) by those
SHA-256s, re-verifies every sign-off, and rebuilds the downloads from the kept sources.

Versions published before this kept `policy/` copies and the statements beside the downloads;
they are never rewritten (a published version stays as it was), and verify-site still reads them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from cjji import digest as content
from cjji import signoff
from cjji.publish.target import ReportVersion, TargetError

PROVENANCE = "provenance.json"
SOURCE = "source"
POLICY = "policy"
POLICY_FILES = {"allowed_signers": "checks/allowed_signers", "gatekeepers.yml": "checks/gatekeepers.yml"}
WITHHELD_FOLDERS = ("reviews",)  # digested, but not published: review logs name the reviewers
WITHHELD = "withheld"
FORMAT = "cjji-provenance/1"
INPUT_FOLDERS = ("templates", "checks", "schemas")


def inputs_digest(root: Path) -> str:
    """SHA-256 over what a build reads besides the report: cjji's code and the project's
    templates/, checks/ and schemas/. Equal digests: a rebuild here must give the same bytes."""
    from cjji.cache import tool_digest

    sha = hashlib.sha256(b"cjji-build-inputs/1\0" + tool_digest().encode())
    for name in INPUT_FOLDERS:
        folder = root / name
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
            sha.update(path.relative_to(root).as_posix().encode() + b"\0")
            sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def project_commit(root: Path) -> tuple[str | None, bool]:
    """(the commit checked out, whether the build inputs differ from it), or (None, True)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                  check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    head = git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not head:
        return None, True
    status = git("status", "--porcelain", "--", "src", *INPUT_FOLDERS)
    return head.strip(), bool(status and status.strip())


def report_dir_of(v: ReportVersion, root: Path) -> Path:
    """The report folder a version was built from (its sign-offs live in its signoffs/)."""
    for s in v.signoffs:
        if s.file.source is not None:
            return s.file.source.parent.parent
    return root / "reports" / v.report_id


def withheld(rel: str) -> bool:
    """A digested file that is not published (a review log)."""
    return rel.split("/", 1)[0] in WITHHELD_FOLDERS


def write(v: ReportVersion, folder: Path, root: Path) -> None:
    """Write source/ (without the review logs) and provenance.json into a new version's folder.

    A version without sign-offs (only a test's stand-in: publishing requires them) keeps nothing,
    and verify-site says it cannot be verified."""
    if not v.signoffs:
        return
    report_dir = report_dir_of(v, root)
    left_out: dict[str, str] = {}
    try:
        files = content.files_of(report_dir)
        for rel, path in files:
            data = path.read_bytes()
            if withheld(rel):
                left_out[rel] = content.PREFIX + hashlib.sha256(data).hexdigest()
            else:
                _write(folder / SOURCE / rel, data)
        kept = combined_digest(folder / SOURCE, left_out)
    except (content.DigestError, OSError) as exc:
        raise TargetError(f"{v.report_id} version {v.version}: its sources cannot be kept: {exc}") from None
    if kept.value != v.content_digest:
        raise TargetError(f"{v.report_id} version {v.version}: the report changed while it was being "
                          "published (its digest is no longer the signed one); publish again")
    policy = {name: hashlib.sha256((root / rel).read_bytes()).hexdigest() for name, rel in POLICY_FILES.items()}
    commit, dirty = project_commit(root)
    reg_branch = _branch(root / POLICY_FILES["gatekeepers.yml"])
    lookup = signoff.git_landing(reg_branch)
    signoffs = []
    for s in v.signoffs:
        landed = None
        if s.file.source is not None and s.signature is not None and s.signature.source is not None:
            landed = lookup(s.file.source, s.file.source.read_bytes(), s.signature.source.read_bytes())
        signoffs.append({"sha256": s.file.sha256, "role": s.role,
                         "landed": {"commit": landed.commit, "at": signoff.utc_text(landed.at)} if landed else None})
    record = {"format": FORMAT, "report": v.report_id, "version": v.version,
              "content_digest": v.content_digest, "source": SOURCE + "/", WITHHELD: left_out, "policy": policy,
              "commit": commit, "dirty": dirty, "inputs": inputs_digest(root), "branch": reg_branch,
              "signoffs": signoffs}
    _write(folder / PROVENANCE, dumps(record))


def combined_digest(source: Path, left_out: dict[str, str]) -> content.Digest:
    """The content digest of the kept sources together with the files left out (by their SHA-256).

    Raises DigestError if a left-out path is also kept, or the two hold no file."""
    files = {rel: h for rel, _ in content.files_of(source)
             for h in [content.PREFIX + hashlib.sha256((source / rel).read_bytes()).hexdigest()]} \
        if source.is_dir() else {}
    both = sorted(set(files) & set(left_out))
    if both:
        raise content.DigestError(f"{both[0]} is both kept in source/ and listed as left out")
    files.update(left_out)
    if not files:
        raise content.DigestError(f"{source} holds no files to digest")
    result = content.Digest("", files)
    return content.Digest(content.PREFIX + hashlib.sha256(result.manifest().encode("utf-8")).hexdigest(), files)


def build_info(root: Path) -> dict[str, Any]:
    """What the shared pages (index, current pages, feed) of a build were rendered with."""
    commit, dirty = project_commit(root)
    return {"commit": commit, "dirty": dirty, "inputs": inputs_digest(root)}


def dumps(data: Any) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _branch(gatekeepers: Path) -> str:
    from cjji.yamlload import YamlError, load_yaml

    try:
        data, _ = load_yaml(gatekeepers.read_text(encoding="utf-8"))
        return str(((data or {}).get("signing") or {}).get("branch") or signoff.DEFAULT_BRANCH)
    except (OSError, YamlError, AttributeError):
        return signoff.DEFAULT_BRANCH


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
