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
import dataclasses
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from cjji.policy import Policy
from cjji.publish import manifest as mf
from cjji.publish import provenance
from cjji.publish.record import anonymous
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
        versions = []
        for v in release.versions:
            folder = mf.version_dir(v.report_id, v.version)
            old = previous / folder if previous is not None else None
            if v.key not in added and old is not None and (old / mf.RECORD).is_file():
                _link_tree(old, staging / folder)  # kept as it was published, for the record
                versions.append(v)
            else:  # no person on the public site: the record gives roles, times, digests and keys
                public = dataclasses.replace(v, signoffs=tuple(anonymous(s) for s in v.signoffs))
                _write_version(public, staging / folder, renderer.version_page(public))
                provenance.write(v, staging / folder, self.root)
                versions.append(public)
        release = dataclasses.replace(release, versions=tuple(versions))
        for rel, data in renderer.shared_pages(release).items():
            _write(staging / rel, data)
        files = {rel: (mf.sha256_file(staging / rel), (staging / rel).stat().st_size)
                 for rel in mf.walk_files(staging)}
        manifest = mf.build_manifest(release.versions, files, renderer.base_url)
        manifest["build"] = provenance.build_info(self.root)
        problems = mf.problems_of(manifest)
        if problems:  # a site whose record cannot be read back could never be published to again
            raise TargetError("the new site's manifest would not match schemas/manifest.schema.json, so "
                              "nothing was switched: " + "; ".join(problems))
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


def verify_folder(site: Path, policy: Policy | None, *, rebuild: bool = True) -> list[str]:
    """Every problem with a published build, starting from the trust anchors (cjji.publish.verify)."""
    from cjji.publish.verify import verify_site

    return verify_site(site, policy.root if policy is not None else None, rebuild=rebuild)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_version(v: ReportVersion, folder: Path, page: bytes) -> None:
    """The downloads, images, companions, record and page (never a sign-off statement: those
    name their gatekeeper, and stay in the repository)."""
    for f in [*v.files.values(), *v.assets.values(), *(c.file for c in v.companions if c.file)]:
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
    """The same site (what the build was made with aside: an unchanged site is not rebuilt)."""
    try:
        old = mf.read_manifest(previous)
    except mf.ManifestError:
        return False
    old.pop("build", None)
    return old == {k: v for k, v in manifest.items() if k != "build"}


def _build_id(now: dt.datetime, manifest: dict[str, object]) -> str:
    digest = hashlib.sha256(mf.manifest_bytes(manifest)).hexdigest()[:12]
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{digest}"
