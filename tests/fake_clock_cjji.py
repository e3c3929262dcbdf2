"""`cjji` with the clock frozen at $CJJI_TEST_CLOCK (UK time without an offset), for tests that
run `cjji publish` in a subprocess. A test helper only, never installed: the cjji command itself
takes no time from outside for a real publication (`--now` and CJJI_NOW need `--dry-run`).

$CJJI_TEST_FAST_BUILD=<folder>: instead of building, copy the outputs a real build left in
<folder>/<report id>/ (the concurrency tests publish many times; the outputs gate still runs).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any


def _fast_builder(store: Path) -> Any:
    def build(report: Any, policy: Any, out: Path, formats: tuple[str, ...]) -> dict[str, Path]:
        built = {}
        source = store / report.id
        shutil.copytree(source, out, dirs_exist_ok=True)
        for fmt in formats:
            name = {"html": f"{report.id}.html", "pdf": f"{report.id}.pdf", "docx": f"{report.id}.docx"}[fmt]
            built[fmt] = out / name
        return built

    return build


def main() -> None:
    from cjji.publish import embargo

    fixed = embargo.parse_time(os.environ["CJJI_TEST_CLOCK"])
    embargo.clock = lambda: fixed
    store = os.environ.get("CJJI_TEST_FAST_BUILD")
    if store:
        import cjji.build

        cjji.build.build_report = _fast_builder(Path(store))  # type: ignore[assignment]
    from cjji.cli import main as cli_main

    sys.argv[0] = "cjji"
    cli_main()


if __name__ == "__main__":
    main()
