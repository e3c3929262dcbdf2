"""`cjji review apply`: accepted changes become edits of report.md with a diff; anything that
cannot be applied exactly is refused with the reason and report.md is left as it was."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from review_support import Returned

from cjji.cli import cli
from cjji.review.log import read


def review(project: Path, command: str, *args: str) -> tuple[int, str]:
    options = ["--root", str(project)] if command in ("export", "import", "apply") else []
    result = CliRunner().invoke(cli, ["review", command, *options, *args])
    return result.exit_code, result.output


def imported(project: Path, folder: Path, doc: Returned) -> Path:
    returned = project / "back.docx"
    returned.write_bytes(doc.data())
    code, out = review(project, "import", str(folder), str(returned), "--from", "cps", "--date", "2026-11-28")
    assert code == 0, out
    return folder / "reviews" / "cps-2026-11-28.yml"


def ids(log_file: Path, kind: str) -> list[str]:
    return [i["id"] for i in read(log_file).items if i["kind"] == kind]


def test_accepted_changes_of_every_kind(example_copy: Path, project: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy)
    doc.move("Victims experience the whole of it.", "Each agency tends")
    doc.insert("rarely knew", "*very* ")
    doc.new_paragraph_after("Priya Raman, His", "Signed on behalf of all three inspectorates.")
    doc.remove_paragraph_untracked("Witnesses who were not victims raised similar concerns")
    doc.edit_untracked("Many went out of their way", "Most went out of their way")
    log_file = imported(project, example_copy, doc)
    md = example_copy / "report.md"
    md.write_bytes(md.read_bytes().replace(b"\n", b"\r\n"))  # a Windows checkout
    chosen = [
        *ids(log_file, "move"),
        *ids(log_file, "insertion"),
        *ids(log_file, "new-paragraph"),
        *ids(log_file, "removed-paragraph"),
        *ids(log_file, "edit"),
    ]
    assert len(chosen) == 5
    code, out = review(project, "apply", str(log_file), *chosen, "--dry-run")
    assert code == 0 and "dry run: 5 change(s) not written" in out, out
    assert b"\r\n" in md.read_bytes() and b"Signed on behalf" not in md.read_bytes()
    code, out = review(project, "apply", str(log_file), *chosen)
    assert code == 0, out
    raw = md.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")  # line endings kept
    text = raw.decode("utf-8").replace("\r\n", "\n")
    assert "Victims' Code. Victims experience the whole of it.Each agency tends" in text  # as the reviewer moved it
    assert text.count("Victims experience the whole of it.") == 1
    assert r"they \*very\* rarely knew" in text  # markup the reviewer typed is escaped
    assert (
        "Priya Raman, His Majesty's Chief Inspector of Probation\n\nSigned on behalf of all three inspectorates."
        in text
    )
    assert "Witnesses who were not victims" not in text
    assert "Most went out of their way" in text
    log = read(log_file)
    assert all(i["status"] == "accepted" and i["applied"] for i in log.items if i["id"] in chosen)


def test_refusals_say_why_and_change_nothing(example_copy: Path, project: Path, review_copy: bytes) -> None:
    doc = Returned(review_copy)
    doc.delete("victims. It came", within="sets out 12 rights")  # across the footnote reference [^1]
    doc.comment("Northshire to 43 per cent", "Check.")
    doc.replace("11 working days", "eleven working days", within="In Westvale, victims waited")
    log_file = imported(project, example_copy, doc)
    md = example_copy / "report.md"
    before = md.read_bytes()
    (deletion,) = ids(log_file, "deletion")
    (comment,) = ids(log_file, "comment")
    (replacement,) = ids(log_file, "replacement")
    assert review(project, "reject", str(log_file), replacement, "--response", "The figure is right.")[0] == 0
    code, out = review(project, "apply", str(log_file), deletion, comment, replacement, "x9")
    assert code == 1
    assert (
        f"refused {deletion}: the change crosses formatting in report.md ('victims.[^1] It came'); make it by hand"
        in out
    )
    assert f"refused {comment}: a comment proposes no change to make" in out
    assert f"refused {replacement}: it was rejected" in out
    assert "refused x9: there is no item with this id in the log" in out
    assert "nothing applied; report.md is unchanged" in out
    assert md.read_bytes() == before
    assert all("applied" not in i for i in read(log_file).items)


def test_a_change_on_a_paragraph_moved_since_export_is_refused(
    example_copy: Path, project: Path, review_copy: bytes
) -> None:
    md = example_copy / "report.md"
    text = md.read_text(encoding="utf-8")
    moved = next(line for line in text.split("\n") if line.startswith("Poor communication remains"))
    text = text.replace(moved + "\n\n", "").replace(
        "## Timeliness {#charging-timeliness}\n", f"## Timeliness {{#charging-timeliness}}\n\n{moved}\n"
    )
    md.write_text(text, encoding="utf-8")
    doc = Returned(review_copy)
    doc.replace("raised it repeatedly", "raised it often")
    log_file = imported(project, example_copy, doc)
    (item,) = ids(log_file, "replacement")
    code, out = review(project, "apply", str(log_file), item)
    assert code == 1 and f"refused {item}: its paragraph had moved since the review copy was exported" in out, out
    assert md.read_text(encoding="utf-8") == text
