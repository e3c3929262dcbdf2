"""Open a Word file that came back from a reviewer, refusing anything hostile before reading it.

Refused, each with a plain-English reason (`HostileFile`): a file that is not a .docx (an old .doc,
a password-protected file, a PDF renamed), an absurd size, a zip bomb (uncompressed sizes and
ratios are checked from the zip directory, then every read is bounded, so a lying directory is
caught too), macros (.docm, vbaProject.bin), embedded objects (OLE, ActiveX, altChunk), and XML
with a DOCTYPE or entities (XXE: lxml parses with resolve_entities=False and no_network=True, and
any DTD is refused outright).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REVIEW_NS = "urn:cjji:review:1"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 30,000-word report with images is a few MB
MAX_ENTRIES = 5000
MAX_PART_BYTES = 128 * 1024 * 1024  # one uncompressed part
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all parts together, uncompressed
MAX_RATIO = 100  # XML compresses about 10:1; a bomb, thousands to one
RATIO_FLOOR = 1024 * 1024  # parts smaller than this may have any ratio

MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData", "ms-office.activeX", "oleObject")


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class HostileFile(Exception):
    """The file is refused; the message says why, in plain English."""


_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=False,
)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse one XML part; a DTD or an entity declaration is refused (XXE, billion laughs)."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or b"\x00" in data[:64]:
        raise HostileFile(f"{name} is not UTF-8 XML, as Word and LibreOffice write it")
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise HostileFile(
            f"{name} declares a DOCTYPE or entities, which Word never writes "
            "(a way to make a reader fetch files or expand text without end)"
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise HostileFile(f"{name} is not well-formed XML ({exc.msg})") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise HostileFile(f"{name} declares a DTD")
    return root


@dataclass
class Package:
    """The parts of a .docx, read safely, and where its main parts are."""

    parts: dict[str, bytes]
    content_types: dict[str, str] = field(default_factory=dict)  # part name -> content type
    related: dict[str, str] = field(default_factory=dict)  # relationship type (short) -> part name

    def xml(self, name: str | None) -> etree._Element | None:
        if not name or name not in self.parts:
            return None
        return parse_xml(self.parts[name], name)


def _check_directory(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise HostileFile(f"the file holds {len(infos)} parts; a Word document has a few dozen")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise HostileFile(f"the file holds a part with an unsafe name ({name!r})")
        if name.lower() in seen:
            raise HostileFile(f"the file holds two parts named {name!r}")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise HostileFile("the file is encrypted; save it again without a password")
        if info.file_size > MAX_PART_BYTES:
            raise HostileFile(
                f"the part {name} would be {info.file_size / 1048576:.0f} MB uncompressed; "
                f"the limit is {MAX_PART_BYTES // 1048576} MB"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise HostileFile(
                f"the part {name} expands {info.file_size // max(info.compress_size, 1)} times "
                "when unpacked: this is a zip bomb, not a Word document"
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise HostileFile(
            f"the file would be {total / 1048576:.0f} MB unpacked; the limit is {MAX_TOTAL_BYTES // 1048576} MB"
        )


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read a part, never more than its declared size (a lying directory is a bomb too)."""
    limit = min(info.file_size, MAX_PART_BYTES, budget)
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise HostileFile(
            f"the part {info.filename} is larger than the zip directory says: this is a zip bomb, not a Word document"
        )
    return data


def _rels(package: Package, source: str) -> dict[str, str]:
    """Relationship type (last path segment) -> target part name, for a part's .rels."""
    folder, base = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    root = package.xml(rels_name)
    found: dict[str, str] = {}
    if root is None:
        return found
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            if kind in ("oleObject", "package", "aFChunk", "subDocument", "attachedTemplate"):
                raise HostileFile(
                    f"the document links to an outside object or template ({target}); "
                    "cjji reads only self-contained Word files"
                )
            continue
        name = (
            posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
            if not target.startswith("/")
            else target.lstrip("/")
        )
        found.setdefault(kind, name)
    return found


def open_docx(data: bytes, display: str) -> Package:
    """Read a returned .docx from bytes; raises HostileFile with the reason it is refused."""
    if len(data) > MAX_FILE_BYTES:
        raise HostileFile(f"{display} is {len(data) / 1048576:.0f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise HostileFile(
            f"{display} is an old-style .doc file or a password-protected document; "
            "open it in Word and save it as a Word Document (.docx) without a password"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise HostileFile(f"{display} is not a Word .docx file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError) as exc:
        raise HostileFile(f"{display} is not a Word .docx file (the zip is damaged: {exc})") from None
    with archive:
        _check_directory(archive)
        budget = MAX_TOTAL_BYTES
        parts: dict[str, bytes] = {}
        for info in archive.infolist():
            if info.is_dir():
                continue
            low = info.filename.lower()
            if low.endswith(("vbaproject.bin", "vbadata.xml")):
                raise HostileFile(
                    f"{display} contains macros ({info.filename}); save it as a plain Word "
                    "Document (.docx), not a macro-enabled one (.docm)"
                )
            if low.startswith(("word/embeddings/", "word/activex/")) or "/embeddings/" in low:
                raise HostileFile(
                    f"{display} contains an embedded object ({info.filename}); remove it "
                    "and send comments and tracked changes only"
                )
            try:
                parts[info.filename] = _read_bounded(archive, info, budget)
            except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
                raise HostileFile(f"{display}: the part {info.filename} cannot be read ({exc})") from None
            budget -= len(parts[info.filename])
    package = Package(parts)
    types = package.xml("[Content_Types].xml")
    if types is None:
        raise HostileFile(f"{display} is a zip file but not a Word document (no [Content_Types].xml)")
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(f"{{{CT_NS}}}Default")}
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in types.iter(f"{{{CT_NS}}}Override")
    }
    for name in parts:
        package.content_types[name] = overrides.get(name, defaults.get(name.rsplit(".", 1)[-1].lower(), ""))
    for kind in [*overrides.values(), *defaults.values()]:
        if any(marker in kind for marker in MACRO_TYPES):
            raise HostileFile(
                f"{display} contains macros or embedded objects ({kind}); save it as a plain Word Document (.docx)"
            )
    main = _rels(package, "").get("officeDocument", "")
    if not main or main not in parts:
        raise HostileFile(f"{display} is a zip file but not a Word document (no main document part)")
    if package.content_types.get(main) not in MAIN_TYPES:
        raise HostileFile(
            f"{display} is not a Word document (its main part is "
            f"{package.content_types.get(main) or 'of no known type'})"
        )
    package.related = {"document": main, **_rels(package, main)}
    package.related.update({f"package-{k}": v for k, v in _rels(package, "").items()})
    if "aFChunk" in package.related or "oleObject" in package.related or "package" in package.related:
        raise HostileFile(
            f"{display} contains an embedded document or object; remove it and send comments and tracked changes only"
        )
    return package


# -- text ------------------------------------------------------------------------------------------

TEXT_TAGS = {w("t"), w("delText")}
BREAK_TEXT = {w("tab"): "\t", w("noBreakHyphen"): "\u2011", w("softHyphen"): ""}


def run_text(run: etree._Element) -> str:
    """Text of one w:r: w:t and w:delText, tabs, line breaks (not page breaks), hyphens."""
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag in TEXT_TAGS:
            parts.append(child.text or "")
        elif tag in BREAK_TEXT:
            parts.append(BREAK_TEXT[tag])
        elif tag == w("br") and child.get(w("type"), "textWrapping") == "textWrapping" or tag == w("cr"):
            parts.append("\n")
    return "".join(parts)


def paragraph_text(p: etree._Element) -> str:
    """Text of a pristine paragraph (as exported: no tracked changes yet)."""
    return "".join(run_text(r) for r in p.iter(w("r")))
