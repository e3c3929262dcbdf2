"""Where cjji's own files are: the JSON schemas (schemas/) and the templates and brand files
(templates/).

A project may keep its own copy of either folder, and then that copy is used, whole (this
repository does: its schemas/ and templates/ are the ones cjji ships). A project without one
uses the copy installed with cjji, which the build puts inside the package as cjji/_data/<folder>
(see setup.py), found through importlib.resources. When cjji runs from a source checkout
(`pip install -e .`), nothing is copied, and the checkout's own folders are the installed copy.
No other module works out these paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Folder = Literal["schemas", "templates"]
FOLDERS: tuple[Folder, ...] = ("schemas", "templates")
PACKAGE_DATA = "_data"  # cjji/_data/schemas, cjji/_data/templates in an installed wheel


class ResourceError(Exception):
    """cjji's own files are missing: the installation is broken."""


def packaged(folder: Folder) -> Path:
    """The copy of schemas/ or templates/ installed with cjji."""
    import importlib.resources  # only for a project without its own copy (it costs start-up time)

    data = importlib.resources.files("cjji") / PACKAGE_DATA / folder
    if data.is_dir():
        return Path(str(data))  # cjji is installed as files (never zipped): Jinja and Typst read paths
    checkout = Path(__file__).resolve().parent.parent.parent  # src/cjji/resources.py -> the checkout
    if (checkout / "pyproject.toml").is_file() and (checkout / folder).is_dir():
        return checkout / folder
    raise ResourceError(f"cjji's {folder}/ folder is missing from its installation ({data}); "
                        "reinstall cjji (pip install --force-reinstall cjji)")


def folder(folder: Folder, root: Path | None = None) -> Path:
    """The project's own copy of FOLDER if it has one, else the copy installed with cjji."""
    if root is not None and (root / folder).is_dir():
        return root / folder
    return packaged(folder)


def schema(name: str, root: Path | None = None) -> Path:
    """schemas/NAME (for example "report.schema.json" or "checks/limits.schema.json")."""
    return folder("schemas", root) / name


def template(name: str, root: Path | None = None) -> Path:
    """templates/NAME (for example "brand.yml" or "new/report.md")."""
    return folder("templates", root) / name
