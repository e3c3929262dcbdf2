"""Run the pandoc bundled with pypandoc-binary on a JSON document tree, always with --sandbox.

With --sandbox pandoc reads no file but those named on its command line (the reference document),
so a report cannot pull in anything from the machine; images reach it as data: URIs.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from typing import Any


class PandocError(Exception):
    pass


@cache
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def run(doc: dict[str, Any], to: str, *, args: tuple[str, ...] = (), timeout: float = 300) -> bytes:
    """Convert `doc` (pandoc JSON) to format `to`; returns the output bytes."""
    command = [pandoc_path(), "--sandbox", "-f", "json", "-t", to, "-o", "-", *args]
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PandocError(f"pandoc could not run: {exc}") from None
    if done.returncode != 0:
        raise PandocError(f"pandoc failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout
