"""Only what pyproject.toml cannot say: the wheel carries the project's schemas/ and templates/
inside the package, as cjji/_data/schemas and cjji/_data/templates, so an installed cjji finds
them through importlib.resources (cjji.resources). The folders stay where they are in the source
tree; this copies them at build time (no links)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA = ("schemas", "templates")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own folders
            return
        for name in DATA:
            for source in sorted((HERE / name).rglob("*")):
                if source.is_file() and not source.is_symlink() and "__pycache__" not in source.parts:
                    target = Path(self.build_lib) / "cjji" / "_data" / source.relative_to(HERE)
                    self.mkpath(str(target.parent))
                    self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildWithData})
