"""Cross-references read the same in Word, PDF and HTML, and a paragraph's id never prints (issue 16)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from framework_support import GOOD
from support import ROOT

from cjji.build import build_report, readback
from cjji.gates import outputs
from cjji.policy import load_policy
from cjji.report import load


@pytest.mark.slow
def test_cross_references_read_the_same_in_every_format(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, project / name)
    folder = project / "reports" / GOOD.name
    shutil.copytree(GOOD, folder)
    md = folder / "report.md"
    text = md.read_text(encoding="utf-8")
    text = text.replace("nobody had asked about their medication.",
                        "nobody had asked about their medication. {#p-medication}", 1)
    text = text.replace("Women told us that",
                        "As [](#p-medication) and [](#people) show, and [](#R2) asks, women told us that", 1)
    md.write_text(text, encoding="utf-8")
    report, policy = load(folder), load_policy(project)
    files = build_report(report, policy, project / "out")

    html = files["html"].read_text(encoding="utf-8")
    with zipfile.ZipFile(files["docx"]) as docx:
        word = docx.read("word/document.xml").decode("utf-8")
    texts = {"HTML": readback.read_html(files["html"])[0], "Word": readback.read_docx(files["docx"])[0],
             "PDF": " ".join(p.body for p in readback.read_pdf(files["pdf"]).pages)}
    wanted = "As paragraph 2.1 and chapter 2 show, and recommendation 2 asks, women told us that"
    for shown, text in texts.items():
        assert readback.key(wanted) in readback.key(text), shown
        assert "p-medication" not in text, shown  # the id is a link target, never printed
    assert 'id="p-medication"' in html and 'href="#p-medication"' in html
    assert 'w:name="p-medication"' in word  # a bookmark Word's link can go to
    assert [f for f in outputs.run(report, files, policy) if f.severity == "error"] == []
