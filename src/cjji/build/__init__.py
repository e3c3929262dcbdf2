"""Build the publication formats from one loaded Report (the same token stream the gates read).

`build_report` is the one entry point for `cjji build`, publishing and the benchmark.
Each format lives in its own module with the signature
    build_<fmt>(report: Report, policy: Policy, dest: Path) -> Path
and writes `dest` atomically (cjji.atomic), never reading report.md again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cjji.policy import Policy
from cjji.report import Report

FORMATS = ("docx", "pdf", "html")


def build_report(
    report: Report, policy: Policy, out_dir: Path, formats: tuple[str, ...] = FORMATS, *,
    on_built: Callable[[str, Path], None] | None = None,
) -> dict[str, Path]:
    """Write out_dir/<id>.<fmt> for each format; returns {format: path}.

    The formats are built side by side in threads: most of the time is spent in pandoc (a
    subprocess) and the Typst compiler, so two cores are used. The first error is raised.
    `on_built(format, path)` is called in the format's thread as soon as its file is written
    (cjji.building starts the outputs gate's reading of that file while the others are built);
    an error it raises is raised like a builder's.
    """
    from concurrent.futures import ThreadPoolExecutor

    from cjji.build import docx, html, pdf  # imported here: each pulls in heavy libraries
    from cjji.build.brand import load_brand

    load_brand(policy.root)  # once, before the threads (and a broken brand.yml fails here)
    builders = {"docx": docx.build_docx, "pdf": pdf.build_pdf, "html": html.build_html}

    def build(fmt: str) -> Path:
        path = builders[fmt](report, policy, out_dir / f"{report.id}.{fmt}")
        if on_built is not None:
            on_built(fmt, path)
        return path

    if len(formats) == 1:
        return {fmt: build(fmt) for fmt in formats}
    with ThreadPoolExecutor(max_workers=len(formats)) as pool:
        futures = {fmt: pool.submit(build, fmt) for fmt in formats}
        return {fmt: future.result() for fmt, future in futures.items()}
