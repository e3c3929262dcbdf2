"""Review logs: reports/<id>/reviews/<body>-<date>.yml, one per returned file.

Each item records who said it and when, where it lands in report.md, the quoted text, the proposed
change and its status (open | accepted | accepted-with-change | rejected) with the response. The
file is YAML that authors may edit (status and response); cjji rewrites it with ruamel.yaml's
round-trip mode, so comments and layout an author added are kept. It is validated against
schemas/review-log.schema.json whenever it is read, and its errors are located in the log.
Logs live in the report folder, so the content digest covers them: gatekeepers sign what was decided.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjji import atomic
from cjji.findings import Finding, error
from cjji.report import display_path
from cjji.review import REVIEWS, logs_of
from cjji.review.importer import Located, Mapped, RawItem, Returned, block_hash, locate, map_anchors
from cjji.review.source import LineIndex, SourceBlock
from cjji.yamlload import Positions, YamlError, load_yaml

STATUSES = ("open", "accepted", "accepted-with-change", "rejected")
RESOLVED = ("accepted", "accepted-with-change", "rejected")
MAX_LOG_BYTES = 4 * 1024 * 1024
GATE = "reviews"
_PREFIX = {"comment": "c", "reply": "r", "edit": "u", "new-paragraph": "u", "removed-paragraph": "u"}


@dataclass
class Log:
    path: Path
    display: str
    data: dict[str, Any]
    positions: Positions
    findings: list[Finding] = field(default_factory=list)  # problems with the file itself
    text: str = ""  # the file as read (an update checks it has not changed since)

    @property
    def items(self) -> list[dict[str, Any]]:
        items = self.data.get("items") if isinstance(self.data, dict) else None
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    @property
    def body(self) -> str:
        return str(self.data.get("body", "")) if isinstance(self.data, dict) else ""


def _where(at: Located, end: Located | None, number: str) -> dict[str, Any]:
    where: dict[str, Any] = {"line": at.line, "col": at.col}
    if end is not None and end.state == at.state and (end.line, end.col) != (at.line, at.col):
        where.update(end_line=end.line, end_col=end.col)
    where["mapped"] = at.state
    if number:
        where["paragraph"] = number
    if at.block is not None:
        if at.block.finding:
            where["finding"] = at.block.finding
        where["block"] = block_hash(at.block)
        where["offset"] = at.rendered
    return where


def build_items(
    returned: Returned, blocks: list[SourceBlock], index: LineIndex
) -> tuple[list[dict[str, Any]], list[str]]:
    """Log items (in report order) and warnings about paragraphs that moved or changed since export."""
    mapped: list[Mapped] = map_anchors(returned.anchors, blocks)
    counters: dict[str, int] = {}
    by_comment: dict[str, str] = {}
    warnings: list[str] = []
    located: list[tuple[tuple[int, int, int], RawItem, Located, Located]] = []
    for order, raw in enumerate(returned.items):
        start = locate(raw.start, returned.anchors, mapped, index)
        end = locate(raw.end, returned.anchors, mapped, index)
        located.append(((start.line, start.col, order), raw, start, end))
    located.sort(key=lambda entry: (entry[1].kind == "reply", entry[0]))
    items: list[dict[str, Any]] = []
    for _, raw, start, end in located:
        prefix = _PREFIX.get(raw.kind, "t")
        counters[prefix] = counters.get(prefix, 0) + 1
        ident = f"{prefix}{counters[prefix]}"
        if raw.comment_id:
            by_comment[raw.comment_id] = ident
        anchor = returned.anchors[raw.start.anchor] if raw.start.anchor is not None else None
        item: dict[str, Any] = {"id": ident, "kind": raw.kind, "who": raw.author or "(not recorded)"}
        if raw.date:
            item["when"] = raw.date
        item["where"] = _where(start, end, anchor.number if anchor else "")
        if raw.kind == "move" and raw.to is not None:
            to = locate(raw.to, returned.anchors, mapped, index)
            item["to"] = _where(to, None, returned.anchors[raw.to.anchor].number if raw.to.anchor is not None else "")
        if raw.kind not in ("comment", "reply"):
            item["tracked"] = raw.comment != "not tracked"
        if raw.quote:
            item["quote"] = raw.quote
        if raw.kind in ("comment", "reply"):
            item["comment"] = raw.comment
            if raw.parent:
                item["in_reply_to"] = by_comment.get(raw.parent, raw.parent)
            if raw.done:
                item["resolved_in_word"] = True
        else:
            item["proposed"] = {"old": raw.old, "new": raw.new}
        note = _note(start)
        if note:
            item["note"] = note
            warnings.append(f"{ident} ({raw.kind}): {note}")
        item["status"] = "open"
        item["response"] = ""
        items.append(item)
    return items, warnings


def _note(at: Located) -> str:
    return {
        "moved": "the paragraph has moved since the review copy was exported; it was found by its text",
        "edited": "the paragraph was edited since the review copy was exported; the place shown is the paragraph "
        "most like it",
        "deleted": "the paragraph was deleted since the review copy was exported; the line shown is where it was",
        "generated": "this is on text cjji writes (the cover, contents, a label or the framework annex), not "
        "report.md: change the metadata or the policy if it is right",
    }.get(at.state, "")


def log_path(report_dir: Path, body: str, received: dt.date) -> Path:
    folder = report_dir / REVIEWS
    path = folder / f"{body}-{received.isoformat()}.yml"
    n = 2
    while path.exists():
        path = folder / f"{body}-{received.isoformat()}-{n}.yml"
        n += 1
    return path


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _scalar(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # a JSON string is a YAML double-quoted scalar, once the characters YAML does not allow in a
    # file (controls, DEL, C1, surrogates, U+FEFF, U+FFFE/F) and line separators are escaped
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(value), ensure_ascii=False))


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            name = key if _PLAIN_KEY.match(str(key)) else json.dumps(str(key))
            if isinstance(item, dict) and item or isinstance(item, list) and item:
                out.append(f"{pad}{name}:\n")
                _emit(item, indent + 2, out)
            elif isinstance(item, (dict, list)):
                out.append(f"{pad}{name}: {'{}' if isinstance(item, dict) else '[]'}\n")
            else:
                out.append(f"{pad}{name}: {_scalar(item)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner: list[str] = []
                _emit(item, indent + 2, inner)
                inner[0] = f"{pad}- " + inner[0][indent + 2 :]
                out.extend(inner)
            else:
                out.append(f"{pad}- {_scalar(item)}\n")


def dump(data: dict[str, Any], header: str = "") -> str:
    """Block-style YAML with every text double-quoted: fast to write for hundreds of items (a
    general emitter took seconds), unambiguous to read back, and easy for an author to edit."""
    out: list[str] = []
    _emit(data, 0, out)
    return header + "".join(out)


HEADER = (
    "# Review log written by `cjji review import`. For each item set status to accepted,\n"
    "# accepted-with-change or rejected, and write the response (required when rejecting).\n"
    "# `cjji review apply` makes accepted changes in report.md; `cjji check` lists open items.\n"
)


def write_new(path: Path, data: dict[str, Any]) -> None:
    atomic.write_text(path, dump(data, HEADER))


def read(path: Path, policy_root: Path | None = None) -> Log:
    """Read and validate a log; problems are findings located in the log, never exceptions."""
    display = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Log(
            path,
            display,
            {},
            Positions(),
            [error(GATE, "unreadable", display, 0, 0, f"cannot read the review log: {exc.strerror}")],
        )
    if len(raw) > MAX_LOG_BYTES:
        return Log(
            path,
            display,
            {},
            Positions(),
            [error(GATE, "too-large", display, 0, 0, f"the review log is {len(raw) // 1048576} MB; the limit is 4 MB")],
        )
    try:
        text = raw.decode("utf-8")
        data, positions = load_yaml(text)
    except UnicodeDecodeError:
        return Log(
            path, display, {}, Positions(), [error(GATE, "encoding", display, 0, 0, "the review log is not UTF-8 text")]
        )
    except YamlError as exc:
        return Log(
            path, display, {}, Positions(), [error(GATE, "yaml", display, exc.line, exc.col, exc.message, exc.hint)]
        )
    from cjji import resources
    from cjji.schemacheck import load_schema, validate  # jsonschema takes half a second to import

    schema = load_schema(resources.schema("review-log.schema.json", policy_root or _project_root(path)))
    findings = validate(data, schema, positions, display, GATE)
    return Log(path, display, data if isinstance(data, dict) else {}, positions, findings, text)


def _project_root(path: Path) -> Path | None:
    """The project holding a log (its own schemas/ come first), if there is one above it."""
    for folder in path.resolve().parents:
        if (folder / "checks").is_dir() and (folder / "schemas").is_dir():
            return folder
    return None


class LogChanged(Exception):
    """A file (the log, or report.md) changed since cjji read it: nothing is written."""


def _extent(lines: list[str], start: int, indent: int) -> int:
    """The line after the value of the key on line `start` (a value may run over several lines)."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _edited(log: Log, changes: dict[str, dict[str, Any]]) -> str:
    """The log's text with the changed fields rewritten in place (everything else as it was)."""
    lines = log.text.split("\n")
    edits: list[tuple[int, int, str]] = []
    items = log.data.get("items")
    for n, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or str(item.get("id")) not in changes:
            continue
        for key, value in changes[str(item.get("id"))].items():
            written = f"{key}: {_scalar(value)}"
            at = log.positions.keys.get(("items", n, key))
            if at is not None:
                line, col = at
                edits.append((line - 1, _extent(lines, line - 1, col - 1), lines[line - 1][: col - 1] + written))
            else:
                line, col = log.positions.keys.get(("items", n, "status")) or log.positions.keys[("items", n, "id")]
                end = _extent(lines, line - 1, col - 1)
                edits.append((end, end, " " * (col - 1) + written))
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = [text]
    return "\n".join(lines)


def update(log: Log, changes: dict[str, dict[str, Any]]) -> None:
    atomic.write_text(log.path, updated_text(log, changes))


def updated_text(log: Log, changes: dict[str, dict[str, Any]]) -> str:
    """The log with fields of items set by id. Only those lines change: the rest of the file (an
    author's comments and layout) stays as it was. The result is read back and compared with what was
    meant. Raises LogChanged if the file changed since it was read."""
    if log.path.read_text(encoding="utf-8") != log.text:
        raise LogChanged(f"{log.display} changed while cjji was reading it; nothing was written, run it again")
    expected = json.loads(json.dumps(log.data))
    for item in expected.get("items", []):
        if isinstance(item, dict) and str(item.get("id")) in changes:
            item.update(changes[str(item.get("id"))])
    text = _edited(log, changes)
    try:
        written, _ = load_yaml(text)
    except YamlError:
        written = None
    if written != expected:  # a layout the line edits cannot handle: rewrite through ruamel.yaml
        yaml = _yaml()
        data = yaml.load(log.text)
        for item in data.get("items", []):
            if str(item.get("id")) in changes:
                for key, value in changes[str(item["id"])].items():
                    item[key] = value
        out = io.StringIO()
        yaml.dump(data, out)
        text = out.getvalue()
    return text


def review_summary(report_dir: Path) -> dict[str, dict[str, int]]:
    """For each body: items received, open and resolved, over all its review logs (for `cjji status`).
    Replies count as items; a log that cannot be read counts nothing (the reviews gate reports it)."""
    summary: dict[str, dict[str, int]] = {}
    for path in logs_of(Path(report_dir)):
        log = read(path)
        if not log.data:
            continue
        counts = summary.setdefault(log.body or path.stem, {"received": 0, "open": 0, "resolved": 0})
        for item in log.items:
            counts["received"] += 1
            if is_resolved(item):
                counts["resolved"] += 1
            else:
                counts["open"] += 1
    return summary


def is_resolved(item: dict[str, Any]) -> bool:
    """Accepted, or rejected (or accepted with a change) with a reason."""
    status = item.get("status")
    if status == "accepted":
        return True
    return status in ("rejected", "accepted-with-change") and bool(str(item.get("response") or "").strip())
