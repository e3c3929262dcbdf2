"""Stress reports for the builders and the reader checks (cjji.build.readback).

`write_stress_report(reports_dir)` writes one report holding everything that has damaged a
layout before: a table three pages long, a 60-row table, an eight-column table, cells beginning
with Typst and Markdown markers ("1. ", "- ", "= ", "#", "+", "/"), long addresses and long
headings, 30 figures, footnotes inside tables, six inspectorates with long names and a very long
title. `overprinting_typst()` is the old fault rebuilt on purpose: a long table in a figure that
cannot break across pages.

Run as a script to write one into a folder: python tests/build/stress_support.py reports/
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

STRESS_ID = "2027-stress-layout"
LONG_TITLE = ("A joint inspection of how victims, witnesses and their families are kept informed by every agency "
              "of the criminal justice system, from the first report of a crime to the end of an offender's "
              "sentence, across England and Wales, including the youth justice system and the courts")
SIX = ["HMICFRS", "HMIProbation", "HMCPSI", "HMIPrisons", "CQC", "HIW"]
MARKER_CELLS = ["1. The purpose of improvement", "- a dash first", "= an equals sign first", "# a hash first",
                "+ a plus first", "/ a slash first", "10. Continual learning", "== two equals"]
LONG_URL = ("https://www.example.gov.uk/government/publications/criminal-justice-joint-inspection-of-victim-"
            "communication-and-the-victims-code-compliance-framework-2027/annex-b-technical-methodology-and-data")
FIGURES = 30


def _png(path: Path, n: int) -> None:
    image = Image.new("RGB", (480, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 200 - 5 * n, 120, 200), fill=(29, 78, 95))
    draw.rectangle((200, 200 - 3 * n, 280, 200), fill=(180, 80, 40))
    image.save(path, "PNG")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def stress_markdown() -> str:
    lines: list[str] = []
    add = lines.append
    add("# Foreword {#foreword .unnumbered}\n")
    add("This report is made to stress the builders. Every table, figure and footnote in it must reach "
        f"the reader whole. The methodology is published at {LONG_URL} and at <{LONG_URL}/second-part>.\n")
    add("# Summary {#summary}\n")
    add("= This paragraph starts with an equals sign and must stay a paragraph.\n")
    add("1\\. This paragraph starts with a number and a full stop and must not become a list.\n")
    add("## A very long heading that goes on and on about the communication of charging decisions to victims "
        "and witnesses across every police force area in England and Wales {#long-heading}\n")
    add("The text under the long heading.[^one]\n")
    add("# Tables {#tables}\n")
    add("## A table three pages long {#three-pages}\n")
    add("Each row of this table is long, so that the whole table runs over three pages.\n")
    add(_row(["Principle", "What the framework says", "Where this report meets it"]))
    add(_row(["---"] * 3))
    for n in range(1, 31):
        first = MARKER_CELLS[n % len(MARKER_CELLS)] if n <= len(MARKER_CELLS) else f"Row {n} of the long table"
        add(_row([first, f"Row {n}: inspectors should look at how each agency tells victims about decisions, "
                         f"hearings and outcomes, and whether the letters are clear, kind and on time ({n}).",
                  f"Chapter {n % 7 + 1}, paragraph {n}"]))
    add("\nTable: Where the report meets each principle, row by row\n")
    add("## Sixty rows {#sixty}\n")
    add(_row(["Area", "Cases", "Told on time"]))
    add(_row(["---", "--:", "--:"]))
    for n in range(1, 61):
        add(_row([f"Area {n:02d}", str(10 + n), str(5 + n % 9)]))
    add("\nTable: Cases by area\n")
    add("## Eight columns {#eight}\n")
    add(_row([f"Column heading number {n}" for n in range(1, 9)]))
    add(_row(["---"] * 8))
    for n in range(1, 6):
        add(_row([f"r{n}c{c} with a few words" for c in range(1, 8)] + [f"note[^t{n}]"]))
    add("\nTable: A wide table with a footnote in every row\n")
    add("## Cells that look like markup {#markup-cells}\n")
    add(_row(["Marker", "Text"]))
    add(_row(["---", "---"]))
    for cell in MARKER_CELLS:
        add(_row([cell.replace("#", "\\#"), cell.replace("#", "\\#") + " continues"]))
    add(_row([f"[{LONG_URL}]({LONG_URL})", "a long address in a cell"]))
    add("\nTable: Cells beginning with list, heading and code markers\n")
    add("# Figures {#figures}\n")
    for n in range(1, FIGURES + 1):
        add(f"Figure {n} shows two bars for area {n}.\n")
        add(f'![Bar chart for area {n}: two bars, {5 * n} and {3 * n}.](images/fig{n:02d}.png '
            f'"Figure {n}: Two measures for area {n}"){{#fig-{n}}}\n')
    add("# Recommendations {#recommendations}\n")
    add('::: {.recommendation #R1 owner="Ministry of Justice" due="2027-12-31"}')
    add("By 31 December 2027, the Ministry of Justice should publish one measure of how victims are told.")
    add(":::\n")
    add("::: notable-practice")
    add("Northshire's victim care team rang every victim within a day of a charging decision.")
    add(":::\n")
    add("::: {.cause-of-concern #CC1}")
    add("Letters to victims were late in a third of the cases we examined.")
    add(":::\n")
    add("# How we did this inspection {#method .annex}\n")
    add("We read case files and interviewed staff. This chapter is an annex, lettered before the framework annex.\n")
    add("[^one]: A footnote in the body.\n")
    for n in range(1, 6):
        add(f"[^t{n}]: Footnote {n} of the wide table, which explains row {n}.\n")
    return "\n".join(lines) + "\n"


FRONT_MATTER = f"""---
id: {STRESS_ID}
title: {LONG_TITLE}
subtitle: A stress test for the builders
type: joint-thematic
lead: HMICFRS
inspectorates: [{", ".join(SIX)}]
business_process: bringing-offenders-to-justice
scope: The builders' handling of long tables, many figures and markup-like text.
purpose: To check that every format shows every word.
publication: {{date: 2027-03-01, embargo: "2027-03-01T00:01:00+00:00"}}
version: 1
criteria:
  - {{id: C1, text: Victims are told on time, source: "Victims' Code, Right 6"}}
principles:
  improvement: {{sections: [recommendations]}}
  outcomes: {{sections: [summary]}}
  user-perspective: {{sections: [summary]}}
  proportionate: {{sections: [summary]}}
  self-assessment: {{not_applicable: "Not requested for this test"}}
  impartial-evidence: {{sections: [summary]}}
  disclosed-criteria: {{sections: [summary]}}
  open-processes: {{sections: [summary]}}
  value-for-money: {{sections: [summary]}}
  learning: {{sections: [summary]}}
cross_cutting:
  victims-witnesses: {{sections: [summary]}}
  equality-diversity: {{sections: [summary]}}
  value-for-money: {{sections: [summary]}}
impact_assessment: {{kind: equality, completed: 2027-01-15, file: impact-assessment.md, outcome: no adverse impact}}
evidence: {{case_files: 10, interviews: 2, survey_responses: 0}}
---

"""


def write_stress_report(reports_dir: Path) -> Path:
    """Write the stress report into reports_dir/<id>/ and return that folder."""
    folder = reports_dir / STRESS_ID
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for n in range(1, FIGURES + 1):
        _png(folder / "images" / f"fig{n:02d}.png", n)
    (folder / "impact-assessment.md").write_text("# Equality impact assessment\n\nNo adverse impact was identified.\n",
                                                 encoding="utf-8")
    (folder / "report.md").write_text(FRONT_MATTER + stress_markdown(), encoding="utf-8")
    return folder


def overprinting_typst(root: Path, rows: int = 40) -> str:
    """Typst source, using the real template, of the fault issue 14 found: a long table wrapped in
    a figure that cannot break across pages, so its rows overflow the page and print over each
    other and the footer; its cells begin "N. ", which Typst reads as a numbered list."""
    from cjji.build.brand import load_brand
    from cjji.build.pdf import brand_value, typst_value

    brand = load_brand(root)
    cells = "\n".join(
        f"  [{n}. Principle {n}], [The words of principle {n} run on for a while, so that every row takes a few "
        "lines of the page and the table grows longer than a page.]," for n in range(1, rows + 1))
    return "\n".join([
        '#import "/templates/typst/cjji.typ" as cjji',
        f"#let brand = {typst_value(brand_value(brand))}",
        '#show: cjji.report.with(brand: brand, title: "Overprinted", authors: ("Test",), date: "1 March 2027")',
        "#show figure: set block(breakable: false)",
        "= A chapter",
        "Some text before the table.",
        "#figure(table(columns: 2, table.header([Principle], [What it says]),",
        cells,
        '), kind: table, caption: [The ten principles])',
        "",
    ])


if __name__ == "__main__":
    print(write_stress_report(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
