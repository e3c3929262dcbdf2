"""The secretariat's policy in `checks/`: every YAML file there, each validated by its schema.

`checks/<name>.yml` is validated against `schemas/checks/<name>.schema.json` when loaded, so a
typo in policy is a located error, never a silent default. Files in sub-folders
(`checks/style/*.yml`) use the schema named after the folder (`schemas/checks/style.schema.json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjji import resources
from cjji.cache import policy_digest
from cjji.findings import Finding, error
from cjji.report import display_path
from cjji.schemacheck import load_schema, validate
from cjji.yamlload import YamlError, load_yaml


class PolicyError(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} problem(s) in checks/")
        self.findings = findings


@dataclass
class Policy:
    root: Path
    files: dict[str, Any] = field(default_factory=dict)  # "inspectorates" or "style/latin" -> data
    digest: str = ""  # SHA-256 over every file in checks/ and schemas/ (cache key)

    def get(self, name: str, default: Any = None) -> Any:
        return self.files.get(name, default)

    def entries(self, name: str) -> list[dict[str, Any]]:
        """The list of entries in checks/<name>.yml (its one top-level key is also <name>)."""
        data = self.get(name, {})
        items = data.get(name, []) if isinstance(data, dict) else []
        return [i for i in items if isinstance(i, dict)]

    @property
    def inspectorates(self) -> dict[str, dict[str, Any]]:
        """code -> {name, short_name, criminal_justice, ...}"""
        return {i["code"]: i for i in self.get("inspectorates", {}).get("inspectorates", [])}

    @property
    def cj_inspectorates(self) -> list[str]:
        return [c for c, i in self.inspectorates.items() if i.get("criminal_justice")]

    @property
    def business_processes(self) -> dict[str, dict[str, Any]]:
        return {p["id"]: p for p in self.get("business_processes", {}).get("business_processes", [])}

    @property
    def thresholds(self) -> dict[str, Any]:
        return dict(self.get("thresholds", {}))

    def schema_path(self, name: str) -> Path:
        return resources.schema(f"checks/{name.split('/')[0]}.schema.json", self.root)


def load_policy(root: Path) -> Policy:
    """Load and validate `root/checks/`. Raises PolicyError with located findings."""
    checks = root / "checks"
    policy = Policy(root=root)
    findings: list[Finding] = []
    if not checks.is_dir():
        raise PolicyError([error("policy", "missing", display_path(checks), 0, 0,
                                 "the policy folder checks/ is missing",
                                 "run cjji from the project folder, or pass --root")])
    policy.digest = policy_digest(root)  # before parsing: an edit made while loading changes the key
    for path in sorted(p for p in checks.rglob("*") if p.is_file()):
        rel = path.relative_to(checks).as_posix()
        if path.suffix not in (".yml", ".yaml"):
            continue
        name = rel.rsplit(".", 1)[0]
        display = display_path(path)
        try:
            data, positions = load_yaml(path.read_text(encoding="utf-8"))
        except YamlError as exc:
            findings.append(error("policy", "yaml", display, exc.line, exc.col, exc.message, exc.hint))
            continue
        except UnicodeDecodeError:
            findings.append(error("policy", "encoding", display, 0, 0, "the file is not UTF-8 text"))
            continue
        schema_path = policy.schema_path(name)
        if not schema_path.is_file():
            findings.append(error("policy", "no-schema", display, 0, 0,
                                  f"no schema for this policy file (expected {display_path(schema_path)})",
                                  "every file in checks/ is validated by a schema in schemas/checks/"))
            continue
        problems = validate(data, load_schema(schema_path), positions, display, "policy")
        findings.extend(problems)
        policy.files[name] = data
    if findings:
        raise PolicyError(findings)
    return policy
