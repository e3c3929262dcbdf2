"""The local-folder target: the site is built aside and switched in with one atomic rename.

    site            -> site-versions/<build-id>     (a symbolic link: what is served)
    site-versions/<build-id>/                      (each build, complete; never deleted)
    site-versions/.staging-*/                      (a build in progress; never served)

A run writes the new build into a staging folder beside the others, renames it to its build id
(complete), then points `site` at it by renaming a new link over the old one (rename(2) is
atomic). A reader, or a run killed at any moment, sees the complete old site or the complete new
one. Files of versions already published are hard-linked from the previous build, so they are
never rewritten; earlier builds stay on disk. The record of what was published is the served
build's manifest.json.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from cjji import signoff
from cjji.policy import Policy
from cjji.publish import manifest as mf
from cjji.publish.site import Renderer
from cjji.publish.target import Release, ReportVersion, TargetError

STAGING = ".staging-"


class LocalTarget:
    name = "local"

    def __init__(self, site: Path, root: Path, policy: Policy, base_url: str | None = None) -> None:
        self.site = Path(site)
        self.root = root
        self.policy = policy
        self.base_url = base_url
        self.builds = self.site.parent / f"{self.site.name}-versions"
        self._locked = False  # this object holds the publishing lock (see `lock`)

    # ---- the record ---------------------------------------------------------------------------

    def current(self) -> Path | None:
        """The build folder being served, or None when nothing has been published."""
        if self.site.is_symlink():
            target = self.site.resolve()
            return target if target.is_dir() else None
        if self.site.exists():
            if self.site.is_dir() and not any(self.site.iterdir()):
                return None
            raise TargetError(
                f"{self.site} is a real folder, not the link `cjji publish` makes; "
                f"move it away (it is not deleted for you) and publish again"
            )
        return None

    def published(self) -> tuple[ReportVersion, ...]:
        build = self.current()
        if build is None:
            return ()
        try:
            return mf.read_versions(build, mf.read_manifest(build))
        except mf.ManifestError as exc:
            raise TargetError(f"the published site cannot be read: {exc}") from None

    # ---- publishing ---------------------------------------------------------------------------

    def publish(self, release: Release) -> str:
        self.builds.mkdir(parents=True, exist_ok=True)
        with self.lock():
            previous = self.current()
            self._clear_leftovers()
            staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=self.builds))
            staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
            try:
                manifest = self._assemble(release, previous, staging)
                if previous is not None and _same(previous, manifest):
                    shutil.rmtree(staging)
                    return f"{self.site} unchanged (build {previous.name})"
                final = self._free(_build_id(release.now, manifest))
                os.sync()  # every byte on disk before the build becomes visible
                staging.rename(final)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            self._switch(final)
            return f"{self.site} -> {final.relative_to(self.site.parent)}"

    def _assemble(self, release: Release, previous: Path | None, staging: Path) -> dict[str, object]:
        renderer = Renderer(self.root, self.policy, self.base_url)
        added = set(release.added)
        for v in release.versions:
            folder = mf.version_dir(v.report_id, v.version)
            old = previous / folder if previous is not None else None
            if v.key not in added and old is not None and (old / mf.RECORD).is_file():
                _link_tree(old, staging / folder)
            else:
                _write_version(v, staging / folder, renderer.version_page(v))
        for rel, data in renderer.shared_pages(release).items():
            _write(staging / rel, data)
        files = {rel: (mf.sha256_file(staging / rel), (staging / rel).stat().st_size)
                 for rel in mf.walk_files(staging)}
        manifest = mf.build_manifest(release.versions, files, renderer.base_url)
        _write(staging / mf.MANIFEST, mf.manifest_bytes(manifest))
        return manifest

    def _free(self, build_id: str) -> Path:
        """A build folder name not yet taken (a killed run may have left one unserved)."""
        final, n = self.builds / build_id, 1
        while final.exists():
            n += 1
            final = self.builds / f"{build_id}-{n}"
        return final

    def _switch(self, build: Path) -> None:
        link = self.site.parent / f".{self.site.name}.new-{os.getpid()}"
        link.unlink(missing_ok=True)
        os.symlink(build.relative_to(self.site.parent), link)
        if self.site.is_dir() and not self.site.is_symlink():
            self.site.rmdir()  # an empty folder left by hand (current() refuses a full one)
        os.replace(link, self.site)

    def _clear_leftovers(self) -> None:
        """Remove staging folders and links of runs that were killed: they were never served."""
        for path in self.builds.glob(f"{STAGING}*"):
            shutil.rmtree(path, ignore_errors=True)
        for link in self.site.parent.glob(f".{self.site.name}.new-*"):
            if link.is_symlink():
                link.unlink(missing_ok=True)

    @contextlib.contextmanager
    def lock(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """One publisher at a time: a lock on the builds folder itself (no lock file left behind).

        `cjji publish` holds it for the whole run (reading the record, deciding, building,
        publishing), so each run starts from the site being served. With `on_wait` a second run
        waits for the first (calling on_wait once); without, it is refused. Re-entrant."""
        if self._locked:
            yield
            return
        self.builds.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.builds, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is None:
                    raise TargetError(f"another `cjji publish` is writing to {self.site}; "
                                      "try again when it ends") from None
                on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._locked = True
            try:
                yield
            finally:
                self._locked = False
        finally:
            os.close(fd)

    # ---- verification -------------------------------------------------------------------------

    def verify(self) -> list[str]:
        try:
            build = self.current()
        except TargetError as exc:
            return [str(exc)]
        if build is None and self.site.is_symlink():
            return [f"{self.site} points at {os.readlink(self.site)}, which does not exist"]
        if build is None:
            return [f"{self.site} does not exist or is empty: nothing has been published there"]
        return verify_folder(build, self.policy)


def verify_folder(site: Path, policy: Policy | None) -> list[str]:
    """The manifest check, then each published sign-off re-verified (when the policy is at hand)."""
    problems = mf.verify(site)
    if problems or policy is None:
        return problems
    try:
        versions = mf.read_versions(site, mf.read_manifest(site))
    except mf.ManifestError as exc:
        return [str(exc)]
    allowed = policy.root / signoff.ALLOWED_SIGNERS
    for v in versions:
        for s in v.signoffs:
            problems.extend(_verify_signoff(v, s.file.source, s.signature.source if s.signature else None,
                                            allowed))
    return problems


def _verify_signoff(v: ReportVersion, statement: Path | None, signature: Path | None, allowed: Path) -> list[str]:
    import json

    name = f"{v.report_id} version {v.version}"
    if statement is None:
        return []
    raw = statement.read_bytes()
    try:
        data = json.loads(raw)
    except ValueError:
        return [f"{name}: the sign-off {statement.name} is not valid JSON"]
    problems = []
    if data.get("content_digest") != v.content_digest:
        problems.append(f"{name}: the sign-off {statement.name} signs a different content digest")
    if data.get("report") != v.report_id or data.get("version") != v.version:
        problems.append(f"{name}: the sign-off {statement.name} is for another report or version")
    if signature is not None:
        reason = signoff.verify_bytes(raw, signature.read_bytes(), str(data.get("identity", "")), allowed)
        if reason:
            problems.append(f"{name}: the sign-off {statement.name} does not verify: {reason}")
    return problems


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_version(v: ReportVersion, folder: Path, page: bytes) -> None:
    for f in [*v.files.values(), *v.assets.values(), *(s.file for s in v.signoffs),
              *(s.signature for s in v.signoffs if s.signature)]:
        if f.source is None:
            raise TargetError(f"{v.report_id} version {v.version}: the file {f.name} is not at hand to publish")
        data = f.source.read_bytes()
        if hashlib.sha256(data).hexdigest() != f.sha256:
            raise TargetError(f"{v.report_id} version {v.version}: {f.name} changed while it was being published")
        _write(folder / f.name, data)
    _write(folder / mf.RECORD, mf.record_bytes(v))
    _write(folder / "index.html", page)


def _link_tree(source: Path, dest: Path) -> None:
    """Hard-link every file of a published version into the new build (copy across devices)."""
    for path in sorted(source.rglob("*")):
        target = dest / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _same(previous: Path, manifest: dict[str, object]) -> bool:
    try:
        return mf.read_manifest(previous) == manifest
    except mf.ManifestError:
        return False


def _build_id(now: dt.datetime, manifest: dict[str, object]) -> str:
    digest = hashlib.sha256(mf.manifest_bytes(manifest)).hexdigest()[:12]
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{digest}"
