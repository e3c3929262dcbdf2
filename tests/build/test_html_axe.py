"""The built HTML pages in a real browser: axe-core (best-practice rules included) finds nothing,
and the skip link, footnotes, images, layout and print stylesheet work as a reader expects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import WIDTHS, axe_results, describe, open_page, served
from support import EXAMPLE, FIXTURES, ROOT

from cjji.build.html import build_html
from cjji.build.html_check import axe_findings, html_findings
from cjji.policy import load_policy
from cjji.report import load

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = {"2026-victim-updates": EXAMPLE, "2027-html-features": FIXTURES / "html" / "2027-html-features"}
BEST_PRACTICE = {"region", "landmark-one-main", "landmark-unique", "heading-order", "skip-link",
                 "page-has-heading-one", "landmark-main-is-top-level"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    policy = load_policy(ROOT)
    for name, folder in PAGES.items():
        build_html(load(folder), policy, out / f"{name}.html")
    build_html(load(_example_with_a_wide_image(tmp_path_factory.mktemp("wide"))), policy, out / "wide-image.html")
    (out / "no-landmarks.html").write_text(
        "<!DOCTYPE html><html><head><title>Bare</title></head><body><p>Text only.</p></body></html>",
        encoding="utf-8")
    return out


def _example_with_a_wide_image(tmp: Path) -> Path:
    """A copy of the example with an author's image 1200 px wide after the chart cjji draws."""
    import shutil

    from PIL import Image

    folder = tmp / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("signoffs"))
    (folder / "images").mkdir()
    Image.new("RGB", (1200, 700), "#1d4e5f").save(folder / "images" / "wide.png")
    md = folder / "report.md"
    lines = md.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if "{.chart" in line)
    lines.insert(at + 1, '\n![A wide diagram of who tells the victim](images/wide.png "Who tells the victim")')
    md.write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with served(site) as base:
        yield base


@pytest.fixture
def example(chromium_browser: Any, base_url: str) -> Iterator[Any]:
    page = open_page(chromium_browser, f"{base_url}/2026-victim-updates.html")
    yield page
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(chromium_browser: Any, base_url: str, name: str, width: int) -> None:
    page = open_page(chromium_browser, f"{base_url}/{name}.html", width=width)
    results = axe_results(page)
    page.close()
    assert results["violations"] == [], describe(results["violations"])
    if width >= 1280:  # on a phone, cells scrolled out of a wide table can't be colour-checked
        assert results["incomplete"] == [], describe(results["incomplete"])  # nothing to review
    ran = {r["id"] for kind in ("passes", "inapplicable", "incomplete") for r in results[kind]}
    assert ran >= BEST_PRACTICE  # the best-practice rules really ran
    assert "color-contrast" in ran


def test_axe_reports_what_pandoc_style_pages_get_wrong(chromium_browser: Any, base_url: str) -> None:
    page = open_page(chromium_browser, f"{base_url}/no-landmarks.html")
    found = {v["id"] for v in axe_results(page)["violations"]}
    page.close()
    assert {"landmark-one-main", "region", "html-has-lang", "page-has-heading-one"} <= found


def test_outputs_gate_axe_findings(site: Path) -> None:
    assert axe_findings(site / "2026-victim-updates.html") == []
    bad = axe_findings(site / "no-landmarks.html")
    rules = {f.rule for f in bad}
    assert {"axe-landmark-one-main", "axe-region"} <= rules
    region = next(f for f in bad if f.rule == "axe-region")
    assert region.gate == "outputs" and region.severity == "error"
    assert region.message.startswith("accessibility: All page content should be contained by landmarks")
    assert "dequeuniversity.com" in region.hint
    assert html_findings(site / "2026-victim-updates.html", axe=True) == []


def test_cjji_axe_switches_the_slow_path_on(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJJI_AXE", "1")
    assert "axe-region" in {f.rule for f in html_findings(site / "no-landmarks.html")}
    monkeypatch.setenv("CJJI_AXE", "0")
    assert "axe-region" not in {f.rule for f in html_findings(site / "no-landmarks.html")}


def test_skip_link_is_first_and_moves_focus_to_main(example: Any) -> None:
    example.keyboard.press("Tab")
    focused = example.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to main content"]
    box = example.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # visible when focused
    example.keyboard.press("Enter")
    assert example.evaluate("() => document.activeElement.id") == "main-content"


def test_landmarks_and_heading_outline(example: Any) -> None:
    landmarks = example.evaluate(
        "() => [...document.querySelectorAll('body > header, body > main, body > footer')]"
        ".map(e => e.tagName)")
    assert landmarks == ["HEADER", "MAIN", "FOOTER"]
    headings = example.evaluate(
        "() => [...document.querySelectorAll('h1, h2, h3')].map(h => h.tagName + ' ' + h.innerText)")
    assert headings[:6] == ["H1 Keeping victims informed", "H2 Who we are", "H2 About this report", "H2 Contents",
                            "H2 Foreword", "H2 1 Summary"]  # the front matter before the contents, as in Word and PDF
    assert "H3 3.2 Timeliness" in headings
    assert headings[-1] == "H2 Footnotes"


def test_footnotes_link_both_ways_in_the_browser(example: Any) -> None:
    example.click("a#fnref-3")
    assert example.evaluate("() => location.hash") == "#fn-3"
    assert example.locator("#fn-3").is_visible()
    example.click("#fn-3 a.footnote-back")
    assert example.evaluate("() => location.hash") == "#fnref-3"
    top = example.evaluate("() => document.getElementById('fnref-3').getBoundingClientRect().top")
    assert 0 <= top < 900, top


def test_images_and_logos_load_with_alt_text(example: Any) -> None:
    images = example.evaluate(
        "() => [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth, i.alt])")
    assert len(images) == 5  # joint logo, three inspectorate logos, the chart
    for src, width, alt in images:
        assert width > 0, f"{src} did not load"
        assert alt.strip(), f"{src} has no alt text"


def test_phone_width_does_not_scroll_sideways(chromium_browser: Any, base_url: str) -> None:
    page = open_page(chromium_browser, f"{base_url}/2026-victim-updates.html", width=390)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide_table = page.evaluate(
        "() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth > w.clientWidth; }")
    page.close()
    assert width <= 390
    assert wide_table  # the wide table scrolls inside its own focusable region instead


def test_print_stylesheet_prints_the_contents_and_hides_the_skip_link(example: Any) -> None:
    example.emulate_media(media="print")
    shown = example.evaluate(
        "() => ['.contents', '.skip-link'].map(s => getComputedStyle(document.querySelector(s)).display)")
    assert shown == ["block", "none"]  # a printed report has its contents (issue 14), not a skip link
    assert example.evaluate("() => getComputedStyle(document.body).fontSize") == "14.6667px"  # 11 pt


def test_printed_page_numbers_its_pages_and_keeps_the_contents(example: Any, tmp_path: Path) -> None:
    """Chromium prints the @page margin box: 'Page N of M' at the foot of every page but the first."""
    from cjji.build import readback

    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(example.pdf(format="A4", prefer_css_page_size=True))
    pages = readback.read_pdf(pdf).pages
    total = len(pages)
    feet = [next((line.strip() for line in p.foot.splitlines() if line.strip().startswith("Page")), "") for p in pages]
    assert feet[0] == ""  # the first page, with the title, has none
    assert feet[1:] == [f"Page {n} of {total}" for n in range(2, total + 1)]
    assert any("Contents" in p.body and "1 Summary" in p.body for p in pages[:4])


def test_at_phone_width_the_chart_keeps_readable_labels_and_the_page_does_not_scroll(chromium_browser: Any,
                                                                                      base_url: str) -> None:
    """The example's chart is drawn by cjji (issue 14: an author's PNG had unreadable axis labels at
    390 px and no data behind it): it shrinks to the phone with its text at 12 px or more."""
    from cjji.build.chart import FONT_SIZE, WIDTH

    page = open_page(chromium_browser, f"{base_url}/2026-victim-updates.html", width=390)
    try:
        page_width, natural, left, width, scrolling = page.evaluate(
            "() => { const img = document.querySelector('figure img.chart'); const box = img.getBoundingClientRect();"
            " return [document.documentElement.scrollWidth, img.naturalWidth, box.left, box.width,"
            " document.querySelectorAll('.figure-scroll').length]; }")
        page.locator("details.figure-data summary").first.click()
        rows = page.locator("details.figure-data").first.locator("tr")
        shown = [" ".join(rows.nth(n).inner_text().split()) for n in range(rows.count())]
    finally:
        page.close()
    assert page_width <= 390 and scrolling == 0  # nothing scrolls sideways
    assert natural >= 1.7 * WIDTH and left >= 0 and left + width <= 390  # the sharp picture loaded, and fits
    assert FONT_SIZE * width / WIDTH >= 12  # its labels: 12 CSS px or more
    assert shown == ["Area Average working days Victims\u2019 Code timescale (working days)",
                     "Northshire 4 5", "Westvale 11 5", "Eastmere 7 5"]  # the data behind it, opened


def test_at_phone_width_a_wide_author_image_scrolls_in_its_region_not_the_page(chromium_browser: Any,
                                                                               base_url: str) -> None:
    page = open_page(chromium_browser, f"{base_url}/wide-image.html", width=390)
    try:
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, "
                              "document.querySelector('.figure-scroll img').getBoundingClientRect().width, "
                              "document.querySelector('.figure-scroll').clientWidth]")
    finally:
        page.close()
    page_width, image, region = sizes
    assert page_width <= 390  # only the image's own region scrolls
    assert image >= 640 > region  # drawn at 640 px (labels about half their size in a 1200 px image)


def test_a_figures_data_folded_away_on_screen_is_printed(chromium_browser: Any, base_url: str,
                                                         tmp_path: Path) -> None:
    """On screen the numbers behind figure 1 sit in a closed <details>; paper has no disclosure
    widget, so the print stylesheet prints the table (captioned) and drops the summary line."""
    from cjji.build import readback

    page = open_page(chromium_browser, f"{base_url}/2027-html-features.html")
    try:
        assert page.evaluate("() => document.querySelector('details.figure-data').open") is False
        assert page.evaluate("() => document.querySelector('details.figure-data table').checkVisibility()") is False
        pdf = tmp_path / "printed.pdf"
        page.emulate_media(media="print")
        pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    finally:
        page.close()
    text = " ".join(" ".join(p.body.split()) for p in readback.read_pdf(pdf).pages)
    assert "Data for figure 1: Complete custody records, 2024 to 2026" in text
    for year, value in (("2024", "70"), ("2025", "81"), ("2026", "90")):
        assert f"{year} {value}" in text
    assert text.count("Data for figure 1") == 1  # the caption only: the summary line is not printed
