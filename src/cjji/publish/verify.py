"""`cjji verify-site`: re-verify a published site from the trust anchors, not from its manifest.

The anchors are the reports repository: its checks/allowed_signers and checks/gatekeepers.yml
(as they are now, or as they were at a commit on the protected branch) and, when its git history
is at hand, the first-parent history of that branch. For every version folder of the site
(`reports/<id>/v<N>/`, found on disk, not only where the manifest says):

1. the kept sources (`source/`) digest to the content digest the version claims;
2. the kept policy files (`policy/`) equal the repository's: at the commit recorded for the
   version if that commit is on the protected branch, or the current ones;
3. every sign-off statement in the folder is re-verified against that policy (signature,
   role, authority at its trusted time) and every role the report requires has a valid one;
   with the history at hand, each statement must also have landed on the branch, byte for byte;
4. (unless --skip-rebuild) the downloads, the images, the record (`version.json`) and the page
   are rebuilt from `source/` with the build inputs recorded for the version (this checkout if
   they are the same, else the recorded commit, taken from the history) and compared byte for
   byte; then the shared pages (index, current pages, feed, sitemap) are rendered again from
   the verified records and compared.

The manifest is still checked for consistency (every file listed, with its digest), but passing
that proves nothing by itself: whoever can write to the site can rewrite the manifest too.
"""

from __future__ import annotations

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
from cjji.publish.record import source_home

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
                notes: list[str] | None = None) -> list[str]:
    """Every problem with a published site, each one plain sentence. [] means verified.
    `notes` receives what could not be checked (no history at hand, no rebuild)."""
    if project is None:
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
    anchors = Anchors(project)
    if notes is not None and not anchors.history:
        notes.append(f"{project} has no full history of the {anchors.branch} branch (not a git clone, or a "
                     "shallow one): the policy copies were compared with the current checks/ only, and the "
                     "sign-offs were not checked to have landed on the branch")
    if notes is not None and not rebuild:
        notes.append("--skip-rebuild: the downloads and pages were not rebuilt from the kept sources")
    folders = sorted(set(_version_folders(site)) | {
        site / mf.version_dir(r["id"], v["version"]) for r in manifest["reports"] for v in r["versions"]})
    records: list[dict[str, Any]] = []
    accounted: set[str] = {mf.MANIFEST}
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


def verify_version(site: Path, folder: Path, anchors: Anchors, work: Path, rebuild: bool,
                   accounted: set[str] | None = None) -> tuple[list[str], dict[str, Any] | None]:
    """Verify one version folder; add the site paths it accounts for (verified) to `accounted`."""
    accounted = set() if accounted is None else accounted
    rel = folder.relative_to(site).as_posix()
    name = rel
    if not folder.is_dir():
        return [f"{name}: the version folder is missing"], None
    try:
        record = json.loads((folder / mf.RECORD).read_text(encoding="utf-8"))
        prov = json.loads((folder / pv.PROVENANCE).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(prov, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError as exc:
        return [f"{name}: {Path(str(exc.filename)).name} is missing, so this version cannot be verified "
                "(its sources and the policy it was signed under are not kept)"], None
    except (OSError, ValueError) as exc:
        return [f"{name}: its record cannot be read: {exc}"], None
    report_id, version = str(record.get("id", "")), record.get("version")
    if rel != mf.version_dir(report_id, version if isinstance(version, int) else -1):
        return [f"{name}: its record says it is {report_id} version {version}"], None
    problems: list[str] = []
    claimed = str(record.get("content_digest", ""))
    try:
        digest = content.digest(folder / pv.SOURCE)
    except content.DigestError as exc:
        return [f"{name}: its kept sources cannot be digested: {exc}"], None
    if digest.value != claimed or prov.get("content_digest") != claimed:
        return [f"{name}: the kept sources (source/) digest to {digest.value}, not to the signed content "
                f"digest {claimed}: they are not what was signed"], None
    problems += _anchor_policy(folder, prov, anchors, name)
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
    for fname in pv.POLICY_FILES:  # what the sign-offs are verified against: the (anchored) copies
        shutil.copyfile(folder / pv.POLICY / fname, project / pv.POLICY_FILES[fname])
    report_dir = project / source_home(record)
    shutil.copytree(folder / pv.SOURCE, report_dir)
    (report_dir / content.SIGNOFFS).mkdir(exist_ok=True)
    for path in _statement_files(folder):
        shutil.copyfile(path, report_dir / content.SIGNOFFS / path.name)
    problems += _verify_signoffs(folder, record, report_dir, project, anchors, name)
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


def _anchor_policy(folder: Path, prov: dict[str, Any], anchors: Anchors, name: str) -> list[str]:
    """The kept policy files must be the repository's: at the recorded commit (on the branch), or now."""
    problems = []
    commit = prov.get("commit") if isinstance(prov.get("commit"), str) else None
    on_branch = anchors.on_branch(commit)
    for fname, repo_rel in pv.POLICY_FILES.items():
        try:
            kept = (folder / pv.POLICY / fname).read_bytes()
        except OSError:
            problems.append(f"{name}: policy/{fname} is missing: the policy it was signed under is not kept")
            continue
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
    return problems


def _verify_signoffs(folder: Path, record: dict[str, Any], report_dir: Path, project: Path,
                     anchors: Anchors, name: str) -> list[str]:
    from cjji.policy import PolicyError, load_policy
    from cjji.publish.embargo import parse_time
    from cjji.report import LoadError, load

    try:
        policy = load_policy(project)
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
    listed = {s.get("path", "").rsplit("/", 1)[-1] for s in record.get("signoffs", []) if isinstance(s, dict)}
    present = {p.name for p in _statement_files(folder) if p.name.endswith(".json")}
    for missing in sorted(listed - present):
        problems.append(f"{name}: its record names the sign-off {missing}, which is not on the site")
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
        policy = load_policy(project)
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
        policy = load_policy(project)
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
