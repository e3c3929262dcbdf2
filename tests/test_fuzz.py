"""Property tests: whatever an author writes in the metadata or the body, loading ends in a
Report or a located LoadError, and no gate raises."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hostile_support import BASE, context, corpus, report_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

from cjji import gates
from cjji.report import LoadError, load

BASE_TEXT = (BASE / "report.md").read_text(encoding="utf-8")
FRONT, BODY = BASE_TEXT.split("\n---\n", 1)
FIELDS = [line.split(":", 1)[0] for line in FRONT.split("\n")[1:] if line and line[0].isalpha()]
FUZZ = settings(max_examples=int(os.environ.get("CJJI_FUZZ_EXAMPLES", examples(120))), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def pieces(*parts: str) -> st.SearchStrategy[str]:
    """Text made of these single characters and longer pieces, in any order."""
    return st.lists(st.sampled_from(parts), max_size=120).map("".join)


yaml_text = pieces(*"abcC1:-{}[],&*!|>'\"#%@` \n\t?.~<=", "no", "on", "NO", "1.10", "2026-13-45", "<<: ")
markdown_text = pieces(*"abc1 \n\t#*_`[](){}<>!:|\\-+.=\"'&;~^", "javascript:", "<img ", "onerror=", "::: ",
                       "{#", "{.", "](", "![", "[^", "<!--", "-->", "images/chart.png", "../", "http://x/",
                       "    ", "```", "| --- |")


def run_every_gate(folder: Path) -> None:
    """Load the report and run each gate directly, so that a bug raises with its traceback."""
    try:
        report = load(folder)
    except LoadError as exc:
        assert exc.finding.message and exc.finding.line >= 0
        return
    for gate in gates.ALL:
        for finding in gate.run(report, context()):
            assert finding.line >= 0 and finding.col >= 0 and finding.message


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_with(tmp_path_factory.mktemp("fuzz"), "")


def write(folder: Path, text: str) -> Path:
    (folder / "report.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    return folder


@FUZZ
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_any_value_in_any_field(folder: Path, field: str, value: Any) -> None:
    lines = [f"{field}: {json.dumps(value)}" if line.startswith(f"{field}:") else line
             for line in FRONT.split("\n")]
    run_every_gate(write(folder, "\n".join(lines) + "\n---\n" + BODY))


@FUZZ
@given(extra=yaml_text)
def test_any_text_in_the_front_matter(folder: Path, extra: str) -> None:
    run_every_gate(write(folder, FRONT + "\n" + extra + "\n---\n" + BODY))


@FUZZ
@given(body=markdown_text)
def test_any_body(folder: Path, body: str) -> None:
    run_every_gate(write(folder, FRONT + "\n---\n" + BODY + "\n" + body + "\n"))


@FUZZ
@given(body=st.text(max_size=300))
def test_any_unicode_body(folder: Path, body: str) -> None:
    run_every_gate(write(folder, FRONT + "\n---\n" + body.replace("\0", "") + "\n"))


@FUZZ
@given(vectors=st.lists(st.sampled_from(corpus("xss.txt")), min_size=1, max_size=4),
       glue=st.sampled_from(["\n\n", " ", "\n", "\n> ", "\n- ", "\n| a | b |\n|---|---|\n| "]))
def test_xss_vectors_combined(folder: Path, vectors: list[str], glue: str) -> None:
    run_every_gate(write(folder, FRONT + "\n---\n" + BODY + "\n" + glue.join(vectors) + "\n"))
