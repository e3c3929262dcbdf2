"""`cjji review import`: read a returned review copy into items located in report.md.

What is read, from the Word XML itself (as Word and LibreOffice write it):
- comments: word/comments.xml (author, date, text), anchored by w:commentRangeStart/End (or only
  a w:commentReference) in the document or the footnotes;
- replies: word/commentsExtended.xml, w15:commentEx/@w15:paraIdParent naming the parent's last
  paragraph (w14:paraId);
- tracked changes: w:ins, w:del (adjacent ones by one author are one replacement), w:moveFrom and
  w:moveTo (one move), each with w:author and w:date;
- untracked edits: each paragraph's original text (unchanged and deleted runs) is compared with
  the text the export recorded for it; a paragraph that is gone, or one that is new, is found too.

Every position is first expressed against the export's anchors (bookmark + offset in its text),
then mapped to the current report.md: an anchor whose text is unchanged maps exactly (even if
lines moved because other paragraphs changed); one found out of order maps with a warning
("moved"); one whose text was edited or deleted since the export is reported as such.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from cjji.report import Report
from cjji.review.export import ANCHOR_PREFIX, GENERATED_STYLES, MAP_VERSION, Anchor, source_sha256
from cjji.review.ooxml import (
    CUSTOM_NS,
    REVIEW_NS,
    VT_NS,
    W14_NS,
    W15_NS,
    HostileFile,
    Package,
    open_docx,
    run_text,
    w,
)
from cjji.review.source import NO_POSITION, LineIndex, SourceBlock, normalise, source_blocks, text_hash

REVISIONS = {w("ins"): "ins", w("del"): "del", w("moveFrom"): "moveFrom", w("moveTo"): "moveTo"}
ORIGINAL = ("same", "del", "moveFrom")
LOOKAHEAD = 60
FUZZY_PAIRS = 2500  # paragraph pairs compared for similarity in one changed stretch, at most
MAX_ANCHORS = 200_000  # a 40,000-word report has about 3,000


class ImportError_(Exception):  # noqa: N801 (ImportError is a builtin)
    """The returned file cannot be imported for this report; the message says why."""


@dataclass
class Point:
    anchor: int | None  # index in the export map's anchors (None: text cjji generated, or unknown)
    offset: int  # offset in the anchor's exported text (number prefix included)


@dataclass
class Segment:
    kind: str  # same | ins | del | moveFrom | moveTo
    text: str
    author: str
    date: str
    start: int  # offset in the paragraph's original text where it sits


@dataclass
class Para:
    element: etree._Element
    story: str
    anchor: int | None = None
    generated: bool = False
    segments: list[Segment] = field(default_factory=list)
    original: str = ""  # unchanged + deleted text: what the reviewer started from
    current: str = ""  # unchanged + inserted text: what the reviewer left
    markers: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, comment id, offset)
    mark_inserted: bool = False


@dataclass
class RawItem:
    kind: str  # comment | reply | insertion | deletion | replacement | move | edit | new-paragraph | removed-paragraph
    author: str
    date: str
    start: Point
    end: Point
    quote: str = ""
    comment: str = ""
    old: str = ""
    new: str = ""
    to: Point | None = None  # a move's destination
    parent: str = ""  # a reply's parent comment id (Word's)
    comment_id: str = ""
    done: bool = False


@dataclass
class Returned:
    header: dict[str, Any]
    anchors: list[Anchor]
    items: list[RawItem]
    sha256: str


# -- reading the returned file ------------------------------------------------------------------------


def _custom_properties(package: Package) -> dict[str, str]:
    root = package.xml(package.related.get("package-custom-properties") or "docProps/custom.xml")
    if root is None:
        return {}
    found = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        value = next((child.text or "" for child in prop if child.tag.startswith(f"{{{VT_NS}}}")), "")
        found[prop.get("name") or ""] = value
    return found


def read_map(package: Package, display: str) -> tuple[dict[str, Any], list[Anchor]]:
    for name in sorted(
        n for n in package.parts if n.startswith("customXml/item") and "Props" not in n and n.endswith(".xml")
    ):
        root = package.xml(name)
        if root is None or root.tag != f"{{{REVIEW_NS}}}review":
            continue
        node = root.find(f"{{{REVIEW_NS}}}map")
        try:
            data = json.loads(node.text or "") if node is not None else None
        except json.JSONDecodeError:
            data = None
        if (
            not isinstance(data, dict)
            or data.get("format") != "cjji-review-map"
            or not isinstance(data.get("anchors"), list)
        ):
            raise HostileFile(f"{display}: the review map in this file is damaged; export a new review copy")
        if data.get("version") != MAP_VERSION:
            raise HostileFile(
                f"{display}: the review map is version {data.get('version')}; this cjji reads version {MAP_VERSION}"
            )
        if len(data["anchors"]) > MAX_ANCHORS:
            raise HostileFile(
                f"{display}: the review map lists {len(data['anchors'])} paragraphs; no report has so many"
            )
        try:
            anchors = [Anchor.from_json(a) for a in data["anchors"]]
        except (KeyError, TypeError, ValueError):
            raise HostileFile(f"{display}: the review map in this file is damaged; export a new review copy") from None
        return data, anchors
    raise HostileFile(
        f"{display} is not a cjji review copy (it carries no review map); export one with "
        "`cjji review export` and send that file for review"
    )


def _revision(run: etree._Element, stop: etree._Element) -> tuple[str, etree._Element | None]:
    kinds = []
    owner = None
    for ancestor in run.iterancestors():
        if ancestor is stop:
            break
        kind = REVISIONS.get(ancestor.tag)
        if kind:
            kinds.append(kind)
            owner = owner if owner is not None else ancestor
    if not kinds:
        return "same", None
    if len(kinds) > 1 and {"ins", "del"} <= set(kinds):
        return "gone", owner  # inserted, then deleted again: in neither text
    return kinds[0], owner


def _read_paragraph(p: etree._Element, story: str, names: dict[str, int]) -> Para:
    para = Para(p, story)
    offset = 0
    original: list[str] = []
    current: list[str] = []
    mark = p.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}")
    para.mark_inserted = mark is not None
    for element in p.iter():
        tag = element.tag
        if tag == w("r"):
            kind, owner = _revision(element, p)
            text = run_text(element)
            if not text or kind == "gone":
                continue
            author = owner.get(w("author"), "") if owner is not None else ""
            date = owner.get(w("date"), "") if owner is not None else ""
            previous = para.segments[-1] if para.segments else None
            if previous and previous.kind == kind and previous.author == author and previous.date == date:
                previous.text += text
            else:
                para.segments.append(Segment(kind, text, author, date, offset))
            if kind in ORIGINAL:
                original.append(text)
                offset += len(text)
            if kind in ("same", "ins", "moveTo"):
                current.append(text)
        elif tag in (w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")):
            para.markers.append((etree.QName(tag).localname, element.get(w("id"), ""), offset))
        elif tag == w("bookmarkStart") and para.anchor is None:
            name = element.get(w("name"), "")
            if name.startswith(ANCHOR_PREFIX) and name in names:
                para.anchor = names[name]
    para.original, para.current = "".join(original), "".join(current)
    return para


def _style(p: etree._Element) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def _story_paragraphs(root: etree._Element | None, story: str, names: dict[str, int]) -> list[Para]:
    if root is None:
        return []
    out = []
    for p in root.iter(w("p")):
        if story == "footnotes" and any(
            n.get(w("type")) in ("separator", "continuationSeparator") for n in p.iterancestors(w("footnote"))
        ):
            continue
        para = _read_paragraph(p, story, names)
        para.generated = (
            _style(p) in GENERATED_STYLES
            or _style(p).startswith("TOC")
            or any(
                "Table of Contents" in (g.get(w("val")) or "")
                for sdt in p.iterancestors(w("sdt"))
                for g in sdt.iter(w("docPartGallery"))
            )
        )
        out.append(para)
    return out


def _claim_by_text(paras: list[Para], anchors: list[Anchor], story: str) -> None:
    """Paragraphs whose bookmark was lost (LibreOffice drops some in footnotes; a reviewer may
    delete one) are matched to unclaimed anchors of the same story by their original text, in order."""
    claimed = {p.anchor for p in paras if p.anchor is not None}
    candidates = [k for k, a in enumerate(anchors) if a.story == story and k not in claimed]
    keys = {k: normalise(anchors[k].docx_text) for k in candidates}
    j = 0
    for para in paras:
        if para.anchor is not None:
            j = bisect_right(candidates, para.anchor)
            continue
        text = normalise(para.original)
        if not text:
            continue
        for n in range(j, min(j + LOOKAHEAD, len(candidates))):
            if keys[candidates[n]] == text:
                para.anchor = candidates[n]
                j = n + 1
                break


def _comments(package: Package) -> dict[str, dict[str, Any]]:
    root = package.xml(package.related.get("comments"))
    found: dict[str, dict[str, Any]] = {}
    if root is None:
        return found
    for comment in root.iter(w("comment")):
        paragraphs = comment.findall(f".//{w('p')}")
        text = "\n".join("".join(run_text(r) for r in p.iter(w("r"))) for p in paragraphs).strip()
        last = paragraphs[-1].get(f"{{{W14_NS}}}paraId", "") if paragraphs else ""
        found[comment.get(w("id"), "")] = {
            "author": comment.get(w("author"), ""),
            "date": comment.get(w("date"), ""),
            "text": text,
            "para_id": last,
            "parent": "",
            "done": False,
        }
    extended = package.xml(package.related.get("commentsExtended"))
    if extended is not None:
        by_para = {c["para_id"]: cid for cid, c in found.items() if c["para_id"]}
        for entry in extended.iter(f"{{{W15_NS}}}commentEx"):
            cid = by_para.get(entry.get(f"{{{W15_NS}}}paraId", ""))
            if cid is None:
                continue
            parent = by_para.get(entry.get(f"{{{W15_NS}}}paraIdParent", ""), "")
            found[cid]["parent"] = parent
            found[cid]["done"] = entry.get(f"{{{W15_NS}}}done") == "1"
    return found


def _quote(paras: list[Para], start: tuple[int, int], end: tuple[int, int]) -> str:
    (p1, o1), (p2, o2) = start, end
    if p1 == p2:
        return paras[p1].original[o1:o2]
    parts = [paras[p1].original[o1:]] + [paras[k].original for k in range(p1 + 1, p2)] + [paras[p2].original[:o2]]
    return "\n".join(parts)


def _point(paras: list[Para], index: int, offset: int) -> Point:
    """A position in paragraph `index`: against its anchor, or the nearest anchored paragraph before it."""
    para = paras[index]
    if para.anchor is not None:
        return Point(para.anchor, offset)
    for k in range(index - 1, -1, -1):
        if paras[k].anchor is not None and not paras[k].generated:
            return Point(paras[k].anchor, len(paras[k].original))
    return Point(None, 0)


def _changes(paras: list[Para]) -> list[RawItem]:
    items: list[RawItem] = []
    moves_from: list[tuple[int, Segment]] = []
    moves_to: list[tuple[int, Segment]] = []
    for index, para in enumerate(paras):
        new_paragraph = (
            para.anchor is None and all(s.kind in ("ins", "moveTo") for s in para.segments) and bool(para.segments)
        )
        if new_paragraph and all(s.kind == "ins" for s in para.segments):
            first = para.segments[0]
            at = _point(paras, index, 0)
            items.append(RawItem("new-paragraph", first.author, first.date, at, at, new=para.current))
            continue
        k = 0
        segments = para.segments
        while k < len(segments):
            seg = segments[k]
            if seg.kind in ("moveFrom", "moveTo"):
                (moves_from if seg.kind == "moveFrom" else moves_to).append((index, seg))
                k += 1
                continue
            if seg.kind not in ("ins", "del"):
                k += 1
                continue
            old = new = ""
            start = seg.start
            author, date = seg.author, seg.date
            while k < len(segments) and segments[k].kind in ("ins", "del") and segments[k].author == author:
                if segments[k].kind == "del":
                    old += segments[k].text
                else:
                    new += segments[k].text
                k += 1
            kind = "replacement" if old and new else "deletion" if old else "insertion"
            items.append(
                RawItem(
                    kind,
                    author,
                    date,
                    _point(paras, index, start),
                    _point(paras, index, start + len(old)),
                    quote=old,
                    old=old,
                    new=new,
                )
            )
    used: set[int] = set()
    for index, seg in moves_from:
        wanted = normalise(seg.text)
        match: int | None = next(
            (n for n, (_, dest) in enumerate(moves_to) if n not in used and normalise(dest.text) == wanted), None
        )
        origin = _point(paras, index, seg.start)
        finish = _point(paras, index, seg.start + len(seg.text))
        if match is None:
            items.append(RawItem("deletion", seg.author, seg.date, origin, finish, quote=seg.text, old=seg.text))
            continue
        used.add(match)
        to_index, to = moves_to[match]
        items.append(
            RawItem(
                "move",
                seg.author,
                seg.date,
                origin,
                finish,
                quote=seg.text,
                old=seg.text,
                new=to.text,
                to=_point(paras, to_index, to.start),
            )
        )
    for n, (index, seg) in enumerate(moves_to):
        if n not in used:
            at = _point(paras, index, seg.start)
            items.append(RawItem("insertion", seg.author, seg.date, at, at, new=seg.text))
    return items


def _untracked(paras: list[Para], anchors: list[Anchor]) -> list[RawItem]:
    items: list[RawItem] = []
    seen = {p.anchor for p in paras if p.anchor is not None}
    for index, para in enumerate(paras):
        if para.anchor is None:
            if para.generated or not para.original.strip() or any(s.kind == "ins" for s in para.segments):
                continue
            at = _point(paras, index, 0)
            items.append(RawItem("new-paragraph", "", "", at, at, new=para.original, comment="not tracked"))
            continue
        exported = anchors[para.anchor].docx_text
        if (
            anchors[para.anchor].kind == "generated"
            or para.original == exported
            or normalise(para.original) == normalise(exported)
        ):
            continue
        head = 0
        limit = min(len(exported), len(para.original))
        while head < limit and exported[head] == para.original[head]:
            head += 1
        tail = 0
        while tail < limit - head and exported[-1 - tail] == para.original[-1 - tail]:
            tail += 1
        while head > 0 and exported[head - 1].isalnum():  # whole words read better in a proposal
            head -= 1
        while tail > 0 and exported[len(exported) - tail].isalnum():
            tail -= 1
        old = exported[head : len(exported) - tail]
        new = para.original[head : len(para.original) - tail]
        items.append(
            RawItem(
                "edit",
                "",
                "",
                Point(para.anchor, head),
                Point(para.anchor, head + len(old)),
                quote=old,
                old=old,
                new=new,
                comment="not tracked",
            )
        )
    for k, anchor in enumerate(anchors):
        if k not in seen and anchor.kind != "generated":
            items.append(
                RawItem(
                    "removed-paragraph",
                    "",
                    "",
                    Point(k, 0),
                    Point(k, len(anchor.docx_text)),
                    quote=anchor.text,
                    old=anchor.text,
                    comment="not tracked",
                )
            )
    return items


def _comment_items(paras: list[Para], package: Package) -> list[RawItem]:
    comments = _comments(package)
    starts: dict[str, tuple[int, int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    refs: dict[str, tuple[int, int]] = {}
    for index, para in enumerate(paras):
        for kind, cid, offset in para.markers:
            {"commentRangeStart": starts, "commentRangeEnd": ends, "commentReference": refs}[kind].setdefault(
                cid, (index, offset)
            )
    items: list[RawItem] = []
    for cid, comment in comments.items():
        start = starts.get(cid) or refs.get(cid)
        end = ends.get(cid) or start
        if start is None or end is None:
            continue  # a comment in a header, or one whose marks were removed: nowhere to put it
        if (end[0], end[1]) < (start[0], start[1]):
            start, end = end, start
        kind = "reply" if comment["parent"] else "comment"
        items.append(
            RawItem(
                kind,
                comment["author"],
                comment["date"],
                _point(paras, *start),
                _point(paras, *end),
                quote=_quote(paras, start, end),
                comment=comment["text"],
                parent=comment["parent"],
                comment_id=cid,
                done=comment["done"],
            )
        )
    return items


def read_returned(data: bytes, display: str) -> Returned:
    """Everything the reviewer did, located against the export's anchors. Raises HostileFile."""
    package = open_docx(data, display)
    header, anchors = read_map(package, display)
    names = {a.name: k for k, a in enumerate(anchors)}
    document = package.xml(package.related.get("document"))
    if document is None or document.find(w("body")) is None:
        raise HostileFile(f"{display} has no document body")
    for tag in ("object", "altChunk"):
        if document.find(f".//{w(tag)}") is not None:
            raise HostileFile(
                f"{display} contains an embedded object; remove it and send comments and tracked changes only"
            )
    paras = _story_paragraphs(document.find(w("body")), "document", names)
    notes = _story_paragraphs(package.xml(package.related.get("footnotes")), "footnotes", names)
    _claim_by_text(paras, anchors, "document")
    _claim_by_text(notes, anchors, "footnotes")
    everything = paras + notes
    items = _comment_items(everything, package) + _changes(paras) + _changes(notes) + _untracked(everything, anchors)
    props = _custom_properties(package)
    header = {**header, "properties": props}
    return Returned(header, anchors, items, "sha256:" + hashlib.sha256(data).hexdigest())


# -- mapping to the current report.md ----------------------------------------------------------------


@dataclass
class Mapped:
    state: str  # exact | moved | edited | deleted | generated
    block: SourceBlock | None


def map_anchors(anchors: list[Anchor], blocks: list[SourceBlock]) -> list[Mapped]:
    """Each exported anchor's block in the current report: unchanged in order (exact), out of
    order (moved), changed (edited: the most similar block in its place) or gone (deleted)."""
    result: list[Mapped] = [Mapped("generated", None) for _ in anchors]
    real = [k for k, a in enumerate(anchors) if a.kind != "generated"]
    old_keys = [(anchors[k].kind, normalise(anchors[k].text)) for k in real]
    new_keys = [(b.kind, normalise(b.text)) for b in blocks]
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    used: set[int] = set()
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for n in range(i2 - i1):
                result[real[i1 + n]] = Mapped("exact", blocks[j1 + n])
                used.add(j1 + n)
    free: dict[tuple[str, str], list[int]] = {}
    for j, key in enumerate(new_keys):
        if j not in used:
            free.setdefault(key, []).append(j)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for n in range(i1, i2):
            same = free.get(old_keys[n])
            if same:
                j = same.pop(0)
                used.add(j)
                result[real[n]] = Mapped("moved", blocks[j])
                continue
            best, score = None, 0.6
            # the most similar block (by words) in the changed stretch, trying the same relative place
            # first; a long stretch (a reworked chapter) is searched only near that place, so the work
            # stays linear
            here = j1 + n - i1
            near = [j for j in (here, *range(here - 3, here + 4)) if j1 <= j < j2]
            span = near if (i2 - i1) * (j2 - j1) > FUZZY_PAIRS else [*near, *range(j1, j2)]
            old_words = old_keys[n][1].split()
            for j in dict.fromkeys(span):
                if j in used or new_keys[j][0] != old_keys[n][0]:
                    continue
                similar = difflib.SequenceMatcher(None, old_words, new_keys[j][1].split(), autojunk=False)
                if similar.real_quick_ratio() <= score or similar.quick_ratio() <= score:
                    continue
                ratio = similar.ratio()
                if ratio > score:
                    best, score = j, ratio
                    if j == here and ratio > 0.8:
                        break
            if best is not None:
                used.add(best)
            result[real[n]] = Mapped("edited", blocks[best]) if best is not None else Mapped("deleted", None)
    return result


def source_position(block: SourceBlock, index: LineIndex, rendered: int) -> tuple[int, int]:
    """report.md (line, col) of a character offset in the block's text (its end when past it)."""
    offsets = block.offsets
    if not offsets:
        return block.line, block.col
    rendered = max(0, min(rendered, len(offsets)))
    if rendered == len(offsets):
        last = next((o for o in reversed(offsets) if o != NO_POSITION), NO_POSITION)
        return index.position(last + 1) if last != NO_POSITION else (block.line, block.col)
    for k in range(rendered, len(offsets)):
        if offsets[k] != NO_POSITION:
            return index.position(offsets[k])
    return block.line, block.col


@dataclass
class Located:
    line: int
    col: int
    state: str
    block: SourceBlock | None
    rendered: int  # offset in the block's text


def locate(point: Point, anchors: list[Anchor], mapped: list[Mapped], index: LineIndex) -> Located:
    if point.anchor is None:
        return Located(1, 1, "generated", None, 0)
    anchor = anchors[point.anchor]
    target = mapped[point.anchor]
    rendered = max(0, point.offset - len(anchor.prefix))
    if target.block is None:
        line = anchor.line if anchor.kind != "generated" else 1
        return Located(max(line, 1), max(anchor.col, 1), target.state, None, rendered)
    if target.state == "edited":
        return Located(target.block.line, target.block.col, "edited", target.block, rendered)
    line, col = source_position(target.block, index, rendered)
    return Located(line, col, target.state, target.block, rendered)


def block_hash(block: SourceBlock) -> str:
    return text_hash(block.kind, block.text)


def current_blocks(report: Report) -> tuple[list[SourceBlock], LineIndex, str]:
    """The report's blocks for mapping. Their numbers are left out: mapping compares text and
    offsets in it, and the numbers come from the export's map (so brand.yml need not be read)."""
    blocks = source_blocks(report, number_headings=False, number_paragraphs=False)
    return blocks, LineIndex(report.text), source_sha256(report)


def read_file(path: Path, display: str) -> bytes:
    from cjji.review.ooxml import MAX_FILE_BYTES

    try:
        size = path.stat().st_size
        if not path.is_file():
            raise HostileFile(f"{display} is not a file")
        if size > MAX_FILE_BYTES:
            raise HostileFile(f"{display} is {size / 1048576:.0f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise HostileFile(f"{display} does not exist") from None
    except OSError as exc:
        raise HostileFile(f"cannot read {display}: {exc.strerror}") from None
