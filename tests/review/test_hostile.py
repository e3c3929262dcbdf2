"""Hostile or wrong files given to `cjji review import` are refused with a clear error, and
nothing is changed: no review log written, report.md untouched."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjji.cli import cli
from cjji.review.ooxml import HostileFile, open_docx


def rezip(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = {n: archive.read(n) for n in archive.namelist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def xxe(parts: dict[str, bytes]) -> None:
    body = parts["word/document.xml"].decode()
    head, rest = body.split("?>", 1)
    parts["word/document.xml"] = (
        head + '?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest.replace("Foreword", "&x;", 1)
    ).encode()


def laughs(parts: dict[str, bytes]) -> None:
    entities = '<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    body = parts["word/comments.xml"].decode() if "word/comments.xml" in parts else ""
    parts["word/comments.xml"] = (f'<?xml version="1.0"?><!DOCTYPE c [{entities}]>' + body.split("?>", 1)[-1]).encode()


def macros(parts: dict[str, bytes]) -> None:
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro bytes"


def docm(parts: dict[str, bytes]) -> None:
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )


def embedded(parts: dict[str, bytes]) -> None:
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0 an OLE object"


def ole_in_text(parts: dict[str, bytes]) -> None:
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b'<w:body><w:p><w:r><w:object><v:shape id="x"/></w:object></w:r></w:p>', 1
    )


def no_map(parts: dict[str, bytes]) -> None:
    del parts["customXml/item1.xml"]


def other_report(parts: dict[str, bytes]) -> None:
    parts["customXml/item1.xml"] = parts["customXml/item1.xml"].replace(
        b'"report":"2026-victim-updates"', b'"report":"2027-another-report"'
    )


def lying_directory(data: bytes) -> bytes:
    """A part whose directory says 1 KB but which unpacks to 200 MB of zeros."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.png", b"\0" * (200 * 1024 * 1024))
    raw = bytearray(out.getvalue())
    return bytes(raw)


def bomb(data: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.png", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "not a docx": (lambda _: b"%PDF-1.7 this is a PDF", "is not a Word .docx file"),
    "old doc": (lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-style .doc file"),
    "damaged zip": (lambda d: d[: len(d) // 2], "zip is damaged"),
    "zip of something else": (lambda _: _zip_of({"readme.txt": b"hello"}), "not a Word document"),
    "zip bomb": (bomb, "zip bomb"),
    "xxe": (lambda d: rezip(d, xxe), "DOCTYPE or entities"),
    "billion laughs": (lambda d: rezip(d, laughs), "DOCTYPE or entities"),
    "macros": (lambda d: rezip(d, macros), "contains macros"),
    "docm": (lambda d: rezip(d, docm), "macros"),
    "embedded object": (lambda d: rezip(d, embedded), "embedded object"),
    "object in the text": (lambda d: rezip(d, ole_in_text), "embedded object"),
    "no review map": (lambda d: rezip(d, no_map), "not a cjji review copy"),
    "another report": (lambda d: rezip(d, other_report), "is a review copy of the report '2027-another-report'"),
}


def _zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_a_reason_and_nothing_changed(
    case: str, example_copy: Path, project: Path, review_copy: bytes
) -> None:
    make, reason = CASES[case]
    returned = project / "returned.docx"
    returned.write_bytes(make(review_copy))
    before = (example_copy / "report.md").read_bytes()
    result = CliRunner().invoke(
        cli, ["review", "import", "--root", str(project), str(example_copy), str(returned), "--from", "cps"]
    )
    assert result.exit_code == 2, result.output
    assert reason in result.output and "nothing was changed" in result.output, result.output
    assert "Traceback" not in result.output
    assert not (example_copy / "reviews").exists()
    assert (example_copy / "report.md").read_bytes() == before


def test_absurd_size_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjji.review import importer, ooxml

    monkeypatch.setattr(ooxml, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.docx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 5000)
    with pytest.raises(HostileFile, match="the limit is"):
        importer.read_file(path, "big.docx")


def test_a_part_larger_than_its_directory_says_is_caught(review_copy: bytes) -> None:
    data = bytearray(rezip(review_copy, lambda parts: parts.update({"word/x.xml": b"<a>" + b" " * 5000 + b"</a>"})))
    # shrink the declared size of word/x.xml in the central directory: the reader must not trust it
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("word/x.xml")
    central = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).find(b"word/x.xml", info.header_offset + 30))
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # uncompressed size
    with pytest.raises(HostileFile, match="zip bomb|cannot be read"):
        open_docx(bytes(data), "x.docx")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_refused_cleanly(data: bytes) -> None:
    with pytest.raises(HostileFile):
        open_docx(data, "x.docx")


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=10_000), flip=st.integers(min_value=0, max_value=255))
def test_corrupted_copies_never_crash(review_copy: bytes, cut: int, flip: int) -> None:
    from cjji.review.importer import read_returned

    data = bytearray(review_copy)
    position = cut % len(data)
    data[position] = flip
    with contextlib.suppress(HostileFile):  # refused is fine; any other exception fails the test
        read_returned(bytes(data), "x.docx")
