"""What a report may write inside `{ }`, and what the writers may pass on: one place for both.

The check side is policy: `checks/attributes.yml` lists each attribute a report may use, on which
elements and with what values (validated by `schemas/checks/attributes.schema.json`); the
attributes gate (cjji.gates.attributes) refuses every other one at its line and column.

The writer side is a second wall that does not depend on the policy being right: the Word, PDF
and HTML writers pass on only ids and classes matching the strict patterns below and the
attributes in WRITER_SAFE, names no writer gives a meaning to. Anything else (`typst:*`,
`custom-style`, `html:*`, `style`, `lang` ...) is dropped before pandoc or the page sees it, so a
writer-specific attribute can never run code or read a file, even if the check were skipped.
The schema only accepts names from WRITER_SAFE, so the policy can narrow this list, never widen it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
CLASS_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
ID = re.compile(ID_PATTERN)
CLASS = re.compile(CLASS_PATTERN)
ID_HINT = "an id starts with a letter, then only letters, digits, '-' and '_', like victims-code or R1"
CLASS_HINT = "a class starts with a letter, then only letters, digits, '-' and '_', like .cross-cutting"
# attributes no writer (pandoc's docx and typst writers, the HTML page) gives a meaning to
WRITER_SAFE = frozenset({"criteria", "owner", "to", "due", "width", "paragraphs"})
# attributes cjji itself reads and no writer passes on: `data` names a figure's CSV
# (cjji.blocks.read_figure_data), printed as a table after the figure; `kind` the chart cjji
# draws from it (cjji.build.chart)
CJJI_READS = frozenset({"data", "kind"})
# attributes markdown-it itself sets on a token (not written by the author in { })
PARSER_SET: dict[str, frozenset[str]] = {
    "image": frozenset({"src", "alt", "title"}),
    "link_open": frozenset({"href", "title"}),
    "th_open": frozenset({"style"}),
    "td_open": frozenset({"style"}),
    "ordered_list_open": frozenset({"start"}),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(ID.match(value))


def safe_id(value: Any) -> str:
    """`value` if it is a valid id, else '' (the writers drop it)."""
    return value if is_id(value) else ""


def safe_classes(values: Iterable[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str) and CLASS.match(v)]


def safe_pairs(items: Iterable[tuple[Any, Any]]) -> list[tuple[str, str]]:
    """The (name, value) pairs a writer may emit: names in WRITER_SAFE, values without control characters."""
    return [(str(k), str(v)) for k, v in items
            if str(k) in WRITER_SAFE and not _CONTROL.search(str(v))]


def author_attributes(token: Any) -> dict[str, str]:
    """The attributes the author wrote in `{ }` on a token (markdown-it's own ones left out,
    the ones markdown-it refused to set, like `{href=javascript:...}`, put back in)."""
    own = PARSER_SET.get(token.type, frozenset())
    found = {str(k): str(v) for k, v in token.attrs.items() if k not in own}
    for k, v in (token.meta or {}).get("insecure_attrs", {}).items():
        found[str(k)] = str(v)
    return found
