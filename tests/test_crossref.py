from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cjji.build.numbering import number
from cjji.crossref import fill, targets
from cjji.markdown import parse

SOURCE = """# Findings {#findings}

## Charging {#charging}

Victims waited. {#p-wait}

As [](#p-wait) shows, and [](#charging) and [](#findings) explain, see also [the findings](#findings).

# Foreword {#foreword .unnumbered}

Read [](#foreword) and [](#nowhere).
"""


def _texts(tokens) -> list[str]:
    return ["".join(c.content for c in t.children or [] if c.type == "text") for t in tokens if t.type == "inline"]


def test_empty_links_read_as_what_they_point_at() -> None:
    tokens = parse(SOURCE)
    filled = fill(tokens, number(tokens))
    texts = _texts(filled)
    assert texts[3] == "As paragraph 1.1 shows, and section 1.1 and chapter 1 explain, see also the findings."
    assert texts[5] == "Read Foreword and ."  # an unnumbered chapter reads as its title; a missing id stays empty
    assert _texts(tokens)[3].startswith("As  shows")  # the parsed tokens are not changed


def test_links_to_findings_and_annexes_read_as_their_labels() -> None:
    tokens = parse("# A {#a}\n\n::: {.recommendation #R1}\nX.\n:::\n\n::: {.recommendation #rec-train}\nY.\n:::\n\n"
                   "# How we did it {#method .annex}\n\nSee [](#rec-train) and [](#method).\n")
    filled = fill(tokens, number(tokens))
    assert _texts(filled)[-1] == "See recommendation 2 and annex A."


@given(st.text(alphabet="ab #[]()\n{}.", max_size=80))
def test_any_text_fills_without_error_and_keeps_its_token_count(text: str) -> None:
    tokens = parse(text)
    assert len(fill(tokens, number(tokens))) == len(tokens)


FIGURES_AND_TABLES = """# Findings {#findings}

![Bar chart: three areas.](images/a.png "Figure 7: Days taken"){#fig-days}

| Area | Cases |
| --- | --- |
| North | 10 |

Table: Cases by area {#tbl-cases}

| Area | Late |
| --- | --- |
| South | 2 |

Table: Late cases {#tbl-late}

![Line chart: rising.](images/b.png){#fig-trend}

See [](#fig-trend), [](#fig-days), [](#tbl-late) and [](#tbl-cases).
"""


def test_links_to_figures_and_tables_read_as_their_numbers() -> None:
    tokens = parse(FIGURES_AND_TABLES)
    texts = _texts(fill(tokens, number(tokens)))
    # numbered in reading order, whatever the author typed in a caption ("Figure 7")
    assert texts[-1] == "See figure 2, figure 1, table 2 and table 1."


def test_a_figure_caption_gets_the_model_s_number_once() -> None:
    from cjji.blocks import figure_caption, figure_numbers, labels_of

    tokens = parse(FIGURES_AND_TABLES)
    numbers = figure_numbers(tokens)
    images = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "image"]
    captions = [figure_caption(image, n, labels_of(None)) for image, n in zip(images, numbers.values(), strict=True)]
    assert captions == ["Figure 1: Days taken", "Figure 2"]


def test_summary_paragraphs_are_numbered_s1_s2_and_read_so() -> None:
    tokens = parse('# Summary {#summary paragraphs="S"}\n\nOne. {#p-one}\n\nTwo.\n\n## Causes {#causes}\n\n'
                   'Three. {#p-three}\n\n# Leadership {#leadership}\n\nFour.\n\nSee [](#p-three), [](#p-one) '
                   'and [](#leadership).\n')
    numbering = number(tokens)
    assert sorted(numbering.paragraphs.values()) == ["1.1", "1.2", "S1", "S2", "S3"]
    assert list(numbering.headings.values()) == ["1"]  # the summary and its sections take no number
    assert _texts(fill(tokens, numbering))[-1] == "See paragraph S3, paragraph S1 and chapter 1."


def test_a_welsh_edition_reads_its_references_in_welsh() -> None:
    from pathlib import Path

    from cjji.blocks import labels_of
    from cjji.policy import load_policy

    labels = labels_of(load_policy(Path(__file__).resolve().parents[1]), "cy")
    tokens = parse(FIGURES_AND_TABLES.replace("# Findings {#findings}", "# Canfyddiadau {#findings}\n\nUn. {#p-un}")
                   + "\n::: {.recommendation #R1}\nX.\n:::\n\n# Dull {#method .annex}\n\n"
                   "[](#p-un), [](#findings), [](#R1), [](#method).\n")
    texts = _texts(fill(tokens, number(tokens), labels))
    assert texts[-4] == "See ffigur 2, ffigur 1, tabl 2 and tabl 1."
    assert texts[-1] == "paragraff 1.1, pennod 1, argymhelliad 1, atodiad A."


def test_an_annex_takes_its_letter_and_numbers_its_paragraphs_a1() -> None:
    """Real annexes read "Annex A: Methodology", never "6 Annex A"; HMCPSI numbers their paragraphs A.1."""
    tokens = parse("# Findings {#findings}\n\nOne.\n\n# Methodology {#method .annex}\n\nWe read files. {#p-read}\n\n"
                   "## Sample {#sample}\n\nTwo.\n\n# Glossary {#glossary .annex .unnumbered}\n\nTerm.\n\n"
                   "# Later {#later}\n\nSee [](#p-read), [](#method), [](#glossary) and [](#later).\n")
    numbering = number(tokens)
    assert sorted(numbering.headings.values()) == ["1", "2"]  # the annexes and their sections take no number
    assert sorted(numbering.paragraphs.values()) == ["1.1", "2.1", "A.1", "A.2"]
    assert _texts(fill(tokens, numbering))[-1] == "See paragraph A.1, annex A, annex B and chapter 2."


_PIECES = st.sampled_from([
    "# Chapter {#c%d}", '# Summary {#s%d paragraphs="S"}', '# Other {#o%d paragraphs="T"}', "# Method {#m%d .annex}",
    "# Foreword {#f%d .unnumbered}", "## Part {#p%d}", "Words.", "Words. {#w%d}", "![A chart.](a.png){#fig%d}",
    "::: {.recommendation #R%d}\nDo it.\n:::", "| a |\n|---|\n| 1 |\n\nTable: T {#tbl%d}",
])


@given(st.lists(_PIECES, min_size=1, max_size=14))
def test_property_numbers_never_repeat_unless_a_prefix_does(pieces: list[str]) -> None:
    """Whatever the mix of chapters, summaries, annexes and boxes: paragraph numbers are unique
    unless two chapters share a prefix (which the structure gate refuses), and every empty link to
    a numbered thing reads as words."""
    text = "\n\n".join(p % n if "%d" in p else p for n, p in enumerate(pieces))
    ids = [i for p in text.split("{#")[1:] for i in [p.split()[0].rstrip("}")]]
    tokens = parse(text + "\n\n" + " ".join(f"[](#{i})" for i in ids) + "\n")
    numbering = number(tokens)
    prefixes = [p for p in pieces if "paragraphs=" in p]
    if len(prefixes) == len(set(prefixes)):
        assert len(set(numbering.paragraphs.values())) == len(numbering.paragraphs)
    filled = fill(tokens, numbering)
    assert len(filled) == len(tokens)
    named = targets(tokens, numbering)
    last = filled[-2].children or []  # the paragraph of links
    shown = {str(c.attrs["href"])[1:]: last[j + 1].content for j, c in enumerate(last)
             if c.type == "link_open" and last[j + 1].type == "text"}
    assert shown == {i: named[i] for i in ids if i in named}
