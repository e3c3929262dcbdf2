"""Inline suppressions: HTML comments turn language rules off for a line or a block; a suppression
that turns nothing off, or names a gate that cannot be turned off, is a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, ROOT

from cjji import gates, suppress
from cjji.checking import check_report
from cjji.findings import Finding
from cjji.gates import spelling
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

pytestmark = pytest.mark.skipif(spelling.find_dictionary("en_GB") is None,
                                reason="hunspell-en-gb is not installed (scripts/setup-system.sh)")
FIXTURE = FIXTURES / "language" / "suppress"


def language_findings(folder: Path) -> list[tuple[int, int, str]]:
    report, context = load(folder), Context(load_policy(ROOT))
    found = [f for f in gates.run_all(report, context) if f.gate in suppress.SUPPRESSIBLE]
    return sorted((f.line, f.col, f.code) for f in suppress.apply(report, found, context))


def test_suppressions_cover_their_lines_and_blocks_and_no_more() -> None:
    assert language_findings(FIXTURE) == [
        (12, 16, "style/latin"),  # after the enable
        (17, 5, "spelling/misspelt"),  # the line after the next-line comment is past
        (19, 1, "suppress/unused"),  # style.avoid had nothing to turn off
        (23, 1, "suppress/not-allowed"),  # schema findings cannot be turned off
    ]


def test_unused_and_not_allowed_suppressions_say_why() -> None:
    report, context = load(FIXTURE), Context(load_policy(ROOT))
    found = {f.rule: f for f in suppress.apply(report, [], context) if f.line in (19, 23)}
    assert found["unused"].severity == "warning"
    assert found["unused"].message == "this comment turns off style.avoid, but nothing here needs it"
    assert found["not-allowed"].message == (
        "'schema' cannot be turned off with a comment; only spelling, style, grammar findings can")


def test_other_gates_cannot_be_suppressed(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "report.md").write_text("---\nid: r\n---\n\n<!-- cjji-disable -->\nText.\n", encoding="utf-8")
    report = load(folder)
    schema_error = Finding(report.display, 6, 1, "error", "schema", "required", "title is missing")
    kept = suppress.apply(report, [schema_error], Context(load_policy(ROOT)))
    assert schema_error in kept
    assert [f.rule for f in kept if f.gate == "suppress"] == ["unused"]


def test_a_grammar_suppression_is_not_unused_when_grammar_did_not_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CJJI_LANGUAGETOOL_URL", raising=False)
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "report.md").write_text(
        "---\nid: r\n---\n\n<!-- cjji-disable-next-line grammar -->\nText.\n", encoding="utf-8")
    assert suppress.apply(load(folder), [], Context(load_policy(ROOT))) == []


def test_a_grammar_suppression_is_not_unused_when_the_grammar_server_did_not_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJJI_LANGUAGETOOL_URL", "http://127.0.0.1:9")
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "report.md").write_text(
        "---\nid: r\n---\n\n<!-- cjji-disable-next-line grammar -->\nText.\n", encoding="utf-8")
    report = load(folder)
    down = Finding(report.display, 0, 0, "warning", "grammar", "unavailable", "grammar was not checked: ...")
    assert suppress.apply(report, [down], Context(load_policy(ROOT))) == [down]


def test_check_applies_suppressions_to_every_report() -> None:
    codes = [f.code for f in check_report(FIXTURE, Context(load_policy(ROOT))).findings]
    assert "style/avoid" not in codes  # turned off by the last comment, to the end of the file
    assert codes.count("style/latin") == 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.from_regex(r"[a-z./_-]{0,12}", fullmatch=True), max_size=4),
       kind=st.sampled_from(["disable", "enable", "disable-next-line", "disable-line", "", "disable\n"]))
def test_any_comment_an_author_writes_is_read_without_crashing(tmp_path: Path, names: list[str], kind: str) -> None:
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    comment = f"<!-- cjji-{kind} {' '.join(names)} -->"
    (folder / "report.md").write_text(f"---\nid: r\n---\n\n{comment}\nText.\n\nMore {comment} text.\n",
                                      encoding="utf-8")
    report = load(folder)
    suppressions, problems = suppress.parse(report)
    assert {f.rule for f in problems} <= {"not-allowed"}
    assert all(s.first <= s.last and s.line >= 5 for s in suppressions)
    assert all(n.split("/")[0] in suppress.SUPPRESSIBLE for s in suppressions for n in s.names)
