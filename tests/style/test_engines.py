"""Each rule type's engine on small real reports: what it finds, where, and what it leaves alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cjji import prose
from cjji.report import load
from cjji.style.engines import ENGINES
from cjji.style.loader import _scope
from cjji.style.metric import evaluate
from cjji.style.rule import Doc, Rule


def hits(tmp_path: Path, body: str, extends: str, proper: tuple[str, ...] = (),
         **fields: Any) -> list[tuple[int, int, str]]:
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    (folder / "report.md").write_text(f"---\nid: r\n---\n\n{body}\n", encoding="utf-8")
    message = fields.pop("message", "{match}")
    rule = Rule("test", extends, message, "warning", scope=_scope(fields.pop("scope", None)), data=fields)
    doc = Doc(prose.extract(load(folder)).blocks, frozenset(proper))
    return [(*h.block.position(h.offset), h.message) for h in ENGINES[extends](rule, doc)]


def test_existence_matches_whole_words_in_any_case_except_exceptions(tmp_path: Path) -> None:
    body = "Key points. The keyboard is key.\nA donkey, a KEY."
    assert hits(tmp_path, body, "existence", tokens=["key"], exceptions=["KEY"]) == [
        (5, 1, "Key"), (5, 29, "key")]


def test_existence_skips_quotations_unless_the_scope_names_them(tmp_path: Path) -> None:
    body = "> It was robust.\n\nIt was robust."
    assert hits(tmp_path, body, "existence", tokens=["robust"]) == [(7, 8, "robust")]
    assert len(hits(tmp_path, body, "existence", tokens=["robust"], scope=["blockquote"])) == 1


def test_substitution_keeps_a_capital_and_ignores_text_already_right(tmp_path: Path) -> None:
    body = "Utilise it. We utilise. Use it."
    found = hits(tmp_path, body, "substitution", swap={"utilise|use": "use"}, message="{match}>{suggestion}")
    assert found == [(5, 1, "Utilise>'Use'"), (5, 16, "utilise>'use'")]


def test_occurrence_counts_words_per_sentence_or_per_block(tmp_path: Path) -> None:
    body = "One two three four. One two.\n\nFive six seven."
    assert hits(tmp_path, body, "occurrence", max=3, message="{count}") == [(5, 1, "4")]
    assert hits(tmp_path, body, "occurrence", max=3, per="block", message="{count}") == [(5, 1, "6")]
    assert hits(tmp_path, body, "occurrence", min=3, max=9, message="{count}") == [(5, 21, "2")]
    assert hits(tmp_path, body, "occurrence", max=8, per="document", message="{count}") == [(5, 1, "9")]


def test_repetition_finds_a_word_repeated_across_a_line_break(tmp_path: Path) -> None:
    body = "We saw the\nthe letter. He had had enough. Is is it?"
    assert hits(tmp_path, body, "repetition", exceptions=["had"]) == [(6, 1, "the"), (6, 35, "is")]


def test_consistency_keeps_the_first_spelling_used(tmp_path: Path) -> None:
    body = "# A focussed review\n\nWe focused on it. We focussed again."
    found = hits(tmp_path, body, "consistency", either={"focused": "focussed"}, message="{match}/{other}/{line}")
    assert found == [(7, 4, "focused/focussed/5")]


def test_conditional_wants_the_spelled_out_form_first(tmp_path: Path) -> None:
    body = "The VLU wrote. The Victim Liaison Unit (VLU) and the WCU met. The BBC said so."
    found = hits(tmp_path, body, "conditional", first=r"\b([A-Z]{3,5})\b", second=r"\(([A-Z]{3,5})\)",
                 exceptions=["BBC"], message="{match}", message_later="{match} before line {line}")
    assert found == [(5, 5, "VLU before line 5"), (5, 54, "WCU")]


def test_capitalization_sentence_case_allows_names_acronyms_and_a_subtitle(tmp_path: Path) -> None:
    body = ("# Work with the CPS in Northshire\n\n# Victims' Code: A Review\n\n# Working With Victims\n\n"
            "# lower start")
    found = hits(tmp_path, body, "capitalization", proper=("Northshire",), scope=["heading"],
                 exceptions=["Victims' Code"], match="$sentence")
    assert found == [(7, 20, "Review"), (9, 11, "With"), (11, 3, "lower")]


def test_readability_scores_long_blocks_only(tmp_path: Path) -> None:
    hard = ("Notwithstanding considerable organisational complexity, multidisciplinary "
            "collaboration necessitates comprehensive documentation. ") * 4
    body = f"{hard}\n\nShort and hard: notwithstanding multidisciplinary documentation."
    found = hits(tmp_path, body, "readability", grade=12, min_words=20, message="{score}")
    assert [(line, col) for line, col, _ in found] == [(5, 1)]
    assert float(found[0][2]) > 20


def test_metric_evaluates_a_formula_over_the_report(tmp_path: Path) -> None:
    body = "One two three four five six. Seven eight nine ten eleven twelve."
    assert hits(tmp_path, body, "metric", formula="words / sentences", condition="> 5",
                message="{value}") == [(5, 1, "6.0")]
    assert hits(tmp_path, body, "metric", formula="words / sentences", condition="> 6") == []


@pytest.mark.parametrize("formula", ["__import__('os')", "words ** 99", "open", "words.real"])
def test_a_metric_formula_is_arithmetic_and_nothing_else(formula: str) -> None:
    with pytest.raises(ValueError):
        evaluate(formula, {"words": 1.0})
