"""The site's summary of factual-accuracy responses (issue 18): off unless the secretariat sets
`factual_accuracy_summary: true` in templates/site/site.yml; then, per body, the items received,
accepted and rejected, counted from the report's review logs, with no reviewer's name or address."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from publish_support import ROOT_PROJECT, release_of, stand_in_version

from cjji.policy import load_policy
from cjji.publish import record
from cjji.publish.plan import review_counts, review_summary_enabled
from cjji.publish.site import Renderer
from cjji.publish.target import ReviewCount
from cjji.report import Report
from cjji.yamlload import Positions

WHO = "Jane Reviewer <jane.reviewer@cps.example>"


def _log(body: str, statuses: list[str]) -> str:
    items = []
    for n, status in enumerate(statuses, 1):
        item = {"id": f"c{n}", "kind": "comment", "who": WHO, "when": "2026-11-28T10:00:00Z",
                "where": {"line": 10 + n, "col": 1, "mapped": "exact"}, "comment": "This is wrong.",
                "status": status}
        if status in ("rejected", "accepted-with-change"):
            item["response"] = "The evidence supports the text as written."
        items.append(item)
    return yaml.safe_dump({
        "report": "2026-victim-updates", "body": body, "received": "2026-11-28",
        "file": {"name": "returned.docx", "sha256": "sha256:" + "0" * 64},
        "export": {"digest": "sha256:" + "1" * 64, "version": "1", "source_sha256": "2" * 64,
                   "exported": "2026-11-20"},
        "items": items,
    }, sort_keys=False)


def _report(folder: Path, logs: dict[str, list[str]]) -> Report:
    (folder / "reviews").mkdir(parents=True)
    for body, statuses in logs.items():
        (folder / "reviews" / f"{body}-2026-11-28.yml").write_text(_log(body, statuses), encoding="utf-8")
    return Report(dir=folder, path=folder / "report.md", display="report.md", text="", meta={},
                  positions=Positions(), body_start=1, tokens=[])


def test_counts_per_body_come_from_the_review_logs(tmp_path: Path) -> None:
    report = _report(tmp_path / "r", {"cps": ["accepted", "rejected", "accepted-with-change", "accepted"],
                                      "hmpps": ["rejected"]})
    counts = review_counts(report, load_policy(ROOT_PROJECT))
    assert [(c.received, c.accepted, c.rejected) for c in counts] == [(1, 0, 1), (4, 3, 1)] or \
        [(c.received, c.accepted, c.rejected) for c in counts] == [(4, 3, 1), (1, 0, 1)]
    by_body = {c.received: c.body for c in counts}
    assert "Crown Prosecution Service" in by_body[4]  # the body's name from checks/bodies.yml
    assert all("jane" not in c.body.lower() for c in counts)


def test_the_summary_is_off_by_default_and_the_secretariat_can_enable_it(tmp_path: Path) -> None:
    assert review_summary_enabled(ROOT_PROJECT) is False  # the shipped site.yml
    for name in ("templates", "schemas"):
        shutil.copytree(ROOT_PROJECT / name, tmp_path / name)
    settings_file = tmp_path / "templates/site/site.yml"
    text = settings_file.read_text()
    settings_file.write_text(text.replace("factual_accuracy_summary: false", "factual_accuracy_summary: true"))
    assert review_summary_enabled(tmp_path) is True
    settings_file.write_text(text.replace("factual_accuracy_summary: false\n", ""))
    assert review_summary_enabled(tmp_path) is False  # not set: off


def test_the_page_shows_the_counts_and_nobody_who_said_anything(tmp_path: Path) -> None:
    renderer = Renderer(ROOT_PROJECT, load_policy(ROOT_PROJECT), "https://example.test/cjji/")
    v = dataclasses.replace(stand_in_version(tmp_path, "2026-x"),
                            reviews=(ReviewCount("Crown Prosecution Service", 4, 3, 1),))
    page = renderer.shared_pages(release_of(v))["reports/2026-x/index.html"].decode()
    assert '<h2 id="factual-accuracy-heading">Factual accuracy check</h2>' in page
    assert ('<tr><th scope="row">Crown Prosecution Service</th><td>4</td><td>3</td><td>1</td></tr>') in page
    assert "jane" not in page.lower()
    without = renderer.shared_pages(release_of(stand_in_version(tmp_path / "b", "2026-x")))
    assert "Factual accuracy" not in without["reports/2026-x/index.html"].decode()


@pytest.fixture(scope="module")
def version(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return stand_in_version(tmp_path_factory.mktemp("v"), "2026-x")


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.tuples(st.text(min_size=1, max_size=30), st.integers(0, 500), st.integers(0, 500),
                               st.integers(0, 500)), max_size=4))
def test_counts_round_trip_through_the_record(version, rows: list[tuple[str, int, int, int]]) -> None:  # type: ignore[no-untyped-def]
    v = dataclasses.replace(version, reviews=tuple(ReviewCount(*row) for row in rows))
    data = record.version_to_json(v)
    assert ("reviews" in data) == bool(rows)  # a record without a summary says nothing of it
    assert record.version_from_json(data).reviews == v.reviews
