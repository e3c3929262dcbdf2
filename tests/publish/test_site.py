"""The site's pages, rendered from stand-in versions (the builders and sign-offs are tested
elsewhere): index newest first with filter pages, report pages, feed, sitemap, accessibility."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from publish_support import ROOT_PROJECT, release_of, stand_in_version

from cjji.policy import load_policy
from cjji.publish.site import Renderer, longdate
from cjji.publish.target import Change, PublishedFile, human_size

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(ROOT_PROJECT, load_policy(ROOT_PROJECT), "https://example.test/cjji/")


@pytest.mark.parametrize(("size", "pages", "label"), [
    (1_234_567, 64, "PDF, 1.2 MB, 64 pages"),
    (140_375, None, "PDF, 137.1 KB"),
    (999, 1, "PDF, 999 bytes, 1 page"),
])
def test_download_labels_say_format_size_and_pages(size: int, pages: int | None, label: str) -> None:
    assert PublishedFile("pdf", "x.pdf", "0" * 64, size, pages).label == label
    assert PublishedFile("docx", "x.docx", "0" * 64, 2_621_440).label == "Word, 2.5 MB"
    assert human_size(0) == "0 bytes"


def test_the_index_lists_newest_first_and_filter_pages_hold_only_their_reports(
        renderer: Renderer, tmp_path: Path) -> None:
    old = stand_in_version(tmp_path / "a", "2025-older", date="2025-05-01", codes=("HMIPrisons", "HMICFRS"),
                           lead="HMIPrisons", process="custodial-conditions")
    new = stand_in_version(tmp_path / "b", "2026-newer", date="2026-12-10")
    pages = renderer.shared_pages(release_of(old, new))
    index = pages["index.html"].decode()
    assert index.index("Report 2026-newer") < index.index("Report 2025-older")
    prisons = pages["inspectorates/HMIPrisons/index.html"].decode()
    assert "Report 2025-older" in prisons and "Report 2026-newer" not in prisons
    assert 'aria-current="page"' in prisons and "HM Inspectorate of Prisons" in prisons
    assert "Report 2026-newer" in pages["years/2026/index.html"].decode()
    assert "Report 2026-newer" not in pages["business-processes/custodial-conditions/index.html"].decode()
    assert not any(b"<script" in page for page in pages.values())  # filtering needs no JavaScript


def test_the_report_page_shows_what_the_joint_website_shows(renderer: Renderer, tmp_path: Path) -> None:
    v = stand_in_version(tmp_path, "2026-newer", pages=64)
    page = renderer.shared_pages(release_of(v))["reports/2026-newer/index.html"].decode()
    for text in ["Published", "10 December 2026", "Inspection type", "Joint thematic inspection",
                 "Lead inspectorate", "Participating inspectorates", 'href="v1/2026-newer.pdf"', ", 64 pages)",
                 "Change history", "First published.", "large print", "Open Government Licence"]:
        assert text in page, text
    assert "Last updated" not in page
    assert "Other inspectorates" not in page  # the real sites list every participant, the lead too
    heading = page[page.index("<h1>"):page.index("</h1>")]
    assert "subtitle" not in heading  # the subtitle is not part of the page's heading


def test_a_version_page_is_marked_as_a_kept_version(renderer: Renderer, tmp_path: Path) -> None:
    page = renderer.version_page(stand_in_version(tmp_path, "2026-newer")).decode()
    assert "It is kept unchanged for the record" in page
    assert 'href="2026-newer.pdf"' in page and 'href="../index.html"' in page


def test_the_feed_has_an_entry_per_major_change_and_none_for_minor_ones(renderer: Renderer, tmp_path: Path) -> None:
    v1 = stand_in_version(tmp_path / "1", "2026-newer")
    v2 = stand_in_version(tmp_path / "2", "2026-newer", 2, date="2027-01-05", change=("major", "Fixed table 3."),
                          history=(v1.change,))
    v3 = stand_in_version(tmp_path / "3", "2026-newer", 3, date="2027-01-06", change=("minor", "A typo."),
                          history=(v1.change, v2.change))
    pages = renderer.shared_pages(release_of(v1, v2, v3))
    feed = ET.fromstring(pages["feed.xml"])
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}summary") for e in entries] == ["Updated: Fixed table 3.", "What 2026-newer found."]
    assert feed.findtext(f"{ATOM}updated") == v2.published_at.isoformat()
    page = pages["reports/2026-newer/index.html"].decode()
    assert "Last updated" in page and "5 January 2027" in page and "Fixed table 3." in page
    assert "(minor change): A typo." in page and "6 January 2027" not in page.split("Change history")[0]
    sitemap = ET.fromstring(pages["sitemap.xml"])
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in sitemap]
    assert "https://example.test/cjji/reports/2026-newer/v3/" in locs
    assert "https://example.test/cjji/reports/2026-newer/" in locs


def test_the_accessibility_statement_has_what_regulation_7_requires(renderer: Renderer, tmp_path: Path) -> None:
    page = renderer.shared_pages(release_of(stand_in_version(tmp_path, "2026-x")))["accessibility/index.html"]
    text = page.decode()
    for part in ["Compliance status", "partially compliant", "Non-accessible content", "Disproportionate burden",
                 "Feedback and contact information", "Enforcement procedure",
                 "Equality and Human Rights Commission", "Preparation of this accessibility statement",
                 "26 November 2026", "(No. 2) Accessibility Regulations 2018"]:
        assert part in text, part


def test_an_empty_site_still_has_its_pages(renderer: Renderer) -> None:
    import datetime as dt

    from cjji.publish.target import Release

    pages = renderer.shared_pages(Release((), (), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert "No reports have been published yet." in pages["index.html"].decode()
    ET.fromstring(pages["feed.xml"])


def test_dates_are_written_the_gov_uk_way() -> None:
    assert longdate("2027-03-05") == "5 March 2027"


def test_history_changes_are_kept_in_order(tmp_path: Path) -> None:
    v1 = stand_in_version(tmp_path / "1", "2026-x")
    v2 = stand_in_version(tmp_path / "2", "2026-x", 2, date="2027-01-01", change=("minor", "Typo."),
                          history=(v1.change,))
    assert [c.version for c in v2.history] == [1, 2]
    assert v2.last_updated == v2.first_published == v1.change.date
    assert isinstance(v2.change, Change)


def test_a_mistake_in_the_site_settings_is_located(tmp_path: Path) -> None:
    import shutil

    from cjji.publish.site import SiteError, load_settings

    for name in ("templates", "schemas"):
        shutil.copytree(ROOT_PROJECT / name, tmp_path / name)
    settings = tmp_path / "templates/site/site.yml"
    settings.write_text(settings.read_text().replace("response_days: 10", "response_days: ten"))
    where = r"templates/site/site.yml:\d+:\d+: "
    with pytest.raises(SiteError, match=where + "contact.response_days must be a whole number"):
        load_settings(tmp_path)
