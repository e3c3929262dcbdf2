"""The rule types, one engine each: a function (Rule, Doc) -> hits."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cjji.style import (
    capitalization,
    conditional,
    consistency,
    existence,
    hyphenation,
    metric,
    names,
    numbers,
    occurrence,
    readability,
    repetition,
    serial_comma,
    substitution,
)
from cjji.style.rule import Doc, Hit, Rule

ENGINES: dict[str, Callable[[Rule, Doc], Iterable[Hit]]] = {
    "existence": existence.check,
    "substitution": substitution.check,
    "occurrence": occurrence.check,
    "repetition": repetition.check,
    "consistency": consistency.check,
    "conditional": conditional.check,
    "capitalization": capitalization.check,
    "readability": readability.check,
    "metric": metric.check,
    "numbers": numbers.check,
    "names": names.check,
    "serial-comma": serial_comma.check,
    "hyphenation": hyphenation.check,
}
