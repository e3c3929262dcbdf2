"""The results cache under .cache/: redo only what changed, never trust a damaged entry.

An entry's key is a SHA-256 over everything its result depends on: the tool's own code, the policy
in checks/, the schemas in schemas/, the mode, and every file in the report folder. File digests are remembered by
(size, mtime) in a small index, so a warm run stats files instead of reading them.
Entries are written atomically; one that does not parse or does not match its key is ignored
and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import cjji
from cjji.atomic import write_text

FORMAT = 1


@cache
def tool_digest() -> str:
    """SHA-256 over cjji's own source files: a code change invalidates every entry."""
    digest = hashlib.sha256(f"cjji-cache-{FORMAT}".encode())
    package = Path(cjji.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class FileDigests:
    """sha256 of files, remembered by (size, mtime_ns) across runs."""

    def __init__(self, index: Path) -> None:
        self.index = index
        self.entries: dict[str, list[Any]] = {}
        self.changed = False
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("format") == FORMAT:
                self.entries = dict(data.get("files", {}))
        except (OSError, ValueError):
            pass

    def of(self, path: Path) -> str:
        stat = path.stat()
        key = str(path.resolve())
        known = self.entries.get(key)
        if isinstance(known, list) and len(known) == 3 and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            return str(known[2])
        value = hashlib.sha256(path.read_bytes()).hexdigest()
        self.entries[key] = [stat.st_size, stat.st_mtime_ns, value]
        self.changed = True
        return value

    def save(self) -> None:
        if self.changed:
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


class ResultCache:
    def __init__(self, root: Path, kind: str) -> None:
        self.dir = root / ".cache" / kind

    def get(self, key: str) -> Any | None:
        try:
            entry = json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            return None
        return entry["value"]

    def put(self, key: str, value: Any) -> None:
        write_text(self.dir / f"{key}.json", json.dumps({"key": key, "value": value}))


def make_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
