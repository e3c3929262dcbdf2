"""Helpers for tests/programme (importable: tests/programme/conftest.py puts this folder on sys.path).

A throwaway project holding the worked example programme (programme/2027), with helpers to edit
its files as an author would (text replacement, so line numbers stay meaningful) and check it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from support import ROOT

from cjji.findings import Finding
from cjji.policy import Policy, load_policy
from cjji.programme import gates
from cjji.programme.model import Programme, load_programme

YEAR = "2027"
AFTER = dt.date(2027, 3, 20)  # the example's consultation, agreement and final copies are all past


_SHARED: dict[str, Policy] = {}


def shared_policy() -> Policy:
    """The project's own policy, loaded once per process (loading it takes a second or two)."""
    if "policy" not in _SHARED:
        _SHARED["policy"] = load_policy(ROOT)
    return _SHARED["policy"]


@dataclass
class Example:
    root: Path
    own_policy: bool = False  # set when a test edits the copy's checks/: then that copy is loaded

    @property
    def dir(self) -> Path:
        return self.root / "programme" / YEAR

    def path(self, rel: str) -> Path:
        return self.dir / rel

    def text(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.text(rel)
        assert old in text, f"{old!r} is not in {rel}"
        self.path(rel).write_text(text.replace(old, new, count), encoding="utf-8")

    def line_of(self, rel: str, needle: str) -> int:
        for n, line in enumerate(self.text(rel).split("\n"), start=1):
            if needle in line:
                return n
        raise AssertionError(f"{needle!r} is not in {rel}")

    def policy(self) -> Policy:
        if not self.own_policy:
            return shared_policy()
        if not hasattr(self, "_policy"):
            self._policy = load_policy(self.root)
        return self._policy

    def load(self) -> Programme:
        return load_programme(self.root, YEAR)

    def check(self, *, for_publication: bool = False, today: dt.date = AFTER,
              gate: str | None = None) -> list[Finding]:
        """Every finding (gate=None), or the loading findings and one programme gate's (faster: the
        writing gate runs hunspell)."""
        if gate is None:
            return gates.check(self.load(), self.policy(), for_publication=for_publication, today=today)
        programme = self.load()
        chosen = [g for g in gates.GATES if g.id == gate]
        assert chosen, f"no programme gate {gate}"
        return programme.findings + chosen[0].run(programme, self.policy(), for_publication, today)

    def errors(self, **kwargs: object) -> list[Finding]:
        return [f for f in self.check(**kwargs) if f.severity == "error"]  # type: ignore[arg-type]
