"""Agreement (issue 15): what the model decides, every format shows, in the same order.

From the resolved model (cjji.build.publication.resolved_tokens, cjji.build.numbering, cjji.blocks,
the framework annex) the test takes six sequences: headings with their numbers, paragraph numbers,
box labels, figure and table numbers with captions, the footnote count and external link
targets. It reads the same sequences back from the built files as a reader's software would:
the HTML page's DOM (lxml), the Word file's XML (its list numbering worked out as Word does:
cjji.build.readback.WordNumbering) and the PDF (its outline for the headings, its text layer for
the labels and captions, its link annotations for the targets). Each must equal the model's.

The outputs gate (cjji.gates.outputs) already checks every build for the labels in order, as
text found in the text of each file; this test checks the sequences themselves, element by element,
on the example, on the generated stress report (tests/build/stress_support.py) and on a sample of
the CommonMark corpus (20 examples, HTML and Word each; the PDF once for the 20 together).

Front matter (cover, "Who we are", the licence and contact links) comes before the body in every
format and is not part of the report's token stream: a format's sequence must END with the
model's, and what comes before may only be the front matter the HTML page shows outside its body.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from build.stress_support import write_stress_report
from hostile_support import CORPORA, make_project, report_with
from support import EXAMPLE, ROOT

from cjji.blocks import (
    annex_letters,
    data_caption,
    data_url,
    figure_caption,
    figure_numbers,
    finding_labels,
    labels_of,
    table_numbers,
)
from cjji.build import build_report, readback
from cjji.build.brand import load_brand
from cjji.build.numbering import is_table_caption, number
from cjji.build.publication import annex_markdown, numbering_options, resolved_tokens
from cjji.build.readback import _inline_text as _inline  # the text a heading or caption shows
from cjji.markdown import parse
from cjji.policy import Policy, load_policy
from cjji.report import Report, load

pytestmark = pytest.mark.slow

EXTERNAL = ("http://", "https://", "mailto:")
# a paragraph number as a reader sees it: "3.12", "A.2" (an annex), "S4" (a prefixed summary); not a
# numbered list's "1." or "a)"
PARAGRAPH_NUMBER = re.compile(r"(?:\d+\.|[A-Z]\.?)\d+")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass
class Sequences:
    headings: list[str] = field(default_factory=list)  # "3.2 Timeliness", "Annex A: ...", "Foreword"
    paragraphs: list[str] = field(default_factory=list)  # "3.4"
    boxes: list[str] = field(default_factory=list)  # "Recommendation 1", "Notable practice 2"
    figures: list[str] = field(default_factory=list)  # "Figure 1: Days taken ..."
    tables: list[str] = field(default_factory=list)  # "Table 2: Evidence gathered ..."
    footnotes: int = 0
    links: list[str] = field(default_factory=list)  # external targets, in reading order


def norm(text: str) -> str:
    """Numbers and words as a reader compares them: typography (curly quotes, dashes, spaces,
    tabs after a list number) does not count; letters, digits and the dots of numbers do."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(re.sub(r"[^\w.:' ]+", " ", text.replace("\t", " ")).split()).casefold().rstrip(".")


# -- the model ------------------------------------------------------------------------------------
def model(report: Report, policy: Policy) -> Sequences:
    brand = load_brand(policy.root)
    labels = labels_of(policy, report)
    headings_on, paragraphs_on = numbering_options(report, brand)
    streams = [resolved_tokens(report, policy, brand)]
    annex = annex_markdown(report, policy)
    if annex:
        streams.append(parse(annex))
    seq = Sequences()
    counts: dict[str, int] = {}
    tables = figures = annexes = 0
    body_links: list[str] = []
    note_links: list[str] = []
    for n, tokens in enumerate(streams):
        numbering = number(tokens, paragraphs=paragraphs_on and n == 0)
        boxes = finding_labels(tokens, labels, counts)
        table_no = table_numbers(tokens, tables)
        figure_no = figure_numbers(tokens, figures)
        letters = annex_letters(tokens, annexes)
        tables += len(table_no)
        figures += len(figure_no)
        annexes += len(letters)
        depth = 0
        table_labels: dict[int, str] = {}  # by token: a figure's data table follows it, among the tables
        figure_labels: dict[int, str] = {}
        for i, token in enumerate(tokens):
            depth += token.type == "footnote_block_open"
            if token.type == "heading_open" and depth == 0:
                prefix = " ".join(p for p in ((numbering.headings.get(i, "") if headings_on else ""),
                                               (f"{labels.annex} {letters[i]}:" if i in letters else "")) if p)
                seq.headings.append(f"{prefix} {_inline(tokens[i + 1])}".strip())
            elif token.type == "paragraph_open" and i in numbering.paragraphs and depth == 0:
                seq.paragraphs.append(numbering.paragraphs[i])
            elif token.type == "div_open" and i in boxes:
                seq.boxes.append(boxes[i])
            elif token.type == "table_open" and i in table_no:
                close = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                caption = _inline(tokens[close + 2]).removeprefix("Table:").strip() if is_table_caption(
                    tokens, close + 1) else ""
                caption = re.sub(r"\s*\{#[^}]*\}$", "", caption)
                table_labels[i] = f"{labels.table} {table_no[i]}" + (f": {caption}" if caption else "")
            elif token.type == "paragraph_open" and i in figure_no:
                image = next(c for c in tokens[i + 1].children or [] if c.type == "image")
                figure_labels[figure_no[i]] = figure_caption(image, figure_no[i], labels)
                if data_url(image) is not None:  # "Data for figure 1: ...", the table right after the figure
                    table_labels[i] = data_caption(image, figure_no[i], labels)
            elif token.type == "inline":
                for child in token.children or []:
                    href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
                    if href.startswith(EXTERNAL):
                        (note_links if depth else body_links).append(href)
        seq.tables += [table_labels[k] for k in sorted(table_labels)]
        seq.figures += [figure_labels[k] for k in sorted(figure_labels)]
        seq.footnotes += readback.note_count(tokens)
    seq.links = body_links + note_links
    return seq


# -- HTML: the DOM ----------------------------------------------------------------------------------
def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def html_sequences(path: Path) -> tuple[Sequences, list[str], set[str]]:
    """(the body's sequences, the front matter's link targets, the front matter's headings)."""
    from lxml import html

    root = html.fromstring(path.read_bytes())
    [body] = root.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " report-body ")]')
    seq = Sequences()
    for element in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if element.xpath('ancestor::*[contains(@class, "footnotes")]'):
            continue
        seq.headings.append(_text(element))
    seq.paragraphs = [_text(e) for e in body.xpath('.//*[@class="paragraph-number"]')]
    seq.boxes = [_text(e) for e in body.xpath('.//*[contains(concat(" ", @class, " "), " callout-label ")]')]
    seq.figures = [_text(e) for e in body.iter("figcaption")]
    seq.tables = [_text(e) for e in body.iter("caption")]
    seq.footnotes = readback.html_note_count(path)
    seq.links = [str(a.get("href")) for a in body.iter("a") if str(a.get("href", "")).startswith(EXTERNAL)]
    in_body = 'ancestor::div[contains(concat(" ", normalize-space(@class), " "), " report-body ")]'
    front_links = [str(a.get("href")) for a in root.iter("a") if str(a.get("href", "")).startswith(EXTERNAL)
                   and not a.xpath(in_body) and not a.xpath("ancestor::footer")]
    front_headings = {norm(_text(h)) for h in root.iter("h2") if str(h.get("id", "")).startswith("cjji-")}
    return seq, front_links, front_headings


# -- Word: the XML, with Word's list numbers ------------------------------------------------------------
def docx_sequences(path: Path) -> Sequences:
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        document = etree.fromstring(z.read("word/document.xml"))
        numbering = readback.WordNumbering(z.read("word/numbering.xml") if "word/numbering.xml" in names else b"",
                                           z.read("word/styles.xml"))
        rels = _rels(z.read("word/_rels/document.xml.rels"))
        notes = z.read("word/footnotes.xml") if "word/footnotes.xml" in names else b""
        note_rels = _rels(z.read("word/_rels/footnotes.xml.rels")) if "word/_rels/footnotes.xml.rels" in names else {}
    for sdt in list(document.iter(f"{W}sdt")):  # the contents list repeats the headings: not the body
        gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
        if gallery is not None and "Contents" in (gallery.get(f"{W}val") or "") and sdt.getparent() is not None:
            sdt.getparent().remove(sdt)
    seq = Sequences()
    for para in document.iter(f"{W}p"):
        style_element = para.find(f"{W}pPr/{W}pStyle")
        style = style_element.get(f"{W}val", "") if style_element is not None else ""
        shown = numbering.number(para)  # every numbered paragraph counts, in order, as in Word
        text = " ".join("".join(t.text or "" for t in para.iter(f"{W}t")).split())
        if re.fullmatch(r"Heading\d", style):
            seq.headings.append(f"{shown.strip()} {text}".strip())
        elif PARAGRAPH_NUMBER.fullmatch(shown.strip()):  # a box's paragraphs are numbered too
            seq.paragraphs.append(shown.strip())
        if style == "CalloutLabel":
            seq.boxes.append(text)
        elif style == "ImageCaption":
            seq.figures.append(text)
        elif style == "TableCaption":
            seq.tables.append(text)
    seq.footnotes = readback.docx_note_count(path)
    seq.links = _hyperlinks(document, rels)
    if notes:
        seq.links += _hyperlinks(etree.fromstring(notes), note_rels)
    return seq


def _rels(xml: bytes) -> dict[str, str]:
    from lxml import etree

    return {r.get("Id", ""): r.get("Target", "") for r in etree.fromstring(xml)}


def _hyperlinks(root: Any, rels: dict[str, str]) -> list[str]:
    found = []
    for link in root.iter(f"{W}hyperlink"):
        target = rels.get(link.get(f"{R}id", ""), "")
        if target.startswith(EXTERNAL):
            found.append(target)
    return found


# -- PDF: the outline, the text layer, the link annotations ----------------------------------------------
def pdf_sequences(path: Path, expected: Sequences) -> Sequences:
    """Headings from the outline (the bookmarks a reader navigates by); labels and captions as
    they occur in the text layer, in reading order; link targets from the annotations."""
    import pikepdf

    seq = Sequences()
    with pikepdf.open(path) as pdf:
        with pdf.open_outline() as outline:
            def walk(items: list[Any]) -> None:
                for item in items:
                    seq.headings.append(" ".join(str(item.title).split()))
                    walk(item.children)

            walk(outline.root)
        for page in pdf.pages:
            for annot in page.get("/Annots", []) or []:
                action = annot.get("/A")
                uri = action.get("/URI") if action is not None else None
                if uri is not None and str(uri).startswith(EXTERNAL):
                    target = str(uri)
                    if not seq.links or seq.links[-1] != target:  # one link broken over two lines
                        seq.links.append(target)
    text = " ".join(p.body for p in readback.read_pdf(path).pages)
    flat = norm(text)
    for kind in ("boxes", "figures", "tables"):
        setattr(seq, kind, _in_order(flat, [norm(s) for s in getattr(expected, kind)]))
    return seq


def _in_order(flat: str, wanted: list[str]) -> list[str]:
    """The wanted labels that the text shows, each after the one before (a label found out of
    order, or not at all, is left out: the comparison then fails and says which)."""
    found, at = [], 0
    for label in wanted:
        where = flat.find(label, at)
        if where >= 0:
            found.append(label)
            at = where + len(label)
    return found


# -- the comparison -----------------------------------------------------------------------------------
def assert_agree(expected: Sequences, files: dict[str, Path]) -> None:
    kinds = ("headings", "paragraphs", "boxes", "figures", "tables")
    want = {k: [norm(s) for s in getattr(expected, k)] for k in kinds}
    problems: list[str] = []
    front_links: list[str] = []
    front_headings: set[str] | None = None
    if "html" in files:
        got, front_links, front_headings = html_sequences(files["html"])
        problems += _differences("HTML", want, got, expected, suffix=False)
    if "docx" in files:
        got = docx_sequences(files["docx"])
        problems += _differences("Word", want, got, expected, suffix=True, front_links=front_links or None,
                                 front_headings=front_headings)
    if "pdf" in files:
        got = pdf_sequences(files["pdf"], expected)
        got.paragraphs = list(expected.paragraphs)  # the PDF's paragraph numbers: checked by the outputs gate
        got.footnotes = expected.footnotes  # (and its footnotes): the text layer does not mark either
        problems += _differences("PDF", want, got, expected, suffix=True, front_links=front_links or None,
                                 front_headings=front_headings)
    assert problems == []


def _differences(fmt: str, want: dict[str, list[str]], got: Sequences, expected: Sequences, *, suffix: bool,
                 front_links: list[str] | None = None, front_headings: set[str] | None = None) -> list[str]:
    problems = []
    for kind, wanted in want.items():
        shown = [norm(s) for s in getattr(got, kind)]
        if kind == "headings" and suffix:
            extra = max(len(shown) - len(wanted), 0)
            if front_headings is not None and not set(shown[:extra]) <= front_headings:
                problems.append(f"{fmt} headings before the body {shown[:extra]} are not front matter "
                                f"{sorted(front_headings)}")
            shown = shown[extra:]
        if shown != wanted:
            problems.append(f"{fmt} {kind}: {_first_difference(wanted, shown)}")
    if got.footnotes != expected.footnotes:
        problems.append(f"{fmt} footnotes: {got.footnotes}, the model has {expected.footnotes}")
    links = got.links
    if suffix:
        links = links[len(links) - len(expected.links):] if len(links) >= len(expected.links) else links
        before = got.links[: len(got.links) - len(links)]
        if front_links is not None and before != front_links:
            problems.append(f"{fmt} links before the body {before} are not the front matter's {front_links}")
    if links != expected.links:
        problems.append(f"{fmt} links: {_first_difference(expected.links, links)}")
    return problems


def _first_difference(wanted: list[str], shown: list[str]) -> str:
    for n, (a, b) in enumerate(zip(wanted, shown, strict=False)):
        if a != b:
            return f"item {n + 1} is {b!r}, the model says {a!r}"
    return f"{len(shown)} items, the model has {len(wanted)} (next: {(wanted + shown)[min(len(wanted), len(shown))]!r})"


# -- the example and the stress report ---------------------------------------------------------------------
def _project(tmp: Path) -> Path:
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp / name)
    (tmp / "reports").mkdir()
    return tmp


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Policy, dict[str, Path]]:
    project = _project(tmp_path_factory.mktemp("agreement-example"))
    shutil.copytree(EXAMPLE, project / "reports" / EXAMPLE.name)
    policy = load_policy(project)
    report = load(project / "reports" / EXAMPLE.name)
    return report, policy, build_report(report, policy, project / "out")


def test_the_example_agrees_in_every_format(example_build: tuple[Report, Policy, dict[str, Path]]) -> None:
    report, policy, files = example_build
    expected = model(report, policy)
    # the model is not empty: each sequence has something to compare
    assert expected.headings and expected.paragraphs and expected.boxes and expected.figures and expected.tables
    assert expected.footnotes
    assert_agree(expected, files)


def test_a_format_that_drops_a_box_label_fails_the_comparison(
        example_build: tuple[Report, Policy, dict[str, Path]], tmp_path: Path) -> None:
    """The test can fail: a page whose second box label is changed disagrees with the model."""
    report, policy, files = example_build
    expected = model(report, policy)
    page = files["html"].read_text(encoding="utf-8")
    second = expected.boxes[1]
    assert second in page
    broken = tmp_path / files["html"].name
    broken.write_text(page.replace(f">{second}<", ">Notable practice 9<", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="HTML boxes: item 2"):
        assert_agree(expected, {"html": broken})


@pytest.fixture(scope="module")
def stress_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sequences, dict[str, Path]]:
    project = _project(tmp_path_factory.mktemp("agreement-stress"))
    folder = write_stress_report(project / "reports")
    policy = load_policy(project)
    report = load(folder)
    files = build_report(report, policy, project / "out")
    expected = model(report, policy)
    assert len(expected.figures) >= 30 and expected.links and expected.footnotes
    return expected, files


def test_the_stress_report_agrees_in_html_and_word(stress_build: tuple[Sequences, dict[str, Path]]) -> None:
    expected, files = stress_build
    assert_agree(expected, {"html": files["html"], "docx": files["docx"]})


def test_the_stress_report_agrees_in_the_pdf(stress_build: tuple[Sequences, dict[str, Path]]) -> None:
    expected, files = stress_build
    assert_agree(expected, {"html": files["html"], "pdf": files["pdf"]})


# -- the CommonMark corpus: 20 examples, HTML and Word each; the PDF once for all 20 --------------------------
CORPUS = json.loads((CORPORA / "commonmark-spec-0.31.2-examples.json").read_text(encoding="utf-8"))
# Examples with headings, links, images, lists, quotes and code, spread over the specification's sections.
SAMPLE = [32, 62, 64, 80, 81, 119, 148, 228, 237, 253, 301, 314, 482, 494, 504, 568, 572, 594, 606, 652]
BY_NUMBER = {int(e["example"]): e for e in CORPUS["examples"]}


def _corpus_report(tmp_path: Path, markdown: str) -> tuple[Report, Policy]:
    project = make_project(tmp_path / "project")
    folder = report_with(project / "reports", markdown)
    return load(folder), load_policy(project)


@pytest.mark.parametrize("example", SAMPLE, ids=[f"example {n}" for n in SAMPLE])
def test_a_commonmark_example_agrees_in_html_and_word(tmp_path: Path, example: int) -> None:
    report, policy = _corpus_report(tmp_path, str(BY_NUMBER[example]["markdown"]))
    files = build_report(report, policy, tmp_path / "out", ("html", "docx"))
    assert_agree(model(report, policy), files)


def test_the_commonmark_sample_agrees_in_the_pdf(tmp_path: Path) -> None:
    body = "\n\n".join(f"::: {{.example #cm-{n}}}\n{BY_NUMBER[n]['markdown']}\n:::" for n in SAMPLE)
    report, policy = _corpus_report(tmp_path, body)
    files = build_report(report, policy, tmp_path / "out", ("html", "pdf"))
    assert_agree(model(report, policy), files)
