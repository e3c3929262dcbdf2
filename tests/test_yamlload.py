from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cjji.yamlload import YamlError, load_yaml


def test_positions_are_one_based_and_offset() -> None:
    data, pos = load_yaml("a: 1\nb:\n  - x\n  - {c: d}\n", line_offset=1)
    assert data == {"a": 1, "b": ["x", {"c": "d"}]}
    assert pos.of(("a",), key=True) == (2, 1)
    assert pos.of(("a",)) == (2, 4)
    assert pos.of(("b", 1, "c")) == (5, 9)
    assert pos.of(("b", 7, "missing")) == pos.of(("b",))


def test_yaml_12_keeps_norway_and_no_as_text() -> None:
    data, _ = load_yaml("country: NO\nanswer: no\nswitch: on\nyes_: yes\n")
    assert data == {"country": "NO", "answer": "no", "switch": "on", "yes_": "yes"}


def test_dates_stay_as_written() -> None:
    data, pos = load_yaml("d: 2026-12-10\nbad: 2026-13-45\nt: 2026-12-10T00:01:00+00:00\n")
    assert data == {"d": "2026-12-10", "bad": "2026-13-45", "t": "2026-12-10T00:01:00+00:00"}
    assert pos.raw[("d",)] == "2026-12-10"


def test_numbers_and_quoted_text() -> None:
    data, pos = load_yaml('v: 1.10\nq: "1.10"\nn: 0x1F\ni: 007\n')
    assert data == {"v": 1.1, "q": "1.10", "n": 31, "i": 7}
    assert pos.raw[("v",)] == "1.10"


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\nb: 2\na: 3\n")
    assert (caught.value.line, caught.value.col) == (3, 1)
    assert "appears twice (first on line 1)" in caught.value.message


def test_billion_laughs_is_refused_at_once() -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        bomb += f"{chr(i)}: &{chr(i)} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        load_yaml(bomb)
    assert time.perf_counter() - started < 1
    assert "aliases" in caught.value.message


def test_merge_keys_are_refused() -> None:
    with pytest.raises(YamlError):
        load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n")


def test_syntax_error_is_located() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: [1, 2\nb: 3\n", line_offset=1)
    assert caught.value.line >= 2
    assert caught.value.message.startswith("the YAML is not valid")


@given(st.text(max_size=200))
def test_any_text_loads_or_gives_a_located_error(text: str) -> None:
    try:
        load_yaml(text)
    except YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1


def test_block_scalars() -> None:
    data, _ = load_yaml("a: >-\n  one two\n  three\n\n  para\nb: |\n  x\n  y\n")
    assert data == {"a": "one two three\npara", "b": "x\ny\n"}
