"""Test-run speed only (importable as `speed_support`); nothing here changes what a test sees.

1. `cjji.yamlload.load_yaml(text, line_offset)` is a pure function of its arguments, and the suite
   parses the same few dozen policy files (checks/*.yml) hundreds of times: each CLI invocation
   loads the policy, and ruamel.yaml's pure-Python composer takes ~0.6 s CPU for them. `install()`
   memoises it per process: the first call of a text parses it, later calls get a deep copy of
   that result (the caller may change its copy). Errors are never memoised (they raise again).
2. The check and build worker pools use a forkserver; `forkserver_preload()` makes it import cjji
   and parse the project's policy once, so each worker forked from it starts warm instead of
   importing everything again (a second per worker).

Not installed in the `cjji` command: subprocess tests see exactly what a user runs.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import multiprocessing
import sys
from typing import Any

import cjji.yamlload as yamlload

_PARSE = yamlload.load_yaml
MAX_TEXT = 256 * 1024  # larger texts (hostile sizes) are parsed every time and not kept


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, line_offset: int) -> tuple[Any, yamlload.Positions]:
    return _PARSE(text, line_offset)


def load_yaml(text: str, line_offset: int = 0) -> tuple[Any, yamlload.Positions]:
    if len(text) > MAX_TEXT:
        return _PARSE(text, line_offset)
    return copy.deepcopy(_parsed(text, line_offset))


load_yaml.__doc__ = _PARSE.__doc__


def install() -> None:
    """Memoise load_yaml in cjji.yamlload and in every cjji module that imported the name."""
    yamlload.load_yaml = load_yaml
    for name, module in list(sys.modules.items()):
        if name.startswith("cjji") and getattr(module, "load_yaml", None) is _PARSE:
            module.load_yaml = load_yaml  # type: ignore[attr-defined]


def forkserver_preload() -> None:
    """Have the check/build pools' forkserver import this module (and so cjji) before forking."""
    multiprocessing.get_context("forkserver").set_forkserver_preload([__name__])


def _warm_up() -> None:
    """In the forkserver: import what a worker runs and parse the project's policy once."""
    from pathlib import Path

    import cjji.building  # noqa: F401
    import cjji.checking  # noqa: F401
    from cjji.policy import PolicyError, load_policy

    with contextlib.suppress(PolicyError):  # a policy being edited: workers parse it themselves
        load_policy(Path(__file__).resolve().parents[1])


if sys.argv == ["-c"] and "multiprocessing.forkserver" in sys.modules:  # the forkserver preloads this
    install()
    _warm_up()
