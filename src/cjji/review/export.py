"""`cjji review export`: the branded Word file, made into a review copy that can find its way back.

The docx comes from the ordinary builder (cjji.build.docx.build_docx), unchanged, and is then
post-processed with lxml:
- every paragraph, heading, table cell, caption and footnote that comes from report.md is wrapped
  in a hidden bookmark `_cjji<n>_<hash>` (n: its place in the export, hash: of its text);
- a custom XML part (customXml/item1.xml) holds the map: bookmark -> report.md line, column, the
  number in front, and the text as exported (so untracked edits and older drafts can be compared);
- docProps/custom.xml carries the report id, version, content digest, the SHA-256 of report.md,
  the body it was sent to and the export date (File > Properties > Custom in Word);
- line numbers in the margin (restarting on each page) for reviewers who print it;
- track changes is switched on, so a reviewer's edits are recorded as tracked changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from cjji import atomic
from cjji.report import Report
from cjji.review.ooxml import CT_NS, CUSTOM_NS, PKG_REL_NS, REVIEW_NS, VT_NS, paragraph_text, parse_xml, w
from cjji.review.source import SourceBlock, normalise, source_blocks

if TYPE_CHECKING:
    from cjji.policy import Policy

MAP_PART = "customXml/item1.xml"
MAP_PROPS_PART = "customXml/itemProps1.xml"
MAP_VERSION = 1
ANCHOR_PREFIX = "_cjji"
LOOKAHEAD = 60  # source blocks a docx paragraph may skip (blocks that write no paragraph)
GENERATED_STYLES = {"Title", "Subtitle", "Date", "TOCHeading", "CalloutLabel"}
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
BODY = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# w:sectPr children that come after w:lnNumType (ECMA-376 order)
_AFTER_LNNUM = {
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
}
# w:settings children that come after w:trackRevisions
_AFTER_TRACK = {
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
}


class ExportError(Exception):
    pass


@dataclass(frozen=True)
class Anchor:
    name: str
    kind: str
    line: int
    col: int
    end_line: int
    prefix: str  # text the docx writes before the block's own text ("3.4\t", "Table 2: ")
    text: str
    finding: str
    story: str  # "document" or "footnotes"
    suffix: str = ""  # text the docx writes after it (a judgement's " [C1]")
    number: str = ""  # the paragraph or section number as printed (Word may number it itself)

    @property
    def docx_text(self) -> str:
        return self.prefix + self.text + self.suffix

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "prefix": self.prefix,
            "text": self.text,
            "finding": self.finding,
            "story": self.story,
            "suffix": self.suffix,
            "number": self.number,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Anchor:
        """From the map; raises KeyError, TypeError or ValueError when a field is missing or wrong."""
        return cls(
            str(data["name"]),
            str(data["kind"]),
            int(data["line"]),
            int(data["col"]),
            int(data["end_line"]),
            str(data["prefix"]),
            str(data["text"]),
            str(data.get("finding", "")),
            str(data.get("story", "document")),
            str(data.get("suffix", "")),
            str(data.get("number", "")),
        )


@dataclass
class Exported:
    path: Path
    anchors: int
    unanchored: list[SourceBlock]  # source blocks no paragraph was found for (should be none)


def source_sha256(report: Report) -> str:
    return "sha256:" + hashlib.sha256(report.path.read_bytes()).hexdigest()


def report_blocks(report: Report, root: Path) -> list[SourceBlock]:
    """The report's blocks, numbered as the docx builder numbers them (brand.yml and the report);
    `root` is the project folder (templates/brand.yml)."""
    from cjji.build.brand import load_brand
    from cjji.build.publication import numbering_options

    headings, paragraphs = numbering_options(report, load_brand(root))
    return source_blocks(report, number_headings=headings, number_paragraphs=paragraphs)


def _style(p: etree._Element) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def _in_toc(p: etree._Element) -> bool:
    for sdt in p.iterancestors(w("sdt")):
        gallery = sdt.find(f".//{w('docPartGallery')}")
        if gallery is not None and "Table of Contents" in (gallery.get(w("val")) or ""):
            return True
    return False


def body_paragraphs(body: etree._Element) -> list[etree._Element]:
    """Paragraphs of the body that may hold report text: not the contents, cover or labels."""
    return [p for p in body.iter(w("p")) if _style(p) not in GENERATED_STYLES and not _in_toc(p)]


# what a builder may write before a block's text: "3.4", "Table 2:", "Figure 1:", "(a)"
_LABEL = re.compile(r"^\s*((Table|Figure|Chart|Box)\s+[\dA-Z][\w.]*[:.]?|\(?[\dA-Za-z]{1,3}(\.\d+)*[.):]?)?\s*$")
# ... and after it: the criteria a judgement cites, " [C1, C2]"
_SUFFIX = re.compile(r"^\s*(\[[^\[\]\n]{1,80}\])?\s*$")


def _split(raw: str, block: SourceBlock) -> tuple[str, str] | None:
    """(prefix, suffix) when the paragraph text `raw` is the block's text with a label around it."""
    text = block.text
    if not text:
        return None
    start = raw.find(text)
    while start >= 0:
        prefix, suffix = raw[:start], raw[start + len(text) :]
        if (prefix == block.prefix or _LABEL.match(prefix)) and _SUFFIX.match(suffix):
            return prefix, suffix
        start = raw.find(text, start + 1)
    return None


def match_paragraphs(
    paragraphs: list[etree._Element], blocks: list[SourceBlock]
) -> list[tuple[etree._Element, int, str, str]]:
    """(paragraph, index in blocks, prefix, suffix) for each docx paragraph that shows a block, in
    order. The builder may write a number or label before the block's text ("3.4", "Table 2: ") and
    the cited criteria after a judgement (" [C1]"); those become the anchor's prefix and suffix."""
    found: list[tuple[etree._Element, int, str, str]] = []
    keys = [normalise(b.docx_text) for b in blocks]
    j = 0
    for p in paragraphs:
        raw = paragraph_text(p)
        text = normalise(raw)
        if not text:
            continue
        for k in range(j, min(j + LOOKAHEAD, len(blocks))):
            split = _split(raw, blocks[k])
            if split is None and keys[k] == text:
                split = (blocks[k].prefix, "")
            if split is None:
                continue
            found.append((p, k, *split))
            j = k + 1
            break
    return found


def _bookmark(p: etree._Element, ident: int, name: str) -> None:
    start = etree.Element(w("bookmarkStart"))
    start.set(w("id"), str(ident))
    start.set(w("name"), name)
    end = etree.Element(w("bookmarkEnd"))
    end.set(w("id"), str(ident))
    ppr = p.find(w("pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def _max_bookmark_id(*roots: etree._Element) -> int:
    ids = [
        int(b.get(w("id"), "0"))
        for root in roots
        for b in root.iter(w("bookmarkStart"))
        if (b.get(w("id")) or "").lstrip("-").isdigit()
    ]
    return max(ids, default=0)


def anchor_document(
    document: etree._Element, footnotes: etree._Element | None, blocks: list[SourceBlock]
) -> tuple[list[Anchor], list[SourceBlock]]:
    """Add the bookmarks; returns the anchors and the blocks left without one."""
    body = document.find(w("body"))
    if body is None:
        raise ExportError("the built Word file has no body")
    main = [b for b in blocks if b.kind != "footnote"]
    notes = [b for b in blocks if b.kind == "footnote"]
    next_id = _max_bookmark_id(document, *([footnotes] if footnotes is not None else [])) + 1
    anchors: list[Anchor] = []
    used: set[int] = set()

    def add(p: etree._Element, block: SourceBlock, story: str, prefix: str | None = None, suffix: str = "") -> None:
        """Bookmark `p` as showing `block` (a "generated" block: text cjji writes, not report.md's)."""
        nonlocal next_id
        name = f"{ANCHOR_PREFIX}{len(anchors)}_{block.digest}"
        _bookmark(p, next_id, name)
        next_id += 1
        anchors.append(
            Anchor(
                name,
                block.kind,
                block.line,
                block.col,
                block.end_line,
                block.prefix if prefix is None else prefix,
                block.text,
                block.finding,
                story,
                suffix,
                block.prefix.strip(),
            )
        )
        used.add(id(block))

    everything = list(body.iter(w("p")))  # these references keep each element's proxy (and id) alive
    matched = {id(p): (k, prefix, suffix) for p, k, prefix, suffix in match_paragraphs(body_paragraphs(body), main)}
    for p in everything:
        if id(p) in matched:
            k, prefix, suffix = matched[id(p)]
            add(p, main[k], "document", prefix, suffix)
        elif not _in_toc(p) and paragraph_text(p).strip():  # cover, labels, the framework annex
            add(p, SourceBlock("generated", paragraph_text(p), "", [], 0, 0, 0), "document")
    if footnotes is not None and notes:
        by_text: dict[str, list[SourceBlock]] = {}
        for block in notes:
            by_text.setdefault(normalise(block.docx_text), []).append(block)
        for note in footnotes.iter(w("footnote")):
            if note.get(w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            for p in note.iter(w("p")):
                raw = paragraph_text(p)
                candidates = by_text.get(normalise(raw)) or [b for b in notes if _split(raw, b) is not None]
                if candidates:
                    fresh = [b for b in candidates if id(b) not in used]
                    block = (fresh or candidates)[0]
                    prefix, suffix = _split(raw, block) or (block.prefix, "")
                    add(p, block, "footnotes", prefix, suffix)
    return anchors, [b for b in blocks if id(b) not in used]


def _custom_properties(root: etree._Element | None, values: dict[str, str]) -> bytes:
    if root is None:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for prop in list(root):
        if (prop.get("name") or "").startswith("cjji-"):
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root if (p.get("pid") or "").isdigit()] + [1])
    for name, value in values.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property")
        prop.set("fmtid", PROPERTY_FMTID)
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _insert_ordered(parent: etree._Element, element: etree._Element, after: set[str]) -> None:
    for child in parent:
        if etree.QName(child).localname in after:
            child.addprevious(element)
            return
    parent.append(element)


def _line_numbers(document: etree._Element) -> None:
    for sect in document.iter(w("sectPr")):
        for old in sect.findall(w("lnNumType")):
            sect.remove(old)
        numbering = etree.Element(w("lnNumType"))
        numbering.set(w("countBy"), "1")
        numbering.set(w("restart"), "newPage")
        numbering.set(w("distance"), "284")
        _insert_ordered(sect, numbering, _AFTER_LNNUM)


def _track_changes(settings: etree._Element) -> None:
    for tag in ("trackRevisions", "doNotTrackMoves"):
        for old in settings.findall(w(tag)):
            settings.remove(old)
    _insert_ordered(settings, etree.Element(w("trackRevisions")), _AFTER_TRACK)


def map_xml(header: dict[str, object], anchors: list[Anchor]) -> bytes:
    payload = json.dumps(
        {**header, "anchors": [a.to_json() for a in anchors]}, ensure_ascii=False, separators=(",", ":")
    )
    root = etree.Element(f"{{{REVIEW_NS}}}review", nsmap={None: REVIEW_NS})
    root.set("version", str(MAP_VERSION))
    etree.SubElement(root, f"{{{REVIEW_NS}}}map").text = payload
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _item_props(item_id: str) -> bytes:
    ds = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ds:datastoreItem ds:itemID="{item_id}" '
        f'xmlns:ds="{ds}"><ds:schemaRefs><ds:schemaRef ds:uri="{REVIEW_NS}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def review_copy(
    docx: bytes, report: Report, policy: Policy, body: str, exported: dt.date
) -> tuple[bytes, int, list[SourceBlock]]:
    """The review copy of a built docx: (bytes, number of anchors, blocks left unanchored)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    parts = {name: source.read(name) for name in source.namelist()}
    document = parse_xml(parts["word/document.xml"], "word/document.xml")
    footnotes = parse_xml(parts["word/footnotes.xml"], "word/footnotes.xml") if "word/footnotes.xml" in parts else None
    blocks = report_blocks(report, policy.root)
    anchors, unanchored = anchor_document(document, footnotes, blocks)
    _line_numbers(document)
    parts["word/document.xml"] = _serialise(document)
    if footnotes is not None:
        parts["word/footnotes.xml"] = _serialise(footnotes)
    if "word/settings.xml" in parts:
        settings = parse_xml(parts["word/settings.xml"], "word/settings.xml")
        _track_changes(settings)
        parts["word/settings.xml"] = _serialise(settings)
    from cjji.digest import digest

    content_digest = digest(report.dir).value
    header = {
        "format": "cjji-review-map",
        "version": MAP_VERSION,
        "report": report.id,
        "report_version": str(report.meta.get("version", "")),
        "digest": content_digest,
        "source_sha256": source_sha256(report),
        "body": body,
        "exported": exported.isoformat(),
    }
    parts[MAP_PART] = map_xml(header, anchors)
    item_id = "{" + str(uuid.UUID(hashlib.sha256(parts[MAP_PART]).hexdigest()[:32])).upper() + "}"
    parts[MAP_PROPS_PART] = _item_props(item_id)
    parts["customXml/_rels/item1.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL_NS}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'customXmlProps" Target="itemProps1.xml"/></Relationships>'
    ).encode()
    rels = parse_xml(parts["word/_rels/document.xml.rels"], "word/_rels/document.xml.rels")
    ids = {r.get("Id") for r in rels}
    rel_id = next(f"rIdCjji{n}" for n in range(1, 1000) if f"rIdCjji{n}" not in ids)
    rel = etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship")
    rel.set("Id", rel_id)
    rel.set("Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml")
    rel.set("Target", "../customXml/item1.xml")
    parts["word/_rels/document.xml.rels"] = _serialise(rels)
    types = parse_xml(parts["[Content_Types].xml"], "[Content_Types].xml")
    override = etree.SubElement(types, f"{{{CT_NS}}}Override")
    override.set("PartName", "/" + MAP_PROPS_PART)
    override.set("ContentType", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml")
    props: dict[str, str] = {
        "cjji-report": report.id,
        "cjji-version": str(header["report_version"]),
        "cjji-digest": content_digest,
        "cjji-source-sha256": str(header["source_sha256"]),
        "cjji-body": body,
        "cjji-exported": exported.isoformat(),
        "cjji-anchors": str(len(anchors)),
    }
    if "docProps/custom.xml" not in parts:
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/docProps/custom.xml")
        override.set("ContentType", "application/vnd.openxmlformats-officedocument.custom-properties+xml")
        package_rels = parse_xml(parts["_rels/.rels"], "_rels/.rels")
        rel = etree.SubElement(package_rels, f"{{{PKG_REL_NS}}}Relationship")
        rel.set("Id", "rIdCjjiProps")
        rel.set("Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties")
        rel.set("Target", "docProps/custom.xml")
        parts["_rels/.rels"] = _serialise(package_rels)
        existing = None
    else:
        existing = parse_xml(parts["docProps/custom.xml"], "docProps/custom.xml")
    parts["docProps/custom.xml"] = _custom_properties(existing, props)
    parts["[Content_Types].xml"] = _serialise(types)
    return _zip(parts), len(anchors), unanchored


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    names = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()


def default_path(root: Path, report: Report, body: str) -> Path:
    return root / "out" / report.id / "review" / f"{report.id}-for-{body}.docx"


def export(report: Report, policy: Policy, body: str, dest: Path, exported: dt.date | None = None) -> Exported:
    """Build the report's docx and write its review copy for `body` to `dest` (atomically)."""
    from cjji.build.docx import build_docx

    if not BODY.match(body):
        raise ExportError(
            f"'{body}' cannot name a body: use lower-case letters, digits and hyphens "
            "(for example cps or westvale-police)"
        )
    with tempfile.TemporaryDirectory(prefix="cjji-review-") as tmp:
        built = build_docx(report, policy, Path(tmp) / f"{report.id}.docx")
        data = built.read_bytes()
    copy, count, unanchored = review_copy(data, report, policy, body, exported or dt.date.today())
    atomic.write_bytes(dest, copy)
    return Exported(dest, count, unanchored)
