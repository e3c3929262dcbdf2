"""The entry point's last walls: what an author sees when the machine, not cjji, fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import ROOT

CJJI = Path(sys.executable).parent / "cjji"


def test_an_output_that_cannot_be_written_is_named_not_called_a_bug(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    target = blocker / "register.csv"
    done = subprocess.run([str(CJJI), "recommendations", "--root", str(ROOT), "-o", str(target)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert f"({target}); nothing was left half-written" in done.stderr
    assert "Check that the folder exists, that you may write there" in done.stderr
    assert list(tmp_path.iterdir()) == [blocker]
