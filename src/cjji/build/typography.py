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
