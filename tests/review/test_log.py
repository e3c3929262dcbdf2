"""Review logs: written and read back exactly, updated in place (an author's comments and layout
kept), never written over a change made meanwhile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

from cjji.review.log import HEADER, LogChanged, dump, read, update


def sample(comment: str = "Our own count is 74.", quote: str = "72 of the 120 cases") -> dict[str, Any]:
    return {
        "report": "2026-victim-updates",
        "body": "cps",
        "received": "2026-11-28",
        "file": {"name": "back.docx", "sha256": "sha256:" + "0" * 64},
        "export": {"digest": "d", "version": "1", "source_sha256": "s", "exported": "2026-11-20", "current": True},
        "items": [
            {
                "id": "c1",
                "kind": "comment",
                "who": "Ann Clerk",
                "where": {"line": 63, "col": 58, "mapped": "exact"},
                "quote": quote,
                "comment": comment,
                "status": "open",
                "response": "",
            },
            {
                "id": "t1",
                "kind": "replacement",
                "who": "Kim Roe",
                "where": {"line": 63, "col": 99, "mapped": "exact"},
                "proposed": {"old": "60 per cent", "new": "sixty per cent"},
                "status": "open",
                "response": "",
            },
        ],
    }


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "reviews" / "cps-2026-11-28.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump(data, HEADER), encoding="utf-8")
    return path


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comment=st.text(max_size=80), quote=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_what_is_written_reads_back_the_same(tmp_path: Path, comment: str, quote: str) -> None:
    data = sample(comment, quote)
    log = read(write(tmp_path, data))
    assert log.findings == [] and log.data == data


def test_update_changes_only_those_lines_and_keeps_an_authors_comments(tmp_path: Path) -> None:
    path = write(tmp_path, sample())
    text = path.read_text(encoding="utf-8").replace(
        '    status: "open"\n', '    # asked Ann on 29 November\n    status: "open"\n', 1
    )
    path.write_text(text, encoding="utf-8")
    update(
        read(path),
        {"c1": {"status": "rejected", "response": "Our file examination found 72."}, "t1": {"applied": "2026-11-30"}},
    )
    after = path.read_text(encoding="utf-8")
    assert "# asked Ann on 29 November" in after
    changed = [line for line in after.split("\n") if line not in text.split("\n")]
    assert changed == [
        '    status: "rejected"',
        '    response: "Our file examination found 72."',
        '    applied: "2026-11-30"',
    ]
    items = {i["id"]: i for i in read(path).items}
    assert items["c1"]["status"] == "rejected" and items["t1"]["applied"] == "2026-11-30"


def test_update_of_a_multi_line_value_an_author_wrote(tmp_path: Path) -> None:
    path = write(tmp_path, sample())
    text = path.read_text(encoding="utf-8").replace(
        '    response: ""\n', "    response: |\n      Line one.\n\n      Line two.\n", 1
    )
    path.write_text(text, encoding="utf-8")
    assert read(path).items[0]["response"] == "Line one.\n\nLine two.\n"
    update(read(path), {"c1": {"response": "Replaced."}})
    log = read(path)
    assert log.findings == [] and log.items[0]["response"] == "Replaced." and log.items[1]["response"] == ""


def test_a_log_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, sample())
    log = read(path)
    path.write_text(path.read_text(encoding="utf-8") + "# edited in another window\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(LogChanged, match="changed while cjji was reading it"):
        update(log, {"c1": {"status": "accepted"}})
    assert path.read_bytes() == before
