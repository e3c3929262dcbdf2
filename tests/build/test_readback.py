"""The reader checks on real builds: the stress report and the example pass in every format, and
the checks themselves find what they should (cjji.build.readback)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from build.stress_support import LONG_TITLE, MARKER_CELLS, SIX, write_stress_report
from hypothesis import given
from hypothesis import strategies as st
from support import EXAMPLE, ROOT

from cjji.build import build_report, readback
from cjji.build.docx import PROPERTY_LIMIT, fit
from cjji.build.typst_markup import escape_markup
from cjji.gates import outputs
from cjji.gates.outputs import _struct_elements
from cjji.policy import load_policy
from cjji.report import load


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict[str, Path], object]:
    project = tmp_path_factory.mktemp("stress")
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, project / name)
    folder = write_stress_report(project / "reports")
    policy = load_policy(project)
    report = load(folder)
    files = build_report(report, policy, project / "out")
    return report, files, policy


@pytest.mark.slow
def test_the_stress_report_passes_every_reader_check(stress: tuple[object, dict[str, Path], object]) -> None:
    report, files, policy = stress
    found = outputs.run(report, files, policy)  # type: ignore[arg-type]
    assert [f"{f.rule}: {f.message}" for f in found] == []


@pytest.mark.slow
def test_the_stress_pdf_breaks_long_tables_and_keeps_marker_cells_as_text(
        stress: tuple[object, dict[str, Path], object]) -> None:
    _, files, _ = stress
    reading = readback.read_pdf(files["pdf"])
    pages_with_header = [p.number for p in reading.pages if readback.key("Where this report meets it") in
                         readback.key(p.body)]
    assert len(pages_with_header) >= 3  # three pages long, its header row repeated on each
    body = "".join(p.body for p in reading.pages)
    for cell in MARKER_CELLS:
        assert readback.key(cell) in readback.key(body)
    with pikepdf.open(files["pdf"]) as pdf:
        tags = [str(e.get("/S")) for e in _struct_elements(pdf.Root.StructTreeRoot)]
        assert tags.count("/Figure") >= 30 + len(SIX)
        assert tags[:3] == ["/Document", "/H1", "/P"] or "/H1" in tags[:4]  # the cover title is a heading
    labels = [p.label for p in reading.pages]
    first = labels.index("1")  # the body starts again at 1, after the front matter in roman
    assert labels[:first] == ["i", "ii", "iii", "iv", "v", "vi"][:first] and first >= 4
    assert labels[first:] == [str(n) for n in range(1, len(labels) - first + 1)]
    assert "Who we are" in reading.pages[2].body and "Contents" in reading.pages[first - 1].body + \
        reading.pages[first - 2].body


@pytest.mark.slow
def test_the_stress_word_file_has_short_properties_and_a_contents(
        stress: tuple[object, dict[str, Path], object]) -> None:
    from docx import Document

    _, files, _ = stress
    props = Document(str(files["docx"])).core_properties
    assert len(props.title) <= PROPERTY_LIMIT and props.title.endswith("…")
    assert props.author == "; ".join(SIX)  # six full names are too long: the codes, lead first
    _, _, entries = readback.read_docx(files["docx"])
    assert entries[:2] == ["Who we are", "Foreword"] and "1 Summary" in entries and "3 Figures" in entries
    with zipfile.ZipFile(files["docx"]) as z:
        assert b'<w:updateFields w:val="true"/>' in z.read("word/settings.xml")


@pytest.mark.slow
def test_every_stress_word_table_fills_the_text_width_unless_its_content_is_small(
        stress: tuple[object, dict[str, Path], object]) -> None:
    """Word lays a table out at its tblW: 5000 fiftieths of a per cent is the text width. Only a
    table whose longest cells add up to little keeps its natural (auto) width."""
    from lxml import etree

    from cjji.build.pandoc_ast import WIDE

    _, files, _ = stress
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    with zipfile.ZipFile(files["docx"]) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    tables = root.findall(".//w:body/w:tbl", ns)[1:]  # after the cover's brand band (page-wide)
    assert len(tables) >= 5
    widths = []
    for table in tables:
        width = table.find("w:tblPr/w:tblW", ns)
        kind, value = width.get(f"{{{ns['w']}}}type"), width.get(f"{{{ns['w']}}}w")
        rows = [["".join(c.itertext()) for c in tr.findall("w:tc", ns)] for tr in table.findall("w:tr", ns)]
        longest = [max((len(r[n]) for r in rows if n < len(r)), default=0) for n in range(max(map(len, rows)))]
        widths.append((kind, value))
        if sum(longest) > WIDE:
            assert (kind, value) == ("pct", "5000"), rows[0]
        else:
            assert kind == "auto", rows[0]
    assert ("pct", "5000") in widths


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_shows_the_word_contents(stress: tuple[object, dict[str, Path], object],
                                             tmp_path: Path) -> None:
    _, files, _ = stress
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(files["docx"])], check=True, capture_output=True,
                   timeout=240)
    reading = readback.read_pdf(tmp_path / files["docx"].with_suffix(".pdf").name)
    contents = next(p for p in reading.pages if "Contents" in p.body)
    for chapter in ("1 Summary", "2 Tables", "3 Figures", "4 Recommendations"):
        assert chapter in contents.body


def test_the_example_passes_every_reader_check(tmp_path: Path) -> None:
    policy = load_policy(ROOT)
    report = load(EXAMPLE)
    files = build_report(report, policy, tmp_path)
    assert [f"{f.rule}: {f.message}" for f in outputs.run(report, files, policy)] == []


# -- the parts ---------------------------------------------------------------------------------------
words = st.lists(st.text(alphabet="abcdefghij’-“”", min_size=1, max_size=8), min_size=1, max_size=12)


@given(words, st.lists(st.text(alphabet="xyz 0123", max_size=30), min_size=0, max_size=readback.MAX_JUMPS))
def test_a_paragraph_is_found_across_page_breaks_and_footnotes(parts: list[str], junk: list[str]) -> None:
    text = " ".join(parts)
    item = readback.Item("paragraph", text, "r.md", 1)
    shown = parts[:]
    for n, extra in enumerate(junk):  # a running head, footer or footnote between two words
        shown.insert(min(len(shown), 1 + 2 * n), f"\n{extra}\n")
    if not item.words:
        return
    assert readback.find(item.words, readback.key(" ".join(shown)), 0) is not None


@given(st.text(min_size=1, max_size=40))
def test_key_ignores_quotes_dashes_spaces_and_case(text: str) -> None:
    shown = text.replace("'", "’").replace('"', "“").replace(" ", "\n").upper()
    assert readback.key(shown) == readback.key(text.upper())


@given(st.text(max_size=400))
def test_fit_never_exceeds_the_property_limit(text: str) -> None:
    fitted = fit(text)
    assert len(fitted) <= PROPERTY_LIMIT
    if len(" ".join(text.split())) <= PROPERTY_LIMIT:
        assert fitted == " ".join(text.split())


def test_fit_cuts_the_long_title_at_a_word() -> None:
    fitted = fit(LONG_TITLE * 2)
    assert fitted.endswith("…") and (LONG_TITLE * 2).startswith(fitted[:-1])


@pytest.mark.parametrize("marker", ["1.", "10.", "-", "+", "/", "=", "=="])
def test_leading_markers_are_escaped_for_typst_everywhere(marker: str) -> None:
    cell = {"t": "Plain", "c": [{"t": "Str", "c": marker}, {"t": "Space"}, {"t": "Str", "c": "text"}]}
    link = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": marker}], ["#x", ""]]}
    heading = {"t": "Header", "c": [2, ["", [], []], [{"t": "Str", "c": marker}]]}
    tree = [cell, {"t": "Para", "c": [link]}, heading]
    escape_markup(tree)
    for inlines in (cell["c"], link["c"][1], heading["c"][2]):
        assert inlines[0] == {"t": "RawInline", "c": ["typst", "\\" + marker[0]]}


def test_ordinary_words_are_not_escaped() -> None:
    para = {"t": "Para", "c": [{"t": "Str", "c": "2026"}, {"t": "Space"}, {"t": "Str", "c": "-5%"}]}
    escape_markup([para])
    assert para["c"][0] == {"t": "Str", "c": "2026"}


@pytest.mark.slow
def test_every_format_shows_the_same_labels(stress: tuple[object, dict[str, Path], object]) -> None:
    from docx import Document

    _, files, _ = stress
    pdf_text = "\n".join(p.body for p in readback.read_pdf(files["pdf"]).pages)
    word_text = "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    page = files["html"].read_text(encoding="utf-8")
    for label in ("Notable practice 1", "Cause of concern 1", "Recommendation 1", "Annex A: How we did this",
                  "Annex B: How this inspection meets", "Table 1: Where the report meets each principle",
                  "Table 3: A wide table with a footnote"):
        assert readback.key(label) in readback.key(pdf_text), label
        assert readback.key(label) in readback.key(word_text), label
        assert readback.key(label) in readback.key(page), label


@pytest.mark.slow
def test_a_format_that_labels_a_finding_differently_fails(stress: tuple[object, dict[str, Path], object],
                                                          tmp_path: Path) -> None:
    """The old disagreement: an unnumbered notable practice was 'Notable practice 2' in HTML and
    'Notable practice' in Word. A page that drops the number fails, at the finding's line."""
    report, files, policy = stress
    page = tmp_path / files["html"].name
    page.write_text(files["html"].read_text(encoding="utf-8").replace(">Notable practice 1<", ">Notable practice<"),
                    encoding="utf-8")
    found = outputs.reader_findings(report, {"html": page}, policy)  # type: ignore[arg-type]
    assert [f.message for f in found] == ["the HTML page has lost this label: 'Notable practice 1'"]
    [lost] = found
    assert lost.rule == "html-text-lost" and lost.message == "the HTML page has lost this label: 'Notable practice 1'"
    line = report.text.split("\n").index("::: notable-practice") + 1  # type: ignore[attr-defined]
    assert lost.line == line
