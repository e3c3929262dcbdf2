"""What LibreOffice writes: a returned review copy saved again by LibreOffice (headless
`soffice --convert-to docx`, as an organisation using LibreOffice would return it) imports to the
same items at the same report.md places.

LibreOffice 7.4 (Debian 12) rewrites every part: runs, rsids, bookmarks, the comments part and
tracked changes in its own way. It keeps the custom XML map and the properties. It does not write
word/commentsExtended.xml, so a reply comes back as a separate comment on the same text; and it
cannot open a Word file with a comment inside a footnote ("source file could not be loaded"), so
that case is left out here. Driving LibreOffice itself through a Basic macro to add comments proved
fragile headless (the macro run hung), so its own comments are tested through this round trip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from review_support import Returned

from cjji.report import load
from cjji.review.importer import current_blocks, read_returned
from cjji.review.log import build_items

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (Debian libreoffice-writer) is not installed")


def through_libreoffice(data: bytes, tmp_path: Path) -> bytes:
    source = tmp_path / "returned.docx"
    source.write_bytes(data)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            SOFFICE or "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    converted = out / "returned.docx"
    assert converted.is_file(), done.stderr
    return converted.read_bytes()


def summary(folder: Path, data: bytes) -> list[tuple[object, ...]]:
    blocks, index, _ = current_blocks(load(folder))
    items, _ = build_items(read_returned(data, "returned.docx"), blocks, index)
    return sorted(
        (
            i["kind"] if i["kind"] != "reply" else "comment",
            i["who"],
            i["where"]["line"],
            i["where"]["col"],
            i["where"]["mapped"],
            i.get("quote", ""),
            str(i.get("proposed")),
            i.get("comment", ""),
        )
        for i in items
    )


def test_a_copy_saved_by_libreoffice_maps_the_same(example_copy: Path, review_copy: bytes, tmp_path: Path) -> None:
    doc = Returned(review_copy)
    first = doc.comment("72 of the 120 cases", "Our figure is 74.", author="CPS Reviewer")
    doc.comment("72 of the 120 cases", "Checked: 72 is right.", author="Helen Whitcombe", reply_to=first)
    doc.replace("60 per cent", "sixty per cent", within="That is 60 per cent.", author="Ann Clerk")
    doc.insert("rarely knew", "very ", author="Ann Clerk")
    doc.delete(" The other six were not.", author="Kim Roe")
    doc.move("Victims experience the whole of it.", "Each agency tends", author="Ann Clerk")
    doc.rsid_noise()
    word = doc.data()
    libre = through_libreoffice(word, tmp_path)
    assert libre != word
    expected = summary(example_copy, word)
    assert len(expected) == 6
    assert summary(example_copy, libre) == expected
