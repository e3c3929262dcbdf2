# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""The local target switches sites atomically: killed at any moment, the served site is the
complete old one or the complete new one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from publish_support import (
    FAKE_CLOCK_CJJI,
    REPORT,
    gk,  # noqa: F401
    keys,  # noqa: F401
    new_version,
    publish,
    published,  # noqa: F401
    published_once,  # noqa: F401
    site,  # noqa: F401
    )
from signoff_support import Gatekeepers
from support import thorough

from cjji.policy import load_policy
from cjji.publish.local import verify_folder

# random moments, half of them near the end where the site is written and switched; 15 gave no
# more coverage than 8 and cost 40 s (CJJI_THOROUGH=1 runs 15)
KILLS = thorough(4, 15)


def _versions(site: Path) -> set[int]:
    manifest = json.loads((site / "manifest.json").read_text())
    return {v["version"] for r in manifest["reports"] for v in r["versions"]}


def _point(site: Path, build: Path) -> None:
    """Serve `build` again (the test's own atomic switch back to the old site)."""
    tmp = site.with_name(".test-link")
    tmp.unlink(missing_ok=True)
    os.symlink(build.relative_to(site.parent), tmp)
    os.replace(tmp, site)


@pytest.mark.slow
def test_publish_killed_at_random_moments_leaves_the_complete_old_or_new_site(
        published: Gatekeepers, site: Path) -> None:
    old_build = site.resolve()
    (published.root / ".gitignore").write_text(".cache/\npublic/\n")
    published.land("version 1, signed")  # signing version 2 replaces its statements: the history keeps them
    new_version(published, 2, '{type: major, note: "Corrected chapter 3."}',
                body_edit=("We found committed staff", "We found dedicated staff"))
    published.land("version 2, signed")
    policy = load_policy(published.root)
    command = [*FAKE_CLOCK_CJJI, "publish", "--root", str(published.root), "--site", str(site)]
    clock = {**os.environ, "CJJI_TEST_CLOCK": "2027-01-15T10:00"}  # a real run takes no --now
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, env=clock)
    full_run = time.monotonic() - started
    assert _versions(site) == {1, 2}
    seen = {"old": 0, "new": 0}
    rng = random.Random(7)
    for n in range(KILLS):
        _point(site, old_build)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clock)
        # every other kill aims at the end of the run, where the site is written and switched
        time.sleep(rng.uniform(0.0, full_run) if n % 2 else rng.uniform(0.8 * full_run, 1.05 * full_run))
        process.send_signal(signal.SIGKILL)
        process.wait()
        served = site.resolve()
        assert not served.name.startswith("."), f"a staging folder is served: {served}"
        assert verify_folder(served, policy, rebuild=False) == [], served
        state = {frozenset({1}): "old", frozenset({1, 2}): "new"}[frozenset(_versions(site))]
        seen[state] += 1
    assert old_build.is_dir() and verify_folder(old_build, policy, rebuild=False) == []  # never deleted
    print(f"kills: {seen}, full run {full_run:.2f} s")
    assert seen["old"] > 0, seen  # the kills did land mid-run


def test_each_build_is_kept_and_a_killed_runs_leftovers_are_cleared(published: Gatekeepers, site: Path) -> None:
    first = site.resolve()
    leftover = site.parent / "site-versions" / ".staging-killed"
    leftover.mkdir()
    (leftover / "index.html").write_text("half a site")
    new_version(published, 2, '{type: minor, note: "Formatting."}')
    assert publish(published.root, site, "2027-01-15T10:00").exit_code == 0
    assert site.resolve() != first and first.is_dir()
    assert not leftover.exists()
    v1_page = f"reports/{REPORT}/v1/index.html"
    assert (site / v1_page).read_bytes() == (first / v1_page).read_bytes()
    assert (site / v1_page).stat().st_ino == (first / v1_page).stat().st_ino  # the same file, not a rewrite
