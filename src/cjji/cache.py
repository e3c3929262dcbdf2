"""The results cache under .cache/: redo only what changed, never trust a damaged entry.

An entry's key is a SHA-256 over everything its result depends on: the tool's own code, the policy
in checks/, the schemas in schemas/, the mode, and every file in the report folder (a build also
SOURCE_DATE_EPOCH and the pandoc and Typst versions: `toolchain`). For draft checks, file digests
are remembered by (size, mtime, ctime, inode) in a small index, so a warm run stats files instead
of reading them; an edit that keeps the size and puts the old mtime back (`touch -r`) still
changes the ctime, which no one can set. Anything that matters never trusts the cache (issue 13):
`check --for-publication` and publishing never read it, and a build re-reads every file
(`FileDigests(trust_stat=False)`). A `.cache/` committed to git is refused (`refuse_tracked`):
a fresh clone would otherwise take its entries as results it never computed.
Entries are written atomically; one that does not parse or does not match its key is ignored
and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import cjji
from cjji import resources

FORMAT = 2
CACHE_DIR = ".cache"


class CacheError(Exception):
    """The cache cannot be used safely (it is committed to git); the message says what to do."""


def refuse_tracked(root: Path) -> None:
    """Raise CacheError if git tracks anything under <root>/.cache (a force-committed cache)."""
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", CACHE_DIR],
                                capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return  # no git: nothing can be committed
    if listed.returncode != 0:
        return  # not a git work tree
    tracked = [name for name in listed.stdout.decode("utf-8", "replace").split("\0") if name]
    if tracked:
        raise CacheError(
            f"{CACHE_DIR}/ is committed to git ({len(tracked)} file{'s' if len(tracked) != 1 else ''}, like "
            f"{tracked[0]}): cached results are never taken from the repository, because a committed entry "
            "could make a check pass that never ran. Delete it from git and from the folder with "
            f"`git rm -r -q {CACHE_DIR}` and commit ({CACHE_DIR}/ is in .gitignore; cjji recomputes "
            "what it held)")


@cache
def _pandoc_version() -> str:
    try:
        from cjji.build.pandoc import pandoc_path

        found = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, timeout=60, check=False)
        return found.stdout.split("\n", 1)[0] or f"pandoc exit {found.returncode}"
    except Exception as exc:  # no pandoc: builds fail anyway; the key still differs from a machine with one
        return f"no pandoc ({type(exc).__name__})"


def _distribution_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def toolchain() -> str:
    """What a build's bytes depend on besides the sources: SOURCE_DATE_EPOCH (the dates written
    into the files) and the pandoc and Typst versions."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return make_key(f"SOURCE_DATE_EPOCH={epoch}", _pandoc_version(), "typst=" + _distribution_version("typst"))


def _files_under(folder: Path, suffix: str = "") -> list[tuple[str, str]]:
    """(path relative to FOLDER, path) of every file below it, sorted (os.walk and string slicing:
    much cheaper than pathlib's rglob and relative_to, and a warm check pays for it every run)."""
    found = []
    base = os.path.abspath(folder)
    cut = len(base) + 1
    for top, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(suffix):
                path = os.path.join(top, name)
                if os.path.isfile(path):
                    found.append((path[cut:].replace(os.sep, "/"), path))
    return sorted(found)


def _sha256(path: str, files: FileDigests | None) -> str:
    if files is not None:
        return files.of(path)
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@cache
def tool_digest() -> str:
    """SHA-256 over cjji's own source files, every one read (publishing's provenance uses it)."""
    return tool_key(None)


def tool_key(files: FileDigests | None) -> str:
    """The same digest as `tool_digest`, with each file's SHA-256 from FILES (a draft check's
    index: a file is read again only when its size, times or inode changed): a code change
    invalidates every entry."""
    digest = hashlib.sha256(f"cjji-cache-{FORMAT}".encode())
    for rel, path in _files_under(Path(cjji.__file__).parent, ".py"):
        digest.update(f"{rel}\0{_sha256(path, files)}\0".encode())
    return digest.hexdigest()


def policy_digest(root: Path, files: FileDigests | None = None) -> str:
    """SHA-256 over every file in the project's checks/ and the schemas/ in use (the project's own
    or the installed copy): the bytes the policy is loaded and validated from. `Policy.digest`.
    With FILES (a warm check), each file's SHA-256 comes from its index; the digest is the same."""
    digest = hashlib.sha256()
    for rel, path in _files_under(root / "checks"):
        digest.update(f"{rel}\0{_sha256(path, files)}\0".encode())
    # the report schema judges reports too: a change re-checks them all
    for rel, path in _files_under(resources.folder("schemas", root)):
        digest.update(f"schemas/{rel}\0{_sha256(path, files)}\0".encode())
    return digest.hexdigest()


# What the language gates' verdicts depend on besides checks/: the grammar server named in the
# environment (gates.grammar.ENV) and the hunspell program and dictionaries installed
# (gates.spelling.DICTIONARY_DIRS; tests/test_cache.py keeps these names in step with the gates).
GRAMMAR_ENV = "CJJI_LANGUAGETOOL_URL"
DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))


def machine_token() -> str:
    """The grammar server from the environment, the hunspell program, and the name, size and
    modification time of every installed hunspell dictionary: read without loading the policy
    or the gates, so a warm `cjji check` can answer from the cache alone."""
    hunspell = next((os.path.join(d, "hunspell") for d in os.environ.get("PATH", os.defpath).split(os.pathsep)
                     if d and os.access(os.path.join(d, "hunspell"), os.X_OK)), None)  # shutil.which, without shutil
    parts = [f"{GRAMMAR_ENV}={os.environ.get(GRAMMAR_ENV, '').strip()}", f"hunspell={hunspell}"]
    for folder in DICTIONARY_DIRS:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.endswith((".dic", ".aff")):
                try:
                    stat = (folder / name).stat()
                except OSError:
                    continue
                parts.append(f"{folder / name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def findings_key(policy_digest: str, for_publication: bool, files: FileDigests | None = None) -> str:
    """Everything a report's findings depend on besides the files it reads: cjji's code (each
    file's SHA-256 from FILES when given), checks/ and schemas/ (`policy_digest`), the mode, the
    grammar server and the spelling dictionary. `cjji build` keys on it too, so a build is never
    'up to date' when `cjji check` would fail."""
    mode = "publication" if for_publication else "draft"
    return make_key(tool_key(files), policy_digest, mode, machine_token())


class FileDigests:
    """sha256 of files, remembered by (size, mtime_ns, ctime_ns, inode) across runs; with
    trust_stat=False every file is read again (what matters never trusts the index)."""

    def __init__(self, index: Path, *, trust_stat: bool = True) -> None:
        self.index = index
        self.trust_stat = trust_stat
        self.entries: dict[str, list[Any]] = {}
        self.changed = False
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("format") == FORMAT:
                self.entries = dict(data.get("files", {}))
        except (OSError, ValueError):
            pass

    def of(self, path: Path | str) -> str:
        stat = os.stat(path)
        key = os.path.abspath(path)  # not resolve(): a realpath per file is most of a warm check
        seen = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        known = self.entries.get(key)
        if self.trust_stat and isinstance(known, list) and len(known) == 5 and known[:4] == seen:
            return str(known[4])
        with open(path, "rb") as handle:
            value = hashlib.sha256(handle.read()).hexdigest()
        if known != [*seen, value]:
            self.entries[key] = [*seen, value]
            self.changed = True
        return value

    def save(self) -> None:
        if self.changed:
            from cjji.atomic import write_text  # tempfile and shutil: not needed by a warm check

            write_text(self.index, json.dumps({"format": FORMAT, "files": self.entries}))
            self.changed = False


def folder_digest(folder: Path, files: FileDigests) -> str:
    """Every file in the folder (names and contents); a missing folder digests as empty."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
            rel = path.relative_to(folder).as_posix()
            try:
                content = files.of(path) if path.is_file() else "not-a-file"
            except OSError:
                content = "unreadable"
            digest.update(f"{rel}\0{content}\0".encode())
    return digest.hexdigest()


def reads_of(folder: Path, others: list[Path], files: FileDigests) -> dict[str, str]:
    """The digest of each other folder a result read (a follow-up reads the report it follows
    up), by its path relative to FOLDER: recorded beside the result and compared on every hit."""
    return {os.path.relpath(other, folder): folder_digest(other, files) for other in others}


class ResultCache:
    """Entries under .cache/<kind>/: {key, value, reads}. `reads` holds the digest of every folder
    outside the report's own that the result depended on; a hit needs each one unchanged."""

    def __init__(self, root: Path, kind: str) -> None:
        self.dir = root / ".cache" / kind

    def get(self, key: str, folder: Path | None = None, files: FileDigests | None = None) -> Any | None:
        try:
            entry = json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            return None
        reads = entry.get("reads", {})
        if not isinstance(reads, dict) or (reads and (folder is None or files is None)):
            return None
        for rel, digest in reads.items():
            if folder is None or files is None or folder_digest(folder / rel, files) != digest:
                return None  # a folder the result read has changed (or the entry is damaged)
        return entry["value"]

    def put(self, key: str, value: Any, reads: dict[str, str] | None = None) -> None:
        from cjji.atomic import write_text

        write_text(self.dir / f"{key}.json", json.dumps({"key": key, "value": value, "reads": reads or {}}))


def make_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def policy_inputs(root: Path) -> tuple[str, dict[str, bytes | None]]:
    """The bytes the policy is loaded from, read once: (`policy_digest(root)` computed from exactly
    these bytes, {"checks/<rel>" or "schemas/<rel>": bytes}). Parsing what was hashed means an
    edit made while the policy loads can never be remembered under the digest of the old text.
    A file that cannot be read has None (and digests as "unreadable")."""
    digest = hashlib.sha256()
    contents: dict[str, bytes | None] = {}
    for prefix, folder in (("checks/", root / "checks"), ("schemas/", resources.folder("schemas", root))):
        shown = "" if prefix == "checks/" else prefix  # as policy_digest names them
        for rel, path in _files_under(folder):
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                contents[prefix + rel] = None
                digest.update(f"{shown}{rel}\0unreadable\0".encode())
                continue
            contents[prefix + rel] = data
            digest.update(f"{shown}{rel}\0{hashlib.sha256(data).hexdigest()}\0".encode())
    return digest.hexdigest(), contents
