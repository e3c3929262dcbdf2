# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""Publishes at once never lose a version (issue 13, attack 6).

Two different reports published by two `cjji publish` processes at the same moment must both end
up in the served manifest, every time. The lock covers the whole run (reading the served record,
deciding, building, switching the site), so the second run starts from what the first published.

- 50 light rounds: two processes forked from the test run the real `cjji publish` command
  (its lock, record, decisions, site and switch) with the gates and the builders stubbed out,
  since a race is about the lock, not the content: the policy, loaded once, is inherited.
- 1 heavy round: two `cjji publish` processes with everything real (gates, sign-offs, PDF,
  Word and HTML builds).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from publish_support import (
    AFTER_EMBARGO,
    FAKE_CLOCK_CJJI,
    REPORT,
    frozen_clock,
    gk,  # noqa: F401
    keys,  # noqa: F401
    set_meta,
    sign_all,
    signed,  # noqa: F401
)
from signoff_support import Gatekeepers

from cjji.policy import load_policy

OTHER = "2026-other-report"
ROUNDS = 50
AT_ONCE = 2


def _two_signed_reports(kit: Gatekeepers) -> list[Path]:
    other = kit.report.parent / OTHER
    shutil.copytree(kit.report, other, ignore=shutil.ignore_patterns("signoffs"))
    set_meta(other, "id", OTHER)
    set_meta(other, "title", '"Keeping victims informed: a second look"')
    sign_all(kit, other)
    return [kit.report, other]


def _served(site: Path) -> set[tuple[str, int]]:
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return {(r["id"], v["version"]) for r in manifest["reports"] for v in r["versions"]}


# ---- light rounds -------------------------------------------------------------------------------


def _stand_in_build(report: Any, policy: Any, out: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Small outputs instead of a real build (the builders have their own tests)."""
    import pikepdf

    out.mkdir(parents=True, exist_ok=True)
    built = {}
    for fmt in formats:
        path = out / f"{report.id}.{fmt}"
        if fmt == "pdf":
            with pikepdf.new() as pdf:
                pdf.add_blank_page()
                pdf.save(path)
        elif fmt == "html":
            path.write_text(f"<html><body><main><h2>Summary</h2><p>{report.id}</p></main></body></html>")
            body = {"format": "cjji-html-body/1", "parts": [f"<h2>Summary</h2><p>{report.id}</p>"], "refs": []}
            (out / f"{report.id}.body.json").write_text(json.dumps(body))  # what the HTML builder hands over
        else:
            path.write_bytes(f"stand-in {fmt} of {report.id}".encode())
        built[fmt] = path
    return built


def _warm_the_site_renderer(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile the site's templates and read its settings once, in the parent, for every child."""
    import copy

    from cjji.build.brand import load_brand
    from cjji.publish import site as site_module

    load_brand(root)
    env = site_module._environment(root)
    for name in env.list_templates():
        if name.endswith((".html", ".xml", ".j2")):
            env.get_template(name)
    settings = site_module.load_settings(root)
    monkeypatch.setattr(site_module, "_environment", lambda _root: env)
    monkeypatch.setattr(site_module, "load_settings", lambda _root: copy.deepcopy(settings))


def _child(args: list[str], log: str) -> None:
    """A forked process running the real `cjji publish` command; its output goes to `log`."""
    from cjji.commands.publish import command

    code = 0
    with open(log, "w", encoding="utf-8") as out:
        sys.stdout = sys.stderr = out
        try:
            command.main(args, prog_name="cjji publish", standalone_mode=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - reported to the test through the log
            out.write(f"crashed: {type(exc).__name__}: {exc}\n")
            code = 99
        out.flush()
    os._exit(code)


@pytest.mark.slow
def test_attack_6_two_reports_published_at_once_fifty_times_are_both_served_every_time(
        signed: Gatekeepers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cjji.build
    import cjji.commands.publish as publish_command
    import cjji.publish.local  # noqa: F401 - imported once here, not in every child
    import cjji.publish.provenance  # noqa: F401
    import cjji.publish.site  # noqa: F401
    from cjji.checking import ReportResult
    from cjji.publish import plan

    reports = _two_signed_reports(signed)
    policy = load_policy(signed.root)
    monkeypatch.setattr(publish_command, "open_project", lambda root, **_: (signed.root, policy))
    # Each report's decision is made once, for real but for the gates and the builders, and each
    # child takes it: the race is between reading the served record and switching the site.
    monkeypatch.setattr(plan, "check_report", lambda folder, context: ReportResult(folder, str(folder), []))
    monkeypatch.setattr(cjji.build, "build_report", _stand_in_build)
    monkeypatch.setattr(plan.outputs, "run", lambda report, paths: [])
    with frozen_clock(AFTER_EMBARGO):
        prepared = {folder.name: plan.decide(folder, policy, (), publish_command.embargo.clock(),
                                             tmp_path / "prepared") for folder in reports}
    assert all(d.action == "publish" for d in prepared.values()), prepared
    monkeypatch.setattr(publish_command, "decide", lambda folder, *args: prepared[folder.name])
    _warm_the_site_renderer(signed.root, monkeypatch)
    fork = multiprocessing.get_context("fork")
    started = time.monotonic()
    waited = 0
    with frozen_clock(AFTER_EMBARGO):
        for first in range(0, ROUNDS, AT_ONCE):  # two rounds at a time: both cores busy, each round racing
            rounds = range(first, min(first + AT_ONCE, ROUNDS))
            children = {}
            for n in rounds:
                site = tmp_path / f"round-{n}" / "site"
                for i, report in enumerate(reports):
                    log = tmp_path / f"round-{n}-{i}.log"
                    children[(n, i)] = (fork.Process(target=_child, args=(["--site", str(site), str(report)],
                                                                          str(log))), log, report)
            for child, _, _ in children.values():
                child.start()
            for child, _, _ in children.values():
                child.join(timeout=300)
            for (n, _), (child, log, report) in children.items():
                out = log.read_text(encoding="utf-8")
                assert child.exitcode == 0, f"round {n}: {out}"
                assert f"{report.name}: published: publishing version 1" in out, out
                waited += "waiting for another `cjji publish` to finish" in out
            for n in rounds:
                site = tmp_path / f"round-{n}" / "site"
                assert _served(site) == {(REPORT, 1), (OTHER, 1)}, f"round {n}: a version was lost"
                builds = sorted(p.name for p in (site.parent / "site-versions").iterdir())
                assert len(builds) == 2, builds  # one build per run, the second on top of the first
    assert waited >= ROUNDS // 5, f"the runs overlapped in only {waited} of {ROUNDS} rounds: no race was tested"
    print(f"{ROUNDS} rounds of two parallel publishes in {time.monotonic() - started:.0f} s; "
          f"{waited} runs waited for the lock")


# ---- heavy rounds -------------------------------------------------------------------------------


@pytest.mark.slow
def test_attack_6_real_publishes_at_once_with_real_builds_are_both_served(
        signed: Gatekeepers, tmp_path: Path) -> None:
    reports = _two_signed_reports(signed)
    env = {**os.environ, "CJJI_TEST_CLOCK": AFTER_EMBARGO}
    env.pop("CJJI_NOW", None)
    for n in range(1):  # one round: about 20 s on an idle machine
        site = tmp_path / f"round-{n}" / "site"
        processes = [subprocess.Popen([*FAKE_CLOCK_CJJI, "publish", "--root", str(signed.root), "--site", str(site),
                                       str(report)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                      env=env) for report in reports]
        for process in processes:
            out, _ = process.communicate(timeout=600)
            assert process.returncode == 0, out
            assert "published: publishing version 1" in out, out
        assert _served(site) == {(REPORT, 1), (OTHER, 1)}, f"round {n}: a version was lost"


# ---- the lock itself ----------------------------------------------------------------------------


def test_the_lock_refuses_a_second_holder_unless_it_waits_and_is_reentrant(signed: Gatekeepers,
                                                                            tmp_path: Path) -> None:
    from cjji.publish.local import LocalTarget
    from cjji.publish.target import TargetError

    site = tmp_path / "public" / "site"
    policy = load_policy(signed.root)
    first, second = LocalTarget(site, signed.root, policy), LocalTarget(site, signed.root, policy)
    with first.lock():
        with pytest.raises(TargetError, match="another `cjji publish` is writing"), second.lock():
            pass  # without on_wait: refused, never run alongside
        with first.lock():  # re-entrant for the run holding it (publish() takes it again)
            pass
    with second.lock():  # released
        pass
