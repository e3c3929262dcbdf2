"""Source blocks: each character of a block's text, as the Word file shows it, maps back to the
character of report.md it came from (the basis of every line and column a review item gets)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

from cjji.report import load
from cjji.review.source import NO_POSITION, LineIndex, source_blocks

STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFG0123456789'\"&-", min_size=1, max_size=8)
PIECE = st.one_of(
    WORD,
    WORD.map(lambda w: f"*{w}*"),
    WORD.map(lambda w: f"**{w}**"),
    WORD.map(lambda w: f"`{w}`"),
    WORD.map(lambda w: f"[{w}](https://example.org/{len(w)})"),
    WORD.map(lambda w: f"[{w}]{{.judgement criteria=\"C1\"}}"),
    st.just("[^1]"),
    st.just("\\*"),
    st.just("&amp;"),
)
PARAGRAPH = st.lists(PIECE, min_size=1, max_size=12).map(" ".join)


def report_with(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    (folder / "report.md").write_text(f"---\nid: r\n---\n\n{body}\n\n[^1]: A note.\n", encoding="utf-8")
    return folder


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=4), indent=st.sampled_from(["", "> ", "- "]))
def test_every_character_maps_to_its_source(tmp_path: Path, paragraphs: list[str], indent: str) -> None:
    body = "\n\n".join(indent + p for p in paragraphs)
    report = load(report_with(tmp_path, "# Heading {#h}\n\n" + body))
    index = LineIndex(report.text)
    blocks = source_blocks(report)
    assert blocks and blocks[0].kind == "heading" and blocks[0].text == "Heading"
    for block in blocks:
        assert len(block.offsets) == len(block.text)
        assert report.lines[block.line - 1][block.col - 1 :].translate(STRAIGHT).startswith(
            block.text[:1].translate(STRAIGHT)
        ) or block.text[:1] in "&*"
        for ch, at in zip(block.text, block.offsets, strict=True):
            if at == NO_POSITION:
                continue
            source = report.text[at]
            assert source.translate(STRAIGHT) == ch.translate(STRAIGHT) or (ch == " " and source in " \n"), (
                block.text,
                ch,
                source,
                index.position(at),
            )
