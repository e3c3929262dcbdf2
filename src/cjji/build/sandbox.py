"""Run the PDF's tools with only the signed bytes in reach, and within limits.

Typst can read any file below its root (`read()`, `image()`, `#import`), and a report once made it
print .git/config into a PDF (issue 13). So Typst never sees the project folder. `typst_root`
makes a fresh temporary folder holding copies of exactly:

- the report's digested files (cjji.digest.files_of: what the sign-off covers), under `report/`;
- the Typst template folder `templates/typst/` and the logo files templates/brand.yml names, at
  the same paths as in the project (`/templates/typst/cjji.typ`, `/templates/logos/cjji.svg`).

Nothing else: no signoffs/, no hidden files, no .git, no other report. The copies are hashed
as they are made (`Sandbox.files`), so a test can show the root holds only the digest's bytes.

`compile_typst` runs Typst in a child process (`python -c`, the `typst` wheel) with an address-space
limit (RLIMIT_AS) and a CPU-time limit, killed after a wall-clock timeout, with the package folders
pointed at empty folders, proxies pointing nowhere and, where the kernel allows an unprivileged
network namespace (`unshare -rn`), no network at all. pandoc runs with `--sandbox`,
`+RTS -M<n>m -RTS` and a timeout (cjji.build.pandoc). The limits come from `checks/limits.yml`
(`build:`); going over one is a `LimitError` naming the limit, never a hang or a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REPORT_DIR = "report"  # the report's files sit at /report/<path> inside the Typst root
TYPST_TEMPLATES = Path("templates") / "typst"
DEFAULT_LIMITS: dict[str, int] = {"seconds": 120, "memory_mb": 2048}
_NOWHERE = "http://127.0.0.1:9"  # the discard port: a proxy that never answers


class LimitError(Exception):
    """A tool went over a limit of checks/limits.yml; `limit` says which, in plain words."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class ToolError(Exception):
    """The tool refused the input (a Typst error), with its own message."""


@dataclass
class Sandbox:
    root: Path  # the Typst root: only what is listed in `files`
    files: dict[str, str] = field(default_factory=dict)  # path inside root -> "sha256:<hex>" of the copy
    report: dict[str, Path] = field(default_factory=dict)  # report-relative path -> its copy

    def report_digest(self) -> str:
        """The content digest (cjji.digest's canonical form) of the report files Typst was given:
        equal to the signed digest exactly when the PDF is made from the signed bytes."""
        from cjji.digest import PREFIX, Digest

        files = {rel: self.files[f"{REPORT_DIR}/{rel}"] for rel in self.report}
        return PREFIX + hashlib.sha256(Digest("", files).manifest().encode("utf-8")).hexdigest()


def build_limits(policy: Any) -> dict[str, int]:
    """`build:` of checks/limits.yml (seconds, memory_mb), with defaults for what it leaves out."""
    data = (policy.get("limits") or {}).get("build") or {} if policy is not None else {}
    return {**DEFAULT_LIMITS, **{k: int(v) for k, v in data.items() if k in DEFAULT_LIMITS}}


def _copy(source: Path, target: Path) -> str:
    """Copy a file's bytes (never a link) and return their SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256()
    with source.open("rb") as src, target.open("xb") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            sha.update(chunk)
            dst.write(chunk)
    target.chmod(0o444)
    return "sha256:" + sha.hexdigest()


def brand_files(brand: Any) -> list[tuple[str, Path]]:
    """(path inside the root, file) of the template folder and the logos the brand names."""
    found: dict[str, Path] = {}
    templates = brand.root / TYPST_TEMPLATES
    if templates.is_dir():
        for path in sorted(templates.rglob("*")):
            if path.is_file() and not path.is_symlink() and not any(p.startswith(".") for p in path.parts):
                found[(TYPST_TEMPLATES / path.relative_to(templates)).as_posix()] = path
    logos = [brand.joint_logo, *(brand.logo(code) for code in brand.data["logos"]["inspectorates"])]
    root = brand.root.resolve()
    for logo in logos:
        if logo is None or not logo.is_file():
            continue
        real = logo.resolve()
        if real.is_relative_to(root / "templates"):
            found[real.relative_to(root).as_posix()] = real
    return sorted(found.items())


@contextmanager
def typst_root(report_dir: Path, brand: Any) -> Iterator[Sandbox]:
    """A fresh Typst root holding only the report's digested files and the brand's template and
    logos (see the module docstring); removed afterwards. Raises DigestError for a folder the
    digest refuses."""
    from cjji.digest import files_of

    parent = Path(tempfile.mkdtemp(prefix="cjji-typst-"))
    try:
        root = parent / "root"
        root.mkdir()
        box = Sandbox(root)
        for rel, path in files_of(report_dir):
            inside = f"{REPORT_DIR}/{rel}"
            box.files[inside] = _copy(path, root / inside)
            box.report[rel] = root / inside
        for inside, path in brand_files(brand):
            box.files[inside] = _copy(path, root / inside)
        yield box
    finally:
        shutil.rmtree(parent, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Running Typst in a child process

# The only fonts a PDF may use, whatever else the machine has (an installed Arial would change the
# bytes, and verify-site could not rebuild them elsewhere): Liberation, installed by
# scripts/setup-system.sh, and the fonts the typst wheel embeds. brand.yml's first choice, Arial,
# is therefore never used in the PDF; Liberation Sans has its metrics.
FONT_DIRS = ("/usr/share/fonts/truetype/liberation",)

_CHILD = r"""
import json, resource, sys
memory, seconds, root, packages, timestamp, standard, fonts = json.loads(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
source = sys.stdin.buffer.read()
try:
    import typst
    compiler = typst.Compiler(root=root, package_path=packages, package_cache_path=packages,
                              font_paths=fonts, ignore_system_fonts=True)
    if standard == "png":  # a chart for Word and the HTML (cjji.build.chart.svg_png): 10 cm, 1134 px
        data = compiler.compile(source, format="png", ppi=288)
    else:
        data = compiler.compile(source, format="pdf", pdf_standards=[standard], timestamp=timestamp)
except MemoryError:
    sys.stderr.write(json.dumps({"kind": "memory"}))
    sys.exit(3)
except Exception as exc:
    sys.stderr.write(json.dumps({"kind": "typst", "message": str(exc)}))
    sys.exit(2)
sys.stdout.buffer.write(data)
"""


@cache
def _unshare() -> tuple[str, ...]:
    """`unshare -rn` if this kernel lets an unprivileged process make a network namespace."""
    tool = shutil.which("unshare")
    if tool is None:
        return ()
    try:
        done = subprocess.run([tool, "-rn", "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return (tool, "-rn") if done.returncode == 0 else ()


def offline_env() -> dict[str, str]:
    """The environment for a child tool: proxies point nowhere, Typst's own variables removed."""
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("TYPST_", "SOURCE_DATE_EPOCH")) and k.upper() not in ("NO_PROXY",)}
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = _NOWHERE
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_limited(command: list[str], data: bytes, seconds: int, what: str,
                limit_name: str) -> subprocess.CompletedProcess[bytes]:
    """Run `command` (offline where possible) with `data` on stdin; kill it and its children after
    `seconds`. Raises LimitError on the timeout."""
    full = [*_unshare(), *command]
    try:
        child = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=offline_env(), start_new_session=True)
    except OSError as exc:
        raise ToolError(f"{what} could not start: {exc.strerror}") from None
    try:
        out, err = child.communicate(data, timeout=seconds)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:
            child.kill()
        child.communicate()
        raise LimitError(f"{what} took longer than the limit of {seconds} seconds", limit_name) from None
    return subprocess.CompletedProcess(full, child.returncode, out, err)


def compile_typst(source: str, box: Sandbox, timestamp: int, limits: dict[str, int], standard: str) -> bytes:
    """The PDF Typst makes of `source` with `box.root` as its root, in a limited child process
    (standard "png": a PNG of its one page instead).
    Raises LimitError (time or memory) or ToolError (Typst's own message)."""
    seconds, memory_mb = int(limits["seconds"]), int(limits["memory_mb"])
    packages = box.root.parent / "packages"  # empty: no package can be imported
    packages.mkdir(exist_ok=True)
    fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
    args = json.dumps([memory_mb * 1048576, seconds, str(box.root), str(packages), timestamp, standard, fonts])
    done = run_limited([sys.executable, "-I", "-c", _CHILD, args], source.encode("utf-8"), seconds,
                       "making the PDF", "build.seconds")
    if done.returncode == 0:
        return done.stdout
    err = done.stderr.decode("utf-8", "replace")
    try:
        reason = json.loads(err.strip().splitlines()[-1]) if err.strip() else {}
    except (ValueError, IndexError):
        reason = {}
    memory_signs = ("memory allocation", "MemoryError", "Cannot allocate memory", "out of memory")
    if reason.get("kind") == "memory" or any(s in err for s in memory_signs) or done.returncode in (
            -signal.SIGABRT, -signal.SIGSEGV, 134):
        raise LimitError(f"making the PDF needed more memory than the limit of {memory_mb} MB", "build.memory_mb")
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise LimitError(f"making the PDF took longer than the limit of {seconds} seconds", "build.seconds")
    if reason.get("kind") == "typst":
        raise ToolError(str(reason.get("message", "")))
    raise ToolError(" ".join(err.split())[-500:] or f"Typst stopped (exit code {done.returncode})")
