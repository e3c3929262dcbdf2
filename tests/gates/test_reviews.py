"""[reviews] gate: open review items are findings at their report.md lines; publication needs
every item resolved (accepted, or rejected / accepted with a change with a reason)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, ROOT

from cjji.digest import digest
from cjji.gates import ALL, reviews
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load
from cjji.review.log import HEADER, dump, review_summary

POLICY = load_policy(ROOT)


def item(
    ident: str,
    status: str = "open",
    response: str = "",
    line: int = 63,
    col: int = 58,
    mapped: str = "exact",
    kind: str = "comment",
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": ident,
        "kind": kind,
        "who": "Ann Clerk",
        "when": "2026-11-25T09:00:00Z",
        "where": {"line": line, "col": col, "mapped": mapped},
        "quote": "72 of the 120 cases",
    }
    if kind == "comment":
        entry["comment"] = "Our own count is 74."
    else:
        entry["proposed"] = {"old": "60 per cent", "new": "sixty per cent"}
    entry["status"] = status
    entry["response"] = response
    return entry


def write_log(
    folder: Path, items: list[dict[str, Any]], report: str = EXAMPLE.name, name: str = "cps-2026-11-28"
) -> Path:
    data = {
        "report": report,
        "body": "cps",
        "received": "2026-11-28",
        "file": {"name": "back.docx", "sha256": "sha256:" + "0" * 64},
        "export": {
            "digest": "sha256:" + "1" * 64,
            "version": "1",
            "source_sha256": "sha256:" + "2" * 64,
            "exported": "2026-11-20",
            "current": True,
        },
        "items": items,
    }
    path = folder / "reviews" / f"{name}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump(data, HEADER), encoding="utf-8")
    return path


def findings(folder: Path, publication: bool = False) -> list[Any]:
    return reviews.run(load(folder), Context(POLICY, for_publication=publication))


def test_registered_and_no_logs_no_findings(example_copy: Path) -> None:
    assert reviews.GATE in ALL
    assert findings(example_copy) == [] and findings(example_copy, True) == []


def test_open_items_are_located_at_their_lines(example_copy: Path) -> None:
    write_log(example_copy, [item("c1"), item("t1", kind="replacement", line=63, col=99)])
    draft = findings(example_copy)
    assert [(f.file.endswith("report.md"), f.line, f.col, f.severity, f.rule) for f in draft] == [
        (True, 63, 58, "info", "open"),
        (True, 63, 99, "info", "open"),
    ]
    assert "comment from Ann Clerk: Our own count is 74." in draft[0].message
    assert "tracked change from Ann Clerk: '60 per cent' -> 'sixty per cent'" in draft[1].message
    assert "reviews/cps-2026-11-28.yml item c1" in draft[0].message
    publication = findings(example_copy, True)
    assert [f.severity for f in publication] == ["error", "error"]


def test_an_item_on_a_paragraph_changed_since_export_is_a_warning_on_drafts(example_copy: Path) -> None:
    write_log(example_copy, [item("c1", mapped="moved")])
    (found,) = findings(example_copy)
    assert found.severity == "warning" and "moved since export" in found.message


@pytest.mark.parametrize("status", ["rejected", "accepted-with-change"])
@pytest.mark.parametrize("response", ["", "   \n  "])
def test_rejected_without_a_reason_is_not_resolved(example_copy: Path, status: str, response: str) -> None:
    path = write_log(example_copy, [item("c1", status=status, response=response)])
    # the schema refuses it, at the item's response, in every mode
    for publication in (False, True):
        found = findings(example_copy, publication)
        assert found and all(f.severity == "error" and f.file.endswith("cps-2026-11-28.yml") for f in found), found
        assert found[0].line > 1
    assert "response" in found[0].message, found[0].message
    assert path.read_text(encoding="utf-8").count('status: "') == 1  # the gate reads; it never writes


def test_resolved_items_pass_publication(example_copy: Path) -> None:
    write_log(
        example_copy,
        [
            item("c1", status="accepted"),
            item("c2", status="rejected", response="Six is right."),
            item("t1", status="accepted-with-change", response="Reworded.", kind="replacement"),
        ],
    )
    assert findings(example_copy, True) == []


def test_a_log_for_another_report_is_an_error(example_copy: Path) -> None:
    write_log(example_copy, [item("c1", status="accepted")], report="2027-other")
    (found,) = findings(example_copy)
    assert found.severity == "error" and found.rule == "other-report" and "'2027-other'" in found.message


def test_a_broken_log_is_a_located_error(example_copy: Path) -> None:
    path = write_log(example_copy, [item("c1")])
    text = path.read_text(encoding="utf-8").replace('status: "open"', 'status: "maybe"')
    path.write_text(text, encoding="utf-8")
    (found,) = findings(example_copy)
    line = next(n for n, t in enumerate(text.split("\n"), 1) if '"maybe"' in t)
    assert (found.file.endswith("cps-2026-11-28.yml"), found.line, found.severity) == (True, line, "error"), found
    path.write_text("items: [\n", encoding="utf-8")
    (found,) = findings(example_copy)
    assert found.rule == "yaml" and found.line >= 1


def test_logs_are_in_the_digest(example_copy: Path) -> None:
    before = digest(example_copy)
    write_log(example_copy, [item("c1")])
    after = digest(example_copy)
    assert before.value != after.value and "reviews/cps-2026-11-28.yml" in after.files


def test_review_summary_counts_per_body(example_copy: Path) -> None:
    write_log(example_copy, [item("c1"), item("c2", status="accepted"), item("c3", status="rejected", response="No.")])
    write_log(example_copy, [item("c1")], name="cps-2026-12-01")
    assert review_summary(example_copy) == {"cps": {"received": 4, "open": 2, "resolved": 2}}


STATUS = st.sampled_from(["open", "accepted", "accepted-with-change", "rejected"])
RESPONSE = st.sampled_from(["", " ", "Checked: the figure stands.", "\t"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(decisions=st.lists(st.tuples(STATUS, RESPONSE), min_size=1, max_size=6))
def test_publication_passes_exactly_when_every_item_is_resolved(
    example_copy: Path, decisions: list[tuple[str, str]]
) -> None:
    write_log(example_copy, [item(f"c{n}", status=s, response=r) for n, (s, r) in enumerate(decisions, 1)])
    resolved = all(s == "accepted" or (s in ("rejected", "accepted-with-change") and r.strip()) for s, r in decisions)
    errors = [f for f in findings(example_copy, True) if f.severity == "error"]
    assert (errors == []) == resolved, (decisions, errors)


def test_two_items_with_one_id_are_an_error(example_copy: Path) -> None:
    write_log(example_copy, [item("c1", status="accepted"), item("c1", status="accepted")])
    (found,) = findings(example_copy)
    assert found.rule == "duplicate-id" and found.severity == "error" and "c1" in found.message
