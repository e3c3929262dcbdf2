"""Load one year's joint programme: plan.md, proposals/*.yml and consultation.yml, once, with positions.

    programme/<year>/plan.md             the business plan: YAML metadata and the narrative
    programme/<year>/proposals/<id>.yml  one file per proposed inspection
    programme/<year>/consultation.yml    the consultation log (framework 4.2 to 4.5)

Each file is read with the same strict loader as reports (cjji.yamlload: no duplicate keys, no
aliases, every value located) and validated by its schema in schemas/ (cjji.schemacheck), so a
mistake is a finding at its file, line and column. Loading never raises for bad input: a file
that cannot be read becomes a finding and is left out (None) of the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from cjji import markdown, resources
from cjji.findings import Finding, error
from cjji.report import LoadError, display_path, read_text, split_front_matter
from cjji.schemacheck import load_schema, validate
from cjji.yamlload import Positions, YamlError, load_yaml

PROGRAMME = "programme"
PLAN = "plan.md"
PROPOSALS = "proposals"
CONSULTATION = "consultation.yml"
GATE = "programme-schema"
MAX_YAML_BYTES = 256 * 1024  # a proposal or a log is a page or two; this is fifty times that
YEAR = re.compile(r"^[0-9]{4}$")
PROPOSAL_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open",
                         "div_open", "footnote_open"})


@dataclass
class Source:
    """One loaded YAML file (a proposal or the consultation log), or plan.md's metadata."""

    path: Path
    display: str
    data: dict[str, Any]
    positions: Positions

    def where(self, *path: str | int, key: bool = False) -> tuple[int, int]:
        return self.positions.of(tuple(path), key=key)

    def finding(self, gate: str, rule: str, path: tuple[str | int, ...], message: str, hint: str = "",
                *, key: bool = False, severity: str = "error") -> Finding:
        line, col = self.positions.of(path, key=key)
        return Finding(self.display, line, col, severity, gate, rule, message, hint)  # type: ignore[arg-type]


@dataclass
class Plan(Source):
    text: str = ""
    body_start: int = 1
    tokens: list[Token] = field(default_factory=list)


@dataclass
class ReportRef:
    """What the programme needs from a report that says it delivers a proposal."""

    dir: Path
    display: str
    id: str
    title: str
    proposal: str  # "2027/<id>" as written
    line: int
    col: int
    publication_date: str
    withdrawn: bool


@dataclass
class Programme:
    root: Path
    year: str
    dir: Path
    plan: Plan | None = None
    proposals: dict[str, Source] = field(default_factory=dict)  # id (file name) -> proposal, sorted
    consultation: Source | None = None
    reports: list[ReportRef] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # problems found while loading

    @property
    def id(self) -> str:
        """The id the plan is built, signed and published under."""
        return f"programme-{self.year}"


def programme_dir(root: Path, year: str) -> Path:
    return root / PROGRAMME / year


def years(root: Path) -> list[str]:
    folder = root / PROGRAMME
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and YEAR.match(p.name))


def _yaml_file(path: Path, schema: Path, findings: list[Finding]) -> Source | None:
    display = display_path(path)
    try:
        text = read_text(path, display, MAX_YAML_BYTES)
    except LoadError as exc:
        findings.append(exc.finding)
        return None
    try:
        data, positions = load_yaml(text.replace("\r\n", "\n").replace("\r", "\n"))
    except YamlError as exc:
        findings.append(error(GATE, "yaml", display, exc.line, exc.col, exc.message, exc.hint))
        return None
    if not isinstance(data, dict):
        findings.append(error(GATE, "yaml", display, 1, 1, "the file must be a set of 'key: value' fields"))
        return None
    problems = validate(data, load_schema(schema), positions, display, GATE)
    findings.extend(problems)
    return Source(path, display, data, positions)


def _plan(path: Path, schema: Path, findings: list[Finding]) -> Plan | None:
    display = display_path(path)
    try:
        text = read_text(path, display).replace("\r\n", "\n").replace("\r", "\n")
        yaml_text, body_start = split_front_matter(text, display)
    except LoadError as exc:
        findings.append(exc.finding)
        return None
    if len(yaml_text) > MAX_YAML_BYTES:
        findings.append(error(GATE, "too-large", display, 2, 1,
                              f"the metadata block is {len(yaml_text) // 1024} KB; the limit is "
                              f"{MAX_YAML_BYTES // 1024} KB", "long text belongs in the plan's body"))
        return None
    try:
        meta, positions = load_yaml(yaml_text, line_offset=1)
    except YamlError as exc:
        findings.append(error(GATE, "yaml", display, exc.line, exc.col, exc.message, exc.hint))
        return None
    if not isinstance(meta, dict):
        findings.append(error(GATE, "yaml", display, 2, 1, "the metadata must be a set of 'key: value' fields"))
        return None
    findings.extend(validate(meta, load_schema(schema), positions, display, GATE))
    body = "\n".join(text.split("\n")[body_start - 1:])
    tokens = markdown.parse(body)
    deepest = markdown.parser().options["maxNesting"] - 1
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + body_start - 1, token.map[1] + body_start - 1]
            if (token.nesting == 1 and token.type in _CONTAINERS and token.level >= deepest) or \
                    "too_many_brackets" in token.meta:
                findings.append(error(GATE, "too-complex", display, token.map[0] + 1, 1,
                                      "this passage is nested too deeply or has too many '[' to read safely",
                                      "simplify the lists or quotations, or put the data in a table"))
                return None
    return Plan(path, display, meta, positions, text=text, body_start=body_start, tokens=tokens)


def _report_refs(root: Path, year: str) -> list[ReportRef]:
    """Reports under reports/ whose metadata says `proposal: <year>/<id>`. Unreadable reports are
    skipped: `cjji check` reports them."""
    refs: list[ReportRef] = []
    reports = root / "reports"
    if not reports.is_dir():
        return refs
    for folder in sorted(p for p in reports.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        path = folder / "report.md"
        if not path.is_file():
            continue
        display = display_path(path)
        try:
            yaml_text, _ = split_front_matter(read_text(path, display).replace("\r\n", "\n"), display)
            meta, positions = load_yaml(yaml_text, line_offset=1)
        except (LoadError, YamlError):
            continue
        if not isinstance(meta, dict):
            continue
        proposal = meta.get("proposal")
        if not isinstance(proposal, str) or proposal.split("/", 1)[0] != year:
            continue
        line, col = positions.of(("proposal",))
        publication = meta.get("publication")
        date = publication.get("date") if isinstance(publication, dict) else None
        refs.append(ReportRef(folder, display, str(meta.get("id") or folder.name), str(meta.get("title") or ""),
                              proposal, line, col, date if isinstance(date, str) else "",
                              isinstance(meta.get("withdrawn"), dict)))
    return refs


def load_programme(root: Path, year: str) -> Programme:
    """Everything in programme/<year>/, each file validated by its schema. Never raises for bad input."""
    folder = programme_dir(root, year)
    programme = Programme(root=root, year=year, dir=folder)
    findings = programme.findings
    if not YEAR.match(year):
        findings.append(error(GATE, "year", display_path(root / PROGRAMME), 0, 0,
                              f"'{year}' is not a year", "name the programme by its four-digit year, like 2027"))
        return programme
    if not folder.is_dir():
        findings.append(error(GATE, "missing", display_path(folder), 0, 0,
                              f"there is no programme for {year} (no folder {display_path(folder)})",
                              f"create {PROGRAMME}/{year}/ with plan.md, proposals/ and consultation.yml"))
        return programme
    programme.plan = _plan(folder / PLAN, resources.schema("programme-plan.schema.json", root), findings)
    proposals = folder / PROPOSALS
    if proposals.is_dir():
        for path in sorted(proposals.iterdir()):
            if path.name.startswith(".") or path.name.endswith("~"):
                continue
            if path.suffix not in (".yml", ".yaml") or not PROPOSAL_ID.match(path.stem):
                findings.append(error(GATE, "file-name", display_path(path), 0, 0,
                                      f"'{path.name}' is not a proposal file name",
                                      "name each proposal <id>.yml, the id in lower case with hyphens"))
                continue
            source = _yaml_file(path, resources.schema("proposal.schema.json", root), findings)
            if source is None:
                continue
            if source.data.get("id") != path.stem:
                findings.append(source.finding(GATE, "id-file-name", ("id",),
                                                f"the id '{source.data.get('id')}' is not the file name "
                                                f"'{path.stem}'", f"write id: {path.stem}"))
            if path.stem in programme.proposals:
                findings.append(error(GATE, "duplicate", source.display, 0, 0,
                                      f"a second file for the proposal '{path.stem}'",
                                      "keep one .yml file per proposal"))
                continue
            programme.proposals[path.stem] = source
    else:
        findings.append(error(GATE, "missing", display_path(proposals), 0, 0,
                              "the proposals/ folder is missing", "put one <id>.yml per proposed inspection in it"))
    log = folder / CONSULTATION
    programme.consultation = _yaml_file(log, resources.schema("consultation.schema.json", root), findings)
    for source, what in ((programme.plan, "plan.md"), (programme.consultation, CONSULTATION)):
        if source is not None and "year" in source.data and str(source.data["year"]) != year:
            findings.append(source.finding(GATE, "year", ("year",),
                                           f"{what} says year {source.data['year']}, but it is in the folder "
                                           f"for {year}",
                                           f"write year: {year}, or move the file"))
    programme.reports = _report_refs(root, year)
    return programme
