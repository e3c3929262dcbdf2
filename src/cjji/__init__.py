"""cjji: check, sign off, build and publish criminal justice joint inspection reports."""

__version__ = "0.1.0"
