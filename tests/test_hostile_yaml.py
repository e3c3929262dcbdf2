"""Hostile and retyped YAML metadata: each case is one clear, located error, found quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_support import BASE, check, crashes

from cjji.findings import Finding

BASE_TEXT = (BASE / "report.md").read_text(encoding="utf-8")
LAUGHS = "lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))


def report(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / BASE.name
    folder.mkdir()
    assert old in BASE_TEXT
    (folder / "report.md").write_text(BASE_TEXT.replace(old, new, 1), encoding="utf-8")
    (folder / "impact-assessment.md").write_text((BASE / "impact-assessment.md").read_text())
    return folder


def line_of(folder: Path, needle: str) -> int:
    lines = (folder / "report.md").read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def errors(folder: Path) -> list[Finding]:
    found = check(folder)
    assert crashes(found) == []
    return [f for f in found if f.severity == "error"]


def test_the_base_report_has_no_errors() -> None:
    assert [f for f in check(BASE) if f.severity == "error"] == []


def test_a_duplicate_key_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    folder = report(tmp_path, "version: 1\n", "version: 1\ntitle: Another title\n")
    [f] = errors(folder)
    assert (f.gate, f.line, f.col) == ("load", line_of(folder, "Another title"), 1)
    assert f.message == "the key 'title' appears twice (first on line 3)"
    assert "YAML would silently use only the last" in f.hint


def test_a_duplicate_key_inside_a_mapping(tmp_path: Path) -> None:
    folder = report(tmp_path, "publication: {date: 2027-11-30}",
                    "publication: {date: 2027-11-30, date: 2027-12-01}")
    [f] = errors(folder)
    assert (f.line, f.col) == (line_of(folder, "publication:"), 33)
    assert f.message.startswith("the key 'date' appears twice")


def test_billion_laughs_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    folder = report(tmp_path, "version: 1\n", "version: 1\n" + LAUGHS)
    started = time.perf_counter()
    [f] = errors(folder)
    assert time.perf_counter() - started < 1
    assert f.line == line_of(folder, "lol: &a0")  # the anchored value that is used again
    assert f.message == "YAML aliases (*name) and anchors (&name) are not allowed in report metadata"


def test_brackets_nested_thousands_deep_are_refused_at_once(tmp_path: Path) -> None:
    folder = report(tmp_path, "version: 1\n", "version: 1\nx: " + "[" * 20_000 + "]" * 20_000 + "\n")
    started = time.perf_counter()
    [f] = errors(folder)
    assert time.perf_counter() - started < 1
    assert (f.line, f.col) == (line_of(folder, "x: [[["), 104)
    assert "nested too deeply" in f.message


def test_oversized_metadata_is_refused_before_parsing(tmp_path: Path) -> None:
    folder = report(tmp_path, "version: 1\n", "version: 1\nx: [" + ",".join(["1"] * 100_000) + "]\n")
    started = time.perf_counter()
    [f] = errors(folder)
    assert time.perf_counter() - started < 1
    assert (f.rule, f.line, f.message) == ("too-large", 2, "the metadata block is 197 KB; the limit is 64 KB")


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("type: joint-thematic", "type: on", "type:", "type: 'on' is not one of the allowed values"),
    ("lead: HMIPrisons", "lead: no", "lead:", "lead: 'no' is not one of the allowed values"),
    ("inspectorates: [HMIPrisons, HMICFRS, CQC]", "inspectorates: [HMIPrisons, HMICFRS, NO]",
     "inspectorates:", "inspectorates[3]: 'NO' is not one of the allowed values"),
    ("version: 1\n", "version: 1.10\n", "version:",
     "version must be a whole number, not a number (YAML reads 1.10 as 1.1)"),
    ("publication: {date: 2027-11-30}", "publication: {date: 2026-13-45}", "publication:",
     "publication.date: '2026-13-45' is not a real date written YYYY-MM-DD"),
    ("version: 1\n", "version: .inf\n", "version:",
     "version must be a whole number, not a number (YAML reads .inf as Infinity)"),
    ("version: 1\n", "version: !!python/object/apply:os.system ['echo pwned']\n", "version:",
     "version must be a whole number, not a list"),
])
def test_values_yaml_would_retype_are_caught_by_the_schema(
        tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    folder = report(tmp_path, old, new)
    found = [f for f in errors(folder) if f.gate == "schema"]
    assert message in [f.message for f in found]
    [f] = [f for f in found if f.message == message]
    assert f.line == line_of(folder, needle)


@pytest.mark.parametrize(("text", "message"), [
    ("x: {<<: {a: 1}}", "YAML merge keys (<<) are not allowed"),
    ("? [a, b]\n: c", "a key must be plain text"),
    ("\tx: 1", "the YAML is not valid: found character '\\t' that cannot start any token"),
    ('x: "\x07"', "the YAML is not valid: unacceptable character #x0007"),
])
def test_yaml_syntax_tricks_are_located_errors(tmp_path: Path, text: str, message: str) -> None:
    folder = report(tmp_path, "version: 1\n", "version: 1\n" + text + "\n")
    [f] = errors(folder)
    assert f.gate == "load" and f.message.startswith(message)
    assert f.line >= 2
