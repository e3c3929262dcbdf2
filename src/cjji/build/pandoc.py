"""Run the pandoc bundled with pypandoc-binary on a JSON document tree, always with --sandbox.

With --sandbox pandoc reads no file but those named on its command line (the reference document)
and fetches nothing, so a report cannot pull in anything from the machine; images reach it as
data: URIs. It runs under the limits of checks/limits.yml `build:`: a heap limit
(`+RTS -M<n>m -RTS`) and a timeout, after which it is killed (cjji.build.sandbox.run_limited);
going over one is a PandocError that names the limit.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cjji.build.sandbox import DEFAULT_LIMITS, LimitError, ToolError, run_limited


class PandocError(Exception):
    pass


@cache
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def run(doc: dict[str, Any], to: str, *, args: tuple[str, ...] = (), timeout: float | None = None,
        memory_mb: int | None = None) -> bytes:
    """Convert `doc` (pandoc JSON) to format `to`; returns the output bytes. `timeout` (seconds)
    and `memory_mb` default to checks/limits.yml's defaults (cjji.build.sandbox.DEFAULT_LIMITS)."""
    seconds = int(timeout or DEFAULT_LIMITS["seconds"])
    memory = int(memory_mb or DEFAULT_LIMITS["memory_mb"])
    command = [pandoc_path(), "+RTS", f"-M{memory}m", "-RTS", "--sandbox", "-f", "json", "-t", to, "-o", "-", *args]
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        done = run_limited(command, data, seconds, "pandoc", "build.seconds")
    except LimitError as exc:
        raise PandocError(f"{exc} (checks/limits.yml {exc.limit})") from None
    except ToolError as exc:
        raise PandocError(f"pandoc could not run: {exc}") from None
    if done.returncode == 251 or b"Heap exhausted" in done.stderr or b"heap overflow" in done.stderr:
        raise PandocError(f"pandoc needed more memory than the limit of {memory} MB "
                          "(checks/limits.yml build.memory_mb)")
    if done.returncode != 0:
        raise PandocError(f"pandoc failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout
