"""The whole review loop on a copy of the example: export, comment and change in Word, import,
accept some, reject others with reasons, apply, check (draft and for publication)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from publish_support import page, publish, sign_all
from review_support import Returned
from signoff_support import Gatekeepers, gk, keys  # noqa: F401

from cjji.cli import cli
from cjji.gates import reviews
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load
from cjji.review.log import read, review_summary


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [*args[:2], "--root", str(project), *args[2:]]
        if args[0] == "review" and args[1] in ("export", "import", "apply")
        else list(args),
    )
    return result.exit_code, result.output


def review(project: Path, command: str, *args: str) -> tuple[int, str]:
    options = ["--root", str(project)] if command in ("export", "import", "apply") else []
    result = CliRunner().invoke(cli, ["review", command, *options, *args])
    return result.exit_code, result.output


def test_export_command_writes_the_review_copy(example_copy: Path, project: Path) -> None:
    code, out = review(project, "export", str(example_copy), "--for", "cps", "--date", "2026-11-20")
    assert code == 0, out
    path = project / "out" / "2026-victim-updates" / "review" / "2026-victim-updates-for-cps.docx"
    assert path.is_file() and "paragraphs anchored to" in out, out
    assert "cjji review import" in out and "--from cps" in out
    code, out = review(project, "export", str(example_copy), "--for", "Westvale Police")
    assert code == 2 and "lower-case letters, digits and hyphens" in out


def test_the_whole_loop(example_copy: Path, project: Path, exported: Path) -> None:
    report_md = example_copy / "report.md"
    before = report_md.read_text(encoding="utf-8")
    doc = Returned(exported.read_bytes())
    first = doc.comment("72 of the 120 cases", "Our own count is 74.", author="Ann Clerk", date="2026-11-25T09:00:00Z")
    doc.comment(
        "72 of the 120 cases",
        "We checked again: 72 is right.",
        author="Helen Whitcombe",
        date="2026-11-26T09:00:00Z",
        reply_to=first,
    )
    doc.replace("60 per cent", "sixty per cent", author="Ann Clerk", within="That is 60 per cent.")
    doc.insert("officers and prosecutors each", "some ", author="Ann Clerk")
    doc.delete(" The other six were not.", author="Ann Clerk")
    doc.rsid_noise()
    returned = project / "cps-returned.docx"
    returned.write_bytes(doc.data())

    code, out = review(project, "import", str(example_copy), str(returned), "--from", "cps", "--date", "2026-11-28")
    assert code == 0, out
    log_file = example_copy / "reviews" / "cps-2026-11-28.yml"
    assert log_file.is_file(), out
    assert "wrote " in out and "1 comment" in out and "1 reply" in out, out
    assert report_md.read_text(encoding="utf-8") == before  # importing never touches report.md
    log = read(log_file)
    assert log.findings == []
    items = {i["kind"] + ":" + i.get("quote", i.get("proposed", {}).get("new", "")): i for i in log.items}
    comment = items["comment:72 of the 120 cases"]
    line = next(n for n, text in enumerate(before.split("\n"), 1) if "72 of the 120 cases" in text)
    col = before.split("\n")[line - 1].index("72 of the 120 cases") + 1
    assert (comment["where"]["line"], comment["where"]["col"]) == (line, col)
    assert comment["who"] == "Ann Clerk" and comment["when"] == "2026-11-25T09:00:00Z"
    reply = items["reply:72 of the 120 cases"]
    assert reply["in_reply_to"] == comment["id"] and reply["comment"] == "We checked again: 72 is right."
    replacement = next(i for i in log.items if i["kind"] == "replacement")
    insertion = next(i for i in log.items if i["kind"] == "insertion")
    deletion = next(i for i in log.items if i["kind"] == "deletion")
    assert replacement["proposed"] == {"old": "60 per cent", "new": "sixty per cent"}

    # a draft check lists the open items at their lines, as information
    code, out = run(project, "check", "--root", str(project), "--no-cache", str(example_copy))
    assert f"report.md:{line}:{col}: info [reviews/open] open review item" in out, out
    assert review_summary(example_copy) == {"cps": {"received": 5, "open": 5, "resolved": 0}}

    # publication: open items are errors
    code, out = run(project, "check", "--root", str(project), "--no-cache", "--for-publication", str(example_copy))
    assert code == 1 and f"report.md:{line}:{col}: error [reviews/open]" in out, out

    # decide: accept two changes, reject the deletion and the comment thread with reasons
    assert review(project, "accept", str(log_file), replacement["id"], insertion["id"])[0] == 0
    code, out = review(
        project,
        "reject",
        str(log_file),
        deletion["id"],
        comment["id"],
        reply["id"],
        "--response",
        "Our file examination found six; the sentence stays.",
    )
    assert code == 0, out
    code, out = review(project, "reject", str(log_file), deletion["id"], "--response", "  ")
    assert code == 2 and "a rejection needs a reason" in out

    # accepted is not enough for publication while report.md still has the old text
    blocking = [f for f in reviews.run(load(example_copy), Context(load_policy(project), for_publication=True))
                if f.severity == "error"]
    assert {f.rule for f in blocking} == {"not-applied"} and len(blocking) == 2, blocking
    assert f"item {replacement['id']} is accepted, but report.md still has the text it changes" in {
        f.message for f in blocking}

    code, out = review(project, "apply", str(log_file))
    assert code == 0, out
    assert (
        "-Victims were told about the charging decision on time in 72 of the 120 cases we examined. That is 60 per"
        in out
    )
    assert (
        "+Victims were told about the charging decision on time in 72 of the 120 cases we examined. That is sixty per"
        in out
    )
    after = report_md.read_text(encoding="utf-8")
    assert "That is sixty per cent." in after
    assert "officers and prosecutors each" in after and "some officers and prosecutors each" in after
    assert " The other six were not." in after  # rejected: untouched
    assert load(example_copy).text.count("sixty") == 1
    log = read(log_file)
    applied = {i["id"]: i for i in log.items}
    assert applied[replacement["id"]]["applied"] and applied[insertion["id"]]["applied"]
    assert "applied" not in applied[deletion["id"]]

    # applying again changes nothing and says why
    code, out = review(project, "apply", str(log_file), replacement["id"])
    assert code == 1 and "already" in out and report_md.read_text(encoding="utf-8") == after

    assert review_summary(example_copy) == {"cps": {"received": 5, "open": 0, "resolved": 5}}
    code, out = run(project, "check", "--root", str(project), "--no-cache", "--for-publication", str(example_copy))
    assert "[reviews/" not in out, out


def test_a_change_whose_paragraph_was_edited_since_import_is_refused(
    example_copy: Path, project: Path, exported: Path
) -> None:
    doc = Returned(exported.read_bytes())
    doc.replace("60 per cent", "sixty per cent", within="That is 60 per cent.")
    returned = project / "back.docx"
    returned.write_bytes(doc.data())
    assert review(project, "import", str(example_copy), str(returned), "--from", "cps", "--date", "2026-11-28")[0] == 0
    log_file = example_copy / "reviews" / "cps-2026-11-28.yml"
    report_md = example_copy / "report.md"
    edited = report_md.read_text(encoding="utf-8").replace("That is 60 per cent.", "That is 60 per cent of them.")
    report_md.write_text(edited, encoding="utf-8")
    code, out = review(project, "apply", str(log_file), "t1")
    assert code == 1
    assert re.search(r"refused t1: the paragraph at line \d+ has changed since the import", out), out
    assert report_md.read_text(encoding="utf-8") == edited


@pytest.mark.slow
def test_the_loop_ends_in_a_signed_publication_of_what_was_decided(
    example_copy: Path, project: Path, exported: Path, gk: Gatekeepers, tmp_path: Path  # noqa: F811
) -> None:
    """Export, a factual-accuracy change comes back, gatekeepers sign, publish: a sign-off given
    while an item is open, or before the decision was applied, never publishes."""
    doc = Returned(exported.read_bytes())
    doc.replace("60 per cent", "sixty per cent", author="Ann Clerk", within="That is 60 per cent.")
    returned = project / "back.docx"
    returned.write_bytes(doc.data())
    assert review(project, "import", str(example_copy), str(returned), "--from", "cps", "--date", "2026-11-28")[0] == 0
    log_file = example_copy / "reviews" / "cps-2026-11-28.yml"
    item = read(log_file).items[0]["id"]
    site = tmp_path / "public" / "site"

    sign_all(gk)  # signed with the item still open
    result = publish(project, site)
    assert result.exit_code != 0 and "[reviews/open]" in result.output, result.output
    assert not (site / "reports" / example_copy.name).exists()

    assert review(project, "accept", str(log_file), item)[0] == 0
    assert review(project, "apply", str(log_file))[0] == 0
    result = publish(project, site)  # the decision changed the content the gatekeepers signed
    assert result.exit_code != 0 and "[signoffs/stale]" in result.output, result.output
    assert "changed since: report.md (changed), reviews/cps-2026-11-28.yml (changed)" in result.output
    assert not (site / "reports" / example_copy.name).exists()

    sign_all(gk)
    result = publish(project, site)
    assert result.exit_code == 0, result.output
    served = page(site, f"reports/{example_copy.name}/index.html")
    assert "That is sixty per cent." in served and "That is 60 per cent." not in served


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by the --test set-up")
def test_a_review_copy_with_page_numbers_still_maps_every_comment(example_copy: Path, project: Path) -> None:
    """`review export --word-page-numbers`: the reviewer's contents shows page numbers, and only
    the contents changed: a comment made in that copy comes back at the same report.md line."""
    from cjji.build.docx_pages import _contents_entries, entry_number
    from cjji.review.export import export

    code, out = review(project, "export", str(example_copy), "--for", "cps", "--date", "2026-11-20",
                       "--word-page-numbers")
    assert code == 0, out
    assert "contents page numbers from LibreOffice" in out
    numbered = project / "out" / "2026-victim-updates" / "review" / "2026-victim-updates-for-cps.docx"
    plain = export(load(example_copy), load_policy(project), "cps", project / "plain.docx",
                   dt.date(2026, 11, 20)).path
    def numbers(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
        return [entry_number(link) for _, link in _contents_entries(root)]

    assert numbers(plain) and not any(numbers(plain))  # Word fills them; the plain copy has none
    assert all(numbers(numbered))
    for path, body in ((numbered, "cps-numbered"), (plain, "cps-plain")):
        doc = Returned(path.read_bytes())
        doc.comment("72 of the 120 cases", "Our own count is 74.", author="Ann Clerk")
        returned = project / f"back-{body}.docx"
        returned.write_bytes(doc.data())
        code, out = review(project, "import", str(example_copy), str(returned), "--from", body, "--date", "2026-11-28")
        assert code == 0, out
    logs = sorted((example_copy / "reviews").glob("*.yml"))
    places = [[(i["where"]["line"], i["where"]["col"], i["where"]["mapped"]) for i in read(log).items] for log in logs]
    assert len(logs) == 2 and places[0] == places[1] and places[0][0][2]
