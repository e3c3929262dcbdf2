"""What a gate is: a stable id, a one-line description and a pure function Report -> findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cjji.findings import Finding
from cjji.policy import Policy
from cjji.report import Report


@dataclass(frozen=True)
class Context:
    """What every gate may read besides the report: the policy and how strict to be."""

    policy: Policy
    for_publication: bool = False


@dataclass(frozen=True)
class Gate:
    id: str
    description: str
    run: Callable[[Report, Context], list[Finding]]
    # the folders besides the report's own that `run` reads (a follow-up reads the earlier report):
    # the results cache keys on them too (cjji.checking)
    reads: Callable[[Report], list[Path]] | None = None
