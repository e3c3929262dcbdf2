"""The parsed policy is remembered in .cache/policy.json (cjji.policy.load_policy): a hit is exactly
what parsing gives, any change to what the policy depends on is a miss, a damaged or foreign entry
is ignored and rewritten, a policy with problems is never remembered, and a check that lets a
report be published never judges by the remembered policy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import speed_support
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT

import cjji
from cjji import policy as policy_module
from cjji.cache import policy_digest, policy_inputs
from cjji.checking import check_all
from cjji.cli import cli
from cjji.policy import (
    POLICY_CACHE,
    PolicyError,
    load_policy,
    policy_cache_key,
    read_policy_cache,
    write_policy_cache,
)


def _entry(root: Path) -> Path:
    return root / ".cache" / POLICY_CACHE


def _names(root: Path) -> set[str]:
    return {p.relative_to(root / "checks").as_posix().rsplit(".", 1)[0] for p in (root / "checks").rglob("*.yml")}


def test_a_hit_is_the_policy_that_parsing_gives(project: Path) -> None:
    fresh = load_policy(project, use_cache=False)
    assert not _entry(project).exists()  # use_cache=False neither reads nor writes
    cold = load_policy(project)
    assert not cold.cached and _entry(project).is_file()
    warm = load_policy(project)
    assert warm.cached
    assert warm == cold == fresh  # root, every file's data and the digest
    assert list(warm.files) == list(fresh.files)  # the files in the same order
    assert json.dumps(warm.files) == json.dumps(fresh.files)  # same keys in the same order, same types
    assert warm.digest == policy_digest(project)  # the results cache's key is unchanged
    assert warm.limits == fresh.limits and warm.report_types == fresh.report_types


def test_the_real_policy_round_trips_exactly() -> None:
    """Every value of the project's own checks/ (texts, numbers, booleans, nulls) comes back with
    its type: 1 stays an int, 1.0 a float, "no" text."""
    digest, contents = policy_inputs(ROOT)
    assert digest == policy_digest(ROOT)
    fresh = load_policy(ROOT, use_cache=False)
    text = json.dumps({"format": 1, "key": "k", "files": fresh.files})
    again = json.loads(text)["files"]

    def typed(value: Any) -> Any:
        if isinstance(value, dict):
            return [(k, typed(v)) for k, v in value.items()]
        if isinstance(value, list):
            return [typed(v) for v in value]
        return (type(value).__name__, value)

    assert typed(again) == typed(fresh.files)


@pytest.mark.parametrize("edit", ["checks", "style", "schema", "new-file", "version", "python", "installed"])
def test_anything_the_policy_depends_on_changing_is_a_miss(project: Path, edit: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_policy(project).cached
    assert load_policy(project).cached
    if edit == "checks":
        path = project / "checks" / "thresholds.yml"
        path.write_text(re.sub(r"(?m)^scope_min_words:.*$", "scope_min_words: 7", path.read_text()))
    elif edit == "style":
        path = next((project / "checks" / "style").glob("*.yml"))
        path.write_text(path.read_text() + "\n# an edit\n")
    elif edit == "schema":
        path = project / "schemas" / "checks" / "thresholds.schema.json"
        schema = json.loads(path.read_text())
        schema["properties"]["scope_min_words"]["maximum"] = 3  # now 5 is out of range
        path.write_text(json.dumps(schema))
    elif edit == "new-file":
        (project / "checks" / "notes.txt").write_text("not policy, but in checks/")
    elif edit == "version":
        monkeypatch.setattr(cjji, "__version__", cjji.__version__ + ".post1")
    elif edit == "python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    else:
        monkeypatch.setattr(policy_module, "_installed", lambda: "ruamel.yaml-99.0.dist-info")
    if edit == "schema":
        with pytest.raises(PolicyError) as raised:
            load_policy(project)
        [finding] = raised.value.findings
        assert finding.file.endswith("checks/thresholds.yml") and finding.line > 1
        assert "at most 3" in finding.message
        return
    policy = load_policy(project)
    assert not policy.cached
    assert policy == load_policy(project, use_cache=False)
    if edit == "checks":
        assert policy.limits.scope_min_words == 7
    assert load_policy(project).cached  # and the new entry is used next time


def test_the_key_covers_the_loader_code(monkeypatch: pytest.MonkeyPatch) -> None:
    before = policy_cache_key("d")
    assert policy_cache_key("d") == before and policy_cache_key("e") != before
    monkeypatch.setattr(policy_module, "_LOADER", (*policy_module._LOADER, "markdown.py"))
    assert policy_cache_key("d") != before


DAMAGED = [
    b"",
    b"{",
    b"\x00\xff\xfe garbage",
    b"[" * 100_000,  # deeper than the JSON parser recurses
    b'{"format": 1, "key": "not this one", "files": {}}',
    b"[1, 2, 3]",
    b'"text"',
    b"null",
]


@pytest.mark.parametrize("damage", DAMAGED + ["truncated", "wrong-shape", "one-file-missing", "other-format"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rewritten(project: Path, damage: bytes | str) -> None:
    fresh = load_policy(project)
    entry = _entry(project)
    good = entry.read_bytes()
    data = json.loads(good)
    if damage == "truncated":
        bad = good[: len(good) // 2]
    elif damage == "wrong-shape":
        bad = json.dumps({**data, "files": list(data["files"])}).encode()
    elif damage == "one-file-missing":
        files = dict(data["files"])
        files.pop("thresholds")
        bad = json.dumps({**data, "files": files}).encode()
    elif damage == "other-format":
        bad = json.dumps({**data, "format": 0}).encode()
    else:
        assert isinstance(damage, bytes)
        bad = damage
    entry.write_bytes(bad)
    again = load_policy(project)
    assert not again.cached and again == fresh
    assert entry.read_bytes() == good  # rewritten with what parsing gave
    assert load_policy(project).cached


def test_a_damaged_entry_is_no_traceback_for_the_command(example_copy: Path) -> None:
    project = example_copy.parents[1]
    runner = CliRunner()
    first = runner.invoke(cli, ["check", "--root", str(project), "--no-cache", "-j", "1", str(example_copy)])
    _entry(project).write_bytes(b'{"format": 1, "key": ' + b"9" * 5000)
    second = runner.invoke(cli, ["check", "--root", str(project), "--no-cache", "-j", "1", str(example_copy)])
    third = runner.invoke(cli, ["check", "--root", str(project), "--no-cache", "-j", "1", str(example_copy)])
    assert "Traceback" not in second.output
    assert second.exception is None or isinstance(second.exception, SystemExit)
    assert first.exit_code == second.exit_code == third.exit_code
    strip = re.compile(r"\d+\.\d+ ?s\b")  # the time the run took
    assert strip.sub("", first.output) == strip.sub("", second.output) == strip.sub("", third.output)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=2048))
def test_random_bytes_in_the_entry_are_never_trusted_nor_a_traceback(project: Path, junk: bytes) -> None:
    entry = _entry(project)
    if not entry.exists():
        load_policy(project)
    key = json.loads(entry.read_bytes())["key"]
    entry.write_bytes(junk)
    assert read_policy_cache(entry, key, _names(project)) is None
    policy = load_policy(project)
    assert not policy.cached and policy.files == load_policy(project, use_cache=False).files


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(files=st.dictionaries(st.text(min_size=1, max_size=12), JSONISH, max_size=5))
def test_whatever_the_yaml_builder_gives_comes_back_equal_with_its_types(tmp_path_factory: pytest.TempPathFactory,
                                                                       files: dict[str, Any]) -> None:
    entry = tmp_path_factory.mktemp("entry") / POLICY_CACHE
    write_policy_cache(entry, "k" * 64, files)
    back = read_policy_cache(entry, "k" * 64, set(files))
    assert back == files and json.dumps(back) == json.dumps(files)  # order, and 1 is not 1.0 nor True
    assert read_policy_cache(entry, "j" * 64, set(files)) is None


BROKEN = [
    ("scope_min_words: 5", "scope_min_words: many", "scope_min_words must be a whole number"),
    ("scope_min_words: 5", "scope_min_words: [5", "the YAML is not valid"),
    ("scope_min_words: 5", "scope_min_words: 5\nscope_min_words: 6", "appears twice"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_an_invalid_policy_gives_its_located_error_with_or_without_a_warm_cache(
        example_copy: Path, old: str, new: str, message: str) -> None:
    project = example_copy.parents[1]
    path = project / "checks" / "thresholds.yml"
    good = path.read_text()
    assert old in good
    line = good[: good.index(old)].count("\n") + 1
    load_policy(project)
    entry = _entry(project)
    remembered = entry.read_bytes()
    path.write_text(good.replace(old, new))
    for _ in range(2):  # the warm entry is for other bytes; the error is never remembered as good
        with pytest.raises(PolicyError) as raised:
            load_policy(project)
        [finding] = raised.value.findings
        assert finding.file.endswith("checks/thresholds.yml") and message in finding.message
        assert finding.line in (line, line + 1) and finding.col >= 1
        assert entry.read_bytes() == remembered
    entry.unlink()  # and with no entry at all
    with pytest.raises(PolicyError) as cold:
        load_policy(project)
    assert cold.value.findings == raised.value.findings
    assert not entry.exists()
    for _ in range(2):
        result = CliRunner().invoke(cli, ["check", "--root", str(project), "-j", "1", str(example_copy)])
        assert result.exit_code == 2 and f"thresholds.yml:{finding.line}:{finding.col}" in result.output
        assert finding.message in result.output and "Traceback" not in result.output
    path.write_text(good)  # put back: the earlier entry fits again
    load_policy(project)
    assert load_policy(project).cached


def test_a_committed_cache_is_neither_read_nor_written(project: Path) -> None:
    fresh = load_policy(project)
    entry = _entry(project)
    planted = json.loads(entry.read_bytes())
    planted["files"]["thresholds"]["scope_min_words"] = 100_000
    entry.write_text(json.dumps(planted))
    assert load_policy(project).limits.scope_min_words == 100_000  # an untracked entry is this user's own
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "--force", ".cache"], check=True)
    subprocess.run([*git, "commit", "-qm", "planted"], check=True)
    loaded = load_policy(project)
    assert not loaded.cached and loaded == fresh and loaded.limits.scope_min_words != 100_000
    assert json.loads(entry.read_bytes()) == planted  # not rewritten either


def test_a_publication_check_never_judges_by_the_remembered_policy(example_copy: Path) -> None:
    project = example_copy.parents[1]
    honest = check_all([example_copy], load_policy(project, use_cache=False), for_publication=True)[0].findings
    draft = check_all([example_copy], load_policy(project, use_cache=False), use_cache=False)[0].findings
    entry = _entry(project)
    load_policy(project)
    planted = json.loads(entry.read_bytes())
    planted["files"]["thresholds"]["scope_min_words"] = 100_000  # a lenient or strict plant: any change
    entry.write_text(json.dumps(planted))
    remembered = load_policy(project)
    assert remembered.cached
    assert check_all([example_copy], remembered, use_cache=False)[0].findings != draft  # a draft uses it
    assert check_all([example_copy], remembered, for_publication=True)[0].findings == honest


def test_the_test_suites_memo_still_serves_a_miss(project: Path) -> None:
    """tests/speed_support.py memoises load_yaml and validate; a miss goes through them."""
    import cjji.schemacheck
    import cjji.yamlload

    assert cjji.yamlload.load_yaml is speed_support.load_yaml
    assert cjji.schemacheck.validate is speed_support.validate
    load_policy(project, use_cache=False)
    before = speed_support._parsed.cache_info().hits
    policy = load_policy(project)  # a miss: parsed through the memo
    assert not policy.cached
    assert speed_support._parsed.cache_info().hits >= before + len(policy.files)


@pytest.mark.parametrize("args", [["check", "--no-cache"], ["check", "--for-publication"]])
def test_the_commands_that_must_not_trust_it_parse_checks_themselves(example_copy: Path, args: list[str]) -> None:
    """A planted entry (a stricter scope threshold) shows in a plain draft check, and not in a
    check with --no-cache or --for-publication; publish, sign, signoff and verify-site load the
    policy the same way (open_project(use_cache=False))."""
    project = example_copy.parents[1]
    load_policy(project)
    entry = _entry(project)
    planted = json.loads(entry.read_bytes())
    planted["files"]["thresholds"]["scope_min_words"] = 100_000
    entry.write_text(json.dumps(planted))

    def run(*extra: str) -> str:
        return CliRunner().invoke(cli, [*extra, "--root", str(project), str(example_copy)]).output

    assert "100000" in run("check").replace(",", "")  # the plant is used by a draft check: the test can fail
    assert "100000" not in run(*args).replace(",", "")
    from cjji.commands.options import open_project

    assert open_project(project, use_cache=False)[1].limits.scope_min_words != 100_000
