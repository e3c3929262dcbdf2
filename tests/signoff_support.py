"""Test gatekeepers with REAL ed25519 keys made by ssh-keygen, and a registry that names them.

Import the fixtures into a test module with `from signoff_support import gk  # noqa: F401`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cjji.digest import digest
from cjji.signoff import (
    REVIEW,
    REVIEW_NAMESPACE,
    Holder,
    dump,
    sign_bytes,
    statement,
    statement_name,
    utc_now,
)

RECORDER = "signoff-workflow@test.example"

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
    for name in [*PEOPLE, "rogue", "recorder"]:
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
                "delegations": self.delegations,
                "recorders": [{"identity": RECORDER, "name": "Test sign-off workflow"}]}
        (self.root / "checks" / "gatekeepers.yml").write_text(json.dumps(data, indent=1))
        lines = []
        for name, (identity, _, _) in PEOPLE.items():
            kind, key, *_ = Path(f"{self.keys[name]}.pub").read_text().split()
            lines.append(f'{identity} namespaces="cjji-report-signoff" {kind} {key}')
        kind, key, *_ = Path(f"{self.keys['recorder']}.pub").read_text().split()
        lines.append(f'{RECORDER} namespaces="{REVIEW_NAMESPACE}" {kind} {key}')
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


    def review(self, role: str, name: str, *, key: str = "recorder", sign: bool = True,
               report: Path | None = None, **changes: object) -> Path:
        """Write a review record as the sign-off workflow does (signed with the recorder's key)."""
        folder = report or self.report
        head = changes.pop("head_sha", "a" * 40)
        review: dict[str, object] = {
            "id": 7, "url": "https://github.com/o/r/pull/1#pullrequestreview-7", "state": "approved",
            "submitted_at": utc_text_now(), "reviewer": PEOPLE[name][1], "commit": head,
            "head_sha": head, "pull_request": 1, "pull_request_url": "https://github.com/o/r/pull/1",
            "repository": "o/r"}
        review.update(changes)
        at = dt.datetime.fromisoformat(str(review["submitted_at"]).replace("Z", "+00:00"))
        data = dump(statement(folder.name, _version(folder), "Keeping victims informed", role, self.holder(name),
                              digest(folder), at, method=REVIEW, review=review, recorder=RECORDER))
        path = folder / "signoffs" / statement_name(role, self.identity(name), REVIEW)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        if sign:
            path.with_name(path.name + ".sig").write_bytes(sign_bytes(data, self.keys[key], REVIEW_NAMESPACE))
        return path

    # ---- git: the protected branch whose first-parent history dates each sign-off -----------

    def git(self, *args: str, at: dt.datetime | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@test.example",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@test.example"}
        if at is not None:
            stamp = f"{int(at.timestamp())} +0000"
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return subprocess.run(["git", "-C", str(self.root), *args], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def land(self, message: str, at: dt.datetime | None = None) -> str:
        """Commit everything on main (the repository is made on first use); returns the commit."""
        if not (self.root / ".git").exists():
            self.git("init", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, at=at)
        return self.git("rev-parse", "HEAD")


def utc_text_now() -> str:
    return utc_now().isoformat().replace("+00:00", "Z")


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
