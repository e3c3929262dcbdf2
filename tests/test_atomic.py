from __future__ import annotations

import os
import time
from pathlib import Path

from cjji.atomic import remove_stale_parts, write_bytes


def test_write_is_whole_and_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.pdf"
    write_bytes(target, b"%PDF-1.7")
    assert target.read_bytes() == b"%PDF-1.7"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["r.pdf"]


def test_only_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    old = tmp_path / "assets" / ".r.html.abc123.part"
    fresh = tmp_path / ".r.pdf.def456.part"
    kept = tmp_path / "r.pdf"
    for path in (old, fresh, kept):
        path.write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(kept, (an_hour_ago, an_hour_ago))
    assert remove_stale_parts(tmp_path) == [old]
    assert fresh.exists() and kept.exists() and not old.exists()
