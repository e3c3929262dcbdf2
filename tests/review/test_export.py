"""The review copy: the branded docx plus anchors on every block, the map, properties, line
numbers and track changes; each anchor points at its text in report.md."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from lxml import etree
from support import EXAMPLE, ROOT

from cjji.digest import digest
from cjji.policy import load_policy
from cjji.report import load
from cjji.review.export import report_blocks
from cjji.review.importer import read_returned
from cjji.review.ooxml import W_NS, open_docx

W = f"{{{W_NS}}}"


def parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {n: archive.read(n) for n in archive.namelist()}


def test_every_block_is_anchored_once_and_points_at_its_source(review_copy: bytes) -> None:
    report = load(EXAMPLE)
    returned = read_returned(review_copy, "copy.docx")
    real = [a for a in returned.anchors if a.kind != "generated"]
    blocks = report_blocks(report, ROOT)
    assert len(real) == len(blocks)  # footnotes included; nothing left out
    assert {a.kind for a in real} >= {"heading", "paragraph", "cell", "caption", "table-caption", "footnote"}
    straight = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
    for anchor in real:
        source = report.lines[anchor.line - 1][anchor.col - 1 :]
        assert source.startswith(anchor.text.translate(straight)[:12]), (anchor, source)
    names = [a.name for a in returned.anchors]
    assert len(names) == len(set(names)) and all(len(n) <= 40 for n in names)
    document = etree.fromstring(parts(review_copy)["word/document.xml"])
    marked = {b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")}
    assert {a.name for a in returned.anchors if a.story == "document"} <= marked
    recommendation = next(a for a in real if a.finding == "R1")
    assert recommendation.number == "6.2" and recommendation.text.startswith("By 30 June 2027")


def test_properties_carry_the_digest_version_and_body(review_copy: bytes) -> None:
    package = open_docx(review_copy, "copy.docx")
    custom = package.xml("docProps/custom.xml")
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert props["cjji-report"] == EXAMPLE.name and props["cjji-version"] == "1" and props["cjji-body"] == "cps"
    assert props["cjji-digest"] == digest(EXAMPLE).value
    assert props["cjji-exported"] == "2026-11-20"
    header = json.loads(package.xml("customXml/item1.xml")[0].text)
    assert header["digest"] == props["cjji-digest"] and header["source_sha256"].startswith("sha256:")


def test_line_numbers_and_track_changes_are_on(review_copy: bytes) -> None:
    files = parts(review_copy)
    document = etree.fromstring(files["word/document.xml"])
    for sect in document.iter(f"{W}sectPr"):
        numbering = sect.find(f"{W}lnNumType")
        assert numbering is not None and numbering.get(f"{W}countBy") == "1"
        names = [etree.QName(c).localname for c in sect]
        # ECMA-376 order (pgMar before lnNumType before pgNumType), or Word calls the file corrupt
        assert names.index("pgMar") < names.index("lnNumType")
        assert all(names.index("lnNumType") < names.index(n) for n in ("pgNumType", "titlePg") if n in names)
    settings = etree.fromstring(files["word/settings.xml"])
    assert settings.find(f"{W}trackRevisions") is not None and settings.find(f"{W}doNotTrackMoves") is None


def test_the_copy_is_still_the_branded_document(review_copy: bytes, tmp_path: Path) -> None:
    from docx import Document

    doc = Document(io.BytesIO(review_copy))  # python-docx opens it
    assert doc.core_properties.title == load(EXAMPLE).meta["title"]
    cover = [p for t in doc.tables[:1] for c in t._cells for p in c.paragraphs]  # the cover's brand band
    styles = {p.style.name for p in [*doc.paragraphs, *cover]}
    assert "Title" in styles and "Numbered Paragraph" in styles
    types = parts(review_copy)["[Content_Types].xml"].decode()
    assert "/customXml/itemProps1.xml" in types
    assert load_policy(ROOT)  # the project still loads beside it
