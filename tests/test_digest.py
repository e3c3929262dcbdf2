"""The content digest: canonical, location- and order-independent, covers every output file."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE

from cjji.cli import cli
from cjji.digest import DigestError, changed_files, digest


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
    assert "  report.md\n" in listed.output and "  images/updates.png\n" in listed.output
    assert "signoffs" not in listed.output


def test_cjji_digest_refuses_a_link_outside_with_a_message(tmp_path: Path) -> None:
    folder = _report(tmp_path / "r", FILES)
    os.symlink("/etc/hostname", folder / "host.txt")
    result = CliRunner().invoke(cli, ["digest", str(folder)])
    assert result.exit_code == 1
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
