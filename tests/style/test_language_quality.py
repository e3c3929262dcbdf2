"""The language gates' quality gate (issue 17): on the project's own corpus, at most 2 findings
per 1,000 words of clean prose and at least 95% of the seeded errors found, per kind of error.
Deterministic: the corpus is committed, and rebuilding it from the sentence banks gives the same
bytes."""

from __future__ import annotations

import importlib.util
import json
import sys
from typing import Any

import pytest
from support import ROOT

from cjji.gates import spelling

pytestmark = pytest.mark.skipif(spelling.find_dictionary("en_GB") is None,
                                reason="hunspell-en-gb is not installed (scripts/setup-system.sh)")


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("language_quality", ROOT / "scripts" / "language_quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["language_quality"] = module
    spec.loader.exec_module(module)
    return module


LQ = _script()
CORPUS = ROOT / "tests" / "corpora" / "language"


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return LQ.measure()


def test_the_corpus_is_big_enough_and_varied_enough(result: dict[str, Any]) -> None:
    assert result["clean"]["words"] >= 20_000
    assert result["seeded"]["errors"] >= 150
    assert result["seeded"]["kinds"] >= 12
    assert all(v["seeded"] >= 10 for v in result["by_kind"].values())
    for kind in ("us-spelling", "doubled-word", "misspelling", "unexpanded-acronym", "inconsistent-hyphenation",
                 "heading-capitals", "numbers-style", "words-to-avoid", "long-sentence", "oxford-comma",
                 "wrong-agency-name", "wrong-statute-name"):
        assert kind in result["by_kind"]


def test_clean_prose_has_at_most_two_findings_per_thousand_words(result: dict[str, Any]) -> None:
    assert result["clean"]["per_1000_words"] <= 2.0, "\n".join(result["clean"]["listed"])


def test_at_least_95_per_cent_of_seeded_errors_are_found_and_each_kind_is_found(result: dict[str, Any]) -> None:
    assert result["seeded"]["recall"] >= 0.95, "\n".join(result["missed"])
    assert all(v["recall"] >= 0.9 for v in result["by_kind"].values()), result["by_kind"]
    assert LQ.passed(result)


def test_every_seeded_error_is_really_in_the_seeded_copy_and_not_in_the_clean_one() -> None:
    errors = json.loads((CORPUS / "seeded" / "errors.json").read_text(encoding="utf-8"))
    for e in errors:
        clean = (CORPUS / "clean" / e["report"] / "report.md").read_text(encoding="utf-8").splitlines()
        seeded = (CORPUS / "seeded" / e["report"] / "report.md").read_text(encoding="utf-8").splitlines()
        assert clean[e["line"] - 1] != seeded[e["line"] - 1], e
    assert len({(e["report"], e["line"]) for e in errors}) == len(errors)  # one error a line


def test_the_committed_corpus_is_what_the_sentence_banks_build() -> None:
    data = LQ.bank()
    clean = LQ.build(data)
    seeded, errors = LQ.seed(clean, data)
    for kind, reports in (("clean", clean), ("seeded", seeded)):
        for rid, lines in reports.items():
            on_disk = (CORPUS / kind / rid / "report.md").read_text(encoding="utf-8")
            expected = "\n".join(lines).rstrip("\n") + "\n"
            assert on_disk == expected, f"{kind}/{rid}: run scripts/language_quality.py --write"
    assert json.loads((CORPUS / "seeded" / "errors.json").read_text(encoding="utf-8")) == errors


def test_a_gate_that_stops_finding_errors_fails_the_quality_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "run", lambda report, context: [])  # spelling silently broken
    broken = LQ.measure(only={"01-victim-updates", "02-domestic-abuse", "03-case-files"})
    assert broken["by_kind"]["misspelling"]["recall"] == 0
    assert not LQ.passed(broken)


def test_the_table_reports_each_kind_and_rule(result: dict[str, Any]) -> None:
    table = LQ.table(result)
    assert "per 1,000 words" in table and "recall" in table
    assert "wrong-statute-name" in table and "style/names" in table
