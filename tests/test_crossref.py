from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cjji.build.numbering import number
from cjji.crossref import fill
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
