"""Review in Word, record in Markdown (cjji.review.export, .importer, .log, .apply).

What the reviews gate needs on every check is here, light: whether a report has review logs
at all. The rest loads only when it has."""

from __future__ import annotations

from pathlib import Path

REVIEWS = "reviews"  # reports/<id>/reviews/<body>-<date>.yml


def logs_of(report_dir: Path) -> list[Path]:
    """The review logs of a report folder, sorted (none when it has no reviews/ folder)."""
    folder = report_dir / REVIEWS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yml") if p.is_file() and not p.name.startswith("."))
