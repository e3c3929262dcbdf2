"""Paths shared by tests (importable as `support`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reports" / "2026-victim-updates"
FIXTURES = ROOT / "tests" / "fixtures"
