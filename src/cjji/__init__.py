"""cjji: check, sign off, build and publish criminal justice joint inspection reports."""

__version__ = "0.1.0"  # the only place the version is written (pyproject.toml reads it from here)
