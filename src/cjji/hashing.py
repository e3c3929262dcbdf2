"""The SHA-256 of a file, in one place (hashlib.file_digest reads it in chunks, never whole)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    """The file's SHA-256 as 64 lowercase hex digits. Raises OSError when it cannot be read."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
