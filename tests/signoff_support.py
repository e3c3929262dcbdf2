"""Test gatekeepers with REAL ed25519 keys made by ssh-keygen, and a registry that names them.

Import the fixtures into a test module with `from signoff_support import gk  # noqa: F401`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cjji.digest import digest
from cjji.signoff import (
    Holder,
    dump,
    sign_bytes,
    statement,
    statement_name,
    utc_now,
)

REPORT_ID = "2026-victim-updates"
REQUIRED = ["chief-inspector-HMCPSI", "chief-inspector-HMICFRS", "chief-inspector-HMIProbation",
            "qa-lead-HMCPSI"]

# name -> (identity, github login, roles); "rogue" has a key that allowed_signers does not list.
PEOPLE: dict[str, tuple[str, str, list[str]]] = {
    "cps-chief": ("cps.chief@test.example", "test-cps-chief", ["chief-inspector-HMCPSI"]),
    "police-chief": ("police.chief@test.example", "test-police-chief", ["chief-inspector-HMICFRS"]),
    "probation-chief": ("probation.chief@test.example", "test-probation-chief",
                        ["chief-inspector-HMIProbation"]),
    "cps-qa": ("cps.qa@test.example", "test-cps-qa", ["qa-lead-HMCPSI"]),
    "deputy": ("deputy@test.example", "test-deputy", []),
    "outsider": ("outsider@test.example", "test-outsider", []),
}


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh ed25519 key pair per test gatekeeper (and one rogue key), made by ssh-keygen."""
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    for name in [*PEOPLE, "rogue"]:
        path = folder / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                       check=True)
        made[name] = path
    return made


@dataclass
class Gatekeepers:
    """A throwaway project whose checks/ names the test gatekeepers, with the example report."""

    root: Path
    report: Path
    keys: dict[str, Path]
    delegations: list[dict[str, Any]] = field(default_factory=list)

    def identity(self, name: str) -> str:
        return PEOPLE[name][0]

    def holder(self, name: str) -> Holder:
        identity, login, roles = PEOPLE[name]
        return Holder(identity, name, tuple(roles), login)

    def write_registry(self) -> None:
        source = _yaml_data(self.root / "checks" / "gatekeepers.yml")
        data = {"roles": source["roles"], "required": source["required"], "example_reports": [],
                "holders": [{"identity": i, "name": n, "github": login, "roles": roles}
                            for n, (i, login, roles) in PEOPLE.items()],
                "delegations": self.delegations}
        (self.root / "checks" / "gatekeepers.yml").write_text(json.dumps(data, indent=1))
        lines = []
        for name, (identity, _, _) in PEOPLE.items():
            kind, key, *_ = Path(f"{self.keys[name]}.pub").read_text().split()
            lines.append(f'{identity} namespaces="cjji-report-signoff" {kind} {key}')
        (self.root / "checks" / "allowed_signers").write_text("\n".join(lines) + "\n")

    def delegate(self, role: str, valid_from: dt.date, valid_until: dt.date,
                 delegated_by: str = "probation-chief", delegate: str = "deputy") -> None:
        self.delegations.append({"delegate": self.identity(delegate), "role": role,
                                 "valid_from": valid_from.isoformat(),
                                 "valid_until": valid_until.isoformat(),
                                 "delegated_by": self.identity(delegated_by)})
        self.write_registry()

    def sign(self, role: str, name: str, *, key: str | None = None, identity: str | None = None,
             report: Path | None = None, at: dt.datetime | None = None) -> Path:
        """Sign like `cjji sign` does, but without its early refusals (to test the gate's)."""
        folder = report or self.report
        holder = self.holder(name)
        if identity:
            holder = Holder(identity, name, holder.roles, holder.github)
        meta_version = _version(folder)
        data = dump(statement(folder.name, meta_version, "Keeping victims informed", role, holder,
                              digest(folder), at or utc_now()))
        sig = sign_bytes(data, self.keys[key or name])
        path = folder / "signoffs" / statement_name(role, holder.identity, "ssh-signature")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        path.with_name(path.name + ".sig").write_bytes(sig)
        return path


def _version(folder: Path) -> int:
    for line in (folder / "report.md").read_text().splitlines():
        if line.startswith("version:"):
            return int(line.split(":")[1])
    raise AssertionError("no version")


def _yaml_data(path: Path) -> Any:
    from cjji.yamlload import load_yaml

    return load_yaml(path.read_text())[0]


def set_version(folder: Path, version: int) -> None:
    path = folder / "report.md"
    text = path.read_text()
    old = f"\nversion: {_version(folder)}\n"
    assert old in text
    path.write_text(text.replace(old, f"\nversion: {version}\n", 1))


@pytest.fixture
def gk(example_copy: Path, keys: dict[str, Path]) -> Gatekeepers:
    shutil.rmtree(example_copy / "signoffs", ignore_errors=True)
    kit = Gatekeepers(example_copy.parents[1], example_copy, keys)
    kit.write_registry()
    return kit
