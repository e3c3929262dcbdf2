"""The secretariat's policy in `checks/`: every YAML file there, each validated by its schema.

`checks/<name>.yml` is validated against `schemas/checks/<name>.schema.json` when loaded, so a
typo in policy is a located error, never a silent default. Files in sub-folders
(`checks/style/*.yml`) use the schema named after the folder (`schemas/checks/style.schema.json`).

The most-used files also load into typed, frozen objects, built once per Policy and shared by every
report of the run: `Policy.limits` (checks/thresholds.yml, with its patterns compiled),
`Policy.inspectorate_list` (checks/inspectorates.yml) and `Policy.report_types`
(checks/report_types.yml); the block labels are `cjji.blocks.labels_of`. Anything else derived
from the policy and worth keeping for the run (a compiled schema, the style rules, the
vocabulary) goes through `Policy.derived`, so it lives exactly as long as the policy it came from:
never a module global that outlives it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import cjji
from cjji import resources
from cjji.cache import CACHE_DIR, CacheError, make_key, policy_inputs, refuse_tracked
from cjji.findings import Finding, display_path, error

T = TypeVar("T")

# What a missing key in checks/thresholds.yml means (the schema makes every key optional).
THRESHOLD_DEFAULTS: dict[str, Any] = {
    "scope_min_words": 20,
    "purpose_min_words": 20,
    "not_applicable_min_words": 8,
    "cross_cutting_min_words": 1,
    "recommendation_id_pattern": r"^R[0-9]+$",
    "placeholders": [r"\bTBC\b", r"\bTBD\b", r"\bTODO\b", "lorem ipsum", r"(?:^|[(\[])\s*to follow\b"],
}


@dataclass(frozen=True)
class Thresholds:
    """checks/thresholds.yml: the numbers and patterns the framework gates use, patterns compiled."""

    scope_min_words: int
    purpose_min_words: int
    not_applicable_min_words: int
    cross_cutting_min_words: int
    recommendation_id: re.Pattern[str]
    placeholders: tuple[re.Pattern[str], ...]  # case is ignored

    def min_words(self, name: str) -> int:
        """scope, purpose, not_applicable or cross_cutting: the fewest words that section needs."""
        value = getattr(self, f"{name}_min_words")
        assert isinstance(value, int), name
        return value

    def placeholder_in(self, text: str) -> str | None:
        """The placeholder text (TBC, TODO, lorem ipsum ...) found in `text`, if any."""
        for pattern in self.placeholders:
            found = pattern.search(text)
            if found:
                return found.group(0).lstrip(" \t([")  # "(to follow" is reported as "to follow"
        return None

    @classmethod
    def of(cls, data: Any) -> Thresholds:
        given = {**THRESHOLD_DEFAULTS, **(data if isinstance(data, dict) else {})}
        return cls(
            scope_min_words=int(given["scope_min_words"]),
            purpose_min_words=int(given["purpose_min_words"]),
            not_applicable_min_words=int(given["not_applicable_min_words"]),
            cross_cutting_min_words=int(given["cross_cutting_min_words"]),
            recommendation_id=re.compile(str(given["recommendation_id_pattern"])),
            placeholders=tuple(re.compile(str(p), re.IGNORECASE) for p in given["placeholders"]),
        )


@dataclass(frozen=True)
class EarlierName:
    name: str
    until: dt.date  # the last day it was used
    short_name: str | None = None
    who_we_are: str | None = None


@dataclass(frozen=True)
class Inspectorate:
    """One entry of checks/inspectorates.yml."""

    code: str
    name: str
    short_name: str
    criminal_justice: bool
    who_we_are: str = ""
    earlier_names: tuple[EarlierName, ...] = ()

    @classmethod
    def of(cls, data: dict[str, Any]) -> Inspectorate:
        earlier = tuple(
            EarlierName(name=str(e["name"]), until=_date(e["until"]), short_name=e.get("short_name"),
                        who_we_are=e.get("who_we_are"))
            for e in data.get("earlier_names") or [] if isinstance(e, dict))
        return cls(code=str(data["code"]), name=str(data["name"]),
                   short_name=str(data.get("short_name") or data["code"]),
                   criminal_justice=bool(data.get("criminal_justice")),
                   who_we_are=str(data.get("who_we_are") or ""), earlier_names=earlier)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class ReportType:
    """One entry of checks/report_types.yml: a kind of joint publication and its evidence base."""

    id: str
    name: str
    evidence: Literal["counts", "sources"]

    @classmethod
    def of(cls, data: dict[str, Any]) -> ReportType:
        evidence = data.get("evidence", "counts")
        return cls(id=str(data["id"]), name=str(data.get("name") or data["id"]),
                   evidence="sources" if evidence == "sources" else "counts")


class PolicyError(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} problem(s) in checks/")
        self.findings = findings


@dataclass
class Policy:
    root: Path
    files: dict[str, Any] = field(default_factory=dict)  # "inspectorates" or "style/latin" -> data
    digest: str = ""  # SHA-256 over every file in checks/ and schemas/ (cache key)
    # True when the parsed files came from .cache/policy.json (`load_policy`), not from parsing
    cached: bool = field(default=False, init=False, repr=False, compare=False)
    # what was worked out from this policy (Policy.derived): lives and dies with it; not an init
    # field, so dataclasses.replace(policy, files=...) starts with an empty one
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Any, compute: Callable[[], T]) -> T:
        """compute(), once per policy and KEY: a view of the policy that every report of the run
        shares (compiled patterns, the style rules, the report schema with the codes filled in)."""
        if key not in self.memo:
            self.memo[key] = compute()
        value: T = self.memo[key]
        return value

    @property
    def limits(self) -> Thresholds:
        """checks/thresholds.yml, typed, its patterns compiled once."""
        return self.derived("policy.thresholds", lambda: Thresholds.of(self.get("thresholds")))

    @property
    def inspectorate_list(self) -> tuple[Inspectorate, ...]:
        """checks/inspectorates.yml, typed, in its order."""
        return self.derived("policy.inspectorates",
                            lambda: tuple(Inspectorate.of(i) for i in self.entries("inspectorates")))

    def inspectorate(self, code: str) -> Inspectorate | None:
        return next((i for i in self.inspectorate_list if i.code == code), None)

    @property
    def report_types(self) -> tuple[ReportType, ...]:
        """checks/report_types.yml, typed, in its order."""
        return self.derived("policy.report_types",
                            lambda: tuple(ReportType.of(t) for t in self.entries("report_types")))

    def get(self, name: str, default: Any = None) -> Any:
        return self.files.get(name, default)

    def entries(self, name: str) -> list[dict[str, Any]]:
        """The list of entries in checks/<name>.yml (its one top-level key is also <name>)."""
        data = self.get(name, {})
        items = data.get(name, []) if isinstance(data, dict) else []
        return [i for i in items if isinstance(i, dict)]

    @property
    def inspectorates(self) -> dict[str, dict[str, Any]]:
        """code -> {name, short_name, criminal_justice, ...}"""
        return {i["code"]: i for i in self.get("inspectorates", {}).get("inspectorates", [])}

    @property
    def cj_inspectorates(self) -> list[str]:
        return [i.code for i in self.inspectorate_list if i.criminal_justice]

    @property
    def business_processes(self) -> dict[str, dict[str, Any]]:
        return {p["id"]: p for p in self.get("business_processes", {}).get("business_processes", [])}

    def schema_path(self, name: str) -> Path:
        return resources.schema(f"checks/{name.split('/')[0]}.schema.json", self.root)


POLICY_CACHE = "policy.json"  # .cache/policy.json: the last policy that loaded without a problem
POLICY_CACHE_FORMAT = 1
MAX_POLICY_CACHE = 64 * 1024 * 1024  # a larger file is not ours: ignored, never read
# the code that turns checks/ into Policy.files: a change to any of them makes every entry stale
_LOADER = ("policy.py", "yamlload.py", "schemacheck.py", "findings.py", "cache.py", "resources.py")


def load_policy(root: Path, *, use_cache: bool = True) -> Policy:
    """Load and validate `root/checks/`. Raises PolicyError with located findings.

    Parsing checks/ with ruamel.yaml's pure-Python composer is most of a small command's time, so
    a policy that loaded without a problem is remembered in .cache/policy.json under a key over
    the bytes of checks/ and schemas/, the loader's own source, the cjji and Python versions and
    the installed distributions (`policy_cache_key`). A hit is exactly the data the same bytes
    parse to. An entry that does not parse as JSON, has another key or the wrong shape is
    ignored and rewritten; a policy with problems is never remembered, so its located errors
    come every time. USE_CACHE=False (publication) neither reads nor writes the entry, nor does
    anything when .cache/ is committed to git."""
    checks = root / "checks"
    if not checks.is_dir():
        raise PolicyError([error("policy", "missing", display_path(checks), 0, 0,
                                 "the policy folder checks/ is missing",
                                 "run cjji from the project folder, or pass --root")])
    # read once, before parsing: the digest (the results cache's key) is of the bytes parsed
    digest, contents = policy_inputs(root)
    policy = Policy(root=root, digest=digest)
    names = _policy_names(contents)
    entry = root / CACHE_DIR / POLICY_CACHE
    key = policy_cache_key(digest) if use_cache and cache_usable(root) else ""
    if key:
        files = read_policy_cache(entry, key, set(names.values()))
        if files is not None:
            policy.files = files
            policy.cached = True
            return policy
    findings = _parse(policy, contents, names)
    if findings:
        raise PolicyError(findings)
    if key:
        write_policy_cache(entry, key, policy.files)
    return policy


def _policy_names(contents: dict[str, bytes | None]) -> dict[str, str]:
    """"checks/<rel>.yml" -> "<rel>" for every policy file among CONTENTS, in file order."""
    names = {}
    for rel in sorted(contents, key=lambda r: r.split("/")):  # pathlib's order: folders by their parts
        if rel.startswith("checks/") and rel.endswith((".yml", ".yaml")):
            names[rel] = rel[len("checks/"):].rsplit(".", 1)[0]
    return names


def _parse(policy: Policy, contents: dict[str, bytes | None], names: dict[str, str]) -> list[Finding]:
    """Parse and validate every policy file into policy.files; the located problems."""
    from cjji.schemacheck import validate  # ruamel.yaml and jsonschema: only when parsing
    from cjji.yamlload import YamlError, load_yaml

    findings: list[Finding] = []
    schemas: dict[str, Any] = {}
    for rel, name in names.items():
        display = display_path(policy.root / rel)
        text = contents[rel]
        if text is None:
            findings.append(error("policy", "unreadable", display, 0, 0, "the file cannot be read",
                                  "check that it exists and that you may read it"))
            continue
        try:
            data, positions = load_yaml(text.decode("utf-8"))
        except YamlError as exc:
            findings.append(error("policy", "yaml", display, exc.line, exc.col, exc.message, exc.hint))
            continue
        except UnicodeDecodeError:
            findings.append(error("policy", "encoding", display, 0, 0, "the file is not UTF-8 text"))
            continue
        schema_path = policy.schema_path(name)
        schema_rel = "schemas/checks/" + schema_path.name
        schema_text = contents.get(schema_rel)
        if schema_text is None:
            findings.append(error("policy", "no-schema", display, 0, 0,
                                  f"no schema for this policy file (expected {display_path(schema_path)})",
                                  "every file in checks/ is validated by a schema in schemas/checks/"))
            continue
        if schema_rel not in schemas:
            try:
                schemas[schema_rel] = json.loads(schema_text)
            except ValueError as exc:  # cjji's own schema is broken: say where, never a traceback
                findings.append(error("policy", "schema-json", display_path(schema_path), 0, 0,
                                      f"the schema is not valid JSON: {exc}"))
                continue
        problems = validate(data, schemas[schema_rel], positions, display, "policy")
        findings.extend(problems)
        policy.files[name] = data
    return findings


def policy_cache_key(digest: str) -> str:
    """What a parsed policy depends on: the bytes of checks/ and schemas/ (DIGEST), the source of
    the code that parses and validates it, the cjji and Python versions, and the distributions
    installed beside cjji (ruamel.yaml and jsonschema decide what the same bytes mean)."""
    here = os.path.dirname(os.path.abspath(__file__))
    loader = []
    for name in _LOADER:
        try:
            with open(os.path.join(here, name), "rb") as handle:
                loader.append(f"{name}={hashlib.sha256(handle.read()).hexdigest()}")
        except OSError:
            loader.append(f"{name}=unreadable")
    return make_key(f"cjji-policy-cache-{POLICY_CACHE_FORMAT}", digest, f"cjji={cjji.__version__}",
                    f"python={sys.version}", sys.implementation.cache_tag, *loader, _installed())


def _installed() -> str:
    """The names (with versions) of the distributions in the interpreter's site-packages: one
    directory listing each, no import and no metadata read."""
    names = []
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            try:
                names.extend(sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info"))))
            except OSError:
                continue
    return "\n".join(names)


def cache_usable(root: Path) -> bool:
    """False when .cache/ is committed to git: an entry there could be anyone's (cjji.cache)."""
    from cjji.run import memo

    known = memo("policy.cache-usable")
    if root not in known:
        try:
            refuse_tracked(root)
            known[root] = True
        except CacheError:
            known[root] = False
    return bool(known[root])


def read_policy_cache(entry: Path, key: str, names: set[str]) -> dict[str, Any] | None:
    """The parsed files remembered under KEY, or None: missing, unreadable, not JSON, another key,
    or not one parsed document for each of NAMES (the policy files there are now)."""
    try:
        with open(entry, "rb") as handle:
            raw = handle.read(MAX_POLICY_CACHE + 1)
        if len(raw) > MAX_POLICY_CACHE:
            return None
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(data, dict) or data.get("format") != POLICY_CACHE_FORMAT or data.get("key") != key:
        return None
    files = data.get("files")
    if not isinstance(files, dict) or set(files) != names:
        return None
    return files


def write_policy_cache(entry: Path, key: str, files: dict[str, Any]) -> None:
    """Remember FILES under KEY (atomically: a reader sees the old entry or the new one). A
    project that cannot be written to (read-only, full disk) just parses again next time."""
    from cjji.atomic import write_text

    try:
        text = json.dumps({"format": POLICY_CACHE_FORMAT, "key": key, "files": files}, ensure_ascii=True)
        write_text(entry, text)
    except (OSError, ValueError, TypeError, RecursionError):
        pass
