"""Test-run speed only (importable as `speed_support`); nothing here changes what a test sees.

1. `cjji.yamlload.load_yaml(text, line_offset)` is a pure function of its arguments, and the suite
   parses the same few dozen policy files (checks/*.yml) hundreds of times: each CLI invocation
   loads the policy, and ruamel.yaml's pure-Python composer takes ~0.6 s CPU for them. `install()`
   memoises it per process: the first call of a text parses it, later calls get a deep copy of
   that result (the caller may change its copy). Errors are never memoised (they raise again).
   Likewise a document that a schema once found valid is valid again (`schemacheck.validate`
   returns no findings at once for the same data and schema; anything invalid is validated again,
   so every finding is worked out as before).
2. hunspell's answer (`Speller.run`) depends only on the words, the dictionary files and the
   personal word list; it is memoised per process on exactly those (the files by path, size and
   modification time; the word list by its bytes), so the same report's words are not looked up
   by a new hunspell (~0.12 s CPU) in every test.
3. The check and build worker pools use a forkserver; `forkserver_preload()` makes it import cjji
   and parse the project's policy once, so each worker forked from it starts warm instead of
   importing everything again (a second per worker).

Not installed in the `cjji` command: subprocess tests see exactly what a user runs.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import sys
from pathlib import Path
from typing import Any

import cjji.schemacheck as schemacheck
import cjji.yamlload as yamlload

_PARSE = yamlload.load_yaml
_VALIDATE = schemacheck.validate
MAX_TEXT = 256 * 1024  # larger texts (hostile sizes) are parsed every time and not kept


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, line_offset: int) -> tuple[Any, yamlload.Positions]:
    return _PARSE(text, line_offset)


def _copy(value: Any) -> Any:
    """A deep copy of load_yaml's data: dicts and lists of text, numbers, booleans and None."""
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy(item) for item in value]
    return value


def load_yaml(text: str, line_offset: int = 0) -> tuple[Any, yamlload.Positions]:
    if len(text) > MAX_TEXT:
        return _PARSE(text, line_offset)
    data, positions = _parsed(text, line_offset)
    # Positions maps tuples of keys and indexes to tuples of numbers or to text: nothing mutable
    return _copy(data), yamlload.Positions(dict(positions.values), dict(positions.keys), dict(positions.raw))


load_yaml.__doc__ = _PARSE.__doc__

_VALID: set[tuple[str, str]] = set()  # (data, schema) as JSON, for documents found valid


def validate(data: Any, schema: dict[str, Any], positions: yamlload.Positions, file: str,
             gate: str) -> list[Any]:
    try:
        key = (json.dumps(data, sort_keys=True), json.dumps(schema, sort_keys=True))
    except (TypeError, ValueError):  # not JSON data (a test's own object): just validate it
        return _VALIDATE(data, schema, positions, file, gate)
    if key in _VALID:
        return []
    findings = _VALIDATE(data, schema, positions, file, gate)
    if not findings and len(_VALID) < 8192:
        _VALID.add(key)
    return findings


def install() -> None:
    """Memoise load_yaml and schemacheck.validate in their modules and in every cjji module that
    imported the names, and hunspell's answers."""
    yamlload.load_yaml = load_yaml
    schemacheck.validate = validate
    for name, module in list(sys.modules.items()):
        if name.startswith("cjji") and getattr(module, "load_yaml", None) is _PARSE:
            module.load_yaml = load_yaml  # type: ignore[attr-defined]
        if name.startswith("cjji") and getattr(module, "validate", None) is _VALIDATE:
            module.validate = validate  # type: ignore[attr-defined]
    _memoise_hunspell()


def _file_key(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return str(path), info.st_mtime_ns, info.st_size


def _memoise_hunspell() -> None:
    from cjji.gates.spelling import Speller

    ask = Speller.run
    if getattr(ask, "memoised", False):
        return
    answers: dict[tuple[Any, ...], str] = {}

    def run(self: Speller, flag: str, words: list[str]) -> str:
        key = (flag, tuple(words), _file_key(self.path), _file_key(self.path.with_suffix(".aff")),
               self.personal.read_bytes() if self.personal else None)
        if key not in answers:
            if len(answers) > 4096:
                answers.clear()
            answers[key] = ask(self, flag, words)  # a failure raises and is not kept
        return answers[key]

    run.memoised = True  # type: ignore[attr-defined]
    Speller.run = run  # type: ignore[method-assign]


def forkserver_preload() -> None:
    """Have the check/build pools' forkserver import this module (and so cjji) before forking."""
    multiprocessing.get_context("forkserver").set_forkserver_preload([__name__])


def _warm_up() -> None:
    """In the forkserver: import what a worker runs and parse the project's policy once."""
    import cjji.building  # noqa: F401
    import cjji.checking  # noqa: F401
    from cjji.policy import PolicyError, load_policy

    with contextlib.suppress(PolicyError):  # a policy being edited: workers parse it themselves
        load_policy(Path(__file__).resolve().parents[1])


if sys.argv == ["-c"] and "multiprocessing.forkserver" in sys.modules:  # the forkserver preloads this
    install()
    _warm_up()
