"""What every style rule has (id, severity, message, ...), what a rule finds (Hit), and the
document a rule reads (Doc)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from cjji.findings import Severity
from cjji.prose import Block

if TYPE_CHECKING:
    from cjji.style.vocabulary import Vocabulary

# the block kinds a rule may name in `scope`; "text" means every kind but quotations
KINDS = ("heading", "paragraph", "list", "table", "blockquote", "footnote", "alt", "caption")
TEXT = frozenset(k for k in KINDS if k != "blockquote")


@dataclass(frozen=True)
class Rule:
    id: str  # the file name: checks/style/<id>.yml
    extends: str  # the rule type (engine)
    message: str
    severity: Severity
    hint: str = ""
    source: str = ""
    scope: frozenset[str] = TEXT
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def say(self, template: str, **values: object) -> str:
        """Fill {name} placeholders; unknown ones are left as written."""
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


@dataclass(frozen=True)
class Hit:
    block: Block
    offset: int
    message: str
    hint: str = ""


@dataclass
class Doc:
    """The prose of one report, the proper nouns its word lists name, and the vocabulary."""

    blocks: list[Block]
    proper_nouns: frozenset[str] = frozenset()
    vocabulary: Vocabulary | None = None

    def blocks_for(self, rule: Rule) -> list[Block]:
        return [b for b in self.blocks if b.kind in rule.scope]


@cache
def compile_words(tokens: tuple[str, ...], ignorecase: bool, nonword: bool) -> re.Pattern[str]:
    """One pattern matching any of the tokens (regular expressions), as whole words unless
    nonword is set."""
    body = "|".join(f"(?:{t})" for t in tokens)
    if not nonword:
        body = rf"(?<![\w])(?:{body})(?![\w])"
    return re.compile(body, re.IGNORECASE if ignorecase else 0)
