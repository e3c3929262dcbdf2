"""The publish job has main's history (the trusted signing times come from it) and checks the site
from the repository on every run; a nightly job rebuilds every published version."""

from __future__ import annotations

from typing import Any

from support import ROOT

from cjji.yamlload import load_yaml


def _workflow(name: str) -> dict[str, Any]:
    data, _ = load_yaml((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return data


def test_publishing_has_mains_history_and_a_nightly_job_rebuilds_every_version() -> None:
    publish = _workflow("publish.yml")["jobs"]["publish"]["steps"]
    checkout = next(s for s in publish if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # a shallow clone has no trusted signing times
    assert any(s.get("run", "").strip() == ".venv/bin/cjji verify-site public/site --skip-rebuild" for s in publish)
    nightly = _workflow("verify-site.yml")
    assert nightly["on"]["schedule"] and nightly["permissions"] == {"contents": "read"}
    steps = nightly["jobs"]["verify"]["steps"]
    assert next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))["with"]["fetch-depth"] == 0
    runs = "\n".join(s.get("run", "") for s in steps)
    assert ".venv/bin/cjji verify-site public/site 2>&1" in runs and "--skip-rebuild" not in runs
