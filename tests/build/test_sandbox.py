"""The build depends only on the signed bytes: Typst's root holds the digested files and the brand's
template and logos, nothing else; pandoc and Typst run under the limits of checks/limits.yml."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typst
from hostile_support import context, make_project, report_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjji.build import pandoc
from cjji.build.brand import load_brand
from cjji.build.pandoc_ast import BuildError, document, el
from cjji.build.pdf import build_pdf
from cjji.build.sandbox import (
    LimitError,
    ToolError,
    brand_files,
    compile_typst,
    offline_env,
    typst_root,
)
from cjji.digest import digest
from cjji.policy import load_policy
from cjji.report import load

SECRET = "TOKEN-d084701-never-in-a-pdf"
ATTACK_1 = '[w]{typst:text:fill="red)[#read(`/.git/config`.text)] #text(fill: red"}'
TITLE = '#set document(title: "t")\n'


def pdf_text(path: Path) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose .git/config, top folder and report signoffs/ hold a secret."""
    root = make_project(tmp_path / "project")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
    (root / "secret.txt").write_text(SECRET)
    return root


def _report(project: Path, body: str) -> Path:
    folder = report_with(project / "reports", body)
    (folder / "signoffs").mkdir(exist_ok=True)
    (folder / "signoffs" / "note.txt").write_text(SECRET)
    (folder / ".draft.txt").write_text(SECRET)
    return folder


def test_attack_1_the_pdf_never_shows_a_file_the_report_does_not_hold(project: Path) -> None:
    """d084701: this attribute printed .git/config into the PDF, even after check; here the build
    runs without check, as a skipped or buggy check would let it."""
    folder = _report(project, f"Text {ATTACK_1} and [x]{{typst:text:fill=\"red)[#read(`/signoffs/note.txt`)] "
                              f"#text(fill: red\"}} end.")
    out = build_pdf(load(folder), load_policy(project), project / "out.pdf")
    text = pdf_text(out)
    assert "Custody health care" in text
    assert SECRET not in text and "extraheader" not in text


def test_attack_1_even_typst_code_that_reached_the_compiler_cannot_read_outside_the_report(project: Path) -> None:
    """The second wall: if Typst code got through (a writer bug), the root it runs in holds only
    the report's digested files and the brand: .git, the project, signoffs/ and hidden files are
    not there to read."""
    folder = _report(project, "Text.")
    brand = load_brand(project)
    with typst_root(folder, brand) as box:
        for path in ("/.git/config", "/secret.txt", "/report/signoffs/note.txt", "/report/.draft.txt",
                     "/../secret.txt", "../../.git/config", str(project / "secret.txt"), "/reports/x/report.md"):
            with pytest.raises(ToolError) as caught:
                compile_typst(f'{TITLE}#read("{path}")', box, 0, {"seconds": 60, "memory_mb": 1024}, "ua-1")
            assert "not found" in str(caught.value) or "escape the project root" in str(caught.value)
        pdf = compile_typst(f'{TITLE}#read("/report/report.md").len()', box, 0, {"seconds": 60, "memory_mb": 1024},
                            "ua-1")
        assert pdf.startswith(b"%PDF")


def test_the_root_holds_the_digested_files_and_the_brand_and_nothing_else(project: Path) -> None:
    folder = _report(project, "Text.")
    (folder / "images" / "sub").mkdir()
    (folder / "images" / "sub" / "more.png").write_bytes((folder / "images" / "chart.png").read_bytes())
    (folder / "images" / "chart.png~").write_text(SECRET)
    brand = load_brand(project)
    signed = digest(folder)
    with typst_root(folder, brand) as box:
        on_disk = {p.relative_to(box.root).as_posix() for p in box.root.rglob("*") if p.is_file()}
        links = [p for p in box.root.rglob("*") if p.is_symlink()]
        expected = {f"report/{rel}" for rel in signed.files} | {rel for rel, _ in brand_files(brand)}
        assert on_disk == expected and links == []
        assert {rel: box.files[f"report/{rel}"] for rel in signed.files} == signed.files
        assert box.report_digest() == signed.value
        assert "templates/typst/cjji.typ" in on_disk and "templates/logos/cjji.svg" in on_disk
        assert not any(SECRET in (box.root / rel).read_text(errors="replace") for rel in on_disk)
        root = box.root
    assert not root.exists()


_PART = st.text(alphabet="abcxyz019-_", min_size=1, max_size=6)
_HIDDEN = st.sampled_from([".hidden", "x.png~", "x.bak", "#x#", "x.swp", ".git"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.lists(_PART, min_size=1, max_size=3), min_size=1, max_size=6),
       hidden=st.lists(st.tuples(st.lists(_PART, max_size=2), _HIDDEN), min_size=1, max_size=3),
       signed_off=st.lists(_PART, min_size=1, max_size=2))
def test_property_every_file_typst_can_open_lies_inside_the_digest(
        tmp_path_factory: pytest.TempPathFactory, files: list[list[str]],
        hidden: list[tuple[list[str], str]], signed_off: list[str]) -> None:
    """For generated report folders (nested files, hidden and editor files, signoffs/): the root
    Typst gets holds exactly the digested files (same bytes) plus the brand's, and reading a file
    the digest leaves out, or one outside the root, fails."""
    base = tmp_path_factory.mktemp("gen")
    folder = base / "report"
    folder.mkdir()
    (folder / "report.md").write_text("x")
    for parts in files:
        path = folder.joinpath("d", *parts)
        if path.exists() and path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.is_dir():
            continue
        path.write_text("/".join(parts))
    left_out = []
    for parts, name in hidden:
        path = folder.joinpath("h", *parts, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SECRET)
        left_out.append(path.relative_to(folder).as_posix())
    for name in signed_off:
        (folder / "signoffs").mkdir(exist_ok=True)
        (folder / "signoffs" / name).write_text(SECRET)
        left_out.append(f"signoffs/{name}")
    (base / "outside.txt").write_text(SECRET)
    signed = digest(folder)
    brand = load_brand(context().policy.root)
    with typst_root(folder, brand) as box:
        present = {p.relative_to(box.root).as_posix(): p for p in box.root.rglob("*") if p.is_file()}
        assert set(present) == {f"report/{r}" for r in signed.files} | {r for r, _ in brand_files(brand)}
        assert {r: box.files[f"report/{r}"] for r in signed.files} == signed.files
        for rel in [*left_out, "../outside.txt", "../../outside.txt"]:
            with pytest.raises(typst.TypstError):
                typst.compile(f'{TITLE}#read("/report/{rel}")'.encode(), root=str(box.root), format="pdf")
            with pytest.raises(typst.TypstError):
                typst.compile(f'{TITLE}#image("/report/{rel}")'.encode(), root=str(box.root), format="pdf")


# -- limits ------------------------------------------------------------------------------------


def test_typst_over_the_time_limit_is_stopped_with_the_limit_named(project: Path) -> None:
    folder = _report(project, "Text.")
    started = time.monotonic()
    with typst_root(folder, load_brand(project)) as box, pytest.raises(LimitError) as caught:
        compile_typst(f"{TITLE}#for i in range(30000) {{ for j in range(30000) {{ }} }}", box, 0,
                      {"seconds": 3, "memory_mb": 1024}, "ua-1")
    assert time.monotonic() - started < 20
    assert str(caught.value) == "making the PDF took longer than the limit of 3 seconds"
    assert caught.value.limit == "build.seconds"


def test_typst_over_the_memory_limit_is_stopped_with_the_limit_named(project: Path) -> None:
    folder = _report(project, "Text.")
    with typst_root(folder, load_brand(project)) as box, pytest.raises(LimitError) as caught:
        compile_typst(f'{TITLE}#let x = range(400000000).map(i => str(i)).join("")\n#x.len()', box, 0,
                      {"seconds": 60, "memory_mb": 300}, "ua-1")
    assert str(caught.value) == "making the PDF needed more memory than the limit of 300 MB"
    assert caught.value.limit == "build.memory_mb"


def test_typst_cannot_fetch_a_package(project: Path) -> None:
    folder = _report(project, "Text.")
    with typst_root(folder, load_brand(project)) as box, pytest.raises(ToolError) as caught:
        compile_typst(f'{TITLE}#import "@preview/cetz:0.3.1": *\nx', box, 0, {"seconds": 60, "memory_mb": 1024}, "ua-1")
    assert "package" in str(caught.value)


def test_children_get_no_proxy_bypass_and_no_typst_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("TYPST_ROOT", "/")
    env = offline_env()
    assert "NO_PROXY" not in env and "TYPST_ROOT" not in env
    assert env["https_proxy"] == env["HTTPS_PROXY"] == "http://127.0.0.1:9"


def _big_doc(paragraphs: int) -> dict[str, object]:
    words = [el("Str", "word"), el("Space")] * 2000
    return document([el("Para", words) for _ in range(paragraphs)])


def test_pandoc_over_the_time_limit_is_stopped_with_the_limit_named() -> None:
    started = time.monotonic()
    with pytest.raises(pandoc.PandocError) as caught:
        pandoc.run(_big_doc(100), "docx", timeout=1)
    assert time.monotonic() - started < 15
    assert str(caught.value) == "pandoc took longer than the limit of 1 seconds (checks/limits.yml build.seconds)"


def test_pandoc_over_the_memory_limit_is_stopped_with_the_limit_named() -> None:
    with pytest.raises(pandoc.PandocError) as caught:
        pandoc.run(_big_doc(50), "typst", memory_mb=8, timeout=60)
    assert str(caught.value) == "pandoc needed more memory than the limit of 8 MB (checks/limits.yml build.memory_mb)"


def test_a_report_over_a_limit_is_refused_by_cjji_build_naming_the_report_and_the_limit(project: Path) -> None:
    """Through the command line: exit 1, a plain message with the report and the limit, no traceback."""
    limits = project / "checks" / "limits.yml"
    limits.write_text(limits.read_text().replace("seconds: 120", "seconds: 2"))
    table = "| a | b | c | d | e |\n|---|---|---|---|---|\n" + "| 1 | 2 | 3 | 4 | 5 |\n" * 990
    folder = _report(project, "\n\n".join([table] * 4))  # ~10 s of Typst even on an idle machine: far over 2 s
    shutil.rmtree(folder / "signoffs")
    cjji = Path(sys.executable).with_name("cjji")
    done = subprocess.run([str(cjji), "build", "--root", str(project), "--no-cache", "-j", "1", "-f", "pdf",
                           "-o", str(project / "out"), str(folder)], capture_output=True, text=True, timeout=300,
                          cwd=project)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert "reports/2027-hostile/report.md" in output
    assert "took longer than the limit of 2 seconds" in output
    assert "checks/limits.yml build.seconds" in output
    assert not list((project / "out").rglob("*.pdf"))


def test_the_limits_come_from_checks_limits_yml() -> None:
    from cjji.build.sandbox import build_limits

    policy = context().policy
    assert build_limits(policy) == {"seconds": 120, "memory_mb": 2048}
    changed = dataclasses.replace(policy, files={**policy.files, "limits": {"build": {"seconds": 5, "memory_mb": 300}}})
    assert build_limits(changed) == {"seconds": 5, "memory_mb": 300}


def test_no_network_namespace_is_needed_to_build(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    """Where the kernel refuses `unshare -rn` (some CI runners), Typst still runs, offline by proxy."""
    from cjji.build import sandbox

    monkeypatch.setattr(sandbox, "_unshare", lambda: ())
    folder = _report(project, "Text.")
    with typst_root(folder, load_brand(project)) as box:
        assert compile_typst(f"{TITLE}Hello", box, 0, {"seconds": 60, "memory_mb": 1024}, "ua-1").startswith(b"%PDF")


@pytest.mark.skipif(not shutil.which("unshare"), reason="util-linux unshare")
def test_the_child_has_no_network_where_the_kernel_allows_it() -> None:
    from cjji.build.sandbox import _unshare, run_limited

    if not _unshare():
        pytest.skip("this kernel does not allow an unprivileged network namespace")
    code = "import socket; print(len(socket.if_nameindex()))"
    done = run_limited([sys.executable, "-c", code], b"", 30, "python", "build.seconds")
    assert done.stdout.strip() == b"1"  # only the loopback interface
    assert os.environ.get("CJJI_FAKE") is None
    assert subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True).returncode == 0


def test_a_build_of_a_folder_the_digest_refuses_is_a_located_error(project: Path) -> None:
    folder = _report(project, "Text.")
    (folder / "images" / "away.png").symlink_to(project / "secret.txt")
    with pytest.raises(BuildError) as caught:
        build_pdf(load(folder), load_policy(project), project / "out.pdf")
    [f] = caught.value.findings
    assert f.file.endswith("report.md") and "cannot be digested" in f.message
    assert not (project / "out.pdf").exists()
