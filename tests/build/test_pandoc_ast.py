"""markdown-it tokens -> pandoc's document tree: every construct, and never a crash."""

from __future__ import annotations

import contextlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES, ROOT, examples

from cjji.build import pandoc
from cjji.build.pandoc_ast import (
    API_VERSION,
    BuildError,
    Options,
    Source,
    attr,
    convert,
    document,
    el,
    stringify,
)
from cjji.build.typography import text_width
from cjji.markdown import parse
from cjji.report import load

CONSTRUCTS = FIXTURES / "build" / "2027-all-constructs"
EXAMPLES = json.loads((ROOT / "tests" / "corpora" / "commonmark-spec-0.31.2-examples.json").read_text())["examples"]


def blocks_of(markdown: str, target: str = "docx", folder: Path = CONSTRUCTS) -> list[dict[str, Any]]:
    return convert(Source(parse(markdown), folder, "report.md"), Options(target, typst_root=folder))  # type: ignore[arg-type]


def find(node: Any, kind: str) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("t") == kind:
            found.append(node)
        found.extend(find(node.get("c"), kind))
    elif isinstance(node, list):
        for item in node:
            found.extend(find(item, kind))
    return found


def test_api_version_is_the_bundled_pandocs() -> None:
    out = subprocess.run([pandoc.pandoc_path(), "-f", "markdown", "-t", "json"], input=b"x",
                         capture_output=True, check=True).stdout
    assert json.loads(out)["pandoc-api-version"] == API_VERSION


@pytest.mark.parametrize("target, writer", [("docx", "native"), ("typst", "typst")])
def test_every_commonmark_example_converts_and_pandoc_accepts_it(target: str, writer: str) -> None:
    """All 655 spec examples, one Div each in one document (one pandoc run per target)."""
    assert len(EXAMPLES) == 655
    divs = []
    for example in EXAMPLES:
        try:
            blocks = blocks_of(example["markdown"], target)
        except BuildError:
            blocks = []  # an image that is not in the folder: refused with a finding, never a crash
        divs.append(el("Div", [attr(f"example-{example['example']}"), blocks]))
    pandoc.run(document(divs), writer)


def test_commonmark_examples_with_images_outside_the_folder_are_refused_not_crashed() -> None:
    refused = 0
    for example in EXAMPLES:
        try:
            blocks_of(example["markdown"])
        except BuildError as exc:
            refused += 1
            assert all(f.rule in ("image-outside", "image-missing", "image-no-alt") for f in exc.findings)
    assert refused > 0


@settings(max_examples=examples(150), deadline=None)
@given(st.text(alphabet=st.sampled_from(list(":{}#.=\"' \n-*[]>`|^!()abc1_~\\<")), max_size=300))
def test_any_text_converts(text: str) -> None:
    for target in ("docx", "typst"):
        with contextlib.suppress(BuildError):
            blocks_of(text, target)


def test_figure_caption_from_title_and_alt_text_from_brackets() -> None:
    [figure] = find(blocks_of('![A bar chart of days](images/chart.png "Figure 1: Days"){#fig-days}'), "Figure")
    ident, caption = figure["c"][0][0], figure["c"][1]
    assert ident == "fig-days"
    assert stringify(caption[1][0]["c"]) == "Figure 1: Days"
    [image] = find(figure, "Image")
    assert stringify(image["c"][1]) == "A bar chart of days"
    assert image["c"][2][0].startswith("data:image/png;base64,")  # pandoc --sandbox reads no files


def test_typst_figure_carries_alt_text() -> None:
    [raw] = find(blocks_of('![A bar chart](images/chart.png "Figure 1: Days"){#fig-days}', "typst"), "RawBlock")
    code = raw["c"][1]
    assert 'alt: "A bar chart"' in code
    assert 'caption: [#"Figure 1: Days"]' in code
    assert code.endswith("<fig-days>")
    assert '"/report/images/chart.png"' in code  # the report's files sit under /report/ in the Typst root


def test_table_alignment_header_and_caption() -> None:
    md = "| A | B | C |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n\nTable: Cases *by* area\n"
    blocks = blocks_of(md)
    assert [b["t"] for b in blocks] == ["Table"]  # the caption paragraph is taken by the table
    table = blocks[0]["c"]
    assert stringify(table[1][1][0]["c"]) == "Table 1: Cases by area"  # numbered by cjji.blocks
    assert [spec[0]["t"] for spec in table[2]] == ["AlignLeft", "AlignRight", "AlignCenter"]
    head_rows = table[3][1]
    assert len(head_rows) == 1 and len(head_rows[0][1]) == 3


def _widths(md: str) -> list[float]:
    [table] = [b for b in blocks_of(md) if b["t"] == "Table"]
    return [spec[1].get("c", 0.0) for spec in table["c"][2]]


LONG = ("Inspection should be delivered with a clear focus on the experience of those for whom the service is "
        "provided, as well as on internal management arrangements. ") * 2


def test_a_column_of_long_text_gets_the_width_and_a_column_of_short_entries_stays_narrow() -> None:
    """The annex's principles table: a long header over short entries ("3, 4") must not take a
    third of the page from the column of long text (Word showed it so, through LibreOffice)."""
    md = ("| Principle | What Annex A says | Where this report meets it |\n|---|---|---|\n"
          + "".join(f"| {n}. A user perspective | {LONG} | 3, 4 |\n" for n in range(1, 4)))
    principle, says, where = _widths(md)
    assert says > 0.55 and says > 2 * where and says > 2 * principle
    assert where * 450 >= text_width("report", 11) and principle * 450 >= text_width("perspective", 11)
    assert abs(principle + says + where - 1) < 1e-3


def test_a_header_word_never_gets_less_than_its_width() -> None:
    md = "| No. | Recommendation | Addressed to |\n|---|---|---|\n| 1 | " + LONG + " | Crown Prosecution Service |\n"
    no, recommendation, _ = _widths(md)
    assert recommendation * 450 >= text_width("Recommendation", 11) + 10  # the words and the cell's insets
    assert no * 450 >= text_width("No.", 11) + 10


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab ,.", max_size=120), min_size=3, max_size=3), min_size=1, max_size=6))
def test_widths_always_fill_the_text_width_exactly(rows: list[list[str]]) -> None:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "") or "x"

    md = "| A | B | C |\n|---|---|---|\n" + "".join(f"| {' | '.join(cell(c) for c in row)} |\n" for row in rows)
    widths = _widths(md)
    if widths != [0.0, 0.0, 0.0]:  # ColWidthDefault: a small table keeps its natural width
        assert abs(sum(widths) - 1) < 1e-3 and all(w > 0 for w in widths)


def test_footnotes_become_notes() -> None:
    [note] = find(blocks_of("Text.[^1]\n\n[^1]: The note.\n"), "Note")
    assert stringify(note["c"][0]["c"]) == "The note."


def test_divs_and_spans_keep_their_attributes() -> None:
    md = '::: {.notable-practice #NP1 owner="North" area="x"}\nGood work.\n:::\n\n[late]{.judgement criteria="C1"}\n'
    blocks = blocks_of(md)
    [div] = [b for b in blocks if b["t"] == "Div" and b["c"][0][0] == "NP1"]
    assert div["c"][0] == ["NP1", ["notable-practice"], [["owner", "North"]]]  # area is not writer-safe
    assert stringify(find(div, "Strong")[0]["c"]) == "Notable practice 1"  # the label readers see
    span, marker = find(blocks, "Span")
    assert span["c"][0] == ["", ["judgement"], [["criteria", "C1"]]]
    assert stringify(span["c"][1]) == "late [C1]"  # a judgement shows its criteria in every format
    assert marker["c"][0] == ["", ["criteria"], []]


def test_headings_and_paragraphs_are_numbered_by_chapter() -> None:
    md = "# Intro {#intro}\n\nFirst.\n\nSecond.\n\n## Part {#part}\n\nThird.\n\n# Next\n\nFourth.\n"
    blocks = blocks_of(md)
    headers = [b for b in blocks if b["t"] == "Header"]
    assert [stringify(h["c"][2]) for h in headers] == ["1 Intro", "1.1 Part", "2 Next"]
    assert headers[0]["c"][1][0] == "intro"
    numbers = [stringify(s["c"][1]) for s in find(blocks, "Span") if "paragraph-number" in s["c"][0][1]]
    assert numbers == ["1.1", "1.2", "1.3", "2.1"]
    typst = json.dumps(blocks_of(md, "typst"))
    assert '#paranum(\\"1.3\\")' in typst


def test_numbering_can_be_switched_off() -> None:
    options = Options("docx", number_headings=False, number_paragraphs=False)
    blocks = convert(Source(parse("# Intro\n\nFirst.\n"), CONSTRUCTS, "report.md"), options)
    assert stringify(blocks[0]["c"][2]) == "Intro"
    assert "unnumbered" in blocks[0]["c"][1][1]
    assert blocks[1]["t"] == "Para"


def test_typographic_quotes_but_not_in_code() -> None:
    blocks = blocks_of("The \"victims' code\" isn't 'simple'. `don't \"touch\"`\n")
    text = stringify(blocks[0]["c"])
    assert "“victims’ code” isn’t ‘simple’." in text
    assert find(blocks, "Code")[0]["c"][1] == "don't \"touch\""


def test_raw_html_is_dropped_but_its_text_stays() -> None:
    blocks = blocks_of("Keep <span>this</span> text.\n\n<div>gone</div>\n")
    assert stringify(blocks[0]["c"]) == "Keep this text."
    assert len(blocks) == 1
    assert not find(blocks, "RawBlock") and not find(blocks, "RawInline")


def test_strikethrough_breaks_and_lists() -> None:
    blocks = blocks_of("~~old~~ new  \nline\nsoft\n\n3) three\n4) four\n")
    assert find(blocks, "Strikeout") and find(blocks, "LineBreak") and find(blocks, "SoftBreak")
    [ordered] = find(blocks, "OrderedList")
    assert ordered["c"][0] == [3, {"t": "Decimal"}, {"t": "OneParen"}]
    assert find(ordered, "Plain")  # a tight list has Plain items, as in pandoc


@pytest.mark.parametrize("src, rule", [
    ("../outside.png", "image-outside"),
    ("/etc/passwd", "image-outside"),
    ("https://example.org/x.png", "image-outside"),
    ("images/missing.png", "image-missing"),
])
def test_images_must_be_files_inside_the_report_folder(src: str, rule: str) -> None:
    with pytest.raises(BuildError) as caught:
        convert(Source(parse(f"Intro.\n\n![alt]({src})\n"), CONSTRUCTS, "report.md",
                       lambda t: t.map[0] + 1 if t.map else 0), Options("docx"))
    [finding] = caught.value.findings
    assert finding.rule == rule
    assert finding.line == 3
    assert src in finding.message


def test_a_link_to_a_missing_id_is_plain_text_in_typst() -> None:
    blocks = blocks_of("See [there](#nowhere) and [here](#here).\n\n# Here {#here}\n", "typst")
    links = find(blocks, "Link")
    assert [link["c"][2][0] for link in links] == ["#here"]


def test_the_constructs_fixture_converts_for_both_targets() -> None:
    report = load(CONSTRUCTS)
    for target in ("docx", "typst"):
        blocks = convert(Source(report.tokens, report.dir, report.display, report.line_of),
                         Options(target, typst_root=report.dir))  # type: ignore[arg-type]
        assert find(blocks, "Note")
        pandoc.run(document(blocks), "typst" if target == "typst" else "docx")


def test_an_image_without_alt_text_is_a_located_error() -> None:
    with pytest.raises(BuildError) as caught:
        convert(Source(parse("Intro.\n\nA chart: ![](images/chart.png)\n"), CONSTRUCTS, "report.md",
                       lambda t: t.map[0] + 1 if t.map else 0), Options("typst"))
    [finding] = caught.value.findings
    assert (finding.rule, finding.line) == ("image-no-alt", 3)
    assert "![Bar chart of ...](images/chart.png)" in finding.hint
