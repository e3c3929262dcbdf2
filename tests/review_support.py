"""Returned review copies written the way Word writes them, for the review tests.

`Returned(docx_bytes)` opens an exported review copy; its methods add what a reviewer does in Word:
comments (w:commentRangeStart/End around the text, a w:commentReference run, word/comments.xml with
w14:paraId on each comment paragraph, word/commentsExtended.xml with w15:paraIdParent for replies),
tracked insertions and deletions (w:ins / w:del holding w:delText, with w:author, w:date and w:id),
moves (w:moveFrom / w:moveTo inside named moveFromRangeStart / moveToRangeStart ranges), edits without
tracking, and Word's noise: rsid attributes, runs split at random places, w:proofErr,
w:lastRenderedPageBreak and the _GoBack bookmark. `data()` gives the .docx bytes.
"""

from __future__ import annotations

import copy
import io
import random
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
EXT_RT = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text_of(run: etree._Element) -> str:
    out = []
    for child in run:
        if child.tag in (w("t"), w("delText")):
            out.append(child.text or "")
        elif child.tag == w("tab"):
            out.append("\t")
    return "".join(out)


class Returned:
    def __init__(self, docx: bytes, seed: int = 1) -> None:
        archive = zipfile.ZipFile(io.BytesIO(docx))
        self.parts = {n: archive.read(n) for n in archive.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.footnotes = (
            etree.fromstring(self.parts["word/footnotes.xml"]) if "word/footnotes.xml" in self.parts else None
        )
        self.comments: list[etree._Element] = []
        self.extended: list[tuple[str, str | None]] = []  # (paraId, parent paraId)
        self.next_id = 900
        self.random = random.Random(seed)

    # -- finding text --------------------------------------------------------------------------
    def _roots(self) -> list[etree._Element]:
        return [self.document] + ([self.footnotes] if self.footnotes is not None else [])

    def paragraph(self, contains: str, exact: bool = False) -> etree._Element:
        """The first paragraph containing the text (exact: whose whole text it is, as a table cell)."""
        for root in self._roots():
            for p in root.iter(w("p")):
                text = "".join(_text_of(r) for r in p.iter(w("r")))
                if (text == contains) if exact else (contains in text):
                    return p
        raise AssertionError(f"no paragraph contains {contains!r}")

    def _runs(self, p: etree._Element) -> list[etree._Element]:
        return [
            r
            for r in p.iter(w("r"))
            if not any(a.tag in (w("del"), w("moveFrom")) for a in r.iterancestors())
            and r.find(w("footnoteRef")) is None
        ]

    def _split(self, p: etree._Element, at: int) -> None:
        """Split the run holding offset `at` of the paragraph's text so that a run starts there."""
        pos = 0
        for run in self._runs(p):
            text = _text_of(run)
            if pos < at < pos + len(text) and run.find(w("t")) is not None and len(run.findall(w("t"))) == 1:
                t = run.find(w("t"))
                cut = at - pos
                second = copy.deepcopy(run)
                t.text = text[:cut]
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                second.find(w("t")).text = text[cut:]
                second.find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.addnext(second)
                return
            pos += len(text)

    def runs_between(self, quote: str, within: str | None = None, exact: bool = False) -> list[etree._Element]:
        p = self.paragraph(within or quote, exact)
        text = "".join(_text_of(r) for r in self._runs(p))
        start = text.index(quote)
        end = start + len(quote)
        self._split(p, start)
        self._split(p, end)
        pos, found = 0, []
        for run in self._runs(p):
            length = len(_text_of(run))
            if start <= pos and pos + length <= end and length:
                found.append(run)
            pos += length
        assert "".join(_text_of(r) for r in found) == quote, (quote, [_text_of(r) for r in found])
        return found

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    # -- comments ------------------------------------------------------------------------------
    def comment(
        self,
        quote: str,
        text: str,
        author: str = "Jane Smith",
        date: str = "2026-11-20T10:15:00Z",
        within: str | None = None,
        reply_to: str | None = None,
        exact: bool = False,
    ) -> str:
        """A comment on `quote` (a reply when reply_to names an earlier comment's id). Returns its id."""
        cid = self._id()
        runs = self.runs_between(quote, within, exact)
        start = etree.Element(w("commentRangeStart"))
        start.set(w("id"), cid)
        end = etree.Element(w("commentRangeEnd"))
        end.set(w("id"), cid)
        runs[0].addprevious(start)
        runs[-1].addnext(end)
        ref = etree.Element(w("r"))
        rpr = etree.SubElement(ref, w("rPr"))
        etree.SubElement(rpr, w("rStyle")).set(w("val"), "CommentReference")
        etree.SubElement(ref, w("commentReference")).set(w("id"), cid)
        end.addnext(ref)
        para_id = f"{self.random.getrandbits(31):08X}"
        comment = etree.Element(w("comment"))
        comment.set(w("id"), cid)
        comment.set(w("author"), author)
        comment.set(w("date"), date)
        comment.set(w("initials"), "".join(n[0] for n in author.split()))
        for k, line in enumerate(text.split("\n")):
            p = etree.SubElement(comment, w("p"))
            if k == len(text.split("\n")) - 1:
                p.set(f"{{{W14}}}paraId", para_id)
            p.set(f"{{{W14}}}textId", "77777777")
            r = etree.SubElement(p, w("r"))
            t = etree.SubElement(r, w("t"))
            t.text = line
        self.comments.append(comment)
        parent = next((c for c in self.comments if c.get(w("id")) == reply_to), None) if reply_to else None
        parent_para = parent.findall(w("p"))[-1].get(f"{{{W14}}}paraId") if parent is not None else None
        self.extended.append((para_id, parent_para))
        return cid

    # -- tracked changes -----------------------------------------------------------------------
    def _revision(self, tag: str, author: str, date: str) -> etree._Element:
        element = etree.Element(w(tag))
        element.set(w("id"), self._id())
        element.set(w("author"), author)
        element.set(w("date"), date)
        return element

    def delete(
        self,
        quote: str,
        author: str = "Jane Smith",
        date: str = "2026-11-20T10:20:00Z",
        within: str | None = None,
        tag: str = "del",
    ) -> etree._Element:
        runs = self.runs_between(quote, within)
        wrapper = self._revision(tag, author, date)
        runs[0].addprevious(wrapper)
        for run in runs:
            for t in run.findall(w("t")):
                t.tag = w("delText")
            wrapper.append(run)
        return wrapper

    def _new_run(self, text: str, like: etree._Element | None) -> etree._Element:
        run = etree.Element(w("r"))
        if like is not None and like.find(w("rPr")) is not None:
            run.append(copy.deepcopy(like.find(w("rPr"))))
        run.set(w("rsidR"), "00A1B2C3")
        t = etree.SubElement(run, w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return run

    def insert(
        self,
        before: str,
        text: str,
        author: str = "Jane Smith",
        date: str = "2026-11-20T10:25:00Z",
        within: str | None = None,
        tag: str = "ins",
    ) -> etree._Element:
        """Insert `text` just before the text `before` (tracked)."""
        runs = self.runs_between(before, within)
        wrapper = self._revision(tag, author, date)
        wrapper.append(self._new_run(text, runs[0]))
        runs[0].addprevious(wrapper)
        return wrapper

    def insert_at_end(
        self, paragraph_contains: str, text: str, author: str = "Jane Smith", date: str = "2026-11-20T10:26:00Z"
    ) -> None:
        p = self.paragraph(paragraph_contains)
        runs = self._runs(p)
        wrapper = self._revision("ins", author, date)
        wrapper.append(self._new_run(text, runs[-1]))
        runs[-1].addnext(wrapper)

    def replace(
        self,
        quote: str,
        text: str,
        author: str = "Jane Smith",
        date: str = "2026-11-20T10:30:00Z",
        within: str | None = None,
    ) -> None:
        deleted = self.delete(quote, author, date, within)
        inserted = self._revision("ins", author, date)
        inserted.append(self._new_run(text, deleted[0]))
        deleted.addnext(inserted)

    def move(
        self,
        quote: str,
        before: str,
        author: str = "Jane Smith",
        date: str = "2026-11-20T10:40:00Z",
        within: str | None = None,
        to_within: str | None = None,
    ) -> None:
        name = f"move{self._id()}"
        moved = self.delete(quote, author, date, within, tag="moveFrom")
        start = self._revision("moveFromRangeStart", author, date)
        start.set(w("name"), name)
        moved.addprevious(start)
        end = etree.Element(w("moveFromRangeEnd"))
        end.set(w("id"), start.get(w("id")))
        moved.addnext(end)
        target = self.insert(before, quote, author, date, to_within, tag="moveTo")
        start_to = self._revision("moveToRangeStart", author, date)
        start_to.set(w("name"), name)
        target.addprevious(start_to)
        end_to = etree.Element(w("moveToRangeEnd"))
        end_to.set(w("id"), start_to.get(w("id")))
        target.addnext(end_to)

    def new_paragraph_after(
        self,
        paragraph_contains: str,
        text: str,
        author: str = "Jane Smith",
        date: str = "2026-11-20T10:50:00Z",
        tracked: bool = True,
    ) -> None:
        p = self.paragraph(paragraph_contains)
        new = etree.Element(w("p"))
        ppr = etree.SubElement(new, w("pPr"))
        etree.SubElement(ppr, w("pStyle")).set(w("val"), "BodyText")
        if tracked:
            rpr = etree.SubElement(ppr, w("rPr"))
            rpr.append(self._revision("ins", author, date))
            wrapper = self._revision("ins", author, date)
            wrapper.append(self._new_run(text, None))
            new.append(wrapper)
        else:
            new.append(self._new_run(text, None))
        p.addnext(new)

    def edit_untracked(self, old: str, new: str, within: str | None = None) -> None:
        runs = self.runs_between(old, within)
        runs[0].find(w("t")).text = new
        runs[0].find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for run in runs[1:]:
            run.getparent().remove(run)

    def remove_paragraph_untracked(self, contains: str) -> None:
        p = self.paragraph(contains)
        p.getparent().remove(p)

    # -- Word's noise ----------------------------------------------------------------------------
    def rsid_noise(self) -> None:
        """rsid attributes, runs split at random places, proofErr marks, a rendered page break and
        the _GoBack bookmark, as Word leaves them; none of it changes the text."""
        for root in self._roots():
            for p in list(root.iter(w("p"))):
                p.set(w("rsidR"), f"{self.random.getrandbits(24):08X}")
                p.set(w("rsidRDefault"), "00C4D5E6")
                text = "".join(_text_of(r) for r in self._runs(p))
                if len(text) > 20:
                    for _ in range(3):
                        self._split(p, self.random.randrange(1, len(text) - 1))
                for run in self._runs(p):
                    run.set(w("rsidRPr"), f"{self.random.getrandbits(24):08X}")
                runs = self._runs(p)
                if len(runs) > 2:
                    start = etree.Element(w("proofErr"))
                    start.set(w("type"), "spellStart")
                    runs[1].addprevious(start)
                    end = etree.Element(w("proofErr"))
                    end.set(w("type"), "spellEnd")
                    runs[1].addnext(end)
                    runs[2].insert(0, etree.Element(w("lastRenderedPageBreak")))
        body = self.document.find(w("body"))
        first = next(p for p in body.iter(w("p")) if self._runs(p))
        go = etree.Element(w("bookmarkStart"))
        go.set(w("id"), "0")
        go.set(w("name"), "_GoBack")
        first.insert(0, go)
        end = etree.Element(w("bookmarkEnd"))
        end.set(w("id"), "0")
        first.append(end)

    # -- writing --------------------------------------------------------------------------------
    def data(self) -> bytes:
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        if self.footnotes is not None:
            parts["word/footnotes.xml"] = etree.tostring(
                self.footnotes, xml_declaration=True, encoding="UTF-8", standalone=True
            )
        if self.comments:
            root = etree.Element(w("comments"), nsmap={"w": W, "w14": W14})
            root.extend(self.comments)
            parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            ext = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
            for para_id, parent in self.extended:
                entry = etree.SubElement(ext, f"{{{W15}}}commentEx")
                entry.set(f"{{{W15}}}paraId", para_id)
                if parent:
                    entry.set(f"{{{W15}}}paraIdParent", parent)
                entry.set(f"{{{W15}}}done", "0")
            parts["word/commentsExtended.xml"] = etree.tostring(
                ext, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            self._register(
                parts,
                "word/commentsExtended.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
                EXT_RT,
            )
            self._register(
                parts,
                "word/comments.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
                RT + "comments",
            )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        return out.getvalue()

    @staticmethod
    def _register(parts: dict[str, bytes], name: str, content_type: str, rel_type: str) -> None:
        types = etree.fromstring(parts["[Content_Types].xml"])
        if not any(o.get("PartName") == "/" + name for o in types.iter(f"{{{CT}}}Override")):
            override = etree.SubElement(types, f"{{{CT}}}Override")
            override.set("PartName", "/" + name)
            override.set("ContentType", content_type)
            parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
        rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
        target = name.removeprefix("word/")
        if not any(r.get("Target") == target for r in rels):
            rel = etree.SubElement(rels, f"{{{REL}}}Relationship")
            rel.set("Id", f"rIdTest{len(rels)}")
            rel.set("Type", rel_type)
            rel.set("Target", target)
            parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
