"""cjji.resolve: one resolver from a Markdown URL to a digested report file, for every gate and writer."""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from hostile_support import check, context, report_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjji import resolve
from cjji.build.html import HtmlBuildError, build_html
from cjji.build.pandoc_ast import BuildError, Options, Source, convert
from cjji.digest import _WINDOWS_DEVICES
from cjji.markdown import parse
from cjji.report import load

SCRIPT_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
              b'<script>alert(document.domain)</script></svg>')
CLEAN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>'


def files_of(folder: Path) -> dict[str, Path]:
    """The files the digest would list (built by hand: '%' in a name is the digest's business)."""
    return {p.relative_to(folder).as_posix(): p.resolve() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and p.relative_to(folder).parts[0] != "signoffs"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    base = tmp_path / "r"
    (base / "images").mkdir(parents=True)
    (base / "report.md").write_text("x\n")
    (base / "images" / "chart.png").write_bytes(b"png")
    (base / "images" / "my chart.png").write_bytes(b"png")
    (base / "images" / "chart%31.svg").write_bytes(b"svg")
    (base / "images" / ".hidden.png").write_bytes(b"png")
    (base / "signoffs").mkdir()
    (base / "signoffs" / "a.png").write_bytes(b"png")
    return base


@pytest.mark.parametrize(("url", "rel"), [
    ("images/chart.png", "images/chart.png"),
    ("./images/chart.png", "images/chart.png"),
    ("images//chart.png", "images/chart.png"),
    ("images/chart.png#frag", "images/chart.png"),
    ("images/chart.png?v=1", "images/chart.png"),
    ("images/my%20chart.png", "images/my chart.png"),
    ("images/chart%2531.svg", "images/chart%31.svg"),  # decoded once: %25 is '%'
    ("images/x/../chart.png", "images/chart.png"),
])
def test_names_a_digested_file(folder: Path, url: str, rel: str) -> None:
    found = resolve.resolve(url, files_of(folder))
    assert found.rel == rel
    assert found.path == (folder / rel).resolve()


@pytest.mark.parametrize(("url", "rule"), [
    ("", "missing-image"),
    ("images/chart%31.svg", "missing-image"),  # %31 is '1': chart1.svg does not exist
    ("images/nothing.png", "missing-image"),
    ("images", "missing-image"),
    ("../r/images/chart.png", "outside"),
    ("images/../../x.png", "outside"),
    ("%2e%2e/x.png", "outside"),
    ("/etc/passwd", "absolute-path"),
    ("%2Fetc%2Fpasswd", "absolute-path"),
    ("C:\\x.png", "absolute-path"),
    ("images\\chart.png", "bad-path"),
    ("images/chart%00.png", "bad-path"),
    ("images/%ff.png", "bad-path"),
    ("file:///etc/passwd", "file-url"),
    ("https://example.org/a.png", "remote-image"),
    ("//example.org/a.png", "remote-image"),
    ("images/.hidden.png", "hidden-file"),
    ("images/chart.png~", "hidden-file"),
    ("signoffs/a.png", "signoffs-file"),
    ("images/../signoffs/a.png", "signoffs-file"),
    ("images/cafe\u0301.png", "not-nfc"),
    ("images/cafe%CC%81.png", "not-nfc"),
])
def test_refuses_what_is_not_a_digested_report_file(folder: Path, url: str, rule: str) -> None:
    with pytest.raises(resolve.Unresolved) as caught:
        resolve.resolve(url, files_of(folder))
    assert caught.value.rule == rule
    assert caught.value.message and caught.value.hint


def test_a_file_on_disk_but_not_in_the_digest_is_refused(folder: Path) -> None:
    files = files_of(folder)
    (folder / "images" / "late.png").write_bytes(b"png")  # appeared after the digest was taken
    with pytest.raises(resolve.Unresolved) as caught:
        resolve.resolve("images/late.png", files)
    assert caught.value.rule == "missing-image"


def test_a_wrong_case_is_refused_with_the_right_name(folder: Path) -> None:
    with pytest.raises(resolve.Unresolved) as caught:
        resolve.resolve("images/Chart.png", files_of(folder))
    assert "the file is called 'images/chart.png'" in caught.value.hint


_NAME = st.text(alphabet=string.ascii_letters + string.digits + " -_éß", min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and "  " not in s
    and not _WINDOWS_DEVICES.match(s))  # refused by the digest, tested in tests/test_digest.py


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_NAME)
def test_property_the_url_markdown_it_makes_of_a_file_name_resolves_to_that_file(tmp_path: Path, name: str) -> None:
    """Whatever the author writes (a name with spaces, '%', accents, written %-encoded or as is in
    <...>), markdown-it's src decodes once to the file, and to no other."""
    folder = tmp_path / "f"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    target = folder / "images" / f"{name}.png"
    target.write_bytes(b"x")
    try:
        for written in (quote(f"images/{name}.png"), f"<images/{name}.png>"):
            [token] = [c for t in parse(f"![a]({written})\n") for c in t.children or [] if c.type == "image"]
            found = resolve.resolve(str(token.attrs["src"]), resolve.digested(folder))
            assert found.rel == unicodedata.normalize("NFC", f"images/{name}.png")
            assert found.path.read_bytes() == b"x"
    finally:
        target.unlink()


# -- issue 13, attack 11: the files gate and the builders agree on '%' ------------------------


def test_attack_11_percent_31_is_the_same_file_for_the_gate_and_the_site(tmp_path: Path) -> None:
    """`images/chart%31.svg`: the gate once inspected chart1.svg (clean) and the site shipped the
    literal chart%31.svg (a script). Now gate and site read the same file through cjji.resolve:
    chart1.svg; and a folder holding a name with '%' is refused by check and by the build alike."""
    folder = report_with(tmp_path, "![A chart.](images/chart%31.svg)")
    (folder / "images" / "chart1.svg").write_bytes(CLEAN_SVG)
    report = load(folder)
    assert resolve.resolve("images/chart%31.svg", resolve.report_files(report)).rel == "images/chart1.svg"
    assert [f for f in check(folder) if f.severity == "error"] == []
    out = tmp_path / "site"
    build_html(report, context().policy, out / "r.html")
    shipped = {p.name: p.read_bytes() for p in (out / "r-assets" / "images").iterdir()}
    assert shipped["chart1.svg"] == CLEAN_SVG and "chart%31.svg" not in shipped
    assert 'src="r-assets/images/chart1.svg"' in (out / "r.html").read_text()

    (folder / "images" / "chart%31.svg").write_bytes(SCRIPT_SVG)  # the attack's second file
    errors = [f for f in check(folder) if f.severity == "error"]
    assert errors, "a folder with the literal chart%31.svg must not pass check"
    try:
        build_html(load(folder), context().policy, out / "again.html")
    except HtmlBuildError:
        pass  # refused, as check said
    else:
        assets = out / "again-assets" / "images"
        assert not any(b"<script" in p.read_bytes() for p in assets.iterdir())


def test_a_script_svg_is_inspected_when_it_is_the_one_named(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "![A chart.](images/chart1.svg)")
    (folder / "images" / "chart1.svg").write_bytes(SCRIPT_SVG)
    [f] = [f for f in check(folder) if f.severity == "error" and f.gate == "files"]
    assert f.rule == "svg-unsafe" and "images/chart1.svg" in f.message


def test_attack_11_a_space_written_percent_20_passes_check_and_builds(tmp_path: Path) -> None:
    """`my%20chart.png` passed check and then failed the build with no line number."""
    folder = report_with(tmp_path, "![A chart.](images/my%20chart.png)")
    (folder / "images" / "my chart.png").write_bytes((folder / "images" / "chart.png").read_bytes())
    assert [f for f in check(folder) if f.severity == "error"] == []
    report = load(folder)
    out = tmp_path / "site"
    build_html(report, context().policy, out / "r.html")
    assert (out / "r-assets" / "images" / "my chart.png").is_file()
    assert 'src="r-assets/images/my%20chart.png"' in (out / "r.html").read_text()
    for target in ("typst", "docx"):
        blocks = convert(Source(report.tokens, report.dir, report.display, report.line_of), Options(target))
        assert "my chart.png" in str(blocks) or "data:image/png;base64," in str(blocks)


def test_attack_11_what_build_refuses_check_refuses_at_the_same_line(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "Text.\n\n![A chart.](images/no%20such.png)")
    report = load(folder)
    [f] = [f for f in check(folder) if f.severity == "error"]
    with pytest.raises(BuildError) as caught:
        convert(Source(report.tokens, report.dir, report.display, report.line_of), Options("typst"))
    [g] = caught.value.findings
    assert (f.gate, f.rule, f.line) == ("files", "missing-image", g.line)
    assert g.line > 0 and "images/no such.png" in g.message and "images/no such.png" in f.message


def test_an_image_without_alt_text_is_refused_by_check_as_the_build_refuses_it(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "Text.\n\n![](images/chart.png)")
    report = load(folder)
    [f] = [f for f in check(folder) if f.severity == "error"]
    with pytest.raises(BuildError) as caught:
        convert(Source(report.tokens, report.dir, report.display, report.line_of), Options("docx"))
    [g] = caught.value.findings
    assert (f.gate, f.rule, f.line) == ("files", "image-no-alt", g.line) and f.col > 0
    assert g.rule == "image-no-alt"
