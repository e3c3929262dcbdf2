"""`pip install .` into a fresh virtual environment outside the checkout gives a cjji that works:
its schemas and templates come with it (cjji.resources), not from the source tree.

The fresh environment borrows the test environment's installed dependencies (a .pth line, so no
network and no download), but not its editable cjji: the .pth files of a borrowed folder are not
read, so `import cjji` can only find the copy pip installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import EXAMPLE, ROOT

pytestmark = pytest.mark.slow

SOURCE = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "schemas", "templates")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CJJI_DEBUG")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin/ folder of a fresh venv holding cjji built from a copy of the source."""
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    source.mkdir()
    for name in SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".cache"))
        else:
            shutil.copy2(ROOT / name, source / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                           "--no-build-isolation", "--ignore-installed", str(source)],
                          capture_output=True, text=True, env=_env(), cwd=base, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.rmtree(source)  # nothing may still point into the source it was built from
    yield venv / "bin"


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "cjji"), *args], capture_output=True, text=True, env=_env(), cwd=cwd,
                          timeout=300)


def test_the_installed_cjji_is_the_copy_pip_made_not_the_checkout(installed: Path) -> None:
    done = subprocess.run([str(installed / "python"), "-c", "import cjji, cjji.resources as r; "
                           "print(cjji.__file__); print(r.folder('schemas')); print(r.folder('templates'))"],
                          capture_output=True, text=True, env=_env(), check=True)
    module, schemas, templates = done.stdout.splitlines()
    venv = installed.parent
    assert Path(module).is_relative_to(venv) and not Path(module).is_relative_to(ROOT)
    assert Path(schemas) == Path(module).parent / "_data" / "schemas"
    assert (Path(schemas) / "report.schema.json").read_bytes() == (ROOT / "schemas" / "report.schema.json").read_bytes()
    assert (Path(templates) / "brand.yml").is_file()
    from cjji import __version__

    assert _run(installed, "--version", cwd=venv).stdout.strip() == f"cjji, version {__version__}"


def test_a_project_with_only_checks_and_reports_is_checked_with_the_installed_schemas(
        installed: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "checks", tmp_path / "checks")
    shutil.copytree(EXAMPLE, tmp_path / "reports" / EXAMPLE.name)
    done = _run(installed, "check", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 report checked: 0 errors" in done.stdout + done.stderr
    report = tmp_path / "reports" / EXAMPLE.name / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    broken = _run(installed, "check", cwd=tmp_path)
    assert broken.returncode == 1  # the installed schema really judges the report
    assert "titel" in broken.stdout + broken.stderr


def test_a_project_without_its_own_templates_builds_with_the_installed_ones(installed: Path, tmp_path: Path) -> None:
    """Only checks/ and reports/: the brand, the HTML, Typst and site templates and the logos all
    come from the installed copy (cjji.resources), never from a source checkout."""
    shutil.copytree(ROOT / "checks", tmp_path / "checks")
    shutil.copytree(EXAMPLE, tmp_path / "reports" / EXAMPLE.name)
    assert _run(installed, "check", cwd=tmp_path).returncode == 0
    venv = installed.parent
    before = {p for p in venv.rglob("*") if "__pycache__" not in p.parts}
    done = _run(installed, "build", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "templates").exists() and not (tmp_path / "schemas").exists()
    # nothing is written into the installed (possibly read-only) package: caches go to the project
    assert {p for p in venv.rglob("*") if "__pycache__" not in p.parts} == before
    assert list((tmp_path / ".cache" / "word").glob("reference-*.docx"))
    out = tmp_path / "out" / EXAMPLE.name
    built = sorted(p.suffix for p in out.iterdir() if p.is_file())
    assert {".docx", ".pdf", ".html"} <= set(built), built
    assert (out / f"{EXAMPLE.name}.pdf").read_bytes().startswith(b"%PDF-")
    page = (out / f"{EXAMPLE.name}.html").read_text(encoding="utf-8")
    assert "#1d4e5f" in page.lower()  # the installed brand.yml's primary colour styles the page
    logo = next(out.rglob("logos/cjji.svg"))  # and its logos are copied beside it
    assert logo.read_bytes() == (ROOT / "templates" / "logos" / "cjji.svg").read_bytes()


def test_a_project_with_its_own_templates_uses_them(installed: Path, tmp_path: Path) -> None:
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copytree(EXAMPLE, tmp_path / "reports" / EXAMPLE.name)
    page = tmp_path / "templates" / "html" / "report.html.j2"
    marker = '<p class="project-own">Made with the project\'s own page template</p>'
    page.write_text(page.read_text(encoding="utf-8").replace('<div class="report-body">',
                                                             '<div class="report-body">' + marker, 1), encoding="utf-8")
    done = _run(installed, "build", "--format", "html", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert marker in (tmp_path / "out" / EXAMPLE.name / f"{EXAMPLE.name}.html").read_text(encoding="utf-8")
