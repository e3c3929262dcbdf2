"""Typographic quotes, as GOV.UK publications print them: ‘single’, “double” and the apostrophe ’."""

from __future__ import annotations

_OPENERS = " \t\n([{<‘“—–-/"


def smarten(text: str, before: str = "") -> str:
    """Replace straight quotes in `text`; `before` is the character that precedes it ('' at start)."""
    if "'" not in text and '"' not in text:
        return text
    out: list[str] = []
    prev = before
    for k, ch in enumerate(text):
        if ch == "'":
            after = text[k + 1] if k + 1 < len(text) else ""
            opening = (not prev or prev in _OPENERS) and after not in ("", " ", "\t")
            ch = "‘" if opening else "’"
        elif ch == '"':
            ch = "“" if not prev or prev in _OPENERS else "”"
        out.append(ch)
        prev = ch
    return "".join(out)


NARROW, WIDE_LETTERS = "il.,;:'|!I ()[]ftjr", "mwMW@%"
AVERAGE_EM = 0.58  # an average lower-case letter or digit of Liberation Sans (Arial's metrics), generous


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of `text` set in Liberation Sans at `size` (in the same
    unit as `size`): for laying out a chart's labels and a table's columns before any renderer has."""
    ems = 0.0
    for c in text:
        if c in NARROW:
            ems += 0.3
        elif c in WIDE_LETTERS:
            ems += 0.95
        elif c.isupper():
            ems += 0.72
        else:
            ems += AVERAGE_EM
    return ems * size
