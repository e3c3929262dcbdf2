"""`cjji verify-site`: re-verify a published site from the trust anchors, not from its manifest.

The anchors are the reports repository: its checks/allowed_signers and checks/gatekeepers.yml
(as they are now, or as they were at a commit on the protected branch) and, when its git history
is at hand, the first-parent history of that branch. For every version folder of the site
(`reports/<id>/v<N>/`, found on disk, not only where the manifest says):

1. the kept sources (`source/`), with the SHA-256 of the files left out of it (review logs,
   listed in provenance.json), digest to the content digest the version claims; the left-out
   files are taken from the repository (its working tree, else its history) by path and SHA-256;
2. the policy files the version was signed under are the repository's, at the commit recorded
   for the version if that commit is on the protected branch, or the current ones: found by the
   SHA-256 provenance.json records (a version published before statements stopped being
   published keeps copies in `policy/`, which must equal them);
3. every sign-off the record gives (role, time, the SHA-256 of its statement and signature, the
   key's fingerprint; no identity) is found in the repository's <report>/signoffs/ by its
   SHA-256 (working tree, else history; an older version keeps its statements beside the
   downloads), re-verified against that policy (signature, role, authority at its trusted time),
   and must be what the record says (role, time, key); every role the report requires must have
   a valid one; with the history at hand, each statement must also have landed on the branch;
4. (unless --skip-rebuild) the downloads, the images, the record (`version.json`) and the page
   are rebuilt from `source/` with the build inputs recorded for the version (this checkout if
   they are the same, else the recorded commit, taken from the history) and compared byte for
   byte; then the shared pages (index, current pages, feed, sitemap) are rendered again from
   the verified records and compared.

The manifest is still checked for consistency (every file listed, with its digest), but passing
that proves nothing by itself: whoever can write to the site can rewrite the manifest too.
Without the repository (or with --files-only) only that and step 1's digest are checked, and the
sign-offs are never said to be verified.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cjji import digest as content
from cjji import signoff
from cjji.publish import manifest as mf
from cjji.publish import provenance as pv
from cjji.publish.record import key_fingerprint, source_home

STATEMENT_SUFFIXES = (".json", ".json.sig")
RECORD_FILES = {mf.RECORD, pv.PROVENANCE}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Anchors:
    """The reports repository: its current policy files and, if it is a git checkout, its history."""

    def __init__(self, project: Path) -> None:
        self.project = project.resolve()
        self.top = signoff._toplevel(self.project)
        gatekeepers = self.project / pv.POLICY_FILES["gatekeepers.yml"]
        self.branch = pv._branch(gatekeepers)
        self.branch_sha = signoff.branch_ref(self.top, self.branch) if self.top else None
        self.shallow = self.top is not None and signoff.is_shallow(self.top)
        self.prefix = ""
        self._index: dict[str, dict[str, list[tuple[str, bytes]]]] = {}
        if self.top is not None:
            rel = self.project.relative_to(self.top).as_posix()
            self.prefix = "" if rel == "." else rel + "/"

    @property
    def history(self) -> bool:
        """The branch's whole first-parent history is at hand (not a shallow clone)."""
        return self.branch_sha is not None and not self.shallow

    def _git(self, *args: str, data: bool = False) -> bytes | None:
        assert self.top is not None
        try:
            done = subprocess.run(["git", "-C", str(self.top), *args], capture_output=True, check=False, timeout=300)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    def on_branch(self, commit: str | None) -> bool:
        if self.branch_sha is None or not commit or len(commit) != 40:
            return False
        assert self.branch_sha is not None
        return self._git("merge-base", "--is-ancestor", commit, self.branch_sha) is not None

    def file_at(self, commit: str, rel: str) -> bytes | None:
        return self._git("show", f"{commit}:{self.prefix}{rel}")

    def landing(self, home: str) -> signoff.LandingLookup:
        """Where each statement of the sources at `home` (reports/<id>, programme/<year>) landed."""
        def lookup(path: Path, raw: bytes, sig: bytes) -> signoff.Landing | None:
            if self.top is None:
                return None
            rel = f"{self.prefix}{home}/{content.SIGNOFFS}/{path.name}"
            return signoff.later(signoff.landing_in(self.top, rel, raw, self.branch),
                                 signoff.landing_in(self.top, rel + ".sig", sig, self.branch))
        return lookup

    # ---- files the site does not publish, found in the repository by their SHA-256 ------------

    def _folder_files(self, folder: str) -> dict[str, list[tuple[str, bytes]]]:
        """SHA-256 -> [(path relative to the project, bytes)] of every file that is, or ever was
        (in any commit of the history at hand: `git log --all`), in `folder` of the project."""
        if folder in self._index:
            return self._index[folder]
        found: dict[str, list[tuple[str, bytes]]] = {}

        def add(rel: str, data: bytes) -> None:
            entries = found.setdefault(_sha(data), [])
            if (rel, data) not in entries:
                entries.append((rel, data))

        here = self.project / folder
        for path in sorted(p for p in here.rglob("*") if p.is_file() and not p.is_symlink()) \
                if here.is_dir() and not here.is_symlink() else []:
            try:
                add(path.relative_to(self.project).as_posix(), path.read_bytes())
            except OSError:
                continue
        if self.top is not None:
            commits = (self._git("log", "--all", "--format=%H", "--", f"{self.prefix}{folder}") or b"").split()
            blobs: dict[str, str] = {}
            for commit in commits:
                listing = self._git("ls-tree", "-r", "-z", commit.decode(), "--", f"{self.prefix}{folder}") or b""
                for item in listing.split(b"\0"):
                    meta, _, path_bytes = item.partition(b"\t")
                    parts = meta.split()
                    if len(parts) == 3 and parts[1] == b"blob":
                        rel = path_bytes.decode("utf-8", "surrogateescape").removeprefix(self.prefix)
                        blobs.setdefault(parts[2].decode() + "\0" + rel, rel)
            for key, rel in blobs.items():
                data = self._git("cat-file", "blob", key.split("\0")[0])
                if data is not None:
                    add(rel, data)
        self._index[folder] = found
        return found

    def find(self, folder: str, sha256: str, name: str | None = None) -> tuple[str, bytes] | None:
        """A file of `folder` (relative to the project) with this SHA-256, from the working tree
        first, else the history; with `name`, only a file at exactly that path."""
        for rel, data in self._folder_files(folder).get(sha256, []):
            if name is None or rel == name:
                return rel, data
        return None

    def checkout(self, commit: str, dest: Path) -> bool:
        """The project's src/, templates/, checks/, schemas/ and pyproject.toml at `commit`, into
    `dest` (the code runs from there as a source checkout: cjji.resources)."""
        listed = self._git("ls-tree", "--name-only", commit, "--", self.prefix or ".")
        present = {Path(line).name for line in (listed or b"").decode("utf-8", "replace").splitlines()}
        wanted = [n for n in ("src", *pv.INPUT_FOLDERS, "pyproject.toml") if n in present]
        if "src" not in wanted:
            return False
        names = [f"{self.prefix}{n}" for n in wanted]
        archive = self._git("archive", "--format=tar", commit, "--", *names)
        if archive is None:
            return False
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
        if self.prefix:
            inner = dest / self.prefix.rstrip("/")
            for child in inner.iterdir():
                child.rename(dest / child.name)
        return (dest / "src" / "cjji").is_dir()


# ---- the whole site ---------------------------------------------------------------------------


def verify_site(site: Path, project: Path | None, *, rebuild: bool = True,
                notes: list[str] | None = None, files_only: bool = False,
                unchecked: list[str] | None = None) -> list[str]:
    """Every problem with a published site, each one plain sentence. [] means verified, unless
    `unchecked` (given by a caller that can say so) then holds what could not be checked.
    `notes` receives what could not be checked though the site still counts as verified (no
    history at hand, no rebuild). Without a repository (`project` None), or with `files_only`,
    only the files are checked: every file against the manifest, and each version's kept
    sources (with the SHA-256 of those left out) against its signed content digest."""
    if project is None and unchecked is None and not files_only:
        return ["there are no trust anchors to verify against: run `cjji verify-site` inside a clone of "
                "the reports repository (or pass --root); the site's own manifest proves nothing by itself"]
    site = site.resolve()
    problems = mf.verify(site)
    try:
        manifest = mf.read_manifest(site)
    except mf.ManifestError:
        return problems
    links = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_symlink()]
    if links:  # publish never makes one; a link could make this check read files outside the site
        return [*problems, *(f"{rel} is a link: a published site holds only files; nothing else was "
                             "verified" for rel in links)]
    folders = sorted(set(_version_folders(site)) | {
        site / mf.version_dir(r["id"], v["version"]) for r in manifest["reports"] for v in r["versions"]})
    records: list[dict[str, Any]] = []
    accounted: set[str] = {mf.MANIFEST}
    if project is None or files_only:
        for folder in folders:
            found, record = check_files(site, folder, accounted)
            problems.extend(found)
            if record is not None:
                records.append(record)
        signed = sum(len(r.get("signoffs", [])) for r in records)
        what = (f"the {signed} sign-off(s) of {len(records)} version(s) were not verified (their statements, and "
                "the keys they are checked with, are in the inspectorates' repository: run `cjji verify-site "
                "--root REPO`), and the downloads and pages were not rebuilt from the kept sources")
        if project is None and not files_only:
            assert unchecked is not None
            unchecked.append(f"there are no trust anchors to verify against: {what}")
        elif notes is not None:
            notes.append(f"--files-only: {what}")
        return problems
    anchors = Anchors(project)
    if notes is not None and not anchors.history:
        notes.append(f"{project} has no full history of the {anchors.branch} branch (not a git clone, or a "
                     "shallow one): the policy files were taken from the current checks/ only, and the "
                     "sign-offs were not checked to have landed on the branch")
    if notes is not None and not rebuild:
        notes.append("--skip-rebuild: the downloads and pages were not rebuilt from the kept sources")
    with tempfile.TemporaryDirectory(prefix="cjji-verify-site-") as tmp:
        for n, folder in enumerate(folders):
            found, record = verify_version(site, folder, anchors, Path(tmp) / str(n), rebuild, accounted)
            problems.extend(found)
            if record is not None:
                records.append(record)
        shared_checked = False
        if rebuild:
            found = _verify_shared(site, manifest, records, anchors, Path(tmp) / "shared", accounted)
            shared_checked = not any(p.startswith("the site's shared pages") for p in found)
            problems.extend(found)
    for rel in mf.walk_files(site):
        in_version = rel.startswith("reports/") and rel.count("/") >= 3
        if rel not in accounted and (shared_checked or in_version):
            problems.append(f"{rel} is on the site, but no verified version or page makes it")
    return problems


def _version_folders(site: Path) -> Iterator[Path]:
    reports = site / "reports"
    if not reports.is_dir():
        return
    for report in sorted(p for p in reports.iterdir() if p.is_dir()):
        for folder in sorted(report.iterdir()):
            if folder.is_dir() and folder.name[:1] == "v" and folder.name[1:].isdigit():
                yield folder


# ---- one version ------------------------------------------------------------------------------


def _read_version(site: Path, folder: Path) -> tuple[list[str], dict[str, Any] | None, dict[str, Any]]:
    """(problems, the record, provenance.json) of a version folder, checking its sources: the
    kept ones and the SHA-256 of those left out must give the signed content digest."""
    rel = folder.relative_to(site).as_posix()
    name = rel
    if not folder.is_dir():
        return [f"{name}: the version folder is missing"], None, {}
    try:
        record = json.loads((folder / mf.RECORD).read_text(encoding="utf-8"))
        prov = json.loads((folder / pv.PROVENANCE).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(prov, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError as exc:
        return [f"{name}: {Path(str(exc.filename)).name} is missing, so this version cannot be verified "
                "(its sources and the policy it was signed under are not kept)"], None, {}
    except (OSError, ValueError) as exc:
        return [f"{name}: its record cannot be read: {exc}"], None, {}
    report_id, version = str(record.get("id", "")), record.get("version")
    if rel != mf.version_dir(report_id, version if isinstance(version, int) else -1):
        return [f"{name}: its record says it is {report_id} version {version}"], None, {}
    claimed = str(record.get("content_digest", ""))
    left_out = _left_out(prov)
    if left_out is None:
        return [f"{name}: provenance.json: '{pv.WITHHELD}' is not a list of files with their SHA-256"], None, {}
    try:
        digest = pv.combined_digest(folder / pv.SOURCE, left_out)
    except (content.DigestError, OSError) as exc:
        return [f"{name}: its kept sources cannot be digested: {exc}"], None, {}
    if digest.value != claimed or prov.get("content_digest") != claimed:
        also = f" (with the {len(left_out)} file(s) left out, by their SHA-256)" if left_out else ""
        return [f"{name}: the kept sources (source/){also} digest to {digest.value}, not to the signed content "
                f"digest {claimed}: they are not what was signed"], None, {}
    return [], record, prov


def _left_out(prov: dict[str, Any]) -> dict[str, str] | None:
    """provenance.json's digested files left out of source/ (review logs): path -> sha256:<hex>."""
    value = prov.get(pv.WITHHELD, {})
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.startswith(content.PREFIX)
            and k and not k.startswith("/") and not {".", "..", ""} & set(k.split("/"))
            for k, v in value.items()):
        return None
    return dict(value)


def public_signoffs(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's sign-offs given by their digests only (their statements are not on the site)."""
    return [s for s in record.get("signoffs", []) if isinstance(s, dict) and "path" not in s]


def check_files(site: Path, folder: Path, accounted: set[str]) -> tuple[list[str], dict[str, Any] | None]:
    """What can be checked of a version without the repository: its record, its kept sources
    (with the SHA-256 of those left out) against the signed content digest, nothing more."""
    rel = folder.relative_to(site).as_posix()
    problems, record, _prov = _read_version(site, folder)
    if record is None:
        return problems, None
    accounted.update(f"{rel}/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*") if p.is_file())
    return problems, record


def verify_version(site: Path, folder: Path, anchors: Anchors, work: Path, rebuild: bool,
                   accounted: set[str] | None = None) -> tuple[list[str], dict[str, Any] | None]:
    """Verify one version folder; add the site paths it accounts for (verified) to `accounted`."""
    accounted = set() if accounted is None else accounted
    rel = folder.relative_to(site).as_posix()
    name = rel
    problems, record, prov = _read_version(site, folder)
    if record is None:
        return problems, None
    kept_policy = (folder / pv.POLICY).is_dir()  # a version published with copies of the policy files
    policy, found = (_anchor_policy(folder, prov, anchors, name) if kept_policy
                     else _policy_by_digest(prov, anchors, name))
    problems += found
    project = work / "project"
    commit = prov.get("commit") if isinstance(prov.get("commit"), str) else None
    same_inputs = prov.get("inputs") == pv.inputs_digest(anchors.project)
    if same_inputs or not (anchors.on_branch(commit) and commit and anchors.checkout(commit, project)):
        for sub in pv.INPUT_FOLDERS:
            if (anchors.project / sub).is_dir():
                shutil.copytree(anchors.project / sub, project / sub, dirs_exist_ok=True)
        here = True
    else:
        here = False
    for fname, data in policy.items():  # what the sign-offs are verified against: the anchored files
        (project / pv.POLICY_FILES[fname]).parent.mkdir(parents=True, exist_ok=True)
        (project / pv.POLICY_FILES[fname]).write_bytes(data)
    home = source_home(record)
    report_dir = project / home
    shutil.copytree(folder / pv.SOURCE, report_dir) if (folder / pv.SOURCE).is_dir() else report_dir.mkdir(
        parents=True)
    for file_rel, digest in sorted((_left_out(prov) or {}).items()):
        hit = anchors.find(str(Path(home, file_rel).parent), digest.removeprefix(content.PREFIX),
                           f"{home}/{file_rel}")
        if hit is None:
            problems.append(f"{name}: provenance.json: the source file {file_rel} (left out of the site; SHA-256 "
                            f"{digest.removeprefix(content.PREFIX)}) is not in the repository's {home}/, now or "
                            "in its history, so the version cannot be rebuilt or its sign-offs checked")
            continue
        (report_dir / file_rel).parent.mkdir(parents=True, exist_ok=True)
        (report_dir / file_rel).write_bytes(hit[1])
    (report_dir / content.SIGNOFFS).mkdir(exist_ok=True)
    for path in _statement_files(folder):
        shutil.copyfile(path, report_dir / content.SIGNOFFS / path.name)
    entries, found = _statements_from_repository(record, anchors, home, report_dir, name)
    problems += found
    problems += _verify_signoffs(folder, record, report_dir, project, anchors, name, entries, prov)
    kept = [p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).parts[0] in (pv.SOURCE, pv.POLICY)]
    accounted.update(f"{rel}/{p.relative_to(folder).as_posix()}"
                     for p in [*kept, *_statement_files(folder), folder / mf.RECORD, folder / pv.PROVENANCE])
    if not rebuild:  # the record's own list of its files stands in for the rebuild's
        listed = _listed(record)
        accounted.update(str(f.get("path")) for f in listed if isinstance(f, dict))
        accounted.add(f"{rel}/index.html")
        return problems, record
    if not same_inputs and here:
        listed = _listed(record)
        accounted.update(str(f.get("path")) for f in listed if isinstance(f, dict))
        accounted.add(f"{rel}/index.html")
        problems.append(f"{name}: cannot rebuild it: it was built with other inputs (cjji, templates/, "
                        f"checks/, schemas/ at commit {commit or 'unknown'}) and that commit is not on the "
                        f"{anchors.branch} branch of this repository's history; run verify-site in a full "
                        "clone (or use --skip-rebuild to check everything else)")
        return problems, record
    result = _expected(project, report_dir, record, in_process=here, work=work)
    if "error" in result:
        listed = _listed(record)
        accounted.update(str(f.get("path")) for f in listed if isinstance(f, dict))
        accounted.add(f"{rel}/index.html")  # not rebuilt: said once, below, not once per file
        return [*problems, f"{name}: cannot rebuild it: {result['error']}"], record
    if not here and result.get("inputs") != prov.get("inputs"):
        problems.append(f"{name}: the build inputs at commit {commit} are not the ones recorded for it")
    for file_rel, sha in sorted(result["files"].items()):
        path = folder / file_rel
        accounted.add(f"{rel}/{file_rel}")
        if not path.is_file():
            problems.append(f"{name}: {file_rel} is missing (the rebuild makes it)")
        elif _sha(path.read_bytes()) != sha:
            what = {mf.RECORD: "the record (version.json: the HTML text, metadata, files or change note)",
                    "index.html": "the page"}.get(file_rel, file_rel)
            problems.append(f"{name}: {what} is not the reproducible build of the signed sources "
                            "(rebuilt from source/, the bytes differ)")
    return problems, record


def _listed(record: dict[str, Any]) -> list[Any]:
    """The files a version's record lists besides its statements: downloads, images, companions."""
    companions = [c.get("file") for c in record.get("companions", []) if isinstance(c, dict)]
    return [*record.get("files", []), *record.get("assets", []), *(c for c in companions if c)]


def _statement_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and "--" in p.name
                  and p.name.endswith(STATEMENT_SUFFIXES) and p.name not in RECORD_FILES)


def _anchor_policy(folder: Path, prov: dict[str, Any], anchors: Anchors,
                   name: str) -> tuple[dict[str, bytes], list[str]]:
    """A version published with copies of the policy files (`policy/`): they must be the
    repository's, at the recorded commit (on the branch) or now. Gives the copies."""
    problems = []
    policy: dict[str, bytes] = {}
    commit = prov.get("commit") if isinstance(prov.get("commit"), str) else None
    on_branch = anchors.on_branch(commit)
    for fname, repo_rel in pv.POLICY_FILES.items():
        try:
            kept = (folder / pv.POLICY / fname).read_bytes()
        except OSError:
            problems.append(f"{name}: policy/{fname} is missing: the policy it was signed under is not kept")
            continue
        policy[fname] = kept
        if on_branch and commit and anchors.file_at(commit, repo_rel) == kept:
            continue
        try:
            if (anchors.project / repo_rel).read_bytes() == kept:
                continue
        except OSError:
            pass
        where = (f"the repository's {repo_rel} at commit {commit[:12]} nor now" if on_branch and commit
                 else f"the repository's current {repo_rel}, and its recorded commit "
                      f"{(commit or 'none')[:12]} is not on the {anchors.branch} branch history at hand")
        problems.append(f"{name}: policy/{fname} is not {where}: the keys or gatekeepers it claims "
                        "to have been signed under cannot be trusted")
    return policy, problems


def _policy_by_digest(prov: dict[str, Any], anchors: Anchors, name: str) -> tuple[dict[str, bytes], list[str]]:
    """The policy files a version was signed under, by the SHA-256 provenance.json records: the
    repository's at the recorded commit (on the branch), or its current ones."""
    problems = []
    policy: dict[str, bytes] = {}
    recorded: dict[str, Any] = prov["policy"] if isinstance(prov.get("policy"), dict) else {}
    commit = prov.get("commit") if isinstance(prov.get("commit"), str) else None
    on_branch = anchors.on_branch(commit)
    for fname, repo_rel in pv.POLICY_FILES.items():
        want = recorded.get(fname)
        if not isinstance(want, str):
            problems.append(f"{name}: provenance.json gives no SHA-256 of {repo_rel}: the policy it was signed "
                            "under is not known")
            continue
        candidates = [anchors.file_at(commit, repo_rel)] if on_branch and commit else []
        with contextlib.suppress(OSError):
            candidates.append((anchors.project / repo_rel).read_bytes())
        hit = next((data for data in candidates if data is not None and _sha(data) == want), None)
        if hit is not None:
            policy[fname] = hit
            continue
        where = (f"the repository's {repo_rel} at commit {commit[:12]} nor now" if on_branch and commit
                 else f"the repository's current {repo_rel}, and its recorded commit "
                      f"{(commit or 'none')[:12]} is not on the {anchors.branch} branch history at hand")
        problems.append(f"{name}: provenance.json: the {fname} it was signed under (SHA-256 {want}) is not "
                        f"{where}: the keys or gatekeepers it claims to have been signed under cannot be trusted")
    return policy, problems


def _statements_from_repository(record: dict[str, Any], anchors: Anchors, home: str, report_dir: Path,
                                name: str) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Put the statement (and signature) of each sign-off the record gives by its digests into
    report_dir/signoffs/, found in the repository's <home>/signoffs/ by SHA-256. Gives each found
    statement's file name -> its record entry, and a problem for each one not found."""
    folder = f"{home}/{content.SIGNOFFS}"
    entries: dict[str, dict[str, Any]] = {}
    problems = []
    for entry in public_signoffs(record):
        role, want = entry.get("role"), str(entry.get("sha256"))
        hit = anchors.find(folder, want)
        if hit is None:
            problems.append(f"{name}/{mf.RECORD}: sign-off for role {role}: no statement with SHA-256 {want} in "
                            f"the repository ({folder}/, now or in its history)")
            continue
        statement = Path(hit[0]).name
        entries[statement] = entry
        (report_dir / content.SIGNOFFS / statement).write_bytes(hit[1])
        sig = entry.get("signature")
        if isinstance(sig, dict):
            sig_hit = anchors.find(folder, str(sig.get("sha256")), f"{folder}/{statement}.sig")
            if sig_hit is None:
                problems.append(f"{name}/{mf.RECORD}: sign-off for role {role}: no signature {statement}.sig with "
                                f"SHA-256 {sig.get('sha256')} in the repository ({folder}/, now or in its history)")
                continue
            (report_dir / content.SIGNOFFS / f"{statement}.sig").write_bytes(sig_hit[1])
    return entries, problems


def _verify_signoffs(folder: Path, record: dict[str, Any], report_dir: Path, project: Path,
                     anchors: Anchors, name: str, entries: dict[str, dict[str, Any]],
                     prov: dict[str, Any]) -> list[str]:
    """Every required role has a valid sign-off among the record's, and each of the record's
    entries is what its statement says: role, time, key (and, for a version published with its
    statements, identity)."""
    from cjji.policy import PolicyError, load_policy
    from cjji.publish.embargo import parse_time
    from cjji.report import LoadError, load

    try:
        policy = load_policy(project, use_cache=False)
        report = load(report_dir) if record.get("kind") != "programme" else None
    except PolicyError as exc:
        return [f"{name}: the policy it was signed under does not load: "
                + "; ".join(f.message for f in exc.findings[:3])]
    except LoadError as exc:
        return [f"{name}: its kept report.md does not load: {exc.finding.message}"]
    try:
        now = parse_time(str(record.get("published_at")))
    except Exception:  # the record's time is only the 'now' of the check; the clock then
        now = signoff.utc_now()
    home = source_home(record)
    landing = anchors.landing(home) if anchors.history else (lambda *_: None)
    if report is not None:
        status: signoff.ReportStatus | None = signoff.report_status(report_dir, report.meta, policy, now=now,
                                                                    landing=landing)
    else:
        from cjji.programme.model import load_programme
        from cjji.programme.signoff import plan_status

        status = plan_status(load_programme(project, home.split("/")[-1]), policy, now, landing)
        if status is None:
            return [f"{name}: the policy it was signed under has no sign-off rules for the programme"]
    problems = []
    assert status is not None
    for role in status.roles:
        best = role.best
        if role.state == "signed" and best is not None:
            if anchors.history and best.time_source != "review" and best.landed is None:
                problems.append(f"{name}: the sign-off {best.path.name} ({role.role}) never landed on the "
                                f"{anchors.branch} branch of the repository")
            continue
        why = {"missing": "no sign-off on the site",
               "unconfirmed": "its time cannot be confirmed"}.get(role.state, role.state)
        detail = f": {best.reason}" if best is not None and best.reason else ""
        problems.append(f"{name}: the required sign-off {role.role} is not valid ({why}{detail})")
    for verdict in status.invalid:
        problems.append(f"{name}: the sign-off {verdict.path.name} does not verify: {verdict.reason}")
    kept = {str(s["path"]).rsplit("/", 1)[-1]: s for s in record.get("signoffs", [])
            if isinstance(s, dict) and isinstance(s.get("path"), str)}
    present = {p.name for p in _statement_files(folder) if p.name.endswith(".json")}
    for missing in sorted(set(kept) - present):
        problems.append(f"{name}: its record names the sign-off {missing}, which is not on the site")
    verdicts = {v.path.name: v for r in status.roles for v in r.verdicts} | {v.path.name: v for v in status.others}
    landed_at = {str(s.get("sha256")): str((s.get("landed") or {}).get("at")) for s in prov.get("signoffs", [])
                 if isinstance(s, dict) and isinstance(s.get("landed"), dict)} if not anchors.history else {}
    for statement, entry in sorted({**{k: v for k, v in kept.items() if k in present}, **entries}.items()):
        found = verdicts.get(statement)
        if found is None:
            continue
        verdict = found
        where = f"{name}/{mf.RECORD}: sign-off for role {entry.get('role')}"
        if verdict.role != entry.get("role"):
            problems.append(f"{where}: its statement ({statement}) is for the role {verdict.role or 'unknown'}, "
                            "not this one")
        times = {verdict.signed_at, verdict.claimed_at, landed_at.get(str(entry.get("sha256")))}
        if entry.get("signed_at") not in times:
            problems.append(f"{where}: the record gives the time {entry.get('signed_at')}, but its statement "
                            f"({statement}) was signed at {verdict.signed_at}")
        if "identity" in entry and entry.get("identity") != verdict.identity:
            problems.append(f"{where}: the record names {entry.get('identity')}, but its statement names "
                            f"{verdict.identity}")
        sig = report_dir / content.SIGNOFFS / f"{statement}.sig"
        if "key" in entry and sig.is_file() and entry["key"] != key_fingerprint(sig.read_bytes()):
            problems.append(f"{where}: the record gives the signing key {entry['key']}, but its statement was "
                            f"signed with the key {key_fingerprint(sig.read_bytes()) or 'unknown'}")
        if verdict.state not in ("signed", "invalid"):  # an invalid one is said above
            problems.append(f"{where}: its statement ({statement}) does not sign this version ({verdict.state}"
                            + (f": {', '.join(verdict.changed)}" if verdict.changed else "") + ")")
    return problems


# ---- rebuilding -------------------------------------------------------------------------------


def _expected(project: Path, report_dir: Path, record: dict[str, Any], *, in_process: bool,
              work: Path) -> dict[str, Any]:
    if in_process:
        return expected_version(project, report_dir, record, work / "out")
    args = ["expect", str(project), str(report_dir), json.dumps(record), str(work / "out")]
    return _in_subprocess(project, args, work)


def _in_subprocess(project: Path, args: list[str], work: Path) -> dict[str, Any]:
    """Run this module's entry point with the code of an earlier commit (checked out in project)."""
    if not (project / "src" / "cjji" / "publish" / "verify.py").is_file():
        return {"error": "the recorded commit predates rebuild support in cjji"}
    work.mkdir(parents=True, exist_ok=True)
    out = work / "expected.json"
    env = {"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin", "HOME": str(work),
           "LANG": "C.UTF-8"}
    try:
        done = subprocess.run([sys.executable, "-m", "cjji.publish.verify", *args, str(out)], cwd=project,
                              env=env, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"the rebuild did not finish: {exc}"}
    if done.returncode != 0 or not out.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": f"the rebuild with the recorded commit's code failed: {tail[0]}"}
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def expected_version(project: Path, report_dir: Path, record: dict[str, Any], out: Path) -> dict[str, Any]:
    """The SHA-256 of every file a version folder's build gives: downloads, images, version.json
    and index.html, rebuilt from the report's sources with the project's code and templates."""
    from cjji.policy import PolicyError, load_policy
    from cjji.publish import plan
    from cjji.publish.embargo import TimeError, embargo_of
    from cjji.publish.site import Renderer
    from cjji.publish.target import Body, Change, Withdrawal
    from cjji.report import LoadError, load

    try:
        policy = load_policy(project, use_cache=False)
        report = load(report_dir) if record.get("kind") != "programme" else _plan_document(project, report_dir, policy)
        out.mkdir(parents=True, exist_ok=True)
        paths = plan.default_builder(report, policy, out, plan.FORMATS)
    except PolicyError as exc:
        return {"error": "the policy does not load: " + "; ".join(f.message for f in exc.findings[:3])}
    except LoadError as exc:
        return {"error": f"report.md does not load: {exc.finding.message}"}
    except Exception as exc:  # a builder's failure is this version's problem, not verify-site's
        return {"error": f"the build failed: {type(exc).__name__}: {exc}"}
    files = {fmt: plan.file_info(fmt, paths[fmt]) for fmt in plan.DOWNLOADS if fmt in paths}
    try:
        body, assets = plan.rendered_body(paths["html"]) if "html" in paths else (Body(), {})
        companions = plan.companions(report)
    except (plan.BuildProblem, OSError) as exc:
        return {"error": str(exc)}
    claimed = mf.version_from_json(record)
    meta = report.meta
    change_meta = meta.get("change") or {}
    change = Change(claimed.version, claimed.change.date, change_meta.get("type", "major"),
                    change_meta.get("note", "First published."))
    try:
        embargo = embargo_of(meta["publication"])
    except (TimeError, KeyError, TypeError):
        embargo = claimed.embargo
    withdrawn = meta.get("withdrawn")
    meta_of = plan.metadata(report, policy, type_label=_PLAN_LABEL if record.get("kind") == "programme" else None)
    if record.get("kind") == "programme":  # the final programme, as publishing records it
        from cjji.programme.model import load_programme

        meta_of = dataclasses.replace(
            meta_of, programme=plan.programme_items(load_programme(project, report_dir.name), policy))
    derived = dataclasses.replace(
        claimed, metadata=meta_of, files=files, body=body, assets=assets,
        companions=companions,
        reviews=plan.review_counts(report, policy) if plan.review_summary_enabled(project) else (),
        recommendations=plan.recommendations(report, policy), content_digest=content.digest(report_dir).value,
        change=change, history=(*claimed.history[:-1], change), embargo=embargo,
        withdrawn=Withdrawal(dt.date.fromisoformat(str(withdrawn["date"])), withdrawn["reason"])
        if isinstance(withdrawn, dict) else None,
    )
    expected = {f.name: f.sha256 for f in files.values()}
    expected |= {rel: f.sha256 for rel, f in assets.items()}
    expected |= {c.file.name: c.file.sha256 for c in companions if c.file is not None}
    expected[mf.RECORD] = _sha(mf.record_bytes(derived))
    expected["index.html"] = _sha(Renderer(project, policy).version_page(derived))  # relative links only
    return {"inputs": pv.inputs_digest(project), "files": expected}


_PLAN_LABEL = "Joint inspection business plan"  # cjji.programme.publishing.DOCUMENT_LABEL


def _plan_document(project: Path, programme_dir: Path, policy: Any) -> Any:
    """The business plan as the builders take it (cjji.programme.publishing.prepare's document)."""
    from cjji.programme.document import document
    from cjji.programme.model import load_programme
    from cjji.report import LoadError

    doc = document(load_programme(project, programme_dir.name), policy)
    if doc is None:
        raise LoadError(signoff_missing_plan(programme_dir))
    doc.extra["framework_annex"] = False  # as publishing builds it
    return doc


def signoff_missing_plan(programme_dir: Path) -> Any:
    from cjji.findings import error

    return error("publish", "no-plan", f"programme/{programme_dir.name}/plan.md", 0, 0,
                 "the kept sources have no plan.md")


def expected_shared(project: Path, records: list[dict[str, Any]], base_url: str) -> dict[str, Any]:
    """The SHA-256 of every shared page (index, filters, current pages, feed, sitemap, CSS)."""
    from cjji.policy import PolicyError, load_policy
    from cjji.publish.site import Renderer
    from cjji.publish.target import Release

    try:
        policy = load_policy(project, use_cache=False)
    except PolicyError as exc:
        return {"error": "the policy does not load: " + "; ".join(f.message for f in exc.findings[:3])}
    versions = tuple(sorted((mf.version_from_json(r) for r in records),
                            key=lambda v: (v.published_at, v.report_id, v.version)))
    release = Release(versions, (), max((v.published_at for v in versions),
                                        default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    pages = Renderer(project, policy, base_url).shared_pages(release)
    return {"inputs": pv.inputs_digest(project), "files": {rel: _sha(data) for rel, data in pages.items()}}


def _verify_shared(site: Path, manifest: dict[str, Any], records: list[dict[str, Any]], anchors: Anchors,
                   work: Path, accounted: set[str]) -> list[str]:
    build = manifest.get("build")
    build = build if isinstance(build, dict) else {}
    commit = build.get("commit") if isinstance(build.get("commit"), str) else None
    project = work / "project"
    if build.get("inputs") == pv.inputs_digest(anchors.project):
        result = expected_shared(anchors.project, records, str(manifest["base_url"]))
    elif anchors.on_branch(commit) and commit and anchors.checkout(commit, project):
        work.mkdir(parents=True, exist_ok=True)
        (work / "records.json").write_text(json.dumps(records), encoding="utf-8")
        result = _in_subprocess(project, ["shared", str(project), str(work / "records.json"),
                                          str(manifest["base_url"])], work)
        if "error" not in result and result.get("inputs") != build.get("inputs"):
            return [f"the site's shared pages: the build inputs at commit {commit} are not the ones recorded"]
    else:
        return [f"the site's shared pages (index, report pages, feed) cannot be rendered again: they were made "
                f"with other inputs (commit {commit or 'unknown'}), not on the {anchors.branch} branch history "
                "at hand"]
    if "error" in result:
        return [f"the site's shared pages cannot be rendered again: {result['error']}"]
    problems = []
    for rel, sha in sorted(result["files"].items()):
        path = site / rel
        accounted.add(rel)
        if not path.is_file():
            problems.append(f"{rel} is missing (rendering the verified records makes it)")
        elif _sha(path.read_bytes()) != sha:
            problems.append(f"{rel} is not the page the verified records give (rendered again, the bytes differ)")
    return problems


# ---- entry point for a rebuild with an earlier commit's code ------------------------------------


def _main(argv: list[str]) -> int:
    kind, out = argv[0], Path(argv[-1])
    if kind == "expect":
        project, report_dir, record, work = Path(argv[1]), Path(argv[2]), json.loads(argv[3]), Path(argv[4])
        result = expected_version(project, report_dir, record, work)
    elif kind == "shared":
        project, records, base_url = Path(argv[1]), json.loads(Path(argv[2]).read_text()), argv[3]
        result = expected_shared(project, records, base_url)
    else:
        return 2
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
