"""Every example of the CommonMark 0.31.2 specification, as the body of an otherwise valid report,
goes through every gate and through the Word, PDF and HTML builders without a crash."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hostile_support import BASE, CORPORA, check, crashes, make_project, report_with, set_body

from cjji.build import FORMATS, build_report
from cjji.build.pandoc import PandocError
from cjji.build.pandoc_ast import BuildError
from cjji.policy import load_policy
from cjji.report import LoadError, load

CORPUS = json.loads((CORPORA / "commonmark-spec-0.31.2-examples.json").read_text(encoding="utf-8"))
EXAMPLES: list[dict[str, object]] = CORPUS["examples"]
BATCH = 110  # examples per built report: six reports for the 655 examples


def test_the_corpus_is_complete() -> None:
    assert len(EXAMPLES) == CORPUS["count"] == 655


def test_every_example_goes_through_every_gate(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "")
    problems: list[str] = []
    slowest = (0.0, 0)
    for example in EXAMPLES:
        set_body(folder, str(example["markdown"]))
        started = time.perf_counter()
        try:
            findings = check(folder)
        except Exception as exc:  # check_report must never raise
            problems.append(f"example {example['example']}: {type(exc).__name__}: {exc}")
            continue
        slowest = max(slowest, (time.perf_counter() - started, int(example["example"])))  # type: ignore[call-overload]
        problems += [f"example {example['example']}: {f.message}" for f in crashes(findings)]
    print(f"\n{len(EXAMPLES)} examples checked; slowest: example {slowest[1]}, {slowest[0]:.2f} s")
    assert problems == []


def isolated(examples: list[dict[str, object]]) -> str:
    """The examples one after another, each in its own fenced div so that an unclosed code fence
    or HTML block in one example cannot swallow the next."""
    return "\n\n".join(f"::: {{.example #cm-{e['example']}}}\n{e['markdown']}\n:::" for e in examples)


@pytest.mark.slow
def test_every_example_goes_through_the_builders(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    policy = load_policy(project)
    problems: list[str] = []
    built = refused = 0
    unlocated: list[str] = []
    for start in range(0, len(EXAMPLES), BATCH):
        folder = report_with(project / "reports", isolated(EXAMPLES[start : start + BATCH]))
        for fmt in FORMATS:
            try:
                build_report(load(folder), policy, tmp_path / "out", (fmt,))
                built += 1
            except (BuildError, PandocError, LoadError) as exc:  # a refusal with a reason, not a crash
                refused += 1
                found = getattr(exc, "findings", None) or [getattr(exc, "finding", None)]
                unlocated += [f"{fmt}: {f.message}" for f in found if f is not None and not f.line]
            except Exception as exc:
                problems.append(f"examples {start + 1}-{start + BATCH} ({fmt}): {type(exc).__name__}: {exc}")
    print(f"\nbuilds: {built} made, {refused} refused; refusals without a line: {unlocated}")
    assert problems == []
    assert built >= len(FORMATS)  # most batches build: the corpus is mostly plain Markdown


def test_the_base_report_builds_every_format(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    folder = report_with(project / "reports", "")
    assert (folder / "report.md").read_text().startswith((BASE / "report.md").read_text()[:40])
    files = build_report(load(folder), load_policy(project), tmp_path / "out")
    assert sorted(files) == sorted(FORMATS)
    assert all(path.stat().st_size > 0 for path in files.values())


