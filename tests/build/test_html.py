"""The HTML page: built from the report's own tokens, numbered like Word and PDF, safe, static checks."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, FIXTURES, ROOT, examples

from cjji.build.brand import load_brand
from cjji.build.html import HtmlBuildError, build_html, contrast, page_css
from cjji.build.html_check import html_findings, static_findings
from cjji.build.html_render import ALLOWED_TAGS, RenderOptions, render_tokens, sanitise
from cjji.build.numbering import Numbering, number
from cjji.markdown import parse
from cjji.policy import load_policy
from cjji.report import load

FEATURES = FIXTURES / "html" / "2027-html-features"


@pytest.fixture(scope="module")
def policy():
    return load_policy(ROOT)


@pytest.fixture(scope="module")
def example_page(tmp_path_factory, policy) -> Path:
    out = tmp_path_factory.mktemp("out") / "2026-victim-updates.html"
    return build_html(load(EXAMPLE), policy, out)


@pytest.fixture(scope="module")
def features_page(tmp_path_factory, policy) -> Path:
    out = tmp_path_factory.mktemp("out") / "2027-html-features.html"
    return build_html(load(FEATURES), policy, out)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_page_has_language_title_landmarks_and_skip_link(example_page: Path) -> None:
    page = text(example_page)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en-GB\">")
    assert "<title>Keeping victims informed: joint thematic inspection</title>" in page
    assert page.count("<main") == 1 and '<main id="main-content"' in page
    skip = re.search(r"<body>\s*<a class=\"skip-link\" href=\"#([\w-]+)\">Skip to main content</a>", page)
    assert skip and f'id="{skip.group(1)}"' in page
    assert page.index("<header") < page.index("<main") < page.index("<footer")
    assert '<nav class="contents" aria-labelledby="contents-title">' in page


def test_metadata_and_licence_are_shown(example_page: Path) -> None:
    page = text(example_page)
    assert '<time datetime="2026-12-10">10 December 2026</time>' in page
    assert "<dt>Lead inspectorate</dt><dd>His Majesty’s Crown Prosecution Service Inspectorate</dd>" in page
    assert "His Majesty’s Inspectorate of Probation" in page
    assert "© Crown copyright 2026." in page
    assert ('<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">'
            "Open Government Licence v3.0</a>") in page


def test_headings_carry_the_same_numbers_as_word_and_pdf(example_page: Path) -> None:
    report = load(EXAMPLE)
    numbering = number(report.tokens)
    page = text(example_page)
    for index, value in numbering.headings.items():
        token = report.tokens[index]
        level = int(token.tag[1:]) + 1
        heading = report.tokens[index + 1].content.strip()
        found = re.search(rf'<h{level} id="{token.attrs["id"]}"[^>]*><span class="heading-number">'
                          rf"{re.escape(value)}</span> {re.escape(heading)}</h{level}>", page)
        assert found, (value, heading)
    assert '<h2 id="foreword" class="unnumbered">Foreword</h2>' in page  # unnumbered chapter
    assert page.count("<h1") == 1  # the report title; chapters are <h2>


def test_paragraphs_are_numbered_by_chapter(example_page: Path) -> None:
    report = load(EXAMPLE)
    page = text(example_page)
    numbers = number(report.tokens).paragraphs
    assert len(numbers) > 50
    for value in numbers.values():
        found = re.search(rf'<p class="numbered" id="paragraph-{re.escape(value)}">'
                          rf'<span class="paragraph-number">{re.escape(value)}</span> ', page)
        assert found, value
    assert 'id="paragraph-3.4"><span class="paragraph-number">3.4</span> We examined 120 case files' in page


def test_contents_lists_chapters_and_sections_with_numbers(example_page: Path) -> None:
    nav = text(example_page).split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="#summary"><span class="heading-number">1</span> Summary</a>' in nav
    assert '<a href="#charging-timeliness"><span class="heading-number">3.2</span> Timeliness</a>' in nav
    assert '<a href="#foreword">Foreword</a>' in nav
    assert '<a href="#annex-framework">Annex A: How this inspection meets the joint inspection framework</a>' in nav


def test_span_attributes_become_data_attributes(example_page: Path, features_page: Path) -> None:
    page = text(example_page)
    assert '<span class="judgement" data-criteria="C1">Across the three areas' in page
    assert " criteria=" not in page
    assert '<span id="J1" class="judgement" data-criteria="C1 C2">' in text(features_page)


def test_graded_findings_are_labelled_sections(example_page: Path, features_page: Path) -> None:
    page = text(example_page)
    assert ('<section id="R1" class="callout recommendation" data-owner="CPS" data-due="2027-06-30" '
            'aria-labelledby="R1-label">\n<p class="callout-label" id="R1-label">Recommendation 1</p>') in page
    assert 'aria-labelledby="CC1-label"' in page and ">Cause of concern 1<" in page
    features = text(features_page)
    assert ">Notable practice 1</p>" in features  # no id: numbered among its kind
    assert '<div class="aside">' in features  # other classes stay plain divs


def test_the_example_figure_is_a_chart_cjji_draws_with_its_data_after_it(example_page: Path) -> None:
    from lxml import etree

    from cjji.blocks import read_figure_data
    from cjji.build.brand import load_brand
    from cjji.build.chart import chart_file, chart_svg

    page = text(example_page)
    figure = re.search(r"<figure>\s*<img class=\"chart\" ([^>]*)>\s*<figcaption>([^<]*)</figcaption>\s*</figure>\s*"
                       r"<details class=\"figure-data\"><summary>Data for figure 1</summary>(.*?)</details>",
                       page, re.S)
    assert figure, "the example's chart should be a <figure> with its data folded away after it"
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', figure.group(1)))
    assert attrs["alt"].startswith("Bar chart of average working days to tell victims")
    assert re.fullmatch(r"2026-victim-updates-assets/cjji-charts/chart-[0-9a-f]{20}\.png", attrs["src"])
    assert (attrs["width"], attrs["height"]) != ("0", "0")
    assert figure.group(2) == "Figure 1: Days taken to tell victims of a charging decision, by area"
    # the drawing is cjji's, in the brand's body font: the PNG of the SVG the PDF shows (and Word embeds)
    brand = load_brand(ROOT)
    data = read_figure_data("data/updates.csv", {"data/updates.csv": EXAMPLE / "data" / "updates.csv"})
    svg = chart_svg(data, "bar", figure.group(2).removeprefix("Figure 1: "), brand.fonts["body"], brand.colours)
    assert (example_page.parent / attrs["src"]).read_bytes() == chart_file(svg).read_bytes()
    [group] = etree.fromstring(svg.encode()).iter("{http://www.w3.org/2000/svg}g")
    families = [f.strip().strip("'") for f in group.get("font-family").split(",")]
    assert families == [*brand.fonts["body"], "sans-serif"]
    # the numbers behind it, as a table a screen reader can walk
    rows = [plain(row) for row in re.findall(r"<tr>(.*?)</tr>", figure.group(3), re.S)]
    assert rows == ["Area Average working days Victims\u2019 Code timescale (working days)",
                    "Northshire 4 5", "Westvale 11 5", "Eastmere 7 5"]
    assert "Data for figure 1: Days taken to tell victims of a charging decision, by area" in figure.group(3)
    assert "images/updates.png" not in page and "Open the image full size" not in page
    assert 'title="Figure 1' not in page  # the caption is not repeated as a tooltip


def test_an_author_figure_has_alt_text_caption_and_copied_image(example_copy: Path, policy, tmp_path: Path) -> None:
    from PIL import Image

    (example_copy / "images").mkdir()
    Image.new("RGB", (1200, 680), "#1d4e5f").save(example_copy / "images" / "wide.png")  # wider than a phone
    report_md = example_copy / "report.md"
    lines = report_md.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("![Bar chart") and "{.chart" in line)
    lines.insert(at + 1, '\n![Diagram of how a charging decision reaches the victim](images/wide.png '
                         '"Figure 2: How a charging decision reaches the victim")')
    report_md.write_text("\n".join(lines), encoding="utf-8")
    built = build_html(load(example_copy), policy, tmp_path / "out" / "2026-victim-updates.html")
    page = text(built)
    figure = re.search(r"<figure>\s*<div class=\"figure-scroll\" role=\"region\" "
                       r"aria-labelledby=\"(figure-2-caption)\" tabindex=\"0\"><img class=\"wide\" ([^>]*)></div>\s*"
                       r"(?:<p class=\"figure-full\">.*?</p>)?\s*"
                       r"<figcaption id=\"(figure-2-caption)\">([^<]*)</figcaption>\s*</figure>", page, re.S)
    assert figure, "the author's image should be a <figure>"
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', figure.group(2)))
    assert attrs["alt"] == "Diagram of how a charging decision reaches the victim"
    assert attrs["src"] == "2026-victim-updates-assets/images/wide.png"
    assert (attrs["width"], attrs["height"]) == ("1200", "680")
    assert figure.group(4) == "Figure 2: How a charging decision reaches the victim"
    copied = built.parent / attrs["src"]
    assert copied.read_bytes() == (example_copy / "images" / "wide.png").read_bytes()
    assert 'title="Figure 2' not in page  # the caption is not repeated as a tooltip
    # an image 1200 px wide scrolls sideways on a phone, in a region named by its caption; and a link
    # opens it full size
    assert ('<p class="figure-full"><a href="2026-victim-updates-assets/images/wide.png">Open the image full '
            'size<span class="visually-hidden">: Figure 2: How a charging decision') in page


def test_figure_keeps_its_id_and_inline_images_stay_inline(features_page: Path) -> None:
    page = text(features_page)
    # a small image: no scrolling region
    assert '<figure id="fig-records">\n<img src="2027-html-features-assets/images/chart.png"' in page
    assert ('inline image <img src="2027-html-features-assets/images/chart.png" width="120" '
            'height="80" alt="a small square"> inside') in page
    assert '<a href="#fig-records">figure 1</a>' in page


def test_table_caption_paragraph_becomes_the_caption(example_page: Path, features_page: Path) -> None:
    page = text(example_page)
    assert '<caption id="table-1-caption">Table 1: Timeliness of victim updates by area</caption>' in page
    assert "Table: Timeliness" not in page and ">Table:" not in page
    assert '<th scope="col" class="align-right">Files examined</th>' in page
    features = text(features_page)
    assert '<th scope="col" class="align-center">Complete</th>' in features
    # no caption: still numbered and named by what the reader sees
    assert ('role="region" aria-labelledby="table-2-caption" tabindex="0">\n<table>\n'
            '<caption id="table-2-caption">Table 2</caption>') in features


def test_footnotes_link_both_ways(example_page: Path, features_page: Path) -> None:
    page = text(example_page)
    for n in range(1, 6):
        assert f'<a href="#fn-{n}" id="fnref-{n}"><span class="visually-hidden">Footnote </span>{n}</a>' in page
        assert f'<li id="fn-{n}">' in page
        assert f'<a href="#fnref-{n}" class="footnote-back">' in page
    # footnotes come last, after the annex
    assert page.index('id="footnotes-title"') > page.index('id="annex-framework"')
    features = text(features_page)
    assert 'id="fnref-1-2"' in features and 'href="#fnref-1-2"' in features
    assert "Back to the text of footnote 1 (reference 2)" in features


def test_raw_html_never_reaches_the_page(features_page: Path) -> None:
    page = text(features_page)
    body = page.split("</style>", 1)[1]
    assert "<script" not in body and "alert" not in body.replace("[bad link](javascript:alert(1))", "")
    assert "onerror" not in body and "<iframe" not in body
    assert '<a href="javascript' not in body
    assert "code stays code: &lt;b&gt;not bold&lt;/b&gt;" in body


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
    "![x](data:image/png;base64,AAAA)", "<a href='javascript:x'>y</a>", "{onclick=\"x\"}",
    "[s]{.c onmouseover=\"alert(1)\" style=\"x\"}", "::: {.recommendation onload=\"x\"}\n", ":::\n",
    "<style>body{}</style>", "<!-- c -->", "# H {#h onclick=x}\n", "text ", "\n\n", "*em*", "`<b>`",
    "<svg onload=alert(1)>", "[l](JaVaScRiPt:alert(1))", "<div style=\"x\">",
]), max_size=12))
def test_no_script_handler_or_unsafe_address_survives(parts: list[str]) -> None:
    tokens = parse("".join(parts))
    html = sanitise(render_tokens(tokens, RenderOptions(
        numbering=number(tokens), image_attrs=lambda src: {"src": src})))
    elements = Elements()
    elements.feed(html)
    assert not {tag for tag, _ in elements.found} & {"script", "style", "svg", "iframe"}
    for tag, attrs in elements.found:
        assert not [name for name in attrs if name.startswith("on") or name == "style"], tag
        for name in ("href", "src"):
            assert not attrs.get(name, "").strip().lower().startswith(("javascript:", "data:"))


def test_sanitise_keeps_what_the_renderer_emits() -> None:
    fragment = ('<section id="R1" class="callout" data-owner="CPS" aria-labelledby="R1-label">'
                '<div class="table-wrap" role="region" aria-label="Table 1" tabindex="0"></div>'
                '<th scope="col" class="align-right">x</th></section>')
    assert sanitise(fragment) == fragment.replace('<th scope="col" class="align-right">x</th>', "x")


def test_same_inputs_give_the_same_bytes(tmp_path: Path, policy) -> None:
    first = build_html(load(EXAMPLE), policy, tmp_path / "a" / "r.html").read_bytes()
    second = build_html(load(EXAMPLE), policy, tmp_path / "b" / "r.html").read_bytes()
    assert first == second
    assert not list(tmp_path.rglob("*.part"))


def test_building_does_not_change_the_shared_tokens(policy, tmp_path: Path) -> None:
    report = load(EXAMPLE)
    before = [(t.type, t.content, dict(t.attrs)) for t in report.walk()]
    build_html(report, policy, tmp_path / "r.html")
    assert [(t.type, t.content, dict(t.attrs)) for t in report.walk()] == before


@pytest.mark.parametrize(("src", "message"), [
    ("../secret.png", "outside the report folder"),
    ("https://example.org/chart.png", "would be fetched from the internet"),
    ("/etc/passwd", "is an absolute path"),
    ("images/missing.png", "does not exist"),
])
def test_an_image_that_is_not_a_report_file_is_a_located_error(
    example_copy: Path, tmp_path: Path, src: str, message: str
) -> None:
    report_md = example_copy / "report.md"
    # the example's chart made an author's image at `src`
    body = report_md.read_text(encoding="utf-8").replace("](data/updates.csv", f"]({src}").replace(
        "){.chart kind=bar}", ")")
    assert body.count(f"]({src}") == 1
    report_md.write_text(body, encoding="utf-8")
    policy = load_policy(example_copy.parents[1])
    with pytest.raises(HtmlBuildError) as caught:
        build_html(load(example_copy), policy, tmp_path / "r.html")
    finding = caught.value.finding
    assert message in finding.message and src in finding.message
    assert finding.code == ("build/image-missing" if "missing" in src else "build/image-outside")
    line = next(n for n, text in enumerate(body.split("\n"), 1) if f"]({src}" in text)
    assert (finding.line, finding.file.endswith("report.md")) == (line, True)
    assert not (tmp_path / "r.html").exists()


def test_brand_edit_restyles_the_page_and_keeps_contrast(project: Path) -> None:
    brand_yml = project / "templates" / "brand.yml"
    brand_yml.write_text(brand_yml.read_text(encoding="utf-8")
                         .replace('primary: "#1d4e5f"', 'primary: "#004400"')
                         .replace('link: "#1d70b8"', 'link: "#9999ff"'), encoding="utf-8")
    css = page_css(load_brand(project))
    assert "--primary-fill: #004400;" in css
    assert "--link: #9999ff;" not in css  # 2.6:1 on white: replaced by the text colour
    assert "--link: #0b0c0c;" in css
    assert contrast("#ffffff", "#004400") > 4.5 and "--on-primary: #ffffff;" in css


def test_numbering_switched_off_in_the_brand_numbers_nothing(project: Path, tmp_path: Path) -> None:
    brand_yml = project / "templates" / "brand.yml"
    brand_yml.write_text(brand_yml.read_text(encoding="utf-8")
                         .replace("headings: true", "headings: false")
                         .replace("paragraphs: true", "paragraphs: false"), encoding="utf-8")
    shutil.copytree(EXAMPLE, project / "reports" / EXAMPLE.name)
    page = build_html(load(project / "reports" / EXAMPLE.name), load_policy(project),
                      tmp_path / "r.html").read_text(encoding="utf-8")
    body = page.split('<div class="report-body">', 1)[1]
    assert 'class="heading-number"' not in page and 'class="paragraph-number"' not in body
    assert '<h2 id="summary">Summary</h2>' in body


def test_built_pages_pass_the_static_checks(example_page: Path, features_page: Path) -> None:
    assert html_findings(example_page, axe=False) == []
    assert html_findings(features_page, axe=False) == []


def test_static_checks_find_and_locate_each_problem(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html>\n<html>\n<head><title> </title></head>\n<body>\n"
        '<a href="#nowhere">Skip</a>\n<main></main>\n<main>\n'
        '<img src="a.png">\n<p id="x">1</p><p id="x">2</p>\n'
        '<a href="javascript:alert(1)" onclick="x">bad</a>\n</main>\n</body>\n</html>\n',
        encoding="utf-8")
    found = {(f.rule, f.line) for f in static_findings(page)}
    assert found == {
        ("html-lang", 1), ("html-title", 1), ("html-main", 7), ("html-skip-link", 5),
        ("html-alt", 8), ("html-duplicate-id", 9), ("html-unsafe", 10),
    }
    messages = " ".join(f.message for f in static_findings(page))
    assert "the image a.png has no alt text" in messages
    assert "2 main landmarks" in messages
    assert all(f.gate == "outputs" and f.severity == "error" for f in static_findings(page))


def test_axe_is_off_unless_switched_on(example_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CJJI_AXE", raising=False)
    assert html_findings(example_page) == []  # fast path only: no browser started


def test_the_body_of_a_report_without_annex_or_footnotes_renders() -> None:
    tokens = parse("# One {#one}\n\nText.\n")
    html = render_tokens(tokens, RenderOptions(numbering=Numbering(), image_attrs=lambda src: {"src": src}))
    assert html == '<h2 id="one">One</h2>\n<p>Text.</p>\n'
    assert plain(html) == "One Text."


def test_quotes_are_typographic_as_in_word_and_pdf(example_page: Path) -> None:
    page = text(example_page)
    assert "the Victims’ Code" in page and "the Victims' Code" not in page
    assert "Phrases such as “no realistic prospect of conviction” left victims" in page


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="#*_[]{}()!:|>-`^\n .=\"'<>a1\t~\\", max_size=300))
def test_any_body_renders_to_balanced_safe_html(body: str) -> None:
    tokens = parse(body)
    html = sanitise(render_tokens(tokens, RenderOptions(
        numbering=number(tokens), image_attrs=lambda src: {"src": src})))
    elements = Elements()
    elements.feed(html)
    assert not [tag for tag, _ in elements.found if tag not in ALLOWED_TAGS]
