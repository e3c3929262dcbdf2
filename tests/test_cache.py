# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""The cache can never make a check or a build pass that the files would fail (issue 13, attack 10)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from publish_support import (
    gk,  # noqa: F401
    keys,  # noqa: F401
    signed,  # noqa: F401
)
from signoff_support import Gatekeepers

from cjji import cache
from cjji.building import build_all
from cjji.cache import CacheError, FileDigests, refuse_tracked
from cjji.checking import check_all
from cjji.cli import cli
from cjji.policy import load_policy


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.example", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def _same_size_edit_keeping_the_mtime(path: Path, old: str, new: str) -> None:
    """Edit like the attacker did: same size, then `touch -r` the old times back."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "-j", "1", *args])
    return result.exit_code, result.output


def test_attack_10_a_force_committed_cache_entry_in_a_fresh_clone_is_refused(example_copy: Path,
                                                                             tmp_path: Path) -> None:
    project = example_copy.parents[1]
    _same_size_edit_keeping_the_mtime(example_copy / "report.md", "lead: HMCPSI", "lead: HMCPSX")
    code, output = _check(project, str(example_copy))
    assert code == 1 and "lead: 'HMCPSX'" in output
    # The attacker's poison: every entry now says "no findings", force-committed.
    for entry in (project / ".cache" / "check").glob("*.json"):
        entry.write_text(entry.read_text().split('"value"')[0] + '"value": []}')
    _git(project, "init", "--quiet", "-b", "main")
    _git(project, "add", "checks", "schemas", "templates", "reports")
    _git(project, "add", "--force", ".cache")
    _git(project, "commit", "--quiet", "-m", "reports")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "--quiet", str(project), str(clone))
    assert (clone / ".cache" / "check").is_dir()
    code, output = _check(clone, str(clone / "reports" / example_copy.name))
    assert code == 2, output
    assert ".cache/ is committed to git" in output and "git rm -r -q .cache" in output
    assert "Traceback" not in output
    with pytest.raises(CacheError):
        build_all([clone / "reports" / example_copy.name], load_policy(clone), clone / "out", ("html",))
    published = CliRunner().invoke(cli, ["publish", "--root", str(clone), "--site", str(tmp_path / "site")])
    assert published.exit_code == 2 and ".cache/ is committed to git" in published.output
    _git(clone, "rm", "-r", "-q", ".cache")  # as the message says
    _git(clone, "commit", "--quiet", "-m", "untrack the cache")
    code, output = _check(clone, str(clone / "reports" / example_copy.name))
    assert code == 1 and "lead: 'HMCPSX'" in output  # the poisoned entry no longer counts


def test_an_untracked_cache_or_no_git_at_all_is_fine(project: Path) -> None:
    refuse_tracked(project)  # not a git work tree
    _git(project, "init", "--quiet")
    (project / ".cache").mkdir()
    (project / ".cache" / "x.json").write_text("{}")
    refuse_tracked(project)  # present but not tracked


def test_attack_10_a_same_size_edit_with_the_old_mtime_is_caught_by_a_draft_check(example_copy: Path) -> None:
    project = example_copy.parents[1]
    assert _check(project, str(example_copy))[0] == 0
    assert _check(project, str(example_copy))[0] == 0  # warm: from the cache
    _same_size_edit_keeping_the_mtime(example_copy / "report.md", "lead: HMCPSI", "lead: HMCPSX")
    code, output = _check(project, str(example_copy))
    assert code == 1 and "lead: 'HMCPSX'" in output


def test_attack_10_check_for_publication_never_takes_a_result_from_the_cache(signed: Gatekeepers) -> None:
    code, output = _check(signed.root, "--for-publication", str(signed.report))
    assert code == 0, output
    _same_size_edit_keeping_the_mtime(signed.report / "report.md", "We found committed staff",
                                      "We found dedicated stuff")
    code, output = _check(signed.root, "--for-publication", str(signed.report))
    assert code == 1, output
    assert "is stale" in output and "report.md (changed)" in output
    policy = load_policy(signed.root)
    [result] = check_all([signed.report], policy, for_publication=True)
    assert not result.cached
    assert not (signed.root / ".cache" / "check").exists() or not any(
        (signed.root / ".cache" / "check").iterdir())  # nothing for publication was ever written


def test_file_digests_trust_the_index_only_while_size_mtime_ctime_and_inode_agree(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    index = tmp_path / "index.json"
    digests = FileDigests(index)
    first = digests.of(path)
    digests.save()
    again = FileDigests(index)
    again.entries[str(path.resolve())][4] = "0" * 64  # a poisoned index entry
    assert again.of(path) == "0" * 64  # trusted while the file's stat is unchanged (draft speed) ...
    assert FileDigests(index, trust_stat=False).of(path) == first  # ... never when it matters
    _same_size_edit_keeping_the_mtime(path, "one", "two")
    assert again.of(path) != "0" * 64 and again.of(path) != first  # ctime moved


@pytest.mark.slow
def test_attack_10_a_same_size_edit_with_the_old_mtime_is_rebuilt(example_copy: Path) -> None:
    project = example_copy.parents[1]
    policy = load_policy(project)
    out = project / "out"
    [cold] = build_all([example_copy], policy, out, ("html",))
    assert not cold.reason, cold.findings
    [warm] = build_all([example_copy], policy, out, ("html",))
    assert warm.cached
    _same_size_edit_keeping_the_mtime(example_copy / "report.md", "We found committed staff",
                                      "We found dedicated stuff")
    [again] = build_all([example_copy], policy, out, ("html",))
    assert not again.cached
    assert "dedicated stuff" in again.files["html"].read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_build_is_not_up_to_date_after_source_date_epoch_or_the_typst_or_pandoc_version_changes(
        example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_copy.parents[1]
    policy = load_policy(project)
    out = project / "out"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert not build_all([example_copy], policy, out, ("html",))[0].reason
    assert build_all([example_copy], policy, out, ("html",))[0].cached
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not build_all([example_copy], policy, out, ("html",))[0].cached
    assert build_all([example_copy], policy, out, ("html",))[0].cached
    monkeypatch.setattr(cache, "_distribution_version", lambda name: "99.0" if name == "typst" else "x")
    assert not build_all([example_copy], policy, out, ("html",))[0].cached
    monkeypatch.setattr(cache, "_pandoc_version", lambda: "pandoc 9.9")
    assert not build_all([example_copy], policy, out, ("html",))[0].cached


def test_toolchain_names_pandoc_and_typst() -> None:
    assert cache._pandoc_version().startswith("pandoc")
    assert cache._distribution_version("typst") not in ("", "absent")


def test_the_machine_token_changes_when_a_dictionary_is_installed_or_the_grammar_server_moves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "DICTIONARY_DIRS", (tmp_path,))
    monkeypatch.delenv(cache.GRAMMAR_ENV, raising=False)
    before = cache.machine_token()
    (tmp_path / "en_GB.dic").write_text("1\nword\n")
    (tmp_path / "en_GB.aff").write_text("SET UTF-8\n")
    installed = cache.machine_token()
    assert installed != before
    monkeypatch.setenv(cache.GRAMMAR_ENV, "http://127.0.0.1:8010")
    assert cache.machine_token() != installed
    assert cache.findings_key("p", False) != cache.findings_key("p", True)
