"""Publishing takes the HTML version and its images from the renderer (cjji.build.html's
`<stem>.body.json`), never by reading the built page back: whatever the body says reaches the
site and WordPress byte for byte, and only the renderer's own image references get each
target's address."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from publish_support import ROOT_PROJECT, release_of, stand_in_version
from support import EXAMPLE

from cjji.policy import load_policy
from cjji.publish import record
from cjji.publish.plan import BuildProblem, rendered_body
from cjji.publish.site import Renderer
from cjji.publish.target import Body
from cjji.publish.wordpress import Media, _linked_body
from cjji.report import load

IMAGE = "2026-victim-updates-assets/images/updates.png"  # an author's image the fixture adds to its copy
CHART = re.compile(r"2026-victim-updates-assets/cjji-charts/chart-[0-9a-f]{20}\.png")  # the chart cjji draws
# prose that looks like markup the old readers went by: attributes (in code, where quotes stay
# straight), a header's class, a heading
PROSE = ('The tags `img src="' + IMAGE + '"` and `a href="images/updates.png"` are written here as '
         'text, with `class="report-header"` and `<h1>` in code spans.')
PROSE_HTML = ('The tags <code>img src="' + IMAGE + '"</code> and <code>a href="images/updates.png"</code> '
              'are written here as text, with <code>class="report-header"</code> and <code>&lt;h1&gt;</code> '
              'in code spans.')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example report's HTML page, with a paragraph of look-alike markup in its prose and an
    author's image (1200 px wide: it gets an "open full size" link) after it, besides its chart."""
    from PIL import Image

    from cjji.build.html import build_html

    folder = tmp_path_factory.mktemp("body")
    report_dir = folder / "reports" / "2026-victim-updates"
    shutil.copytree(EXAMPLE, report_dir, ignore=shutil.ignore_patterns("signoffs"))
    md = report_dir / "report.md"
    text = md.read_text(encoding="utf-8")
    at = text.index("\n# ", text.index("\n---\n", 4) + 5)  # before the second chapter
    (report_dir / "images").mkdir()
    Image.new("RGB", (1200, 700), "#1d4e5f").save(report_dir / "images" / "updates.png")
    figure = '![A diagram of who tells the victim](images/updates.png "Who tells the victim")'
    md.write_text(text[:at] + "\n\n" + PROSE + "\n\n" + figure + "\n" + text[at:], encoding="utf-8")
    out = folder / "out"
    page = build_html(load(report_dir), load_policy(ROOT_PROJECT), out / "2026-victim-updates.html")
    return {"page": page, "out": out}


def test_the_renderer_hands_over_the_body_and_only_its_own_image_references(built: dict[str, Path]) -> None:
    body, assets = rendered_body(built["page"])
    page = built["page"].read_text(encoding="utf-8")
    assert body.html() in page  # the page shows exactly the body it handed over
    assert PROSE_HTML in body.html()  # the look-alike prose is text, untouched
    *images, chart = body.refs
    assert images == [IMAGE, IMAGE]  # the figure's image and its "open full size" link
    assert CHART.fullmatch(chart)  # then the example's chart, a PNG beside the page (WordPress takes no SVG)
    assert sorted(assets) == sorted([IMAGE, chart])
    assert assets[IMAGE].source == built["out"] / IMAGE
    assert assets[chart].source == built["out"] / chart and assets[chart].source.read_bytes().startswith(b"\x89PNG")
    assert '<h1' not in "".join(body.parts) and 'class="report-header"' not in page.split(body.html())[1]


def test_the_site_and_wordpress_address_only_the_renderers_references(built: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    body, assets = rendered_body(built["page"])
    v = dataclasses.replace(stand_in_version(tmp_path, "2026-victim-updates"), body=body, assets=assets)
    renderer = Renderer(ROOT_PROJECT, load_policy(ROOT_PROJECT), "https://example.test/cjji/")
    current = renderer.shared_pages(release_of(v))["reports/2026-victim-updates/index.html"].decode()
    archived = renderer.version_page(v).decode()
    for page in (current, archived):
        assert PROSE_HTML in page  # byte for byte, in both pages
    assert current.count(f'src="v1/{IMAGE}"') == 1 and current.count(f'href="v1/{IMAGE}"') == 1
    assert archived.count(f'src="{IMAGE}"') == 2  # the prose's own, and the image's
    chart = body.refs[-1]
    assert current.count(f'src="v1/{chart}"') == 1 and archived.count(f'src="{chart}"') == 1
    media = {(1, "asset:" + IMAGE): Media(7, "https://wp.example/up/a&b.png", "0" * 64),
             (1, "asset:" + chart): Media(8, "https://wp.example/up/chart.png", "0" * 64)}
    post = _linked_body(v, media)
    assert PROSE_HTML in post
    assert post.count('src="https://wp.example/up/a&amp;b.png"') == 1
    assert post.count('href="https://wp.example/up/a&amp;b.png"') == 1
    assert post.count('src="https://wp.example/up/chart.png"') == 1 and chart not in post


def test_publishing_never_reads_the_page(tmp_path: Path) -> None:
    """Only the body record is read: a page that says something else (or is gone) changes nothing."""
    (tmp_path / "r-assets" / "images").mkdir(parents=True)
    (tmp_path / "r-assets" / "images" / "a.png").write_bytes(b"png")
    parts = ['<div class="report-header"><h1>Not a header</h1></div><main><img src="', '" alt=""></main>']
    (tmp_path / "r.body.json").write_text(json.dumps(
        {"format": "cjji-html-body/1", "parts": parts, "refs": ["r-assets/images/a.png"]}))
    body, assets = rendered_body(tmp_path / "r.html")  # the page itself does not exist
    assert body.parts == tuple(parts) and list(assets) == ["r-assets/images/a.png"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "the HTML builder did not hand over the report's body (r.body.json is missing)"),
    ("{", "the HTML builder's r.body.json cannot be read"),
    ('{"format": "other", "parts": [""], "refs": []}', "its format is 'other'"),
    ('{"format": "cjji-html-body/1", "parts": ["a"], "refs": ["r.png"]}', "one more part than references"),
    ('{"format": "cjji-html-body/1", "parts": ["a", "b"], "refs": ["../secret.png"]}',
     "refers to ../secret.png, which is not a file beside the page"),
    ('{"format": "cjji-html-body/1", "parts": ["a", "b"], "refs": ["missing.png"]}',
     "refers to missing.png, which is not a file beside the page"),
])
def test_a_missing_or_wrong_body_record_is_refused_plainly(tmp_path: Path, content: str | None,
                                                            message: str) -> None:
    (tmp_path.parent / "secret.png").write_bytes(b"outside")
    if content is not None:
        (tmp_path / "r.body.json").write_text(content)
    with pytest.raises(BuildProblem) as refused:
        rendered_body(tmp_path / "r.html")
    assert message in str(refused.value)


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(st.lists(st.tuples(_text, st.text(min_size=1, max_size=20)), max_size=5), _text)
def test_a_body_keeps_every_part_and_addresses_each_reference(pairs: list[tuple[str, str]], last: str) -> None:
    parts = (*(p for p, _ in pairs), last)
    refs = tuple(r for _, r in pairs)
    body = Body(parts, refs)
    marked = body.html(lambda ref: f"<{ref}>")
    expected = "".join(p + "&lt;" + r.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                       .replace('"', "&quot;").replace("'", "&#x27;") + "&gt;" for p, r in pairs) + last
    assert marked == expected
    data = record.body_json(body)
    assert record.body_from({"body": json.loads(json.dumps(data))}) == body


def test_a_record_written_before_bodies_kept_references_apart_still_reads() -> None:
    """version.json of a version published before: its pages still point at its images."""
    quoted = IMAGE.replace("updates", "up dates").replace(" ", "%20")
    old = f'<figure><img src="{quoted}" alt=""><a href="{quoted}">Full size</a></figure><p>Text.</p>'
    body = record.body_from({"html_body": old, "assets": [{"path": f"reports/x/v1/{quoted.replace('%20', ' ')}"}]})
    assert body.html() == old
    assert body.refs == (IMAGE.replace("updates", "up dates"),) * 2
    assert body.html(lambda r: "v1/" + r).count('="v1/') == 2
