"""The provenance manifest: what a site holds, with digests tying every file to its sign-offs.

`manifest.json` at the site root (schema: schemas/manifest.schema.json) is the record of what
was published. It lists every file of the site with its SHA-256 and size, and for each published
version of each report: its content digest (the one the sign-offs sign), its downloads, its
sign-offs (role, time, the SHA-256 of the statement and signature and the signing key's
fingerprint; versions published before statements stopped being published name the statements
kept beside them) and its record (`version.json`, the full ReportVersion the pages are rendered
from). `verify` re-checks all of it against the files on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cjji import resources
from cjji.hashing import sha256_file as sha256_file  # re-exported: publishing calls mf.sha256_file
from cjji.publish.record import version_dir as version_dir
from cjji.publish.record import version_from_json as version_from_json
from cjji.publish.record import version_to_json
from cjji.publish.target import ReportVersion
from cjji.schemacheck import load_schema, validator

MANIFEST = "manifest.json"
RECORD = "version.json"
FORMAT_VERSION = 1
SCHEMA = resources.schema("manifest.schema.json")  # cjji's own format: the installed copy


class ManifestError(Exception):
    """The manifest is missing, unreadable or does not match its schema."""


# ---- ReportVersion <-> JSON: one mapping for every target (cjji.publish.record) ---------------


def record_bytes(v: ReportVersion) -> bytes:
    """The bytes of a version's `version.json` (stable: sorted keys, fixed indentation)."""
    return (json.dumps(version_to_json(v), indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


# ---- the site manifest ------------------------------------------------------------------------


def build_manifest(
    versions: tuple[ReportVersion, ...], files: Mapping[str, tuple[str, int]], base_url: str
) -> dict[str, Any]:
    """The manifest of a site: `files` maps every site path (but the manifest) to (sha256, size)."""
    reports: dict[str, list[dict[str, Any]]] = {}
    for v in sorted(versions, key=lambda v: (v.report_id, v.version)):
        entry = version_to_json(v, body=False)
        del entry["recommendations"], entry["metadata"], entry["history"]
        entry.pop("reviews", None)  # in the record only
        entry["title"] = v.title
        entry["record"] = f"{version_dir(v.report_id, v.version)}/{RECORD}"
        reports.setdefault(v.report_id, []).append(entry)
    return {
        "manifest": FORMAT_VERSION,
        "generator": "cjji",
        "base_url": base_url,
        "reports": [{"id": rid, "versions": vs} for rid, vs in sorted(reports.items())],
        "files": {path: {"sha256": sha, "size": size} for path, (sha, size) in sorted(files.items())},
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def problems_of(manifest: Any) -> list[str]:
    """What makes a manifest not match schemas/manifest.schema.json (at most five, plainly)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or 'the manifest'}: {e.message}"
        for e in validator(load_schema(SCHEMA)).iter_errors(manifest)
    ][:5]


def read_manifest(site: Path) -> dict[str, Any]:
    """Read and schema-check `site/manifest.json`. Raises ManifestError with a plain reason."""
    path = site / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing: this is not a site made by `cjji publish`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path} cannot be read as JSON: {exc}") from None
    problems = problems_of(data)
    if problems:
        raise ManifestError(f"{path} does not match schemas/manifest.schema.json: " + "; ".join(problems[:5]))
    if not isinstance(data, dict):  # the schema requires an object: unreachable unless it changes
        raise ManifestError(f"{path} is not a JSON object")
    return data


def read_versions(site: Path, manifest: Mapping[str, Any]) -> tuple[ReportVersion, ...]:
    """Every published version, read from the records the manifest names."""
    out = []
    for report in manifest["reports"]:
        for entry in report["versions"]:
            record = site / entry["record"]
            try:
                out.append(version_from_json(json.loads(record.read_text(encoding="utf-8")), site))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ManifestError(f"the record {entry['record']} cannot be read: {exc}") from None
    return tuple(sorted(out, key=lambda v: (v.published_at, v.report_id, v.version)))


def walk_files(site: Path) -> Iterator[str]:
    """Every file under the site root as a relative POSIX path (the manifest excluded)."""
    for path in sorted(site.rglob("*")):
        if path.is_file() or path.is_symlink():
            rel = path.relative_to(site).as_posix()
            if rel != MANIFEST:
                yield rel


def verify(site: Path) -> list[str]:
    """Every problem with a site against its manifest, each as one plain sentence."""
    try:
        manifest = read_manifest(site)
    except ManifestError as exc:
        return [str(exc)]
    problems: list[str] = []
    listed: dict[str, dict[str, Any]] = manifest["files"]
    for rel, want in listed.items():
        path = site / rel
        if not path.is_file():
            problems.append(f"{rel} is listed in the manifest but missing from the site")
            continue
        size = path.stat().st_size
        if size != want["size"] or sha256_file(path) != want["sha256"]:
            problems.append(
                f"{rel} has changed since it was published: its SHA-256 is not the one in the manifest"
            )
    for rel in walk_files(site):
        if rel not in listed:
            problems.append(f"{rel} is on the site but not in the manifest")
    for report in manifest["reports"]:
        for entry in report["versions"]:
            problems.extend(_verify_version(site, entry, listed))
    return problems


def _verify_version(site: Path, entry: Mapping[str, Any], listed: Mapping[str, Any]) -> list[str]:
    name = f"{entry['id']} version {entry['version']}"
    problems = []
    signatures = [s["signature"] for s in entry["signoffs"] if s.get("signature")]
    companions = [c["file"] for c in entry.get("companions", []) if c.get("file")]
    for item in [*entry["files"], *entry["assets"], *companions, *entry["signoffs"], *signatures]:
        if "path" not in item:  # a sign-off given by its digests only: its statement is not on the site
            continue
        known = listed.get(item["path"])
        if known is None or known["sha256"] != item["sha256"]:
            problems.append(f"{name}: {item['path']} does not match the file list of the manifest")
    record_path = site / entry["record"]
    if entry["record"] not in listed:
        problems.append(f"{name}: its record {entry['record']} is not in the manifest")
    elif record_path.is_file():
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return [*problems, f"{name}: its record {entry['record']} is not valid JSON"]
        for key in ("id", "version", "content_digest", "files", "assets", "companions", "signoffs"):
            if record.get(key) != entry.get(key):
                problems.append(f"{name}: the record and the manifest disagree about '{key}'")
    return problems
