"""The dialect: what reports/README.md promises authors is what the parser does."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from support import ROOT

from cjji.markdown import classes, parse, parse_attrs


def types(text: str) -> list[str]:
    return [t.type for t in parse(text)]


def test_heading_attributes_move_onto_the_heading() -> None:
    tokens = parse("# Victim and witness experience {#victims .cross-cutting}\n")
    assert tokens[0].attrs == {"id": "victims", "class": "cross-cutting"}
    assert tokens[1].content == "Victim and witness experience"


def test_braces_that_are_not_attributes_stay_in_the_heading() -> None:
    tokens = parse("# Sets {of things} and {#bad id\n")
    assert tokens[0].attrs == {}
    assert tokens[1].content == "Sets {of things} and {#bad id"


def test_fenced_div_with_attributes_and_nesting() -> None:
    text = (
        '::: {.recommendation #R1 owner="CPS" due="2027-06-30"}\n'
        "The CPS should act.\n\n"
        "::: {.note}\nInner.\n:::\n\n"
        "Still in R1.\n"
        ":::\n\nAfter.\n"
    )
    tokens = parse(text)
    opens = [t for t in tokens if t.type == "div_open"]
    assert [o.attrs for o in opens] == [
        {"id": "R1", "owner": "CPS", "due": "2027-06-30", "class": "recommendation"},
        {"class": "note"},
    ]
    assert opens[0].map == [0, 9]
    after = [t for t in tokens if t.type == "inline"][-1]
    assert after.content == "After."
    assert types(text).count("div_close") == 2


def test_unclosed_div_runs_to_the_end() -> None:
    tokens = parse("::: {.recommendation #R9}\nText\n")
    assert [t.type for t in tokens][0] == "div_open"
    assert tokens[-1].type == "div_close"


def test_judgement_span_keeps_its_criteria() -> None:
    inline = parse('[31 of 50 were late.]{.judgement criteria="C1 C3"}\n')[1]
    span = inline.children[0]
    assert span.type == "span_open"
    assert classes(span) == ["judgement"]
    assert span.attrs["criteria"] == "C1 C3"


def test_parse_attrs() -> None:
    assert parse_attrs('{#R1 .a .b k="v w"}') == {"id": "R1", "class": "a b", "k": "v w"}
    assert parse_attrs("recommendation") == {"class": "recommendation"}
    assert parse_attrs("{unclosed") is None


def test_every_commonmark_example_parses_with_maps_inside_the_text() -> None:
    corpus = ROOT / "tests" / "corpora" / "commonmark-spec-0.31.2-examples.json"
    examples = json.loads(corpus.read_text())["examples"]
    for example in examples:
        text = example["markdown"]
        lines = text.count("\n") + 1
        for token in parse(text):
            if token.map:
                assert 0 <= token.map[0] <= token.map[1] <= lines, example["example"]


@given(st.text(alphabet=st.sampled_from(list(":{}#.=\"' \n-*[]>`|^!()abc1")), max_size=300))
def test_any_text_parses(text: str) -> None:
    parse(text)
