"""Fixtures for publishing tests: the example report signed by test gatekeepers (real keys)."""

from __future__ import annotations

from pathlib import Path

import pytest
from signoff_support import REQUIRED, Gatekeepers, gk, keys  # noqa: F401

SIGNERS = dict(zip(REQUIRED, ["cps-chief", "police-chief", "probation-chief", "cps-qa"], strict=True))


def sign_all(kit: Gatekeepers) -> None:
    for role, name in SIGNERS.items():
        kit.sign(role, name)


@pytest.fixture
def signed(gk: Gatekeepers) -> Gatekeepers:  # noqa: F811
    """A throwaway project with the example report, signed off by every required role."""
    sign_all(gk)
    return gk


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "public" / "site"
