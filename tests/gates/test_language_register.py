"""Prose in the register of real joint inspection reports (the project's own sentences, built on
what issue 17 found going wrong) passes the spelling and style gates with no error or warning:
the neurodiversity family, hardworking, a domain as link text, Outcome 16, Phase 1, phases 1 and 2,
compared numbers, section 28, Annex A, Phase III, the Lord Chancellor in a heading."""

from __future__ import annotations

import pytest
from support import FIXTURES, ROOT

from cjji.gates import spelling, style
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

pytestmark = pytest.mark.skipif(spelling.find_dictionary("en_GB") is None,
                                reason="hunspell-en-gb is not installed (scripts/setup-system.sh)")


def test_inspectorate_register_raises_no_error_or_warning() -> None:
    report = load(FIXTURES / "language" / "register")
    context = Context(load_policy(ROOT))
    found = [f for f in spelling.run(report, context) + style.run(report, context) if f.severity != "info"]
    assert found == [], "\n".join(f"{f.line}:{f.col} {f.code} {f.message}" for f in found)
