"""The Word redline (花脸稿): the new plan's DOCX with real tracked changes.

Written with lxml on the python-docx document that `render_docx` gives for the new plan:
inserted characters are runs inside `w:ins`, deleted ones `w:delText` runs inside `w:del`, a
moved item is `w:moveFrom` at its old place and `w:moveTo` at its new one (linked by a named
`w:moveFromRangeStart`/`w:moveToRangeStart` pair); a whole added or removed paragraph also has
its paragraph mark tracked (`w:pPr/w:rPr/w:ins|w:del|w:moveFrom|w:moveTo`), so accepting or
rejecting it leaves no empty paragraph. Word and WPS list every change in the review pane and
accept or reject each one; accepting all gives the new plan's text, rejecting all the old one's
(tests/test_diff_docx.py checks both in the XML and through LibreOffice).

Every change carries the same author and date (see plangen.diff.revision_meta); ids are counted
from 1 in document order, so the same two plans give the same bytes.
"""

from __future__ import annotations

import copy
import io
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from plangen.diff.align import SPECIAL, RPara, Span, Token
from plangen.diff.match import Matching
from plangen.outio import normalize_zip

MARK = {"added": "w:ins", "removed": "w:del", "move_from": "w:moveFrom", "move_to": "w:moveTo"}
WRAP = {  # (paragraph mode, span op) → wrapper element; None: plain run; "skip": not written
    ("same", "eq"): None, ("same", "ins"): "w:ins", ("same", "del"): "w:del",
    ("added", "ins"): "w:ins", ("removed", "del"): "w:del",
    ("move_to", "eq"): "w:moveTo", ("move_to", "ins"): "w:ins", ("move_to", "del"): "skip",
    ("move_from", "eq"): "w:moveFrom", ("move_from", "del"): "w:del", ("move_from", "ins"): "skip",
}
DELETED = ("w:del", "w:moveFrom")
_OLD_ONLY = (qn("w:drawing"), qn("w:pict"), qn("w:object"))  # refer to the old part's relations


class Revisions:
    def __init__(self, author: str, date: str) -> None:
        self.author, self.date, self.n = author, date, 0

    def el(self, tag: str, **extra: str) -> Any:
        self.n += 1
        e = OxmlElement(tag)
        e.set(qn("w:id"), str(self.n))
        if tag not in ("w:moveFromRangeEnd", "w:moveToRangeEnd"):
            e.set(qn("w:author"), self.author)
            e.set(qn("w:date"), self.date)
        for k, v in extra.items():
            e.set(qn(f"w:{k}"), v)
        return e


def _runs(tokens: list[Token], deleted: bool, from_old: bool) -> list[Any]:
    """Tokens → w:r elements, one per source run, formatting copied from it."""
    out: list[Any] = []
    current: Any = None
    source: Any = None
    text: Any = None
    for t in tokens:
        if from_old and t.el is not None and t.el.tag in _OLD_ONLY:
            continue
        if current is None or t.run is not source:
            current, source, text = OxmlElement("w:r"), t.run, None
            rpr = t.run.find(qn("w:rPr"))
            if rpr is not None:
                current.append(copy.deepcopy(rpr))
            out.append(current)
        if t.el is None:
            if text is None:
                text = OxmlElement("w:delText" if deleted else "w:t")
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                text.text = ""
                current.append(text)
            text.text += t.key
        else:
            e = copy.deepcopy(t.el)
            if deleted and e.tag == qn("w:instrText"):
                e.tag = qn("w:delInstrText")
            current.append(e)
            text = None
    return out


def _mark(p: Any, tag: str, rev: Revisions) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        anchor = ppr.find(qn("w:sectPr")) if ppr.find(qn("w:sectPr")) is not None else ppr.find(
            qn("w:pPrChange"))
        if anchor is not None:
            anchor.addprevious(rpr)
        else:
            ppr.append(rpr)
    rpr.insert(0, rev.el(tag))


def build_paragraph(rp: RPara, rev: Revisions, *, first: bool, last: bool,
                    range_ids: dict[tuple[str, str], int]) -> Any | None:
    if rp.opaque or not rp.changed:
        return rp.new
    if rp.cells:
        for tc, paras in rp.cells:
            write_body(tc, paras, rev)
        return rp.new
    from_old = rp.new is None
    base = rp.new if rp.new is not None else rp.old
    p = OxmlElement("w:p")
    ppr = base.find(qn("w:pPr"))
    if ppr is not None:
        ppr = copy.deepcopy(ppr)
        if from_old and ppr.find(qn("w:sectPr")) is not None:
            ppr.remove(ppr.find(qn("w:sectPr")))
        p.append(ppr)
    if rp.mode in MARK:
        _mark(p, MARK[rp.mode], rev)
    move_tag = {"move_from": "w:moveFromRange", "move_to": "w:moveToRange"}.get(rp.mode)
    if move_tag and first:
        start = rev.el(move_tag + "Start", name=rp.move)
        range_ids[(rp.move, rp.mode)] = int(start.get(qn("w:id")))
        p.append(start)
    for span in rp.spans:
        wrap = WRAP[(rp.mode, span.op)]
        if wrap == "skip":
            continue
        # deleted text and a move source come from the old rendering: no pictures (their
        # relationship ids belong to the old document)
        old_side = from_old or rp.mode == "move_from" or span.op == "del"
        runs = _runs(span.tokens, wrap in DELETED, old_side)
        if wrap is None:
            p.extend(runs)
        elif runs:
            w = rev.el(wrap)
            w.extend(runs)
            p.append(w)
    if move_tag and last:
        end = OxmlElement(move_tag + "End")
        end.set(qn("w:id"), str(range_ids[(rp.move, rp.mode)]))
        p.append(end)
    return p


def write_body(body: Any, paras: list[RPara], rev: Revisions) -> None:
    """Replace the paragraphs and tables of a body (or footer, or table cell) with the
    redline's, keeping the final sectPr."""
    for child in list(body):
        if child.tag in (qn("w:p"), qn("w:tbl")):
            body.remove(child)
    sect = body.find(qn("w:sectPr"))
    firsts: dict[tuple[str, str], int] = {}
    lasts: dict[tuple[str, str], int] = {}
    for k, rp in enumerate(paras):
        if rp.move:
            firsts.setdefault((rp.move, rp.mode), k)
            lasts[(rp.move, rp.mode)] = k
    range_ids: dict[tuple[str, str], int] = {}
    for k, rp in enumerate(paras):
        key = (rp.move, rp.mode)
        el = build_paragraph(rp, rev, first=firsts.get(key) == k, last=lasts.get(key) == k,
                             range_ids=range_ids)
        if el is None:
            continue
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)


def _footers(doc: Any) -> dict[str, Any]:
    """The last section's footers by type (the 版记 lives there), as python-docx parts."""
    sect = doc.element.body.find(qn("w:sectPr"))
    out: dict[str, Any] = {}
    if sect is None:
        return out
    for ref in sect.findall(qn("w:footerReference")):
        out[ref.get(qn("w:type"))] = doc.part.related_parts[ref.get(qn("r:id"))]
    return out


def _track_footers(old_doc: Any, new_doc: Any, rev: Revisions) -> None:
    from plangen.diff.align import align_flat, caching

    old_f = _footers(old_doc) if len(old_doc.sections) == len(new_doc.sections) else {}
    for kind, part in _footers(new_doc).items():
        if kind not in old_f:
            continue
        ops = [c for c in old_f[kind].element if c.tag == qn("w:p")]
        nps = [c for c in part.element if c.tag == qn("w:p")]
        with caching():
            paras = align_flat(ops, nps)
        if any(p.changed for p in paras):
            write_body(part.element, paras, rev)


def redline_docx(m: Matching, old_doc: Any, new_doc: Any, paras: list[RPara], *, author: str,
                 date: str) -> bytes:
    """The redline from the two renderings (python-docx documents) and their alignment
    (plangen.diff.align.align_documents). `new_doc` becomes the redline."""
    rev = Revisions(author, date)
    # annotation ids are shared with bookmarks and comments a template may carry
    rev.n = max((int(v) for v in new_doc.element.body.xpath("//@w:id") if str(v).isdigit()), default=0)
    write_body(new_doc.element.body, paras, rev)
    _track_footers(old_doc, new_doc, rev)
    props = new_doc.core_properties
    props.comments = f"修订稿：{m.old.name} → {m.new.name}"
    props.last_modified_by = author
    buf = io.BytesIO()
    new_doc.save(buf)
    return normalize_zip(buf.getvalue())


def tracked_text(spans: list[Span]) -> str:
    return "".join(t.key for s in spans for t in s.tokens if t.key != SPECIAL)
