"""Build the publication formats from one loaded Report (the same token stream the gates read).

`build_report` is the one entry point for `cjji build`, publishing and the benchmark.
Each format lives in its own module with the signature
    build_<fmt>(report: Report, policy: Policy, dest: Path) -> Path
and writes `dest` atomically (cjji.atomic), never reading report.md again.
"""

from __future__ import annotations

from pathlib import Path

from cjji.policy import Policy
from cjji.report import Report

FORMATS = ("docx", "pdf", "html")


def build_report(
    report: Report, policy: Policy, out_dir: Path, formats: tuple[str, ...] = FORMATS
) -> dict[str, Path]:
    """Write out_dir/<id>.<fmt> for each format; returns {format: path}."""
    from cjji.build import docx, html, pdf  # imported here: each pulls in heavy libraries

    builders = {"docx": docx.build_docx, "pdf": pdf.build_pdf, "html": html.build_html}
    return {fmt: builders[fmt](report, policy, out_dir / f"{report.id}.{fmt}") for fmt in formats}
