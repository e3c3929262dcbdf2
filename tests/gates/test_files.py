"""The files gate: paths stay in the report folder; images are checked by content, size and pixels."""

from __future__ import annotations

import dataclasses
import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from hostile_support import BASE, context, report_with
from PIL import Image
from support import EXAMPLE

from cjji.findings import Finding
from cjji.gates import files
from cjji.gates.base import Context
from cjji.report import load

BASE_LINES = len((BASE / "report.md").read_text(encoding="utf-8").rstrip("\n").split("\n"))
FIRST = BASE_LINES + 2  # the line where report_with() puts the extra body
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&d;</text></svg>')


def run(folder: Path, ctx: Context | None = None) -> list[Finding]:
    return files.run(load(folder), ctx or context())


def with_image(tmp_path: Path, name: str, data: bytes, markdown: str = "") -> Path:
    folder = report_with(tmp_path, markdown or f"![A figure.](images/{name})")
    (folder / "images" / name).write_bytes(data)
    return folder


def limits(**images: object) -> Context:
    policy = context().policy
    merged = {**policy.get("limits")["images"], **images}
    return dataclasses.replace(context(), policy=dataclasses.replace(
        policy, files={**policy.files, "limits": {"images": merged}}))


def png(width: int, height: int) -> bytes:
    """A real PNG of random pixels (so that it does not compress to nothing)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels of zeros: a few hundred bytes on disk."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    row = bytes(1 + (width + 7) // 8)  # filter byte + one bit per pixel
    pixels = zlib.compress(row * min(height, 64), 9)  # the rest is missing: never decoded anyway
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def test_the_example_and_the_base_report_pass() -> None:
    assert run(EXAMPLE) == []
    assert run(BASE) == []


@pytest.mark.parametrize(("target", "rule", "message"), [
    ("../2027-other/images/chart.png", "outside", "points outside the report folder"),
    ("images/../../secret.png", "outside", "points outside the report folder"),
    ("../2027-hostile/images/chart.png", "outside", "points outside the report folder"),
    ("/etc/passwd", "absolute-path", "is an absolute path"),
    ("C:\\Users\\me\\chart.png", "absolute-path", "is an absolute path"),
    ("https://example.org/chart.png", "remote-image", "would be fetched from the internet"),
    ("//example.org/chart.png", "remote-image", "would be fetched from the internet"),
    ("images/missing.png", "missing-image", "does not exist"),
    ("images", "missing-image", "is a folder"),
])
def test_image_targets(tmp_path: Path, target: str, rule: str, message: str) -> None:
    folder = report_with(tmp_path, f"Before.\n\n![A figure.]({target})")
    [f] = run(folder)
    assert (f.rule, f.line, f.col, f.severity) == (rule, FIRST + 2, 14, "error")
    assert message in f.message


def test_links_may_go_to_the_web_but_not_out_of_the_folder(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "[web](https://example.org) [section](#findings) "
                                   "[assessment](impact-assessment.md) [up](../other/report.md) "
                                   "[abs](/etc/hosts)")
    line = (folder / "report.md").read_text().split("\n")[FIRST - 1]
    assert [(f.rule, f.col) for f in run(folder)] == [
        ("outside", line.index("../other") + 1), ("absolute-path", line.index("/etc/hosts") + 1)]


@pytest.mark.parametrize("name", [".chart.png", "chart.png~", "chart.png.bak", "~$chart.png"])
def test_a_hidden_or_temporary_file_is_refused_as_sign_offs_do_not_cover_it(tmp_path: Path, name: str) -> None:
    folder = with_image(tmp_path, name, png(2, 2))
    [f] = run(folder)
    assert (f.rule, f.line, f.col, f.severity) == ("hidden-file", FIRST, 14, "error")
    assert f.message == (f"the image 'images/{name}' names a hidden or temporary file ('{name}'), which "
                         "sign-offs do not cover: it could change after the gatekeepers signed")


def test_a_link_into_a_hidden_folder_is_refused(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "See [the data](.drafts/data.csv).")
    (folder / ".drafts").mkdir()
    (folder / ".drafts" / "data.csv").write_text("a,b\n")
    assert [(f.rule, f.col) for f in run(folder)] == [("hidden-file", 16)]


def test_an_image_in_the_signoffs_folder_is_refused(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "![A figure.](images/../signoffs/chart.png)")
    (folder / "signoffs").mkdir()
    (folder / "signoffs" / "chart.png").write_bytes(png(2, 2))
    [f] = run(folder)
    assert (f.rule, f.col, f.message) == (
        "signoffs-file", 14,
        "the image 'images/../signoffs/chart.png' is in the signoffs/ folder, which sign-offs do not cover")


def test_a_link_without_an_address(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "See [the summary]() and [this](<>).")
    assert [(f.rule, f.line, f.message) for f in run(folder)] == [
        ("empty-link", FIRST, "the link has no address"), ("empty-link", FIRST, "the link has no address")]


def test_symbolic_links_leading_out_are_errors(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png(2, 2))
    folder = report_with(tmp_path, "![a](images/secret.png) ![b](shared/secret.png)")
    (folder / "images" / "secret.png").symlink_to(outside / "secret.png")
    (folder / "shared").symlink_to(outside, target_is_directory=True)
    found = run(folder)
    assert [(f.rule, f.col) for f in found] == [("bad-folder", 1), ("symlink-outside", 6), ("symlink-outside", 30)]
    assert "a link that leads outside the report folder" in found[0].message


def test_a_report_md_linked_from_outside_is_an_error(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "")
    (folder / "report.md").rename(tmp_path / "elsewhere.md")
    (folder / "report.md").symlink_to(tmp_path / "elsewhere.md")
    [f] = run(folder)
    assert (f.rule, f.line, f.message) == (
        "symlink-outside", 1, "report.md is a symbolic link to a file outside the report folder")


def test_a_symbolic_link_inside_the_folder_is_fine(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "![a](images/alias.png)")
    (folder / "images" / "alias.png").symlink_to("chart.png")
    assert run(folder) == []


@pytest.mark.parametrize(("data", "looks_like"), [
    (b"hello, this is text", "text"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a web page (HTML)"),
    (b"%PDF-1.7\n", "a PDF document"),
    (b"BM" + bytes(60), "a BMP bitmap"),
    (bytes(range(256)), "unknown data"),
])
def test_image_type_is_judged_by_content_not_name(tmp_path: Path, data: bytes, looks_like: str) -> None:
    [f] = run(with_image(tmp_path, "chart2.png", data))
    assert (f.rule, f.line, f.col) == ("image-type", FIRST, 14)
    assert f.message.endswith(f"its content looks like {looks_like}")


def test_a_png_named_jpg_is_a_warning(tmp_path: Path) -> None:
    [f] = run(with_image(tmp_path, "photo.jpg", png(4, 4)))
    assert (f.severity, f.rule) == ("warning", "image-name")
    assert f.message == "the image 'images/photo.jpg' is named like a JPEG file but is a PNG image"


def test_size_and_pixel_limits_come_from_policy(tmp_path: Path) -> None:
    folder = with_image(tmp_path, "big.png", png(300, 200))
    assert run(folder) == []
    [size] = [f for f in run(folder, limits(max_bytes=300)) if "big.png" in f.message]
    assert size.rule == "image-too-large" and "MB; the limit is 0.0 MB (checks/limits.yml)" in size.message
    [pixels] = run(folder, limits(max_pixels=50_000))
    assert pixels.rule == "image-pixels"
    assert "is 300 x 200 pixels" in pixels.message


def test_a_decompression_bomb_is_refused_without_decoding_it(tmp_path: Path) -> None:
    folder = with_image(tmp_path, "bomb.png", bomb_png(100_000, 100_000))
    started = time.perf_counter()
    [f] = run(folder)
    assert time.perf_counter() - started < 1
    assert f.rule == "image-pixels"


def test_a_truncated_image_is_broken(tmp_path: Path) -> None:
    [f] = run(with_image(tmp_path, "cut.png", png(64, 64)[:60]))
    assert f.rule == "image-broken" and "damaged or not a complete PNG image" in f.message


@pytest.mark.parametrize(("svg", "problem"), [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a <script> element"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "an 'onload' event handler"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     '<image xlink:href="https://example.org/a.png"/></svg>', "a reference to 'https://example.org/a.png'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
     "a reference to 'javascript:alert(1)'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>',
     "a <foreignobject> element"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://example.org/a.css);</style></svg>',
     "a style sheet that loads something from elsewhere"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://example.org/p.svg#g)"/></svg>',
     "an external url() in 'fill'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
     "an <set> that changes 'href'"),
    ('<?xml-stylesheet href="https://example.org/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "a link to a style sheet"),
])
def test_unsafe_svg(tmp_path: Path, svg: str, problem: str) -> None:
    [f] = run(with_image(tmp_path, "drawing.svg", svg.encode()))
    assert (f.rule, f.line) == ("svg-unsafe", FIRST)
    assert problem in f.message


def test_an_svg_entity_bomb_is_refused_quickly(tmp_path: Path) -> None:
    folder = with_image(tmp_path, "lol.svg", BILLION_LAUGHS.encode())
    started = time.perf_counter()
    [f] = run(folder)
    assert time.perf_counter() - started < 1
    assert f.rule == "svg-unsafe" and "declares XML entities" in f.message


def test_svg_that_is_not_svg_or_not_xml(tmp_path: Path) -> None:
    [f] = run(with_image(tmp_path, "d.svg", b"<?xml version='1.0'?><html><svg/></html>"))
    assert f.rule == "image-type" and "its root is <html>" in f.message
    [g] = run(with_image(tmp_path, "d.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>"))
    assert g.rule == "image-broken"


def test_the_same_image_twice_is_reported_at_each_place(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "![a](images/none.png)\n\n![b](images/none.png)")
    assert [(f.rule, f.line) for f in run(folder)] == [("missing-image", FIRST), ("missing-image", FIRST + 2)]


def test_an_image_inside_another_images_description_is_checked_too(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "![a chart ![b](https://example.org/x.png)](images/chart.png)")
    [f] = run(folder)
    assert (f.rule, f.line, f.col) == ("remote-image", FIRST, 16)
