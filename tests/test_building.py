"""Incremental builds: a warm build reuses outputs only while they are byte-for-byte what was built."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cjji.building import build_all
from cjji.policy import load_policy

pytestmark = pytest.mark.slow


def test_warm_build_reuses_outputs_and_a_damaged_output_is_rebuilt(example_copy: Path) -> None:
    project = example_copy.parents[1]
    policy = load_policy(project)
    out = project / "out"
    [cold] = build_all([example_copy], policy, out, ("html", "docx"))
    assert not cold.reason and not cold.cached
    first = {fmt: path.read_bytes() for fmt, path in cold.files.items()}
    [warm] = build_all([example_copy], policy, out, ("html", "docx"))
    assert warm.cached and warm.files == cold.files
    cold.files["html"].write_text("tampered")
    [again] = build_all([example_copy], policy, out, ("html", "docx"))
    assert not again.cached
    assert {fmt: path.read_bytes() for fmt, path in again.files.items()} == first


def test_a_changed_report_is_rebuilt(example_copy: Path) -> None:
    project = example_copy.parents[1]
    policy = load_policy(project)
    out = project / "out"
    build_all([example_copy], policy, out, ("html",))
    source = example_copy / "report.md"
    source.write_text(source.read_text().replace("Keeping victims informed", "Keeping victims well informed", 1))
    [result] = build_all([example_copy], policy, out, ("html",))
    assert not result.cached
    assert "Keeping victims well informed" in result.files["html"].read_text()


def test_a_suppressed_finding_does_not_block_the_build(example_copy: Path) -> None:
    source = example_copy / "report.md"
    text = source.read_text()
    marker = "# Acknowledgements {#acknowledgements}\n"
    assert marker in text
    source.write_text(text.replace(marker, marker + "\n<!-- cjji-disable-next-line style.latin -->\n"
                                   "Thanks to everyone, e.g. the victims who spoke to us.\n", 1))
    [result] = build_all([example_copy], load_policy(example_copy.parents[1]), example_copy.parents[1] / "out",
                         ("html",), use_cache=False)
    assert result.reason == "", [f.message for f in result.findings]
    assert "e.g. the victims" in result.files["html"].read_text()


def test_a_schema_change_is_not_up_to_date(example_copy: Path) -> None:
    """The build cache knows what `cjji check` knows: a report the new schema refuses is not built."""
    project = example_copy.parents[1]
    out = project / "out"
    [first] = build_all([example_copy], load_policy(project), out, ("html",))
    assert not first.reason
    schema = project / "schemas" / "report.schema.json"
    schema.write_text(schema.read_text().replace('"minimum": 1,', '"minimum": 2,', 1))
    [again] = build_all([example_copy], load_policy(project), out, ("html",))
    assert not again.cached
    assert again.reason == "the checks found 1 error (run `cjji check`)"
    assert [f.message for f in again.findings] == ["version must be at least 2"]


def test_a_new_grammar_server_is_not_up_to_date(example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for `cjji check`: pointing at a LanguageTool server may find new errors, so build checks again."""
    project = example_copy.parents[1]
    out = project / "out"
    monkeypatch.delenv("CJJI_LANGUAGETOOL_URL", raising=False)
    build_all([example_copy], load_policy(project), out, ("html",))
    monkeypatch.setenv("CJJI_LANGUAGETOOL_URL", "http://127.0.0.1:9")
    [again] = build_all([example_copy], load_policy(project), out, ("html",))
    assert not again.cached


def test_an_unchecked_id_never_leads_the_build_to_tidy_another_folder(example_copy: Path, tmp_path: Path) -> None:
    """`id: /elsewhere` is refused by the checks before the build removes any leftover .part file."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    leftover = elsewhere / ".notes.txt.abc.part"
    leftover.write_text("someone else's file")
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    source = example_copy / "report.md"
    source.write_text(source.read_text().replace("id: 2026-victim-updates", f"id: {elsewhere}", 1))
    [result] = build_all([example_copy], load_policy(example_copy.parents[1]), tmp_path / "out", ("html",))
    assert result.reason.startswith("the checks found")
    assert leftover.read_text() == "someone else's file"


# -- the outputs gate reads each file while the others are still being built ----------------------
def _paragraph_to_lose(report: object) -> object:
    """A plain body paragraph of the example (an Item: its text and line in report.md)."""
    from cjji.build import readback

    body, _ = readback.report_items(report)
    return next(item for item in body if item.kind == "paragraph" and len(item.words) > 12)


def test_a_file_damaged_by_its_builder_fails_the_build_when_read_early(
        example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML page is read (and compared with report.md) while the PDF is still being built,
    and a paragraph its builder lost is still an error at that paragraph's line."""
    import threading

    import lxml.html

    from cjji.build import html, pdf, readback
    from cjji.building import build_checked
    from cjji.gates import outputs
    from cjji.report import load

    report = load(example_copy)
    policy = load_policy(example_copy.parents[1])
    lost = _paragraph_to_lose(report)
    real_html, real_pdf, real_read = html.build_html, pdf.build_pdf, outputs._read_other_file

    def lossy_html(report: object, policy: object, dest: Path) -> Path:
        path = real_html(report, policy, dest)  # type: ignore[arg-type]
        page = lxml.html.fromstring(path.read_bytes())
        [para] = [p for p in page.iter("p") if readback.key(lost.text) in readback.key(p.text_content())]
        para.getparent().remove(para)
        path.write_bytes(lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8"))
        return path

    html_read = threading.Event()
    read_during_pdf: list[bool] = []

    def reading(fmt: str, path: Path, language: str, static: bool) -> object:
        result = real_read(fmt, path, language, static)
        if fmt == "html":
            html_read.set()
        return result

    def slow_pdf(report: object, policy: object, dest: Path) -> Path:
        read_during_pdf.append(html_read.wait(timeout=60))  # the PDF is not written until the page is read
        return real_pdf(report, policy, dest)  # type: ignore[arg-type]

    monkeypatch.setattr(html, "build_html", lossy_html)
    monkeypatch.setattr(pdf, "build_pdf", slow_pdf)
    monkeypatch.setattr(outputs, "_read_other_file", reading)
    folder = example_copy.parents[1] / "out" / report.id
    files, findings, reason = build_checked(report, policy, folder, ("html", "pdf"), report.display)
    assert read_during_pdf == [True]
    assert set(files) == {"html", "pdf"} and all(p.is_file() for p in files.values())
    assert reason.startswith("the built files failed")
    located = [f for f in findings if f.rule == "html-text-lost" and f.line == lost.line]
    assert [f.file for f in located] == [report.display], [f"{f.rule} {f.line}: {f.message}" for f in findings]
    assert located[0].message.startswith("the HTML page has lost this paragraph: '")
    assert not [f for f in findings if f.file.endswith(".pdf")]  # the PDF itself is fine


def test_a_builder_error_stops_the_build_with_its_located_error_and_no_partial_file(
        example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Word builder fails half-way through writing its file after the HTML page was written
    and read: the build reports the builder's own located error (nothing the readers found), no
    temporary file is left behind, and no reader thread outlives the build."""
    import threading

    from cjji import atomic
    from cjji.build import docx, html
    from cjji.build.pandoc_ast import BuildError
    from cjji.building import build_checked
    from cjji.findings import error
    from cjji.gates import outputs
    from cjji.report import load

    report = load(example_copy)
    policy = load_policy(example_copy.parents[1])
    real_html, real_read = html.build_html, outputs._read_other_file
    html_read = threading.Event()
    fault = error("build", "docx-broken", report.display, 42, 7, "the Word file could not be made")

    def reading(fmt: str, path: Path, language: str, static: bool) -> object:
        result = real_read(fmt, path, language, static)
        html_read.set()
        return result

    def full_disk(fd: int) -> None:  # the write fails half-way, after the temporary file has its bytes
        raise BuildError([fault])

    def failing_docx(report: object, policy: object, dest: Path) -> Path:
        assert html_read.wait(timeout=60)
        with monkeypatch.context() as during:
            during.setattr(os, "fsync", full_disk)
            atomic.write_bytes(dest, b"PK half a zip")
        raise AssertionError("the write above fails")

    def lossy_html(report: object, policy: object, dest: Path) -> Path:
        path = real_html(report, policy, dest)  # type: ignore[arg-type]
        path.write_text("<html><body><p>Nothing a reader wants</p></body></html>")  # the readers find plenty
        return path

    monkeypatch.setattr(docx, "build_docx", failing_docx)
    monkeypatch.setattr(html, "build_html", lossy_html)
    monkeypatch.setattr(outputs, "_read_other_file", reading)
    folder = example_copy.parents[1] / "out" / report.id
    files, findings, reason = build_checked(report, policy, folder, ("html", "docx"), report.display)
    assert (files, reason) == ({}, "it could not be built")
    assert [(f.file, f.line, f.col, f.message) for f in findings] == [
        (report.display, 42, 7, "the Word file could not be made")]
    assert not list(folder.rglob("*.part")) and not (folder / f"{report.id}.docx").exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("cjji-reader")]
