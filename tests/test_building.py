"""Incremental builds: a warm build reuses outputs only while they are byte-for-byte what was built."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cjji.building import build_all
from cjji.policy import load_policy

pytestmark = pytest.mark.slow


def test_warm_build_reuses_outputs_and_a_damaged_output_is_rebuilt(example_copy: Path) -> None:
    project = example_copy.parents[1]
    policy = load_policy(project)
    out = project / "out"
    [cold] = build_all([example_copy], policy, out, ("html", "docx"))
    assert not cold.reason and not cold.cached
    first = {fmt: path.read_bytes() for fmt, path in cold.files.items()}
    [warm] = build_all([example_copy], policy, out, ("html", "docx"))
    assert warm.cached and warm.files == cold.files
    cold.files["html"].write_text("tampered")
    [again] = build_all([example_copy], policy, out, ("html", "docx"))
    assert not again.cached
    assert {fmt: path.read_bytes() for fmt, path in again.files.items()} == first


def test_a_changed_report_is_rebuilt(example_copy: Path) -> None:
    project = example_copy.parents[1]
    policy = load_policy(project)
    out = project / "out"
    build_all([example_copy], policy, out, ("html",))
    source = example_copy / "report.md"
    source.write_text(source.read_text().replace("Keeping victims informed", "Keeping victims well informed", 1))
    [result] = build_all([example_copy], policy, out, ("html",))
    assert not result.cached
    assert "Keeping victims well informed" in result.files["html"].read_text()


def test_a_suppressed_finding_does_not_block_the_build(example_copy: Path) -> None:
    source = example_copy / "report.md"
    text = source.read_text()
    marker = "# Acknowledgements {#acknowledgements}\n"
    assert marker in text
    source.write_text(text.replace(marker, marker + "\n<!-- cjji-disable-next-line style.latin -->\n"
                                   "Thanks to everyone, e.g. the victims who spoke to us.\n", 1))
    [result] = build_all([example_copy], load_policy(example_copy.parents[1]), example_copy.parents[1] / "out",
                         ("html",), use_cache=False)
    assert result.reason == "", [f.message for f in result.findings]
    assert "e.g. the victims" in result.files["html"].read_text()


def test_a_schema_change_is_not_up_to_date(example_copy: Path) -> None:
    """The build cache knows what `cjji check` knows: a report the new schema refuses is not built."""
    project = example_copy.parents[1]
    out = project / "out"
    [first] = build_all([example_copy], load_policy(project), out, ("html",))
    assert not first.reason
    schema = project / "schemas" / "report.schema.json"
    schema.write_text(schema.read_text().replace('"minimum": 1,', '"minimum": 2,', 1))
    [again] = build_all([example_copy], load_policy(project), out, ("html",))
    assert not again.cached
    assert again.reason == "the checks found 1 error (run `cjji check`)"
    assert [f.message for f in again.findings] == ["version must be at least 2"]


def test_a_new_grammar_server_is_not_up_to_date(example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for `cjji check`: pointing at a LanguageTool server may find new errors, so build checks again."""
    project = example_copy.parents[1]
    out = project / "out"
    monkeypatch.delenv("CJJI_LANGUAGETOOL_URL", raising=False)
    build_all([example_copy], load_policy(project), out, ("html",))
    monkeypatch.setenv("CJJI_LANGUAGETOOL_URL", "http://127.0.0.1:9")
    [again] = build_all([example_copy], load_policy(project), out, ("html",))
    assert not again.cached


def test_an_unchecked_id_never_leads_the_build_to_tidy_another_folder(example_copy: Path, tmp_path: Path) -> None:
    """`id: /elsewhere` is refused by the checks before the build removes any leftover .part file."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    leftover = elsewhere / ".notes.txt.abc.part"
    leftover.write_text("someone else's file")
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    source = example_copy / "report.md"
    source.write_text(source.read_text().replace("id: 2026-victim-updates", f"id: {elsewhere}", 1))
    [result] = build_all([example_copy], load_policy(example_copy.parents[1]), tmp_path / "out", ("html",))
    assert result.reason.startswith("the checks found")
    assert leftover.read_text() == "someone else's file"
