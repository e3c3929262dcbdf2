"""Strict YAML loading with source positions.

YAML 1.2 (ruamel.yaml's composer), so `no`, `on` and `NO` stay text. The node graph is turned into
plain JSON-like data ourselves, which lets us:

- refuse duplicate keys (YAML would keep the last one silently),
- refuse aliases, so an alias bomb ("billion laughs") costs nothing,
- keep dates and times as the text the author wrote (the schema checks they are real dates),
- record the 1-based line and column of every key and value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str | int, ...]
Pos = tuple[int, int]

_TAG = "tag:yaml.org,2002:"
MAX_NODES = 100_000


class YamlError(Exception):
    """A located YAML problem: line and column are 1-based, in the file."""

    def __init__(self, message: str, line: int, col: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint


@dataclass
class Positions:
    """Where each value (and each mapping key) sits in the file."""

    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)  # scalar text as written

    def of(self, path: Path, *, key: bool = False) -> Pos:
        """Position of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            if key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            if not p:
                return (1, 1)
            p = p[:-1]


def load_yaml(text: str, line_offset: int = 0) -> tuple[Any, Positions]:
    """Parse one YAML document. `line_offset` is added to every line (front matter starts at 2)."""
    _refuse_deep_flow(text, line_offset)
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlError(
            f"the YAML is not valid: {problem}",
            line + line_offset,
            col,
            "check the indentation and that text containing ': ' or '#' is in quotes",
        ) from None
    except YAMLError as exc:  # unmarked errors (rare)
        raise YamlError(f"the YAML is not valid: {exc}", 1 + line_offset, 1) from None
    except RecursionError:  # [[[[...]]]] thousands deep: the parser recurses per level
        raise YamlError(_TOO_DEEP, 1 + line_offset, 1, _TOO_DEEP_HINT) from None
    positions = Positions()
    if node is None:
        return None, positions
    builder = _Builder(positions, line_offset)
    try:
        return builder.build(node, ()), positions
    except RecursionError:
        raise YamlError(_TOO_DEEP, 1 + line_offset, 1, _TOO_DEEP_HINT) from None


MAX_FLOW_DEPTH = 100


def _refuse_deep_flow(text: str, line_offset: int) -> None:
    """Refuse `[[[[...` nested beyond MAX_FLOW_DEPTH before parsing: the parser's time grows with
    the square of the depth. Brackets inside quotes count too; no real metadata comes close."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            before = text[: match.start()]
            line = before.count("\n") + 1 + line_offset
            raise YamlError(_TOO_DEEP, line, match.start() - (before.rfind("\n") + 1) + 1, _TOO_DEEP_HINT)


_TOO_DEEP = "the YAML is nested too deeply (more than 100 lists or fields inside each other)"
_TOO_DEEP_HINT = "metadata needs at most a few levels; check for a runaway run of '[' or '{'"


class _Builder:
    def __init__(self, positions: Positions, line_offset: int) -> None:
        self.positions = positions
        self.offset = line_offset
        self.seen: set[int] = set()

    def pos(self, node: Node) -> Pos:
        return (node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def build(self, node: Node, path: Path) -> Any:
        if id(node) in self.seen:
            line, col = self.pos(node)
            raise YamlError(
                "YAML aliases (*name) and anchors (&name) are not allowed in report metadata",
                line,
                col,
                "write the value out in full",
            )
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            line, col = self.pos(node)
            raise YamlError(f"the YAML has more than {MAX_NODES} values", line, col)
        self.positions.values[path] = self.pos(node)
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        self.positions.raw[path] = node.value
        return _scalar(node)

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = self.pos(key_node)
                raise YamlError("a key must be plain text", line, col)
            if key_node.tag == _TAG + "merge" or key_node.value == "<<":
                line, col = self.pos(key_node)
                raise YamlError("YAML merge keys (<<) are not allowed", line, col)
            key = str(key_node.value)
            line, col = self.pos(key_node)
            if key in result:
                first = self.positions.keys[path + (key,)]
                raise YamlError(
                    f"the key '{key}' appears twice (first on line {first[0]})",
                    line,
                    col,
                    "keep one of them: YAML would silently use only the last",
                )
            self.positions.keys[path + (key,)] = (line, col)
            result[key] = self.build(value_node, path + (key,))
        return result


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag if isinstance(node.tag, str) else getattr(node.tag, "value", str(node.tag))
    value: str = node.value
    if node.style == ">":  # ruamel marks the fold points of folded text with \a
        return value.replace("\a", "")
    if node.style:  # quoted or block scalar: always text
        return value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() == "true"
    if tag == _TAG + "int":
        digits = value.replace("_", "")
        try:
            if digits.lower().startswith(("0x", "-0x", "+0x")):
                return int(digits, 16)
            if digits.lower().startswith(("0o", "-0o", "+0o")):
                return int(digits, 8)
            return int(digits)
        except ValueError:
            return value
    if tag == _TAG + "float":
        low = value.lower()
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        if low == ".nan":
            return math.nan
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value  # str and timestamps: kept as written
