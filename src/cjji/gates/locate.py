"""Where a piece of inline source sits in report.md: line and column of text inside a block.

Inline tokens only carry their block's line range; gates that want an exact column search the
block's file lines for the text they found (the raw tag, a link's address). The block's text and
its line starts are computed once per block, so that thousands of searches in one long paragraph
stay linear.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from markdown_it.token import Token

from cjji.report import Report

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass
class BlockSource:
    text: str  # the block's file lines joined with newlines
    first_line: int  # 1-based file line of the block's first line

    @cached_property
    def lower(self) -> str:
        """ASCII letters lowered, so that offsets stay those of `text`."""
        return self.text.translate(_ASCII_LOWER)

    @cached_property
    def first_non_blank(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(i + 1 for i, char in enumerate(self.text) if char == "\n")
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of character `offset` of the block's text."""
        index = bisect_right(self.line_starts, offset) - 1
        return self.first_line + index, offset - self.line_starts[index] + 1


def inline_tokens(block: Token) -> list[Token]:
    """A block's inline tokens in document order, including those inside an image's alt text."""
    found: list[Token] = []
    stack = list(reversed(block.children or []))
    while stack:
        token = stack.pop()
        found.append(token)
        stack.extend(reversed(token.children or []))
    return found


def block_source(report: Report, block: Token) -> BlockSource:
    cache: dict[int, BlockSource] = report.extra.setdefault("block_sources", {})
    key = id(block)
    if key not in cache:
        lines = report.lines[block.map[0] : block.map[1]] if block.map else []
        first = block.map[0] + 1 if block.map else report.body_start
        cache[key] = BlockSource("\n".join(lines), first)
    return cache[key]


def block_text(report: Report, block: Token) -> str:
    """The file lines a block token covers, joined with newlines ('' without a map)."""
    return block_source(report, block).text


def position_in_block(report: Report, block: Token, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character `offset` of block_text(report, block)."""
    return block_source(report, block).position(offset)


def find_in_block(
    report: Report, block: Token, needle: str, start: int = 0, *, ignore_case: bool = False
) -> tuple[int, int, int]:
    """(line, column, offset just after) of `needle` in the block from `start`.

    A needle found only before `start` is located there, without moving the offset. If it is not
    found verbatim (entities decoded, line prefixes stripped), the block's first line and first
    non-blank column are returned and the offset does not move.
    """
    source = block_source(report, block)
    haystack, wanted = (source.lower, needle.translate(_ASCII_LOWER)) if ignore_case else (source.text, needle)
    found = haystack.find(wanted, start) if wanted else -1
    if found < 0 and start and wanted:  # out of order (an image inside another's alt text)
        found = haystack.find(wanted)
        if found >= 0:
            line, col = source.position(found)
            return line, col, start
    if found < 0:
        line, col = source.position(source.first_non_blank)
        return line, col, start
    line, col = source.position(found)
    return line, col, found + len(wanted)
