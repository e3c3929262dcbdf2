"""Paths shared by tests (importable as `support`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reports" / "2026-victim-updates"
FIXTURES = ROOT / "tests" / "fixtures"

# `CJJI_THOROUGH=1 make test`: the stress and property tests at their full size (more random kill
# moments, bigger inputs, more hypothesis examples), as before a release. Without it they run a
# smaller sample that still crosses every limit they test (the edit loop and CI).
THOROUGH = os.environ.get("CJJI_THOROUGH", "") not in ("", "0")


def thorough(quick: int, full: int) -> int:
    """`full` under CJJI_THOROUGH=1, else `quick`."""
    return full if THOROUGH else quick


def examples(n: int) -> int:
    """A property test's hypothesis examples: `n` under CJJI_THOROUGH=1, else a third (at least
    20), for the properties that other tests also cover (the fuzzing in test_fuzz.py, corpora)."""
    return n if THOROUGH else max(20, n // 3)
