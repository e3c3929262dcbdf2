"""`cjji` with the clock frozen at $CJJI_TEST_CLOCK (UK time without an offset), for tests that
run `cjji publish` in a subprocess. A test helper only, never installed: the cjji command itself
takes no time from outside for a real publication (`--now` and CJJI_NOW need `--dry-run`).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    from cjji.publish import embargo

    fixed = embargo.parse_time(os.environ["CJJI_TEST_CLOCK"])
    embargo.clock = lambda: fixed
    from cjji.cli import main as cli_main

    sys.argv[0] = "cjji"
    cli_main()


if __name__ == "__main__":
    main()
