"""The same inputs and SOURCE_DATE_EPOCH give byte-identical Word and PDF files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from support import FIXTURES, ROOT

from cjji.build.docx import build_docx
from cjji.build.pdf import build_pdf
from cjji.policy import load_policy
from cjji.report import load

CONSTRUCTS = FIXTURES / "build" / "2027-all-constructs"
EPOCH = 1_800_000_000  # 2027-01-15T08:00:00Z


@pytest.mark.parametrize("builder, suffix", [(build_docx, "docx"), (build_pdf, "pdf")])
def test_two_builds_are_byte_identical(builder, suffix: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    policy = load_policy(ROOT)
    first = builder(load(CONSTRUCTS), policy, tmp_path / f"a.{suffix}").read_bytes()
    second = builder(load(CONSTRUCTS), policy, tmp_path / f"b.{suffix}").read_bytes()
    assert first == second


def test_source_date_epoch_sets_the_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    policy = load_policy(ROOT)
    docx = build_docx(load(CONSTRUCTS), policy, tmp_path / "x.docx")
    stamp = dt.datetime.fromtimestamp(EPOCH, dt.UTC)
    props = Document(str(docx)).core_properties
    assert props.created == stamp and props.modified == stamp
    assert {i.date_time for i in zipfile.ZipFile(docx).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    pdf = build_pdf(load(CONSTRUCTS), policy, tmp_path / "x.pdf")
    with pikepdf.open(pdf) as doc:
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20270115080000")
