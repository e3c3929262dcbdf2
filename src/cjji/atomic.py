"""Write outputs so that a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:  # name the file asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; published files must be readable by a web server
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def remove_stale_parts(folder: Path, older_than: float = 600.0) -> list[Path]:
    """Delete the temporary files of writes that were killed (`.<name>.*.part`, older than
    `older_than` seconds, so a write still in progress elsewhere is left alone)."""
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than
    removed = []
    for part in folder.rglob(".*.part"):
        try:
            if part.is_file() and part.stat().st_mtime < cutoff:
                part.unlink()
                removed.append(part)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed
