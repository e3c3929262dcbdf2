"""The site's programme page (programme/<year>/index.html): each inspection of the published
business plan's final programme as planned, published (linked) or withdrawn, rendered from the
records alone (the plan's record keeps the programme; a report's record keeps its `proposal`).
Stand-in versions only: the builders and sign-offs are tested elsewhere."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from publish_support import ROOT_PROJECT, release_of, stand_in_version

from cjji.policy import load_policy
from cjji.programme.model import load_programme
from cjji.publish import provenance as pv
from cjji.publish import verify
from cjji.publish.plan import programme_items
from cjji.publish.record import version_from_json, version_to_json
from cjji.publish.site import Renderer
from cjji.publish.target import ProgrammeItem, ReportVersion

PAGE = "programme/2027/index.html"
BASE = "https://example.test/cjji/"
ITEMS = (
    ProgrammeItem("rape-case-progression", "Rape case progression", "HMICFRS"),
    ProgrammeItem("youth-remand", "Children remanded to custody", "HMIProbation"),
    ProgrammeItem("court-custody", "Court custody", "HMIPrisons", withdrawn="Merged into the custody review"),
)


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(ROOT_PROJECT, load_policy(ROOT_PROJECT), BASE)


def plan_version(tmp_path: Path, items: tuple[ProgrammeItem, ...] = ITEMS, version: int = 1) -> ReportVersion:
    v = stand_in_version(tmp_path / f"plan{version}", "programme-2027", version, date="2027-03-17")
    return dataclasses.replace(v, kind="programme",
                               metadata=dataclasses.replace(v.metadata, programme=items))


def delivering(tmp_path: Path, report_id: str, proposal: str, *, withdrawn: str = "") -> ReportVersion:
    v = stand_in_version(tmp_path / report_id, report_id, date="2027-09-01", withdrawn=withdrawn)
    return dataclasses.replace(v, metadata=dataclasses.replace(v.metadata, proposal=proposal))


def rows(page: bytes) -> dict[str, str]:
    """Inspection title -> the status cell's text (with any link as [text](href))."""
    text = page.decode()
    found = {}
    for title, cell in re.findall(r'<tr><th scope="row">(.*?)</th><td>.*?</td><td class="status[^"]*">(.*?)</td></tr>',
                                  text):
        cell = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"[\2](\1)", cell)
        found[html.unescape(title)] = html.unescape(cell)
    return found


def test_an_inspection_is_planned_until_a_report_naming_its_proposal_is_published(
        renderer: Renderer, tmp_path: Path) -> None:
    plan = plan_version(tmp_path)
    before = renderer.shared_pages(release_of(plan))[PAGE]
    assert rows(before) == {"Rape case progression": "Planned", "Children remanded to custody": "Planned",
                            "Court custody": "Withdrawn: Merged into the custody review"}
    report = delivering(tmp_path, "2027-rape-progress", "2027/rape-case-progression")
    other_year = delivering(tmp_path, "2026-youth", "2026/youth-remand")  # another year's proposal
    after = renderer.shared_pages(release_of(plan, report, other_year))[PAGE]
    assert rows(after) == {"Rape case progression": "[Published](../../reports/2027-rape-progress/index.html)",
                           "Children remanded to custody": "Planned",
                           "Court custody": "Withdrawn: Merged into the custody review"}
    text = after.decode()
    assert "<caption>Joint inspection programme 2027: where each inspection stands</caption>" in text
    assert '<th scope="col">Lead inspectorate</th>' in text and "<td>HMICFRS</td>" in text
    assert '<a href="../../reports/programme-2027/index.html">' in text  # the plan itself


def test_a_withdrawn_report_shows_its_reason_not_published(renderer: Renderer, tmp_path: Path) -> None:
    plan = plan_version(tmp_path)
    gone = delivering(tmp_path, "2027-youth", "2027/youth-remand", withdrawn="The data were found to be wrong.")
    page = renderer.shared_pages(release_of(plan, gone))[PAGE]
    assert rows(page)["Children remanded to custody"] == (
        "[Withdrawn: The data were found to be wrong.](../../reports/2027-youth/index.html)")


def test_the_latest_plan_version_gives_the_programme_and_every_shared_page_links_it(
        renderer: Renderer, tmp_path: Path) -> None:
    first = plan_version(tmp_path, ITEMS[:1])
    second = plan_version(tmp_path, ITEMS[:2], version=2)
    pages = renderer.shared_pages(release_of(first, second))
    assert list(rows(pages[PAGE])) == ["Rape case progression", "Children remanded to custody"]
    for rel in ("index.html", "accessibility/index.html", "reports/programme-2027/index.html"):
        root = "../" * rel.count("/")
        assert f'<a href="{root}{PAGE}">Programme 2027</a>' in pages[rel].decode(), rel
    assert f"<loc>{BASE}programme/2027/</loc>" in pages["sitemap.xml"].decode()
    # a version page is rendered once and never rewritten: it gains no link
    assert "Programme 2027" not in renderer.version_page(second).decode()


def test_a_site_without_a_plan_has_no_programme_page_or_link(renderer: Renderer, tmp_path: Path) -> None:
    pages = renderer.shared_pages(release_of(delivering(tmp_path, "2027-x", "2027/rape-case-progression")))
    assert not [rel for rel in pages if rel.startswith("programme/")]
    assert "Programme " not in pages["index.html"].decode()


def test_the_programme_and_the_proposal_survive_the_record_and_old_records_are_unchanged(
        tmp_path: Path) -> None:
    plan = plan_version(tmp_path)
    report = delivering(tmp_path, "2027-rape-progress", "2027/rape-case-progression")
    for v in (plan, report):
        again = version_from_json(json.loads(json.dumps(version_to_json(v))))
        assert again.metadata == v.metadata
    record = version_to_json(plan)["metadata"]["programme"]
    assert record[2] == {"proposal": "court-custody", "title": "Court custody", "lead": "HMIPrisons",
                         "withdrawn": "Merged into the custody review"}
    plain = version_to_json(stand_in_version(tmp_path / "old", "2026-old"))["metadata"]
    assert "programme" not in plain and "proposal" not in plain


def test_publishing_records_the_example_plans_final_programme() -> None:
    policy = load_policy(ROOT_PROJECT)
    programme = load_programme(ROOT_PROJECT, "2027")
    items = programme_items(programme, policy)
    final = programme.plan.data["final_programme"] if programme.plan else []
    assert [i.proposal for i in items] == final and items
    for item in items:
        data = programme.proposals[item.proposal].data
        assert item.title == data["title"]
        assert item.lead == policy.inspectorates[data["lead"]].get("short_name", data["lead"])


def _site(tmp_path: Path, renderer: Renderer, *versions: ReportVersion) -> tuple[Path, dict, list]:
    site = tmp_path / "site"
    for rel, data in renderer.shared_pages(release_of(*versions)).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    records = [json.loads(json.dumps(version_to_json(v))) for v in versions]
    manifest = {"base_url": BASE, "build": {"commit": None, "dirty": True,
                                            "inputs": pv.inputs_digest(ROOT_PROJECT)}}
    return site, manifest, records


def test_verify_site_catches_an_edited_programme_page(renderer: Renderer, tmp_path: Path) -> None:
    plan = plan_version(tmp_path)
    report = delivering(tmp_path, "2027-rape-progress", "2027/rape-case-progression")
    site, manifest, records = _site(tmp_path, renderer, plan, report)
    anchors = SimpleNamespace(project=ROOT_PROJECT)

    def check() -> list[str]:
        return verify._verify_shared(site, manifest, records, anchors, tmp_path / "work", set())  # type: ignore[arg-type]

    assert check() == []
    page = site / PAGE
    page.write_bytes(page.read_bytes().replace(b">Planned<", b">Published<", 1))
    assert check() == [f"{PAGE} is not the page the verified records give (rendered again, the bytes differ)"]
    # the records are what the page is checked against: a record saying the report was withdrawn
    # makes the honest page the wrong one
    page.write_bytes(renderer.shared_pages(release_of(plan, report))[PAGE])
    records[1]["withdrawn"] = {"date": "2027-10-01", "reason": "Withdrawn for correction."}
    assert f"{PAGE} is not the page the verified records give (rendered again, the bytes differ)" in check()
    page.unlink()
    assert f"{PAGE} is missing (rendering the verified records makes it)" in check()
