"""Where the project is: the folder holding checks/, schemas/ and reports/."""

from __future__ import annotations

from pathlib import Path

REPORTS = "reports"


class ProjectError(Exception):
    pass


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the current folder) with checks/ and schemas/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "checks").is_dir() and (folder / "schemas").is_dir():
            return folder
    raise ProjectError(
        f"no cjji project found at or above {here} (looked for the folders checks/ and schemas/); "
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
