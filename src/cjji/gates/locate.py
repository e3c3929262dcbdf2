"""Where a piece of inline source sits in report.md: line and column of text inside a block.

Inline tokens only carry their block's line range; gates that want an exact column search the
block's file lines for the text they found (the raw tag, a link's address).
"""

from __future__ import annotations

from markdown_it.token import Token

from cjji.report import Report


def block_text(report: Report, block: Token) -> str:
    """The file lines a block token covers, joined with newlines ('' without a map)."""
    if not block.map:
        return ""
    return "\n".join(report.lines[block.map[0] : block.map[1]])


def position_in_block(report: Report, block: Token, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character `offset` of block_text(report, block)."""
    first = block.map[0] if block.map else report.body_start - 1
    before = block_text(report, block)[:offset]
    line = first + before.count("\n") + 1
    col = offset - (before.rfind("\n") + 1) + 1
    return line, col


def find_in_block(
    report: Report, block: Token, needle: str, start: int = 0, *, ignore_case: bool = False
) -> tuple[int, int, int]:
    """(line, column, offset just after) of `needle` in the block from `start`.

    If the needle is not found verbatim (entities decoded, line prefixes stripped), the block's
    first line and the first non-blank column are returned and the offset does not move.
    """
    text = block_text(report, block)
    haystack, wanted = (text.lower(), needle.lower()) if ignore_case else (text, needle)
    found = haystack.find(wanted, start) if wanted else -1
    if found < 0:
        first_line = text.split("\n", 1)[0]
        line, col = position_in_block(report, block, len(first_line) - len(first_line.lstrip()))
        return line, col, start
    line, col = position_in_block(report, block, found)
    return line, col, found + len(wanted)
