"""Importing a returned review copy: every comment, reply, tracked and untracked change, located
in report.md by line and column, also from a copy of an older draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from review_support import Returned

from cjji.report import load
from cjji.review.importer import current_blocks, read_returned
from cjji.review.log import build_items


def items_of(folder: Path, data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    blocks, index, _ = current_blocks(load(folder))
    return build_items(read_returned(data, "back.docx"), blocks, index)


def where_in(folder: Path, text: str, nth: int = 0) -> tuple[int, int]:
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    found = [(n, line.index(text) + 1) for n, line in enumerate(lines, 1) if text in line]
    return found[nth]


def by_kind(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [i for i in items if i["kind"] == kind]


def test_a_copy_with_nothing_done_has_no_items(example_copy: Path, review_copy: bytes) -> None:
    assert items_of(example_copy, review_copy) == ([], [])


def test_word_noise_changes_nothing(example_copy: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy, seed=7)
    doc.rsid_noise()
    assert items_of(example_copy, doc.data()) == ([], [])


def test_comments_and_replies(example_copy: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy)
    first = doc.comment(
        "Northshire to 43 per cent",
        "Westvale disputes 43.\nSee our data.",
        author="Sam Lee",
        date="2026-11-21T08:00:00Z",
    )
    doc.comment("Northshire to 43 per cent", "Agreed with the lead inspector.", author="Kim Roe", reply_to=first)
    doc.comment("Victims’ Right to Review", "Capitalised as in the scheme's own name?", author="Sam Lee")
    doc.comment(
        "known in this report as the Victims’ Code",
        "Footnote: fine.",
        author="Sam Lee",
        within="The Code of Practice for Victims of Crime in England and Wales is known",
    )
    doc.comment("Owen Fenwick", "Spelling of the name?", author="Sam Lee")  # in a list item
    doc.comment("Westvale", "Check this cell", author="Sam Lee", exact=True)  # a table cell
    doc.rsid_noise()
    items, warnings = items_of(example_copy, doc.data())
    assert warnings == []
    comments = by_kind(items, "comment")
    (reply,) = by_kind(items, "reply")
    first_item = next(c for c in comments if c["quote"] == "Northshire to 43 per cent")
    line, col = where_in(example_copy, "Northshire to 43 per cent")
    assert first_item["where"]["line"] == line and first_item["where"]["col"] == col
    assert first_item["where"]["end_line"] == line and first_item["where"]["end_col"] == col + len(
        "Northshire to 43 per cent"
    )
    assert first_item["where"]["paragraph"] == "1.2" and first_item["where"]["mapped"] == "exact"
    assert (
        first_item["comment"] == "Westvale disputes 43.\nSee our data." and first_item["when"] == "2026-11-21T08:00:00Z"
    )
    assert reply["in_reply_to"] == first_item["id"] and reply["who"] == "Kim Roe"
    review = next(c for c in comments if c["quote"] == "Victims’ Right to Review")
    assert (review["where"]["line"], review["where"]["col"]) == where_in(example_copy, "Victims' Right to Review")
    note = next(c for c in comments if c["comment"] == "Footnote: fine.")
    assert (note["where"]["line"], note["where"]["col"]) == where_in(example_copy, "known in this report as")
    fenwick = next(c for c in comments if c["quote"] == "Owen Fenwick")
    assert (fenwick["where"]["line"], fenwick["where"]["col"]) == where_in(example_copy, "Owen Fenwick")
    cell = next(c for c in comments if c["comment"] == "Check this cell")
    line, col = where_in(example_copy, "| Westvale |")
    assert (cell["where"]["line"], cell["where"]["col"]) == (line, col + 2)


def test_tracked_changes_and_moves(example_copy: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy)
    doc.replace(
        "11 working days",
        "eleven working days",
        author="Sam Lee",
        date="2026-11-22T10:00:00Z",
        within="In Westvale, victims waited",
    )
    doc.insert("rarely knew", "very ", author="Sam Lee")
    doc.delete(" Staff were caring and knowledgeable.", author="Kim Roe")
    doc.move("Victims experience the whole of it.", "Each agency tends", author="Sam Lee")
    doc.rsid_noise()
    items, _ = items_of(example_copy, doc.data())
    (replacement,) = by_kind(items, "replacement")
    assert replacement["proposed"] == {"old": "11 working days", "new": "eleven working days"}
    assert replacement["who"] == "Sam Lee" and replacement["when"] == "2026-11-22T10:00:00Z"
    assert replacement["tracked"] is True
    assert (replacement["where"]["line"], replacement["where"]["col"]) == where_in(example_copy, "11 working days")
    (insertion,) = by_kind(items, "insertion")
    assert insertion["proposed"] == {"old": "", "new": "very "}
    assert (insertion["where"]["line"], insertion["where"]["col"]) == where_in(example_copy, "rarely knew")
    (deletion,) = by_kind(items, "deletion")
    assert deletion["who"] == "Kim Roe" and deletion["quote"] == " Staff were caring and knowledgeable."
    (move,) = by_kind(items, "move")
    assert (move["where"]["line"], move["where"]["col"]) == where_in(example_copy, "Victims experience the whole")
    assert (move["to"]["line"], move["to"]["col"]) == where_in(example_copy, "Each agency tends")


def test_untracked_edits_new_and_removed_paragraphs(example_copy: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy)
    doc.edit_untracked("Many went out of their way", "Most went out of their way")
    doc.new_paragraph_after("Priya Raman, His", "A paragraph typed without tracking.", tracked=False)
    doc.new_paragraph_after("Daniel Okafor, His", "A tracked new paragraph.", author="Kim Roe")
    doc.remove_paragraph_untracked("Witnesses who were not victims raised similar concerns")
    items, _ = items_of(example_copy, doc.data())
    (edit,) = by_kind(items, "edit")
    assert edit["proposed"] == {"old": "Many", "new": "Most"} and edit["tracked"] is False
    assert (edit["where"]["line"], edit["where"]["col"]) == where_in(example_copy, "Many went out")
    new = by_kind(items, "new-paragraph")
    assert {(n["proposed"]["new"], n["tracked"]) for n in new} == {
        ("A paragraph typed without tracking.", False),
        ("A tracked new paragraph.", True),
    }
    (removed,) = by_kind(items, "removed-paragraph")
    assert removed["where"]["line"] == where_in(example_copy, "Witnesses who were not victims")[0]


def test_an_older_draft_maps_unchanged_moved_edited_and_deleted(example_copy: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy)
    doc.comment("committed staff in every agency", "Unchanged paragraph", author="A")  # stays, shifted lines
    doc.comment("Poor communication remains", "Moved paragraph", author="A")
    doc.comment("rarely knew when", "Edited paragraph", author="A")
    doc.comment("Easy Read letters", "Deleted paragraph", author="A")
    data = doc.data()
    md = example_copy / "report.md"
    text = md.read_text(encoding="utf-8")
    moved = next(line for line in text.split("\n") if line.startswith("Poor communication remains"))
    deleted = next(line for line in text.split("\n") if line.startswith("Easy Read letters"))
    text = text.replace(moved + "\n\n", "").replace(deleted + "\n\n", "")
    text = text.replace(
        "rarely knew when a charging decision had been made.",
        "rarely knew when a charging decision had been made, or by whom.",
    )
    text = text.replace(
        "# Foreword {#foreword .unnumbered}\n", "# Foreword {#foreword .unnumbered}\n\nA new first paragraph.\n"
    )
    text = text.replace(
        "## Timeliness {#charging-timeliness}\n", f"## Timeliness {{#charging-timeliness}}\n\n{moved}\n"
    )
    md.write_text(text, encoding="utf-8")
    items, warnings = items_of(example_copy, data)
    by_comment = {i["comment"]: i for i in items}
    unchanged = by_comment["Unchanged paragraph"]["where"]
    assert unchanged["mapped"] == "exact"
    assert (unchanged["line"], unchanged["col"]) == where_in(example_copy, "committed staff in every agency")
    moved_item = by_comment["Moved paragraph"]["where"]
    assert moved_item["mapped"] == "moved" and (moved_item["line"], moved_item["col"]) == where_in(
        example_copy, "Poor communication remains"
    )
    assert "has moved since the review copy was exported" in by_comment["Moved paragraph"]["note"]
    edited = by_comment["Edited paragraph"]["where"]
    assert edited["mapped"] == "edited" and edited["line"] == where_in(example_copy, "rarely knew when")[0]
    gone = by_comment["Deleted paragraph"]
    assert gone["where"]["mapped"] == "deleted" and "was deleted since" in gone["note"]
    assert len(warnings) == 3 and any("deleted" in w for w in warnings)


@pytest.mark.parametrize("comment_on", ["Keeping victims informed", "Recommendation 1"])
def test_comments_on_generated_text_say_so(example_copy: Path, review_copy: bytes, comment_on: str) -> None:
    doc = Returned(review_copy)
    doc.comment(comment_on, "Title fine?", author="A")
    (found,), warnings = items_of(example_copy, doc.data())
    assert found["where"]["mapped"] == "generated" and "text cjji writes" in found["note"]


def test_mapping_a_draft_where_every_paragraph_changed_stays_fast() -> None:
    import random
    import time

    from cjji.review.export import Anchor
    from cjji.review.importer import map_anchors
    from cjji.review.source import SourceBlock

    rng = random.Random(3)
    words = ["victims", "were", "told", "late", "about", "charging", "decisions", "in", "many", "cases", "areas"]
    texts = [" ".join(rng.choice(words) for _ in range(40)) + f" {n}." for n in range(3000)]
    anchors = [Anchor(f"_cjji{n}_x", "paragraph", n + 1, 1, n + 1, "", t, "", "document") for n, t in enumerate(texts)]
    blocks = [
        SourceBlock("paragraph", t.replace(" late ", " very late ", 1) + " Revised.", "", [], n + 1, 1, n + 1)
        for n, t in enumerate(texts)
    ]
    started = time.process_time()
    mapped = map_anchors(anchors, blocks)
    assert time.process_time() - started < 5
    assert {m.state for m in mapped} <= {"edited", "deleted"}
    assert sum(m.state == "edited" for m in mapped) > 2500  # nearly all found as edited, in place
    assert all(m.block is blocks[n] for n, m in enumerate(mapped) if m.state == "edited")
