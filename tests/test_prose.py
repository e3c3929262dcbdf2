"""Prose extraction: what a reader sees, not code, HTML, addresses or attributes, and every
character mapped back to its line and column in report.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, FIXTURES, ROOT, examples

from cjji import prose
from cjji.report import Report, load

FIXTURE = FIXTURES / "language" / "prose"
OBJ = prose.OBJECT


def test_the_blocks_a_reader_sees_in_order_with_their_kind() -> None:
    blocks = prose.extract(load(FIXTURE)).blocks
    assert [(b.kind, b.line, b.text) for b in blocks] == [
        ("heading", 6, f"Heading with {OBJ} and attrs"),
        ("paragraph", 8, f"A strong and bold link text then {OBJ} end. Second line with raw html and an "
                         f"address {OBJ} and e-mail {OBJ} or {OBJ}, citation [{OBJ}, p. 4] and *escaped* & done."),
        ("list", 12, "List item one  with footnote"),
        ("list", 13, "Judgement text after span"),
        ("blockquote", 15, "A quotation from a victim."),
        ("table", 17, "Cell one"),
        ("table", 17, "Cell two"),
        ("table", 19, "Alpha"),
        ("table", 19, "Beta gamma"),
        ("caption", 21, "Table: A caption for the table"),
        ("alt", 23, "Alt text of the image"),
        ("caption", 23, "Figure 1: the title"),
        ("paragraph", 33, "Text with an inline  comment."),
        ("footnote", 35, "The footnote text."),
    ]
    assert blocks[0].level == 1


def test_every_word_maps_back_to_the_same_word_in_the_file() -> None:
    for folder in (FIXTURE, EXAMPLE):
        report = load(folder)
        assert _misplaced(report) == []


def test_positions_of_words_after_markup_escapes_and_entities() -> None:
    report = load(FIXTURE)
    paragraph = prose.extract(report).blocks[1]
    for word, place in [("link", (8, 26)), ("end", (8, 95)), ("raw", (9, 34)), ("escaped", (10, 87)),
                        ("&", (10, 97)), ("done", (10, 103))]:
        assert paragraph.position(paragraph.text.index(word)) == place, word
    [cell] = [b for b in prose.extract(report).blocks if b.text == "Beta gamma"]
    assert cell.position(5) == (19, 16)  # "gamma", in the second cell of its row


def test_comments_are_collected_with_their_place_for_suppressions() -> None:
    comments = prose.extract(load(FIXTURE)).comments
    assert [(c.line, c.col, c.text) for c in comments] == [
        (25, 1, "cjji-disable style.latin"), (33, 21, "cjji-disable-next-line spelling")]


_WORD = st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)
_PIECE = st.one_of(
    _WORD,
    _WORD.map(lambda w: f"*{w}*"),
    _WORD.map(lambda w: f"**{w}**"),
    _WORD.map(lambda w: f"`{w}`"),
    _WORD.map(lambda w: f"[{w}](https://example.org/{w})"),
    _WORD.map(lambda w: f"[{w}]{{.judgement}}"),
    _WORD.map(lambda w: f"<b>{w}</b>"),
    _WORD.map(lambda w: f"\\*{w}"),
    _WORD.map(lambda w: f"{w}&amp;"),
    st.just("\n"),
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECE, min_size=1, max_size=25), kind=st.sampled_from(["", "- ", "> ", "# ", "| a | "]))
def test_any_inline_markup_keeps_words_at_their_place(tmp_path: Path, pieces: list[str], kind: str) -> None:
    text = " ".join(pieces).replace(" \n ", "\n").strip()
    if kind in ("# ", "| a | "):
        text = text.replace("\n", " ")
    body = kind + text + (" |\n|---|---|\n| x | y |" if kind.startswith("|") else "")
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    (folder / "report.md").write_text(f"---\nid: r\n---\n\n{body}\n", encoding="utf-8")
    report = load(folder)
    assert _misplaced(report) == []
    words = {w for b in prose.extract(report).blocks for w in re.findall(r"[A-Za-z]+", b.text)}
    for piece in pieces:
        if piece.startswith("`"):  # code is never prose
            assert piece.strip("`") not in words or any(piece.strip("`") in p for p in pieces if p != piece)


def test_every_commonmark_spec_example_maps_its_words_back(tmp_path: Path) -> None:
    corpus = json.loads((ROOT / "tests" / "corpora" / "commonmark-spec-0.31.2-examples.json").read_text())
    folder = tmp_path / "r"
    folder.mkdir()
    misplaced = {}
    for example in corpus["examples"]:
        (folder / "report.md").write_text(f"---\nid: r\n---\n\n{example['markdown']}", encoding="utf-8")
        if found := _misplaced(load(folder)):
            misplaced[example["example"]] = found
    assert misplaced == {}


def _misplaced(report: Report) -> list[tuple[str, int, int]]:
    """Words whose first character does not map to itself (or to its escape or entity)."""
    bad = []
    for block in prose.extract(report).blocks:
        for m in re.finditer(r"\w+", block.text):
            line, col = block.position(m.start())
            source = report.lines[line - 1][col - 1 :] if 0 < line <= len(report.lines) else ""
            if not (source.startswith(m.group()[0]) or source.startswith(("\\", "&"))):
                bad.append((m.group(), line, col))
    return bad
