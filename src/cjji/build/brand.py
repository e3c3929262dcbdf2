"""The brand: colours, fonts, sizes, logos and licence text from templates/brand.yml.

One file restyles all three formats: the Word reference document, the Typst template and the
HTML stylesheet are generated from (or read) the Brand this module loads. The file is validated
by schemas/brand.schema.json at load, so a typo is a located error, never a silent default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cjji import resources
from cjji.findings import Finding, error
from cjji.report import display_path
from cjji.schemacheck import load_schema, validate
from cjji.yamlload import YamlError, load_yaml

GATE = "brand"


class BrandError(Exception):
    """templates/brand.yml is broken; `findings` say where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


@dataclass(frozen=True)
class Brand:
    root: Path  # the project folder
    data: dict[str, Any]  # brand.yml as validated

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def publisher(self) -> str:
        return str(self.data["publisher"])

    @property
    def colours(self) -> dict[str, str]:
        """primary, accent, text, muted, link, background, table_header_text, table_stripe."""
        return dict(self.data["colours"])

    @property
    def fonts(self) -> dict[str, list[str]]:
        """body, heading, mono: font families, preferred first."""
        return {k: list(v) for k, v in self.data["fonts"].items()}

    @property
    def sizes(self) -> dict[str, float]:
        """Font sizes in points: body, small, title, subtitle, heading1..heading3."""
        return {k: float(v) for k, v in self.data["sizes"].items()}

    @property
    def margins_mm(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.data["page"]["margins"].items()}

    @property
    def number_headings(self) -> bool:
        return bool(self.data["numbering"]["headings"])

    @property
    def number_paragraphs(self) -> bool:
        return bool(self.data["numbering"]["paragraphs"])

    @property
    def joint_logo(self) -> Path:
        return self.templates / str(self.data["logos"]["joint"])

    def logo(self, code: str) -> Path | None:
        """The logo of an inspectorate code (checks/inspectorates.yml), or None if it has none."""
        rel = self.data["logos"]["inspectorates"].get(code)
        return self.templates / rel if rel else None

    @property
    def licence_name(self) -> str:
        return str(self.data["licence"]["name"])

    @property
    def licence_url(self) -> str:
        return str(self.data["licence"]["url"])

    def licence_text(self, year: str | int) -> str:
        return str(self.data["licence"]["text"]).replace("{year}", str(year))


def load_brand(root: Path) -> Brand:
    """Load and validate root/templates/brand.yml. Raises BrandError with located findings."""
    path = resources.template("brand.yml", root)  # the project's, or the copy installed with cjji
    return _load(path.resolve(), _mtime(path))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@cache
def _load(path: Path, _mtime_key: float) -> Brand:
    root = path.parent.parent
    display = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "templates/brand.yml holds the colours, fonts and logos of every output"
        found = error(GATE, "missing", display, 0, 0, "the brand file is missing", hint)
        raise BrandError([found]) from None
    except (OSError, UnicodeDecodeError):
        raise BrandError([error(GATE, "unreadable", display, 0, 0,
                                "the brand file cannot be read as UTF-8 text")]) from None
    try:
        data, positions = load_yaml(text)
    except YamlError as exc:
        found = error(GATE, "yaml", display, exc.line, exc.col, exc.message, exc.hint)
        raise BrandError([found]) from None
    findings = validate(data, load_schema(resources.schema("brand.schema.json", root)), positions, display, GATE)
    if not findings:
        logos: dict[tuple[str, ...], str] = {("logos", "joint"): data["logos"]["joint"]}
        for code, rel in data["logos"]["inspectorates"].items():
            logos[("logos", "inspectorates", code)] = rel
        for path_key, rel in logos.items():
            if not (root / "templates" / rel).is_file():
                line, col = positions.of(path_key)
                findings.append(error(GATE, "missing-logo", display, line, col,
                                      f"the logo file templates/{rel} does not exist",
                                      "draw it as an SVG in templates/logos/ or correct the path"))
    if findings:
        raise BrandError(findings)
    return Brand(root=root, data=data)
