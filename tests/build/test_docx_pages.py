"""`cjji build --word-page-numbers`: the Word contents get the page numbers LibreOffice lays out
(cjji.build.docx_pages), and nothing else about the file changes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from support import FIXTURES, ROOT, examples

from cjji.build import docx_pages
from cjji.build.docx import build_docx
from cjji.build.docx_pages import (
    DOCUMENT,
    PageNumberError,
    _contents_entries,
    _read,
    _rendering_copy,
    _Section,
    _serialise,
    _write,
    add_page_numbers,
    entry_number,
    entry_text,
    page_labels,
    w,
)
from cjji.cli import cli
from cjji.policy import load_policy
from cjji.report import load

CONSTRUCTS = FIXTURES / "build" / "2027-all-constructs"
SOFFICE = docx_pages.soffice_path()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is installed by scripts/setup-system.sh --test")


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture report's Word file as cjji builds it (no page numbers)."""
    return build_docx(load(CONSTRUCTS), load_policy(ROOT), tmp_path_factory.mktemp("plain") / "constructs.docx")


def _copy(plain: Path, tmp_path: Path, name: str = "report.docx") -> Path:
    target = tmp_path / name
    shutil.copyfile(plain, target)
    return target


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _entries(path: Path) -> list[tuple[str, str]]:
    root = etree.fromstring(_parts(path)[DOCUMENT])
    return [(entry_text(link), entry_number(link)) for _, link in _contents_entries(root)]


# -- what LibreOffice shows ----------------------------------------------------------------------


def _render(docx: Path, outdir: Path) -> Path:
    assert SOFFICE is not None
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(outdir / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(docx)], capture_output=True, check=True,
                   timeout=180)
    return outdir / (docx.stem + ".pdf")


def _pages(pdf: Path) -> list[tuple[list[str], str]]:
    """Each page's lines of text, and the text printed in its footer (the bottom 20 mm)."""
    import pypdfium2 as pdfium

    out = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(len(document)):
            page = document[n]
            text = page.get_textpage()
            lines = [" ".join(line.split()) for line in text.get_text_range().splitlines()]
            foot = " ".join(text.get_text_bounded(bottom=0, top=57).split())
            out.append(([line for line in lines if line], foot))
            text.close()
            page.close()
    finally:
        document.close()
    return out


def _starts_a_line(heading: str, lines: list[str]) -> bool:
    """`heading` begins one of `lines` and ends at a line's end (a long heading wraps)."""
    for k in range(len(lines)):
        joined = ""
        for line in lines[k:k + 3]:
            joined = f"{joined} {line}".strip()
            if joined == heading:
                return True
            if not heading.startswith(joined):
                break
    return False


@needs_soffice
@pytest.mark.slow
def test_the_numbers_written_are_the_pages_libreoffice_prints_under_each_heading(plain: Path, tmp_path: Path) -> None:
    """Each entry's number is the footer LibreOffice prints on the page where that heading is: a
    different method from the one that wrote it (bookmarks, named destinations, section arithmetic)."""
    path = _copy(plain, tmp_path)
    done, problems = add_page_numbers([path])
    assert not problems and len(done) == 1 and done[0].missing == []
    entries = _entries(path)
    assert entries == done[0].entries and len(entries) > 8
    assert entries[0] == ("Who we are", "iii")  # the cover is i, the inside cover ii
    pages = _pages(_render(path, tmp_path / "render"))
    contents = next(n for n, (lines, _) in enumerate(pages) if "Contents" in lines)
    assert pages[contents][1] == roman_of(contents + 1)  # front matter footers are roman
    shown = " ".join(pages[contents][0])
    for text, number in entries:  # the contents page shows "Foreword......1"
        assert f"{text}" in shown and number in shown
    at = 0
    for text, number in entries:
        bare = text.split(" ", 1)[1] if text[0].isdigit() else text
        found = next(n for n in range(max(at, 1), len(pages))
                     if n != contents and (_starts_a_line(text, pages[n][0]) or _starts_a_line(bare, pages[n][0])))
        at = found
        footer = pages[found][1]
        assert footer in (number, f"Page {number}"), (text, number, footer)
    body = [n for _, n in entries if n.isdigit()]
    assert body[0] == "1" and body == sorted(body, key=int)


def roman_of(n: int) -> str:
    return docx_pages.roman(n)


@needs_soffice
@pytest.mark.slow
def test_the_command_numbers_the_built_file_and_the_next_plain_build_rebuilds(project: Path, example_copy: Path
                                                                              ) -> None:
    """The numbers are written after the build and its cache: a cached build is numbered too, and
    the next plain build sees other bytes than it recorded and builds again (never 'up to date'
    with a numbered file)."""
    def build(*extra: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["build", "--root", str(project), "-f", "docx", *extra],
                                  catch_exceptions=False)

    docx = project / "out" / example_copy.name / f"{example_copy.name}.docx"
    assert build().exit_code == 0
    plain = docx.read_bytes()
    run = build("--word-page-numbers")
    assert run.exit_code == 0, run.output
    assert "up to date" in run.output and "contents page numbers from LibreOffice" in run.output
    assert all(number for _, number in _entries(docx)) and docx.read_bytes() != plain
    again = build()
    assert again.exit_code == 0 and "up to date" not in again.output  # the cache knew the bytes changed
    assert docx.read_bytes() == plain  # the plain build is reproducible: the same bytes as before


# -- without LibreOffice, and with hostile files --------------------------------------------------


def test_a_missing_soffice_is_a_plain_error_and_the_file_keeps_its_bytes(plain: Path, tmp_path: Path) -> None:
    path = _copy(plain, tmp_path)
    before = path.read_bytes()
    done, problems = add_page_numbers([path], soffice=str(tmp_path / "no-such-soffice"))
    assert done == [] and len(problems) == 1
    finding = problems[0].finding
    assert finding.file.endswith("report.docx") and finding.severity == "error"
    assert "LibreOffice (soffice) is not installed" in finding.message and "unchanged" in finding.message
    assert "--word-page-numbers" in finding.hint
    assert path.read_bytes() == before


def test_the_command_without_soffice_says_so_exits_1_and_leaves_the_build(
        project: Path, example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_pages, "soffice_path", lambda: None)
    run = CliRunner().invoke(cli, ["build", "--root", str(project), "-f", "docx", "--word-page-numbers"])
    assert run.exit_code == 1
    assert "Traceback" not in run.output and run.exception is None or isinstance(run.exception, SystemExit)
    assert "LibreOffice (soffice) is not installed" in run.output
    docx = project / "out" / example_copy.name / f"{example_copy.name}.docx"
    assert docx.is_file() and not any(number for _, number in _entries(docx))


def test_the_option_needs_the_word_format(project: Path) -> None:
    run = CliRunner().invoke(cli, ["build", "--root", str(project), "-f", "pdf", "--word-page-numbers"])
    assert run.exit_code == 2 and "build docx too" in run.output


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


BOMB = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
        b'<w:r><w:instrText>TOC \\o</w:instrText></w:r><w:hyperlink w:anchor="x"><w:r><w:t>&c;&e;</w:t></w:r>'
        b'</w:hyperlink></w:p></w:body></w:document>')


@pytest.mark.parametrize(("data", "says"), [
    (b"", "not a Word file"),
    (b"PK\x03\x04 not really a zip", "not a Word file"),
    (_zip({"word/other.xml": b"<x/>"}), "not a Word file"),
    (_zip({DOCUMENT: b"<w:document><unclosed>"}), "not well-formed XML"),
    (_zip({DOCUMENT: b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                     b'<w:body><w:p><w:r><w:t>no contents</w:t></w:r></w:p></w:body></w:document>'}),
     "no contents field"),
])
def test_a_hostile_or_foreign_file_is_refused_by_name_and_left_alone(tmp_path: Path, data: bytes, says: str) -> None:
    path = tmp_path / "hostile.docx"
    path.write_bytes(data)
    done, problems = add_page_numbers([path], soffice=SOFFICE or "soffice")
    assert done == [] and len(problems) == 1
    assert says in problems[0].finding.message and problems[0].finding.file.endswith("hostile.docx")
    assert path.read_bytes() == data


def test_entities_are_not_expanded_and_no_file_is_read(tmp_path: Path) -> None:
    """A billion-laughs or external entity in document.xml: lxml is told not to resolve them."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(_zip({DOCUMENT: BOMB}))
    try:
        parsed = _read(path)
    except PageNumberError:
        return  # refused is fine too
    text = "".join(parsed.root.itertext())
    assert "root:" not in text and "aaaaaaaaaa" * 10 not in text


def test_a_missing_file_is_a_plain_error(tmp_path: Path) -> None:
    _, problems = add_page_numbers([tmp_path / "gone.docx"], soffice="soffice")
    assert "could not be read" in problems[0].finding.message


@needs_soffice
@pytest.mark.slow
def test_a_file_libreoffice_cannot_lay_out_and_a_link_to_nowhere_do_not_crash(plain: Path, tmp_path: Path) -> None:
    good = _copy(plain, tmp_path, "good.docx")
    parts = _parts(plain)
    parts[DOCUMENT] = parts[DOCUMENT].replace(b'w:anchor="foreword"', b'w:anchor="no-such-bookmark"', 1)
    nowhere = tmp_path / "nowhere.docx"
    nowhere.write_bytes(_zip(parts))
    parts = _parts(plain)
    parts["[Content_Types].xml"] = b"<not the content types"
    parts["word/styles.xml"] = b"\x00" * 100
    broken = tmp_path / "broken.docx"
    broken.write_bytes(_zip(parts))
    before = broken.read_bytes()
    parts = _parts(plain)
    parts[DOCUMENT] = parts[DOCUMENT].replace(b'w:anchor="', b'w:anchor="gone-')
    gone = tmp_path / "gone.docx"
    gone.write_bytes(_zip(parts))
    gone_before = gone.read_bytes()
    done, problems = add_page_numbers([good, nowhere, broken, gone])
    by_name = {d.path.name: d for d in done}
    [refused] = [p.finding for p in problems if p.finding.file.endswith("gone.docx")]
    assert "placed none of the headings" in refused.message and gone.read_bytes() == gone_before
    problems = [p for p in problems if not p.finding.file.endswith("gone.docx")]
    assert by_name["good.docx"].missing == []
    assert by_name["nowhere.docx"].missing == ["Foreword"]  # left without a number, the rest numbered
    assert dict(_entries(nowhere))["1 Summary"]
    if "broken.docx" not in by_name:  # LibreOffice may open it anyway, with default styles
        assert [p.finding.file.endswith("broken.docx") for p in problems] == [True]
        assert broken.read_bytes() == before


# -- the bytes -----------------------------------------------------------------------------------


def test_an_unchanged_document_serialises_to_the_same_bytes(plain: Path) -> None:
    xml = _parts(plain)[DOCUMENT]
    assert _serialise(etree.fromstring(xml)) == xml


def _fake_numbers(path: Path, page: int = 7) -> None:
    """_write as add_page_numbers calls it, with LibreOffice's answer made up: every mark on `page`."""
    parsed = _read(path)
    _, marks, sections = _rendering_copy(parsed)
    dests = {m: page for m in marks if m} | {s.mark: k + 1 for k, s in enumerate(sections) if s.mark}
    _write(parsed, marks, sections, dests, page + 5)


def test_only_the_contents_change_and_numbering_twice_gives_the_same_bytes(plain: Path, tmp_path: Path) -> None:
    path = _copy(plain, tmp_path)
    _fake_numbers(path)
    before, after = _parts(plain), _parts(path)
    assert list(before) == list(after)  # same parts, same order
    assert [name for name in before if before[name] != after[name]] == [DOCUMENT]
    once = path.read_bytes()
    _fake_numbers(path)
    assert path.read_bytes() == once  # the old numbers are replaced, not added to
    root = etree.fromstring(after[DOCUMENT])
    old = etree.fromstring(before[DOCUMENT])
    for (para, link), (_, old_link) in zip(_contents_entries(root), _contents_entries(old), strict=True):
        assert entry_text(link) == entry_text(old_link)
        runs = link.findall(w("r"))
        assert runs[-2].find(w("tab")) is not None and runs[-1].findtext(w("t")).isalnum()
        style = para.find(f"{w('pPr')}/{w('pStyle')}").get(w("val"))
        assert style in ("TOC1", "TOC2")  # whose tab stop is right-aligned with a dot leader
    styles = etree.fromstring(after["word/styles.xml"])
    for style in styles.iter(w("style")):
        if style.get(w("styleId")) in ("TOC1", "TOC2"):
            [tab] = style.iter(w("tab"))
            assert (tab.get(w("val")), tab.get(w("leader"))) == ("right", "dot")
            assert tab.get(w("pos")) == "9071"  # the text width, 160 mm, so the numbers line up at the margin
            indent = style.find(f"{w('pPr')}/{w('ind')}")
            assert indent is not None and indent.get(w("right")) == "567"  # a long entry wraps 10 mm short of them


def test_page_labels_follow_word_section_numbering() -> None:
    sections = [_Section("", "decimal", None), _Section("a", "lowerRoman", 2), _Section("b", "decimal", 1)]
    assert page_labels(sections, [0, 1, 4], 7) == ["1", "ii", "iii", "iv", "1", "2", "3"]
    # a section that LibreOffice gave no page for counts with the one before
    assert page_labels(sections, [0, 1, None], 5) == ["1", "ii", "iii", "iv", "v"]
    continued = [_Section("", "lowerRoman", None), _Section("a", "decimal", None)]
    assert page_labels(continued, [0, 2], 4) == ["i", "ii", "3", "4"]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6),
       page=st.integers(min_value=-3, max_value=50))
def test_a_damaged_document_never_crashes_the_numbering(plain: Path, tmp_path: Path, cuts: list[int],
                                                        page: int) -> None:
    """Elements removed anywhere in document.xml (a bookmark, a section break, the field's end,
    a heading), and LibreOffice answering any page: a PageNumberError or a valid file, never a crash."""
    parts = _parts(plain)
    root = etree.fromstring(parts[DOCUMENT])
    for cut in cuts:
        elements = [e for e in root.iter() if e.getparent() is not None]
        if elements:
            victim = elements[cut % len(elements)]
            victim.getparent().remove(victim)
    parts[DOCUMENT] = _serialise(root)
    path = tmp_path / "damaged.docx"
    path.write_bytes(_zip(parts))
    try:
        _fake_numbers(path, page)
    except PageNumberError as exc:
        assert exc.finding.file.endswith("damaged.docx")
        return
    with zipfile.ZipFile(path) as archive:
        etree.fromstring(archive.read(DOCUMENT))


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_soffice_that_fails_is_a_plain_error_with_what_it_said(plain: Path, tmp_path: Path) -> None:
    path = _copy(plain, tmp_path)
    before = path.read_bytes()
    soffice = _fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2; exit 1')
    done, problems = add_page_numbers([path], soffice=soffice)
    assert done == [] and len(problems) == 1
    message = problems[0].finding.message
    assert "LibreOffice could not lay out the Word file" in message and "source file could not be loaded" in message
    assert path.read_bytes() == before


def test_soffice_that_hangs_is_stopped_at_the_time_limit(plain: Path, tmp_path: Path) -> None:
    path = _copy(plain, tmp_path)
    before = path.read_bytes()
    soffice = _fake_soffice(tmp_path, "sleep 60")
    done, problems = add_page_numbers([path], seconds=1, soffice=soffice)
    assert done == [] and "took longer than the limit of 1 seconds" in problems[0].finding.message
    assert path.read_bytes() == before


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=255)),
                      min_size=1, max_size=8))
def test_a_damaged_zip_is_a_plain_error_never_a_crash(plain: Path, tmp_path: Path,
                                                      flips: list[tuple[int, int]]) -> None:
    """Bytes flipped anywhere in the file (a member's data, its CRC, the directory): the step
    reports the file or goes on to LibreOffice (here one that fails), never raises, never writes."""
    data = bytearray(plain.read_bytes())
    for at, bits in flips:
        data[at % len(data)] ^= bits
    path = tmp_path / "flipped.docx"
    path.write_bytes(bytes(data))
    soffice = _fake_soffice(tmp_path, "exit 1")
    done, problems = add_page_numbers([path], soffice=soffice)
    assert done == [] and len(problems) == 1 and problems[0].finding.file.endswith("flipped.docx")
    assert path.read_bytes() == bytes(data)


def test_a_damaged_part_other_than_the_document_is_a_plain_error(plain: Path, tmp_path: Path) -> None:
    """document.xml reads, but styles.xml's compressed bytes are damaged: the rendering copy
    (which copies every part) cannot be made, and the file is reported, not a zlib traceback."""
    data = bytearray(plain.read_bytes())
    info = zipfile.ZipFile(plain).getinfo("word/styles.xml")
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100] ^= 0x55
    path = tmp_path / "styles-damaged.docx"
    path.write_bytes(bytes(data))
    done, problems = add_page_numbers([path], soffice=_fake_soffice(tmp_path, "exit 1"))
    assert done == [] and "the zip is damaged" in problems[0].finding.message
    assert path.read_bytes() == bytes(data)
