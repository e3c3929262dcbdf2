# ruff: noqa: F811  (pytest fixtures imported from signoff_support)
"""The content digest: canonical, location- and order-independent, covers every output file."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publish_support import frozen_clock
from signoff_support import REQUIRED, gk, keys  # noqa: F401
from support import EXAMPLE

from cjji.cli import cli
from cjji.digest import DigestError, changed_files, digest, is_ignored


def _report(folder: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


FILES = {"report.md": b"---\nid: x\n---\n# Hi\n", "images/chart.png": b"\x89PNG\r\n",
         "impact-assessment.md": b"No adverse impact.\n"}


def test_digest_is_sha256_of_the_sha256sum_lines_sorted_by_path(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    lines = "".join(f"{hashlib.sha256(FILES[p]).hexdigest()}  {p}\n" for p in sorted(FILES))
    result = digest(folder)
    assert result.value == "sha256:" + hashlib.sha256(lines.encode()).hexdigest()
    assert result.manifest() == lines
    assert sorted(result.files) == ["images/chart.png", "impact-assessment.md", "report.md"]


def test_same_digest_wherever_the_folder_is_and_whatever_order_files_were_made(tmp_path: Path) -> None:
    first = _report(tmp_path / "a" / "r", FILES)
    second = _report(tmp_path / "elsewhere" / "deeper" / "r", dict(reversed(list(FILES.items()))))
    assert digest(first) == digest(second)


def test_signoffs_hidden_and_editor_files_are_not_digested(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    before = digest(folder).value
    _report(folder, {"signoffs/a.json": b"{}", ".DS_Store": b"x", "report.md~": b"x",
                     ".report.md.swp": b"x", "images/.hidden.png": b"x", ".git/config": b"x",
                     "#report.md#": b"x"})
    assert digest(folder).value == before


@pytest.mark.parametrize("rel", ["report.md", "images/chart.png", "impact-assessment.md"])
def test_any_change_to_an_output_file_changes_the_digest(tmp_path: Path, rel: str) -> None:
    folder = _report(tmp_path / "r", FILES)
    before = digest(folder)
    (folder / rel).write_bytes((folder / rel).read_bytes() + b" ")
    after = digest(folder)
    assert after.value != before.value
    assert changed_files(before.files, after.files) == [f"{rel} (changed)"]


def test_a_new_file_anywhere_in_the_folder_changes_the_digest(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    before = digest(folder)
    _report(folder, {"annex/data.csv": b"a,b\n"})
    after = digest(folder)
    assert after.value != before.value
    assert changed_files(before.files, after.files) == ["annex/data.csv (added)"]
    (folder / "impact-assessment.md").unlink()
    assert "impact-assessment.md (removed)" in changed_files(after.files, digest(folder).files)


def test_a_link_leading_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    (tmp_path / "secret.png").write_bytes(b"outside")
    os.symlink(tmp_path / "secret.png", folder / "images" / "outside.png")
    with pytest.raises(DigestError, match="images/outside.png is a link that leads outside the report folder"):
        digest(folder)


def test_a_link_to_a_folder_outside_is_refused(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    (tmp_path / "shared").mkdir()
    os.symlink(tmp_path / "shared", folder / "shared")
    with pytest.raises(DigestError, match="shared is a link that leads outside"):
        digest(folder)


def test_a_link_inside_the_folder_is_digested_as_its_target(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    os.symlink("chart.png", folder / "images" / "same.png")
    assert digest(folder).files["images/same.png"] == digest(folder).files["images/chart.png"]


def test_a_broken_link_is_refused(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    os.symlink("missing.png", folder / "images" / "gone.png")
    with pytest.raises(DigestError, match="link to a file that does not exist"):
        digest(folder)


def test_cjji_digest_prints_the_digest_and_with_files_the_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(EXAMPLE, folder)
    result = CliRunner().invoke(cli, ["digest", str(folder)])
    assert result.exit_code == 0
    assert result.output == digest(folder).value + "\n"
    listed = CliRunner().invoke(cli, ["digest", "--files", str(folder)])
    assert "  report.md\n" in listed.output and "  data/updates.csv\n" in listed.output
    assert "signoffs" not in listed.output


def test_cjji_digest_refuses_a_link_outside_with_a_message(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    os.symlink("/etc/hostname", folder / "host.txt")
    result = CliRunner().invoke(cli, ["digest", str(folder)])
    assert result.exit_code == 2
    assert "host.txt is a link that leads outside the report folder" in result.output
    assert "Traceback" not in result.output


names = st.text(alphabet="abcdefghij-_ éü", min_size=1, max_size=8).filter(
    lambda n: n.strip() == n and not n.startswith(("-", "#", "~")))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(names, st.binary(max_size=64), min_size=1, max_size=6))
def test_digest_depends_only_on_names_and_bytes(tmp_path_factory: pytest.TempPathFactory,
                                                files: dict[str, bytes]) -> None:
    one = _report(tmp_path_factory.mktemp("one"), {f"{n}.md": d for n, d in files.items()})
    two = _report(tmp_path_factory.mktemp("two") / "x",
                  {f"{n}.md": d for n, d in reversed(list(files.items()))})
    assert digest(one) == digest(two)


# ---- file names (issue 13, attack 2) ------------------------------------------------------------

NFC_NAME = "images/caf\u00e9.png"  # é as one character
NFD_NAME = "images/cafe\u0301.png"  # e + COMBINING ACUTE ACCENT: looks the same


def test_attack_2_an_nfd_twin_forged_after_sign_off_is_refused_not_digested_as_the_same_file(
        tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", {**FILES, NFC_NAME: b"the signed chart"})
    signed = digest(folder)
    assert NFC_NAME in signed.files
    _report(folder, {NFD_NAME: b"a forged chart"})  # added after sign-off, under the other spelling
    with pytest.raises(DigestError) as caught:
        digest(folder)
    message = str(caught.value)
    assert "is not in Unicode NFC form" in message and "clashes with" in message
    assert "cafe<U+0301 COMBINING ACUTE ACCENT>.png" in message  # the invisible difference, spelled out


def test_attack_2_an_nfd_name_alone_is_refused_too(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", {**FILES, NFD_NAME: b"chart"})
    with pytest.raises(DigestError, match="is not in Unicode NFC form"):
        digest(folder)


@pytest.mark.parametrize(("name", "rule", "says"), [
    ("images/chart\u200b.png", "invisible-character", "U+200B ZERO WIDTH SPACE"),
    ("images/chart\u202egnp.png", "invisible-character", "RIGHT-TO-LEFT OVERRIDE"),
    ("images/chart\ufeff.png", "invisible-character", "ZERO WIDTH NO-BREAK SPACE"),
    ("images/chart\t1.png", "invisible-character", "a control character"),
    ("images/chart.png.", "space", "ends with a dot"),
    ("images/chart.png ", "space", "ends with a space"),
    ("images/ chart.png", "space", "starts or ends with a space"),
    ("images/my\u00a0chart.png", "space", "NO-BREAK SPACE"),
    ("images/con.png", "windows-name", "device name Windows reserves"),
    ("images/chart:evil.png", "reserved-character", "':'"),
    ("images/chart%31.svg", "reserved-character", "'%'"),
    ("images/chart#1.png", "reserved-character", "'#'"),
    ("images/ch\u0430rt.png", "mixed-alphabets", "Cyrillic and Latin"),
    ("imag\u0435s/chart.png", "mixed-alphabets", "the folder name"),
])
def test_attack_2_confusable_names_are_refused_each_named(tmp_path: Path, name: str, rule: str, says: str) -> None:
    from cjji.digest import name_problems

    folder = _report(tmp_path / "r", {**FILES, name: b"x"})
    problems = [p for p in name_problems(folder) if p.rule != "name-clash"]  # some also clash with chart.png
    assert [p.rule for p in problems] == [rule], problems
    assert says in problems[0].message
    with pytest.raises(DigestError, match="rename it|rename the other"):
        digest(folder)


@pytest.mark.parametrize(("one", "two"), [
    ("images/chart.png", "images/Chart.png"),  # one file on a case-insensitive checkout
    ("images/file.png", "images/\ufb01le.png"),  # the "fi" ligature
    ("images/chart.png", "images/\uff43hart.png"),  # a full-width c
    ("Images/a.png", "images/b.png"),  # two folders that are one on Windows and macOS
    ("images/stra\u00dfe.png", "images/strasse.png"),  # ß case-folds to ss
])
def test_attack_2_names_that_differ_only_in_case_or_look_alike_forms_clash(
        tmp_path: Path, one: str, two: str) -> None:
    from cjji.digest import name_problems

    folder = _report(tmp_path / "r", {**FILES, one: b"1", two: b"2"})
    clashes = [p for p in name_problems(folder) if p.rule == "name-clash"]
    assert clashes, name_problems(folder)
    with pytest.raises(DigestError, match="clashes with"):
        digest(folder)


def test_attack_2_a_name_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    with open(os.fsencode(folder / "images") + b"/caf\xe9.png", "wb") as handle:
        handle.write(b"latin-1 name")
    with pytest.raises(DigestError, match="a byte that is not UTF-8 text"):
        digest(folder)


@pytest.mark.parametrize("name", ["images/caf\u00e9.png", "images/Dyffryn \u0175.png", "images/chart 2 (final).png",
                                  "images/\u0394-delta.png", "annex/data_v2-final.csv"])
def test_ordinary_names_with_accents_and_spaces_are_digested(tmp_path: Path, name: str) -> None:
    folder = _report(tmp_path / "r", {**FILES, name: b"x"})
    assert name in digest(folder).files


def test_hidden_editor_and_signoff_files_are_not_judged_by_name(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", {**FILES, "signoffs/R\u00e9le\u0301.json": b"{}", ".DS_Store\u200b": b"x",
                                      "images/chart.png~": b"x"})
    assert digest(folder).value == digest(_report(tmp_path / "s", FILES)).value


tricky = st.text(alphabet="aAbB\u00e9e\u0301 .\u200b\u00a0\ufb01fi\u0430-", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(tricky, min_size=1, max_size=4, unique=True))
def test_attack_2_whatever_the_names_a_digest_never_covers_two_spellings_of_one_name(
        tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> None:
    import unicodedata

    from cjji.digest import skeleton

    folder = tmp_path_factory.mktemp("names")
    made = []
    for n in names:
        if is_ignored(n) or "/" in n:
            continue
        try:
            (folder / n).write_bytes(n.encode("utf-8", "surrogatepass"))
        except OSError:
            continue
        made.append(n)
    try:
        result = digest(folder)
    except DigestError as exc:
        assert "rename" in str(exc) or ("holds no files" in str(exc) and not made)
        return
    assert sorted(result.files) == sorted(made)
    for rel in result.files:
        assert unicodedata.is_normalized("NFC", rel) and rel == rel.strip(" ") and not rel.endswith(".")
    assert len({skeleton(rel) for rel in result.files}) == len(result.files)


def _forge_nfd_twin(kit: Any) -> None:
    """Sign a report holding annex/café.csv (NFC), then add the NFD spelling with other bytes."""
    (kit.report / "annex").mkdir()
    (kit.report / "annex" / "caf\u00e9.csv").write_text("area,days\nNorthshire,4\n")
    for role, name in zip(REQUIRED, ["cps-chief", "police-chief", "probation-chief", "cps-qa"], strict=True):
        kit.sign(role, name)
    (kit.report / "annex" / "cafe\u0301.csv").write_text("area,days\nNorthshire,40\n")


def test_attack_2_check_for_publication_sign_and_publish_refuse_a_forged_nfd_twin(gk: Any, tmp_path: Path) -> None:
    _forge_nfd_twin(gk)
    root = ["--root", str(gk.root)]
    check = CliRunner().invoke(cli, ["check", "--for-publication", str(gk.report), *root])
    assert check.exit_code == 1, check.output
    assert "is not in Unicode NFC form" in check.output and "Traceback" not in check.output
    site = tmp_path / "public" / "site"
    with frozen_clock("2026-12-10T09:00"):
        published = CliRunner().invoke(cli, ["publish", "--site", str(site), *root])
    assert published.exit_code == 1, published.output
    assert "REFUSED" in published.output and "is not in Unicode NFC form" in published.output
    assert not site.exists() or "2026-victim-updates" not in "".join(str(p) for p in site.resolve().rglob("*"))
    sign = CliRunner().invoke(cli, ["sign", str(gk.report), "--role", REQUIRED[0], "--key",
                                    str(gk.keys["cps-chief"]), *root])
    assert sign.exit_code != 0
    assert "is not in Unicode NFC form" in sign.output and "Traceback" not in sign.output


def test_attack_2_a_name_problem_is_shown_where_report_md_refers_to_the_file(example_copy: Path) -> None:
    from cjji.digest import name_findings
    from cjji.report import load

    (example_copy / "data" / "Updates.csv").write_bytes((example_copy / "data" / "updates.csv").read_bytes())
    report = load(example_copy)
    line = next(n for n, text in enumerate(report.text.split("\n"), 1) if "(data/updates.csv" in text)
    found = {(f.file.rsplit("/", 1)[-1], f.line, f.rule) for f in name_findings(report)}
    assert found == {("report.md", line, "name-clash")}, found  # both names, at the line that uses one
    (example_copy / "data" / "Updates.csv").unlink()
    (example_copy / "images").mkdir()
    (example_copy / "images" / "spare\u200b.png").write_bytes(b"x")  # referred to nowhere: named on its own
    (finding,) = name_findings(load(example_copy))
    assert finding.file.endswith("images/spare\u200b.png") and finding.line == 0
    assert "U+200B ZERO WIDTH SPACE" in finding.message and finding.severity == "error"


def test_attack_2_check_and_build_refuse_a_folder_with_an_nfd_twin_naming_the_file(example_copy: Path) -> None:
    (example_copy / "annex").mkdir()
    (example_copy / "annex" / "caf\u00e9.csv").write_text("area,days\n")
    (example_copy / "annex" / "cafe\u0301.csv").write_text("area,days\nforged,1\n")
    root = ["--root", str(example_copy.parents[1])]
    check = CliRunner().invoke(cli, ["check", "--no-cache", "-j", "1", str(example_copy), *root])
    assert check.exit_code == 1, check.output
    assert "annex/cafe<U+0301 COMBINING ACUTE ACCENT>.csv' is not in Unicode NFC form" in check.output
    assert "clashes with" in check.output and "Traceback" not in check.output
    build = CliRunner().invoke(cli, ["build", "--no-cache", "-f", "html", str(example_copy), *root])
    assert build.exit_code == 1, build.output
    assert "0 reports built, 1 not built" in build.output
    assert not (example_copy.parents[1] / "out" / example_copy.name / f"{example_copy.name}.html").exists()
