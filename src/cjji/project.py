"""Where the project is: the folder holding checks/ and reports/ (and, optionally, its own schemas/
and templates/; without them cjji uses the copies installed with it: see cjji.resources)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPORTS = "reports"


class ProjectError(Exception):
    pass


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the current folder) with checks/ and
    reports/ or schemas/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "checks").is_dir() and ((folder / REPORTS).is_dir() or (folder / "schemas").is_dir()):
            return folder
    raise ProjectError(
        f"no cjji project found at or above {here} (looked for a folder holding checks/ and reports/); "
        "run the command inside the project, or pass --root"
    )


def report_dirs(root: Path, paths: list[Path] | None = None) -> list[Path]:
    """Report folders named by `paths` (a report folder, its report.md, or a folder of reports).

    With no paths: every folder under root/reports/. The order is stable (sorted by path).
    """
    if not paths:
        paths = [root / REPORTS]
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.name == "report.md":
            found.add(path.parent)
        elif _is_collection(path, root):
            found.update(c for c in path.iterdir() if c.is_dir() and not c.name.startswith((".", "_")))
        else:
            found.add(path)  # loading it says what is wrong (missing report.md, ...)
    return sorted(found)


def _is_collection(path: Path, root: Path) -> bool:
    """A folder of report folders (reports/ itself, or any folder whose children hold report.md)."""
    if not path.is_dir() or (path / "report.md").exists():
        return False
    if path.resolve() == (root / REPORTS).resolve():
        return True
    return any((child / "report.md").exists() for child in path.iterdir() if child.is_dir())


def changed_report_dirs(root: Path, base: str) -> list[Path]:
    """Report folders touched since git revision `base` (committed, staged, unstaged or new).

    A change to checks/ or schemas/ re-checks every report: the policy judges them all.
    """
    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise ProjectError(f"cannot list changes since '{base}': {done.stderr.strip() or 'git failed'}")
        return [name for name in done.stdout.split("\0") if name]

    # -z: names as they are (git otherwise quotes a name like "images/caf\303\251.png")
    changed = git("diff", "-z", "--relative", "--name-only", base, "--") + \
        git("ls-files", "-z", "--others", "--exclude-standard")
    if any(path.startswith(("checks/", "schemas/")) for path in changed):
        return report_dirs(root)
    folders = {
        root / REPORTS / parts[1]
        for parts in (path.split("/") for path in changed)
        if len(parts) > 2 and parts[0] == REPORTS
    }
    return sorted(f for f in folders if f.is_dir())
