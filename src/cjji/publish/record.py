"""A published version as JSON, and back: the one mapping every target's record uses.

The local site keeps it as each version's `version.json` (cjji.publish.manifest), WordPress keeps
it in each report's post (cjji.publish.wordpress), adding to each file where WordPress holds it.
A file's `path` is relative to the site root: `reports/<id>/v<N>/<name>` (its name may hold
folders, for the images and companions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cjji.publish.target import (
    Body,
    Change,
    Companion,
    ProgrammeItem,
    PublishedFile,
    Recommendation,
    ReportMetadata,
    ReportVersion,
    ReviewCount,
    Signoff,
    Withdrawal,
)

# what a target adds to a file's entry: (the file's key, the file) -> extra fields; the key is
# its format for a download, ASSET + its path for an image, COMPANION + its path for a companion
Extra = Callable[[str, PublishedFile], Mapping[str, Any]]
ASSET = "asset:"
COMPANION = "companion:"


def version_dir(report_id: str, version: int) -> str:
    """The folder (relative to the site root) holding one version's page and files."""
    return f"reports/{report_id}/v{version}"


def source_home(record: Mapping[str, Any]) -> str:
    """Where a version's sources live in the project: reports/<id>, or programme/<year> for the
    joint programme's business plan (its id is programme-<year>)."""
    ident = str(record.get("id", ""))
    if record.get("kind") == "programme":
        return f"programme/{ident.removeprefix('programme-')}"
    return f"reports/{ident}"


def file_json(f: PublishedFile, folder: str) -> dict[str, Any]:
    return {"format": f.format, "path": f"{folder}/{f.name}", "sha256": f.sha256, "size": f.size,
            "pages": f.pages}


def file_from(data: Mapping[str, Any], site: Path | None = None) -> PublishedFile:
    path = str(data["path"])
    return PublishedFile(
        format=str(data["format"]), name=path.split("/", 3)[-1], sha256=str(data["sha256"]),
        size=int(data["size"]), pages=data.get("pages"),
        source=(site / path) if site is not None else None,
    )


def change_json(c: Change) -> dict[str, Any]:
    return {"version": c.version, "date": c.date.isoformat(), "type": c.type, "note": c.note}


def change_from(data: Mapping[str, Any]) -> Change:
    return Change(int(data["version"]), dt.date.fromisoformat(data["date"]), data["type"], str(data["note"]))


def metadata_json(m: ReportMetadata) -> dict[str, Any]:
    """The metadata's record. `proposal` (a report delivering a programme inspection) and
    `programme` (a business plan's final programme) appear only when set, so every other record
    reads byte for byte as it did before they existed."""
    data: dict[str, Any] = {
        "title": m.title, "subtitle": m.subtitle, "summary": m.summary,
        "inspection_type": m.inspection_type, "lead": m.lead,
        "inspectorates": list(m.inspectorates), "inspectorate_codes": list(m.inspectorate_codes),
        "business_process": m.business_process, "business_process_id": m.business_process_id,
        "publication_date": m.publication_date.isoformat(), "keywords": list(m.keywords),
        "themes": list(m.themes),
    }
    if m.proposal:
        data["proposal"] = m.proposal
    if m.programme:
        data["programme"] = [{"proposal": i.proposal, "title": i.title, "lead": i.lead,
                              **({"withdrawn": i.withdrawn} if i.withdrawn else {})} for i in m.programme]
    return data


def metadata_from(m: Mapping[str, Any]) -> ReportMetadata:
    return ReportMetadata(
        title=m["title"], subtitle=m["subtitle"], summary=m["summary"],
        inspection_type=m["inspection_type"], lead=m["lead"],
        inspectorates=tuple(m["inspectorates"]), inspectorate_codes=tuple(m["inspectorate_codes"]),
        business_process=m["business_process"], business_process_id=m["business_process_id"],
        publication_date=dt.date.fromisoformat(m["publication_date"]), keywords=tuple(m.get("keywords", ())),
        themes=tuple(m.get("themes", ())), proposal=str(m.get("proposal", "")),
        programme=tuple(ProgrammeItem(str(i["proposal"]), str(i["title"]), str(i["lead"]), str(i.get("withdrawn", "")))
                        for i in m.get("programme", ())),
    )


def body_json(body: Body) -> dict[str, Any]:
    return {"parts": list(body.parts), "refs": list(body.refs)}


def body_from(data: Mapping[str, Any]) -> Body:
    if "body" in data:
        return Body(tuple(str(p) for p in data["body"]["parts"]), tuple(str(r) for r in data["body"]["refs"]))
    return legacy_body(str(data.get("html_body", "")), [str(a["path"]).split("/", 3)[-1]
                                                      for a in data.get("assets", [])])


def legacy_body(text: str, assets: list[str]) -> Body:
    """A record written before bodies kept their references apart (`html_body`, the HTML with
    each image's URL-quoted relative path): split at those exact attribute values, so the pages
    rendered from it still point at the version's images."""
    from urllib.parse import quote

    wanted = {f'="{quote(a)}"': a for a in assets}
    parts, refs, start = [], [], 0
    while wanted:
        hits = [(text.find(k, start), k) for k in wanted]
        found = [(at, k) for at, k in hits if at >= 0]
        if not found:
            break
        at, key = min(found)
        parts.append(text[start : at + 2])
        refs.append(wanted[key])
        start = at + len(key) - 1
    parts.append(text[start:])
    return Body(tuple(parts), tuple(refs))


def version_to_json(v: ReportVersion, extra: Extra | None = None, *, body: bool = True,
                    people: bool = True) -> dict[str, Any]:
    """The record of a version. `extra` adds a target's own fields to each file (WordPress: its
    media id and URL); `body=False` leaves the HTML out (a target that shows it elsewhere);
    `people=False` gives each sign-off as its role, time and the digests of its statement and
    signature only: no gatekeeper's address, not even in a file name (a target that does not
    keep the statements for verify-site)."""
    folder = version_dir(v.report_id, v.version)

    def entry(key: str, f: PublishedFile) -> dict[str, Any]:
        return {**file_json(f, folder), **(extra(key, f) if extra else {})}

    data: dict[str, Any] = {
        "id": v.report_id,
        "version": v.version,
        "content_digest": v.content_digest,
        "embargo": v.embargo.isoformat(),
        "published_at": v.published_at.isoformat(),
        "change": change_json(v.change),
        "history": [change_json(c) for c in v.history],
        "withdrawn": (
            {"date": v.withdrawn.date.isoformat(), "reason": v.withdrawn.reason} if v.withdrawn else None
        ),
        "metadata": metadata_json(v.metadata),
        "files": [entry(fmt, f) for fmt, f in sorted(v.files.items())],
        "assets": [entry(ASSET + path, f) for path, f in sorted(v.assets.items())],
        "companions": [
            {"kind": c.kind, "title": c.title, "lang": c.lang, "url": c.url,
             "file": entry(COMPANION + c.file.name, c.file) if c.file is not None else None}
            for c in v.companions
        ],
        "signoffs": [signoff_json(s, folder) if people else anonymous_signoff_json(s) for s in v.signoffs],
        "recommendations": [
            {"id": r.id, "owner": r.owner, "due": r.due, "html": r.html} for r in v.recommendations
        ],
    }
    if body:
        data["body"] = body_json(v.body)
    if not data["companions"]:
        del data["companions"]  # a record without companions reads as it did before they existed
    if v.kind != "report":
        data["kind"] = v.kind  # a report's record says nothing of it, as before there were others
    if v.reviews:
        data["reviews"] = [{"body": r.body, "received": r.received, "accepted": r.accepted,
                            "rejected": r.rejected} for r in v.reviews]
    return data


def signoff_json(s: Signoff, folder: str) -> dict[str, Any]:
    """A sign-off's entry. One published with its statement beside the downloads (every version
    published before statements stopped being published) keeps the entry it was published with:
    its identity and its files' paths; any other gives no person at all (`anonymous_signoff_json`)."""
    if not s.file.name:
        return anonymous_signoff_json(s)
    return {"role": s.role, "identity": s.identity, "signed_at": s.signed_at,
            "path": f"{folder}/{s.file.name}", "sha256": s.file.sha256, "size": s.file.size,
            "signature": file_json(s.signature, folder) if s.signature else None}


def anonymous_signoff_json(s: Signoff) -> dict[str, Any]:
    """Role, time, the SHA-256 of the statement and of its signature, and the signing key's
    fingerprint: no identity, no file name (the statements stay in the repository)."""
    out: dict[str, Any] = {
        "role": s.role, "signed_at": s.signed_at, "sha256": s.file.sha256, "size": s.file.size,
        "signature": {"sha256": s.signature.sha256, "size": s.signature.size} if s.signature else None}
    key = s.key or (key_of_file(s.signature.source) if s.signature and s.signature.source else "")
    if key:
        out["key"] = key
    return out


def anonymous(s: Signoff) -> Signoff:
    """The sign-off as the public record gives it: no identity, no file name, the key's fingerprint."""
    key = s.key or (key_of_file(s.signature.source) if s.signature and s.signature.source else "")
    sig = PublishedFile("signature", "", s.signature.sha256, s.signature.size) if s.signature else None
    return Signoff(s.role, "", s.signed_at, PublishedFile("signoff", "", s.file.sha256, s.file.size), sig, key)


def key_of_file(path: Path) -> str:
    try:
        return key_fingerprint(path.read_bytes())
    except OSError:
        return ""


def key_fingerprint(sig: bytes) -> str:
    """The fingerprint of the public key inside an SSH signature (the armoured SSHSIG format of
    `ssh-keygen -Y sign`), as `ssh-keygen -lf` prints it: SHA256:<unpadded base64>; '' if `sig`
    is not one."""
    import base64
    import hashlib

    text = sig.decode("ascii", "replace").strip().splitlines()
    if len(text) < 3 or text[0] != "-----BEGIN SSH SIGNATURE-----" or text[-1] != "-----END SSH SIGNATURE-----":
        return ""
    try:
        blob = base64.b64decode("".join(text[1:-1]), validate=True)
    except ValueError:
        return ""
    if blob[:6] != b"SSHSIG" or len(blob) < 14:
        return ""
    size = int.from_bytes(blob[10:14], "big")
    key = blob[14 : 14 + size]
    if len(key) != size or size == 0:
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(key).digest()).decode().rstrip("=")


def signoff_from(s: Mapping[str, Any], site: Path | None) -> Signoff:
    if "path" not in s:  # an anonymous entry: digests only
        sig = s.get("signature")
        return Signoff(str(s["role"]), "", str(s["signed_at"]),
                       PublishedFile("signoff", "", str(s["sha256"]), int(s["size"])),
                       PublishedFile("signature", "", str(sig["sha256"]), int(sig["size"])) if sig else None,
                       str(s.get("key", "")))
    return Signoff(s["role"], s["identity"], s["signed_at"], file_from({"format": "signoff", **s}, site),
                   file_from(s["signature"], site) if s.get("signature") else None)


def version_from_json(data: Mapping[str, Any], site: Path | None = None) -> ReportVersion:
    """The version a record describes; its files' `source` is under `site` when given."""
    withdrawn = data.get("withdrawn")
    return ReportVersion(
        report_id=str(data["id"]),
        version=int(data["version"]),
        metadata=metadata_from(data["metadata"]),
        files={f["format"]: file_from(f, site) for f in data["files"]},
        assets={(a := file_from(f, site)).name: a for f in data.get("assets", [])},
        companions=tuple(
            Companion(str(c["kind"]), str(c["title"]), c.get("lang"),
                      file_from(c["file"], site) if c.get("file") else None, c.get("url"))
            for c in data.get("companions", [])
        ),
        body=body_from(data),
        kind=str(data.get("kind", "report")),
        reviews=tuple(ReviewCount(str(r["body"]), int(r["received"]), int(r["accepted"]), int(r["rejected"]))
                      for r in data.get("reviews", [])),
        change=change_from(data["change"]),
        history=tuple(change_from(c) for c in data["history"]),
        recommendations=tuple(
            Recommendation(r["id"], r["owner"], r.get("due"), r["html"]) for r in data["recommendations"]
        ),
        content_digest=str(data["content_digest"]),
        signoffs=tuple(signoff_from(s, site) for s in data["signoffs"]),
        embargo=dt.datetime.fromisoformat(data["embargo"]),
        published_at=dt.datetime.fromisoformat(data["published_at"]),
        withdrawn=(
            Withdrawal(dt.date.fromisoformat(withdrawn["date"]), withdrawn["reason"]) if withdrawn else None
        ),
    )
