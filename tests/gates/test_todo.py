from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, line_of, run, variant

from cjji.gates import todo


def test_finished_reports_have_nothing_to_do() -> None:
    assert run(todo.GATE, EXAMPLE_DIR) == []  # it says letters were 'hard to follow': prose, not a placeholder
    assert run(todo.GATE, GOOD) == []


def test_placeholders_in_the_body_and_other_metadata_are_to_dos_at_their_place(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("title: Custody health care", "title: Custody health care (TBC)"),
                     ("Women told us that", "Details to follow. (To follow) Women told us that"),
                     ("Most said staff treated them", "It was hard to follow. Most said staff treated them"))
    found = run(todo.GATE, folder)
    assert {f.severity for f in found} == {"todo"}
    assert brief(found) == [
        (line_of(folder, "title:"), "metadata", "TODO: write title: it still says 'TBC'"),
        (line_of(folder, "Details to follow"), "body", "TODO: finish this passage: it still says 'To follow'")]
