"""Load a report folder once into the model every gate and builder reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from cjji import markdown
from cjji.findings import Finding, display_path, error
from cjji.yamlload import Positions, YamlError, load_yaml

REPORT_FILE = "report.md"
MAX_REPORT_BYTES = 5 * 1024 * 1024  # 5 MiB: over ten times the longest real report (about 300 KB)
# the YAML parser takes ~0.1 ms per value: 64 KiB (a dozen times the example's metadata) bounds it
MAX_FRONT_MATTER_BYTES = 64 * 1024


class LoadError(Exception):
    """The report could not be loaded; `finding` says where and why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str
    classes: tuple[str, ...]
    line: int  # 1-based line in report.md


@dataclass
class Report:
    """One report: metadata with positions, and the body's token stream with file line numbers.

    Token maps are rewritten to 0-based *file* lines, so `token.map[0] + 1` is the line an
    author sees in their editor.
    """

    dir: Path
    path: Path
    display: str  # the path shown in findings, e.g. reports/2026-x/report.md
    text: str
    meta: dict[str, Any]
    positions: Positions
    body_start: int  # 1-based line of the first body line
    tokens: list[Token]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        value = self.meta.get("id")
        return value if isinstance(value, str) else self.dir.name

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def where(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column of a metadata value (or its key) in report.md."""
        return self.positions.of(path, key=key)

    @cached_property
    def headings(self) -> list[Heading]:
        found = []
        for i, token in enumerate(self.tokens):
            if token.type == "heading_open" and token.map:
                inline = self.tokens[i + 1]
                found.append(
                    Heading(
                        level=int(token.tag[1:]),
                        text=inline.content.strip(),
                        id=str(token.attrs.get("id", "")),
                        classes=tuple(markdown.classes(token)),
                        line=token.map[0] + 1,
                    )
                )
        return found

    @cached_property
    def section_ids(self) -> dict[str, int]:
        """Every id a reference can point at (headings, divs, figures), with its line."""
        ids: dict[str, int] = {}
        for token in self.walk():
            ident = token.attrs.get("id")
            if ident and token.nesting != -1:
                line = self.line_of(token)
                ids.setdefault(str(ident), line)
        return ids

    def walk(self) -> list[Token]:
        """All tokens, inline children included, in document order."""
        out: list[Token] = []
        for token in self.tokens:
            out.append(token)
            if token.children:
                out.extend(token.children)
        return out

    def line_of(self, token: Token) -> int:
        """1-based line of a token; inline children take their block's line."""
        if token.map:
            return token.map[0] + 1
        return self._child_lines.get(id(token), self.body_start)

    @cached_property
    def _child_lines(self) -> dict[int, int]:
        lines = {}
        for token in self.tokens:
            if token.children and token.map:
                stack = list(token.children)
                while stack:  # an image's alt text has children too (even another image)
                    child = stack.pop()
                    lines[id(child)] = token.map[0] + 1
                    stack.extend(child.children or [])
        return lines

    def finding(
        self, gate: str, rule: str, line: int, col: int, message: str, hint: str = ""
    ) -> Finding:
        return error(gate, rule, self.display, line, col, message, hint)


_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open",
                         "div_open", "footnote_open"})


def _load_error(display: str, line: int, col: int, rule: str, message: str, hint: str = "") -> LoadError:
    return LoadError(error("load", rule, display, line, col, message, hint))


def read_text(path: Path, display: str, limit: int = MAX_REPORT_BYTES) -> str:
    """Read a UTF-8 text file, refusing missing, oversized, binary and non-UTF-8 files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _load_error(display, 0, 0, "missing", f"{path.name} is missing",
                          "every report folder needs a report.md; `cjji new <id>` creates one") from None
    except OSError as exc:
        raise _load_error(display, 0, 0, "unreadable", f"cannot read the file: {exc.strerror}") from None
    if not path.is_file():
        raise _load_error(display, 0, 0, "unreadable", "this is not a regular file")
    if size > limit:
        raise _load_error(
            display, 0, 0, "too-large",
            f"the file is {size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB",
            "split the report, or move data into tables in an annex file",
        )
    data = path.read_bytes()
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise _load_error(display, line, 1, "binary", "this looks like a binary file, not Markdown text",
                          "save the report as plain UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _load_error(display, line, col, "encoding", "the file is not valid UTF-8 text",
                          "save it as UTF-8 (in VS Code: 'Save with Encoding' > UTF-8)") from None
    return text.removeprefix("\ufeff")


def split_front_matter(text: str, display: str) -> tuple[str, int]:
    """Return (YAML text, 1-based line where the body starts)."""
    if not text.strip():
        raise _load_error(display, 1, 1, "empty", "the file is empty",
                          "start from `cjji new <id>`, which writes every field to fill")
    lines = text.split("\n")  # markdown-it counts only \n as a line break; so do we
    if lines[0].rstrip() != "---":
        raise _load_error(display, 1, 1, "no-front-matter",
                          "the report does not start with YAML metadata ('---' on the first line)",
                          "put the metadata between two lines of '---' at the very top")
    for n, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1 : n - 1]), n + 1
    raise _load_error(display, 1, 1, "unclosed-front-matter",
                      "the metadata block is never closed",
                      "add a line containing only '---' after the last metadata field")


def load(report_dir: Path) -> Report:
    """Load `reports/<id>/` (or a report.md path). Raises LoadError with a located finding."""
    report_dir = Path(report_dir)
    path = report_dir if report_dir.name == REPORT_FILE else report_dir / REPORT_FILE
    report_dir = path.parent
    display = display_path(path)
    # one line-break convention everywhere: markdown-it also counts a lone \r as a line break
    text = read_text(path, display).replace("\r\n", "\n").replace("\r", "\n")
    yaml_text, body_start = split_front_matter(text, display)
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES:
        raise _load_error(display, 2, 1, "too-large",
                          f"the metadata block is {len(yaml_text) / 1024:.0f} KB; the limit is "
                          f"{MAX_FRONT_MATTER_BYTES // 1024} KB",
                          "metadata holds short fields; long text belongs in the report body")
    try:
        meta, positions = load_yaml(yaml_text, line_offset=1)
    except YamlError as exc:
        raise _load_error(display, exc.line, exc.col, "yaml", exc.message, exc.hint) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise _load_error(display, 2, 1, "yaml", "the metadata must be a set of 'key: value' fields")
    body = "\n".join(text.split("\n")[body_start - 1 :])
    tokens = markdown.parse(body)
    offset = body_start - 1
    deepest = markdown.parser().options["maxNesting"] - 1  # a container here has its content dropped
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + offset, token.map[1] + offset]
            if token.nesting == 1 and token.type in _CONTAINERS and token.level >= deepest:
                raise _load_error(
                    display, token.map[0] + 1, 1, "too-deep",
                    "the lists or quotations here are nested too deeply: Markdown leaves out "
                    "everything deeper, so text would be lost",
                    "use at most three or four levels of lists or quotations")
            if "too_many_brackets" in token.meta:
                raise _load_error(
                    display, token.map[0] + 1, 1, "too-complex",
                    f"this paragraph has {token.meta['too_many_brackets']} '[' characters; "
                    f"the limit is {markdown.MAX_BRACKETS}, because Markdown takes too long to read it",
                    "split the paragraph, or put the data in a table")
    return Report(report_dir, path, display, text, meta, positions, body_start, tokens)
