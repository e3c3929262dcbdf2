"""Validate data against a JSON Schema and say what is wrong in plain English, at the right line.

Used for report metadata (the `schema` gate) and for every policy file in `checks/`. A schema may
give any property an `x-hint` (how to fix it) that is shown with its errors.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from cjji.findings import Finding, error
from cjji.yamlload import Positions

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a set of 'key: value' fields",
    "null": "empty",
}
_FORMAT_WORDS = {
    "date": "a real date written YYYY-MM-DD",
    "date-time": "a real date and time with an offset, like 2026-12-10T00:01:00+00:00",
    "email": "an e-mail address",
    "uri": "a full web address",
    "regex": "a valid regular expression",
}


def load_schema(path: Path) -> dict[str, Any]:
    """The schema at `path`, read again only when the file changes (size or modification time)."""
    stat = path.stat()
    return _read_schema(path, stat.st_size, stat.st_mtime_ns)


@cache
def _read_schema(path: Path, _size: int, _mtime_ns: int) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def field_name(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the metadata"
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return "empty"


def _leaf_errors(err: ValidationError) -> Iterator[ValidationError]:
    """For oneOf/anyOf, report the problems of the closest branch instead of 'is not valid'."""
    if err.validator in ("oneOf", "anyOf") and err.context:
        branches: dict[object, list[ValidationError]] = {}
        for sub in err.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=lambda errs: (any(e.validator == "required" for e in errs), len(errs)))
        if not any(e.validator in ("type", "required") and not e.relative_path for e in closest):
            for sub in closest:
                yield from _leaf_errors(sub)
            return
    yield err


def _suggest(key: str, instance: dict[str, Any], allowed: list[str]) -> str:
    missing = [k for k in allowed if k not in instance]
    for candidates in (missing, allowed):
        related = [k for k in candidates if key.startswith(k) or k.startswith(key)]
        close = related or difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
    return f"allowed here: {', '.join(allowed)}"


Explained = tuple[tuple[str | int, ...], bool, str, str]


def _unknown_fields(err: ValidationError) -> list[Explained]:
    """One explanation per unknown field, so an author sees them all in one run."""
    path = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    value = err.instance if isinstance(err.instance, dict) else {}
    allowed = list(schema.get("properties", {}))
    where = "" if not path else f" in {field_name(path)}"
    return [(path + (key,), True, f"unknown field '{key}'{where}", _suggest(str(key), value, allowed))
            for key in value if key not in allowed]


def explain(err: ValidationError, positions: Positions) -> Explained:
    """(path, locate-at-key?, message, hint) for one jsonschema error."""
    path = tuple(err.absolute_path)
    name = field_name(path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    hint = str(schema.get("x-hint", ""))
    value = err.instance
    v = err.validator
    if v == "additionalProperties":
        return (_unknown_fields(err) or [(path, False, f"{name} has an unknown field", hint)])[0]
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "?"
        prop = schema.get("properties", {}).get(missing, {})
        what = prop.get("description", "") if isinstance(prop, dict) else ""
        hint = (prop.get("x-hint") if isinstance(prop, dict) else None) or what or hint
        where = "the metadata" if not path else name
        return path, bool(path), f"{where} is missing the required field '{missing}'", hint
    if v == "type":
        expected: Any = err.validator_value
        types = [str(t) for t in (expected if isinstance(expected, list) else [expected])]
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        raw = positions.raw.get(path)
        message = f"{name} must be {wanted}, not {_kind(value)}"
        if isinstance(value, bool | int | float) and raw is not None and raw != json.dumps(value):
            message += f" (YAML reads {raw} as {json.dumps(value)})"
        if isinstance(value, bool | int | float) and "string" in str(expected) and raw is not None:
            hint = f"put it in quotes: \"{raw}\""
        elif isinstance(value, float) and math.isnan(value):
            message = f"{name} must be {wanted}"
        return path, False, message, hint
    if v == "enum":
        allowed: Any = err.validator_value
        options = [str(o) for o in allowed]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        parts = [f"did you mean '{close[0]}'?"] if close else []
        parts.append("use one of: " + ", ".join(options) if len(options) <= 12 else hint)
        hint = " ".join(p for p in parts if p)
        return path, False, f"{name}: '{value}' is not one of the allowed values", hint
    if v == "const":
        return path, False, f"{name} must be '{err.validator_value}'", hint
    if v == "format":
        fmt = str(err.validator_value)
        return path, False, f"{name}: '{value}' is not {_FORMAT_WORDS.get(fmt, fmt)}", hint
    if v == "pattern":
        hint = hint or f"it must match the pattern {err.validator_value}"
        return path, False, f"{name}: '{value}' is not in the expected form", hint
    if v in ("minLength", "maxLength"):
        word = "at least" if v == "minLength" else "at most"
        return path, False, f"{name} must be {word} {err.validator_value} characters long", hint
    if v in ("minItems", "maxItems"):
        word = "at least" if v == "minItems" else "at most"
        return path, False, f"{name} must list {word} {err.validator_value} item(s)", hint
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                "exclusiveMaximum": "less than"}[v]
        return path, False, f"{name} must be {word} {err.validator_value}", hint
    if v == "uniqueItems":
        return path, False, f"{name} lists the same item twice", hint
    if v in ("minProperties", "maxProperties"):
        return path, False, f"{name} has too few or too many fields", hint
    if v in ("oneOf", "anyOf"):
        return path, False, f"{name} is not in any of the accepted forms", hint or str(schema.get("description", ""))
    if v == "not":
        return path, False, f"{name} has a value that is not allowed here", hint
    return path, False, f"{name}: {err.message}", hint


def validate(
    data: Any, schema: dict[str, Any], positions: Positions, file: str, gate: str
) -> list[Finding]:
    findings = []
    for err in sorted(validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(err):
            explained = (_unknown_fields(leaf) if leaf.validator == "additionalProperties" else []) \
                or [explain(leaf, positions)]
            for path, at_key, message, hint in explained:
                line, col = positions.of(path, key=at_key)
                findings.append(error(gate, str(leaf.validator), file, line, col, message, hint))
    return sorted(set(findings))
