"""Every example of the CommonMark 0.31.2 specification, as the body of an otherwise valid report,
goes through every gate and through the Word, PDF and HTML builders without a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


def _gate_chunks(size: int = 30) -> list[Any]:
    """The examples by section of the specification, at most `size` a test, so that the runner
    can spread them and a failure names its section."""
    sections: dict[str, list[dict[str, object]]] = {}
    for example in EXAMPLES:
        sections.setdefault(str(example["section"]), []).append(example)
    return [pytest.param(part, id=f"{section} {part[0]['example']}-{part[-1]['example']}")
            for section, items in sections.items()
            for part in (items[i : i + size] for i in range(0, len(items), size))]


GATE_CHUNKS = _gate_chunks()


def test_the_chunks_cover_every_example_once() -> None:
    covered = [e["example"] for chunk in GATE_CHUNKS for e in chunk.values[0]]
    assert sorted(covered) == [e["example"] for e in EXAMPLES] and len(set(covered)) == 655


@pytest.mark.parametrize("examples", GATE_CHUNKS)
def test_every_example_goes_through_every_gate(tmp_path: Path, examples: list[dict[str, object]]) -> None:
    folder = report_with(tmp_path, "")
    problems: list[str] = []
    for example in examples:
        set_body(folder, str(example["markdown"]))
        try:
            findings = check(folder)
        except Exception as exc:  # check_report must never raise
            problems.append(f"example {example['example']}: {type(exc).__name__}: {exc}")
            continue
        problems += [f"example {example['example']}: {f.message}" for f in crashes(findings)]
    assert problems == []


def isolated(examples: list[dict[str, object]]) -> str:
    """The examples one after another, each in its own fenced div so that an unclosed code fence
    or HTML block in one example cannot swallow the next."""
    return "\n\n".join(f"::: {{.example #cm-{e['example']}}}\n{e['markdown']}\n:::" for e in examples)


BUILD_BATCHES = [pytest.param(start, fmt, id=f"{fmt} {start + 1}-{min(start + BATCH, len(EXAMPLES))}")
                 for start in range(0, len(EXAMPLES), BATCH) for fmt in FORMATS]


@pytest.mark.slow
@pytest.mark.parametrize(("start", "fmt"), BUILD_BATCHES)
def test_every_example_goes_through_the_builders(tmp_path: Path, start: int, fmt: str) -> None:
    """A batch of examples, isolated from each other, builds or is refused with a reason."""
    project = make_project(tmp_path / "project")
    policy = load_policy(project)
    folder = report_with(project / "reports", isolated(EXAMPLES[start : start + BATCH]))
    try:
        build_report(load(folder), policy, tmp_path / "out", (fmt,))
    except (BuildError, PandocError, LoadError) as exc:  # a refusal with a reason, not a crash
        found = getattr(exc, "findings", None) or [getattr(exc, "finding", None)]
        print(f"\nrefused: {[f'{f.line}: {f.message}' for f in found if f is not None] or exc}")


def test_the_base_report_builds_every_format(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    folder = report_with(project / "reports", "")
    assert (folder / "report.md").read_text().startswith((BASE / "report.md").read_text()[:40])
    files = build_report(load(folder), load_policy(project), tmp_path / "out")
    assert sorted(files) == sorted(FORMATS)
    assert all(path.stat().st_size > 0 for path in files.values())


