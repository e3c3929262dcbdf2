"""`cjji status` shows, for each body, review items received, open and resolved."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cjji.cli import cli
from cjji.review.log import HEADER, dump


def test_status_lists_review_counts_per_body(example_copy: Path, project: Path) -> None:
    def entry(ident: str, status: str, response: str = "") -> dict[str, object]:
        return {"id": ident, "kind": "comment", "who": "A", "where": {"line": 63, "col": 1, "mapped": "exact"},
                "comment": "x", "status": status, "response": response}

    for body, items in (("cps", [entry("c1", "open"), entry("c2", "rejected", "No.")]),
                        ("westvale-police", [entry("c1", "accepted")])):
        data = {"report": example_copy.name, "body": body, "received": "2026-11-28",
                "file": {"name": "b.docx", "sha256": "sha256:" + "0" * 64},
                "export": {"digest": "d", "version": "1", "source_sha256": "s", "exported": "2026-11-20"},
                "items": items}
        (example_copy / "reviews").mkdir(exist_ok=True)
        (example_copy / "reviews" / f"{body}-2026-11-28.yml").write_text(dump(data, HEADER), encoding="utf-8")
    result = CliRunner().invoke(cli, ["status", "--root", str(project), str(example_copy)])
    assert "  review   cps: 2 received, 1 open, 1 resolved\n" in result.output, result.output
    assert "  review   westvale-police: 1 received, 0 open, 1 resolved\n" in result.output
