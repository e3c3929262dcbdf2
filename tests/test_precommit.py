from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from support import ROOT


def test_pre_commit_config_is_valid_and_local_only() -> None:
    config = ROOT / ".pre-commit-config.yaml"
    done = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-config", str(config)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    repos = yaml.safe_load(config.read_text())["repos"]
    assert [r["repo"] for r in repos] == ["local"]
    entries = [h["entry"] for h in repos[0]["hooks"]]
    assert ".venv/bin/cjji check --changed=HEAD" in entries
