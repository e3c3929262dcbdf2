# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""Publishing refuses what `cjji build` refuses: built files that fail the outputs gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from publish_support import (
    AFTER_EMBARGO,
    gk,  # noqa: F401
    keys,  # noqa: F401
    signed,  # noqa: F401
)
from signoff_support import Gatekeepers

from cjji.policy import Policy, load_policy
from cjji.publish.embargo import parse_time
from cjji.publish.plan import decide, default_builder
from cjji.report import Report

pytestmark = pytest.mark.slow


def _broken_word_file(report: Report, policy: Policy, out: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    paths = default_builder(report, policy, out, formats)
    paths["docx"].write_bytes(b"not a zip")  # what a builder bug or a full disk could leave
    return paths


def test_a_built_file_that_fails_the_outputs_gate_is_not_published(signed: Gatekeepers, tmp_path: Path) -> None:
    decision = decide(signed.report, load_policy(signed.root), [], parse_time(AFTER_EMBARGO), tmp_path / "work",
                      build=_broken_word_file)
    assert decision.action == "refused"
    assert decision.message == "not published: the built files failed 1 output check(s)"
    assert len(decision.reasons) == 1 and "the Word file does not open" in decision.reasons[0]
    assert decision.version is None
