"""`cjji review apply`: make accepted changes from a review log in report.md, showing the diff.

An item is applied only when every check passes; otherwise it is refused with the reason, and
report.md is not touched for it:
- it proposes a change (a comment does not), it is accepted (or named on the command line while
  open), it was not rejected, and it was not applied before;
- its paragraph mapped exactly at import (not moved, edited or deleted since the export);
- the paragraph is still in report.md with the same text (found by its hash; it may have shifted
  lines), and the text to replace is still there, at the recorded place;
- the text to replace does not cross formatting in the Markdown (emphasis, a link, a footnote
  reference): such a change is made by hand.
All edits are computed against one reading of report.md, checked not to overlap, applied from
the end backwards, and written in one atomic write; the log then records them as applied.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from cjji import atomic
from cjji.policy import Policy
from cjji.report import Report
from cjji.review.importer import block_hash
from cjji.review.log import Log, LogChanged, updated_text
from cjji.review.source import NO_POSITION, SourceBlock, source_blocks

CHANGES = ("insertion", "deletion", "replacement", "move", "edit", "new-paragraph", "removed-paragraph")
_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})
_MARKDOWN = re.compile(r"([\\`*_\[\]<>{}])")


class ApplyError(Exception):
    pass


@dataclass
class Edit:
    item: str
    start: int  # offsets in report.text
    end: int
    text: str


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # item id -> reason
    applied: list[str] = field(default_factory=list)
    diff: str = ""
    new_text: str = ""


def markdown_text(text: str) -> str:
    """A reviewer's words as Markdown: quotes straight (the builders make them typographic again),
    characters that would start formatting escaped, line breaks as spaces."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.translate(_STRAIGHT).split("\n")))


def _find_block(blocks: list[SourceBlock], where: dict[str, Any]) -> SourceBlock | None:
    wanted = where.get("block")
    same = [b for b in blocks if block_hash(b) == wanted]
    if not same:
        return None
    line = int(where.get("line", 0) or 0)
    return min(same, key=lambda b: abs(b.line - line))


def _range(report: Report, block: SourceBlock, offset: int, old: str) -> tuple[int, int]:
    """report.text offsets of `old` at `offset` in the block's text; raises ApplyError with the reason."""
    text = block.text
    if text[offset : offset + len(old)] != old and text[offset : offset + len(old)].translate(
        _STRAIGHT
    ) != old.translate(_STRAIGHT):
        raise ApplyError(f"the text '{old}' is no longer at the recorded place in the paragraph at line {block.line}")
    offsets = block.offsets
    if not old:
        if offset < len(offsets) and offsets[offset] != NO_POSITION:
            return offsets[offset], offsets[offset]
        last = next((o for o in reversed(offsets) if o != NO_POSITION), NO_POSITION)
        if last == NO_POSITION:
            raise ApplyError(f"cannot find where to insert in the paragraph at line {block.line}")
        return last + 1, last + 1
    first, final = offsets[offset], offsets[offset + len(old) - 1]
    if first == NO_POSITION or final == NO_POSITION:
        raise ApplyError("the text is not in report.md as written (it comes from an escape or an entity)")
    source = report.text[first : final + 1]
    if " ".join(source.translate(_STRAIGHT).split()) != " ".join(old.translate(_STRAIGHT).split()):
        raise ApplyError(f"the change crosses formatting in report.md ({source!r}); make it by hand")
    return first, final + 1


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _paragraph_lines(report: Report, block: SourceBlock) -> tuple[int, int]:
    """Offsets of a whole paragraph block's lines, with the blank line after it."""
    starts = _line_starts(report.text)
    first = starts[block.line - 1]
    last = max(block.end_line, block.line)
    end = starts[last] if last < len(starts) else len(report.text)
    if report.text[end : end + 1] == "\n":
        end += 1
    return first, end


def _edits_for(item: dict[str, Any], report: Report, blocks: list[SourceBlock]) -> list[Edit]:
    kind = item.get("kind")
    ident = str(item.get("id"))
    where = item.get("where") or {}
    proposed = item.get("proposed") or {}
    old, new = str(proposed.get("old", "")), str(proposed.get("new", ""))
    states = [where.get("mapped")] + ([item["to"].get("mapped")] if isinstance(item.get("to"), dict) else [])
    for state in states:
        if state == "moved":
            raise ApplyError("its paragraph had moved since the review copy was exported; make the change by hand")
        if state in ("edited", "deleted"):
            raise ApplyError(f"its paragraph was {state} since the review copy was exported; make the change by hand")
        if state == "generated":
            raise ApplyError(
                "it is on text cjji generates (cover, contents, labels, the framework annex), not on report.md"
            )
    block = _find_block(blocks, where)
    if block is None:
        raise ApplyError(
            f"the paragraph at line {where.get('line')} has changed since the import; make the change by hand"
        )
    offset = int(where.get("offset", 0) or 0)
    if kind == "removed-paragraph":
        if block.kind not in ("paragraph", "heading"):
            raise ApplyError(f"a {block.kind} cannot be removed automatically; remove it by hand")
        start, end = _paragraph_lines(report, block)
        return [Edit(ident, start, end, "")]
    if kind == "new-paragraph":
        if block.kind != "paragraph":
            raise ApplyError(f"a new paragraph after a {block.kind} is added by hand")
        starts = _line_starts(report.text)
        last = max(block.end_line, block.line)
        line_end = starts[last] - 1 if last < len(starts) else len(report.text)
        return [Edit(ident, line_end, line_end, "\n\n" + markdown_text(new))]
    if kind == "move":
        start, end = _range(report, block, offset, old)
        to = item.get("to") or {}
        target = _find_block(blocks, to)
        if target is None:
            raise ApplyError("the paragraph the text moves to has changed since the import; move it by hand")
        at, _ = _range(report, target, int(to.get("offset", 0) or 0), "")
        return [Edit(ident, start, end, ""), Edit(ident, at, at, markdown_text(new))]
    start, end = _range(report, block, offset, old)
    return [Edit(ident, start, end, markdown_text(new))]


def plan(report: Report, policy: Policy, log: Log, ids: list[str]) -> Plan:
    result = Plan()
    by_id = {str(i.get("id")): i for i in log.items}
    unknown = [i for i in ids if i not in by_id]
    for ident in unknown:
        result.refused[ident] = "there is no item with this id in the log"
    if ids:
        chosen = [by_id[i] for i in ids if i in by_id]
    else:
        chosen = [
            i for i in log.items if i.get("status") == "accepted" and not i.get("applied") and i.get("kind") in CHANGES
        ]
    blocks = source_blocks(report, number_headings=False, number_paragraphs=False)  # text, not numbers
    for item in chosen:
        ident = str(item.get("id"))
        status = item.get("status")
        if item.get("kind") not in CHANGES:
            result.refused[ident] = "a comment proposes no change to make; edit report.md yourself if it asks for one"
            continue
        if item.get("applied"):
            result.refused[ident] = f"it was applied already ({item['applied']})"
            continue
        if status == "rejected":
            result.refused[ident] = "it was rejected"
            continue
        if status == "accepted-with-change":
            result.refused[ident] = "it is accepted with a change: make your version in report.md by hand"
            continue
        try:
            edits = _edits_for(item, report, blocks)
        except ApplyError as exc:
            result.refused[ident] = str(exc)
            continue
        clash = next(
            (
                e
                for e in result.edits
                for n in edits
                if n.start < e.end and e.start < n.end or (n.start == e.start and n.end == e.end)
            ),
            None,
        )
        if clash is not None:
            result.refused[ident] = (
                f"it overlaps item {clash.item}, applied in this run; apply it after that one by hand"
            )
            continue
        result.edits.extend(edits)
        result.applied.append(ident)
    text = report.text
    for edit in sorted(result.edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    result.new_text = text
    result.diff = "".join(
        difflib.unified_diff(
            report.text.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"a/{report.display}",
            tofile=f"b/{report.display}",
        )
    )
    return result


def write(report: Report, log: Log, result: Plan, today: dt.date | None = None) -> None:
    """Write report.md (keeping its BOM and line endings) and record the applied items in the log."""
    if not result.applied:
        return
    stamp = (today or dt.date.today()).isoformat()
    changes: dict[str, dict[str, Any]] = {}
    for ident in result.applied:
        item = next(i for i in log.items if str(i.get("id")) == ident)
        changes[ident] = {"applied": stamp}
        if item.get("status") == "open":
            changes[ident]["status"] = "accepted"
    log_text = updated_text(log, changes)  # first: a log changed meanwhile stops everything (LogChanged)
    raw = report.path.read_bytes()
    if raw.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n") != report.text:
        raise LogChanged(f"{report.display} changed while cjji was working; nothing was written, run it again")
    text = result.new_text
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    prefix = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    atomic.write_text(report.path, prefix + text)
    atomic.write_text(log.path, log_text)
