"""The redline's content: old and new rendered paragraphs aligned, with character-level changes.

Both plans are rendered with `plangen.render.docx.render_docx` (so numbering, responsibility
lines and notice fields are exactly what `render` prints), and the paragraphs are aligned:
- the plan body unit by unit, following plangen.diff.match.merge (items by id or similarity,
  sections by title or shared items, moves);
- the notice and the 版头 before the plan, and the 版记 footers, by difflib on paragraph texts.
Inside a pair of paragraphs, difflib.SequenceMatcher (autojunk off: Chinese texts repeat
characters such as 的 and 教 far more often than its junk heuristic expects) gives the inserted
and deleted characters; equal stretches shorter than SHORT_EQUAL between two changes are folded
into the change, so a rewritten phrase reads as one deletion and one insertion instead of a
comb of single characters. The DOCX, HTML and PDF redlines are all written from this one list.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from docx.oxml.ns import qn

from plangen.diff.match import Matching, UnitKey, merge, units
from plangen.view import DocumentView

SHORT_EQUAL = 2
CHAR_DIFF_LIMIT = 2_000_000  # len(a) × len(b) above which texts are aligned by sentence first
_SENTENCE = re.compile(r"[^。！？；\n]*[。！？；\n]?")
SPECIAL = "\ufffc"  # a drawing, field or other non-text run content

Mode = Literal["same", "added", "removed", "move_from", "move_to"]


@dataclass(frozen=True)
class Token:
    key: str  # one character, "\t", "\n" or SPECIAL
    run: Any  # the w:r it comes from (its w:rPr is the formatting)
    el: Any = None  # the element for non-text content (w:tab, w:drawing…)


@dataclass
class Span:
    op: Literal["eq", "ins", "del"]
    tokens: list[Token]  # eq: the new side's tokens (old side's in a move source)


@dataclass
class RPara:
    mode: Mode
    old: Any  # w:p of the old rendering, or None
    new: Any  # w:p of the new rendering, or None
    spans: list[Span] = field(default_factory=list)
    move: str = ""  # move name, shared by the move source and destination
    unit: UnitKey | None = None
    opaque: bool = False  # a table, carried over from the new rendering untracked
    cells: list[tuple[Any, list[RPara]]] = field(default_factory=list)  # a table pair: (new w:tc, its paragraphs)

    @property
    def changed(self) -> bool:
        return self.mode != "same" or any(s.op != "eq" for s in self.spans) or any(
            p.changed for _, ps in self.cells for p in ps)

    @property
    def element(self) -> Any:
        return self.new if self.new is not None else self.old


_TOKENS: dict[Any, list[Token]] = {}  # filled only inside `caching()`


@contextlib.contextmanager
def caching() -> Iterator[None]:
    """Remember each paragraph's tokens while aligning (they are asked for several times)."""
    _TOKENS.clear()
    global _CACHING
    _CACHING = True
    try:
        yield
    finally:
        _CACHING = False
        _TOKENS.clear()


_CACHING = False


def tokens(p: Any) -> list[Token]:
    if not _CACHING:
        return _tokens(p)
    cached = _TOKENS.get(p)
    if cached is None:
        cached = _TOKENS[p] = _tokens(p)
    return cached


def _tokens(p: Any) -> list[Token]:
    out: list[Token] = []
    for r in p.iter(qn("w:r")):
        for child in r:
            tag = child.tag
            if tag == qn("w:rPr"):
                continue
            if tag == qn("w:t"):
                out.extend(Token(c, r) for c in (child.text or ""))
            elif tag == qn("w:tab"):
                out.append(Token("\t", r, child))
            elif tag in (qn("w:br"), qn("w:cr")):
                out.append(Token("\n", r, child))
            elif tag == qn("w:lastRenderedPageBreak"):
                continue
            else:
                out.append(Token(SPECIAL, r, child))
    return out


def key_text(p: Any) -> str:
    return "".join(t.key for t in tokens(p))


def plain_text(p: Any) -> str:
    return "".join(t.key for t in tokens(p) if t.el is None)


def opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes with short equal stretches between changes folded into them."""
    return _fold(_raw_opcodes(a, b, 0, 0))


def _raw_opcodes(a: str, b: str, da: int, db: int) -> list[list]:  # type: ignore[type-arg]
    """Character opcodes (offset by da, db). Long texts are aligned sentence by sentence first
    and only the changed sentences compared character by character: SequenceMatcher without
    autojunk costs about len × repeats per matching block, minutes on a 10,000-character
    paragraph changed in many places."""
    if len(a) * len(b) <= CHAR_DIFF_LIMIT:
        return [[t, i1 + da, i2 + da, j1 + db, j2 + db] for t, i1, i2, j1, j2 in
                difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    sa, sb = [x for x in _SENTENCE.findall(a) if x], [x for x in _SENTENCE.findall(b) if x]
    if len(sa) == 1 and len(sb) == 1:
        return [["replace", da, da + len(a), db, db + len(b)]]
    oa, ob = _offsets(sa), _offsets(sb)
    out: list[list] = []  # type: ignore[type-arg]
    for t, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        x1, x2, y1, y2 = oa[i1], oa[i2], ob[j1], ob[j2]
        if t == "replace" and (x2 - x1) * (y2 - y1) <= CHAR_DIFF_LIMIT:
            out.extend(_raw_opcodes(a[x1:x2], b[y1:y2], da + x1, db + y1))
        else:
            out.append([t, da + x1, da + x2, db + y1, db + y2])
    return out


def _offsets(parts: list[str]) -> list[int]:
    out = [0]
    for p in parts:
        out.append(out[-1] + len(p))
    return out


def _fold(ops: list[list]) -> list[tuple[str, int, int, int, int]]:  # type: ignore[type-arg]
    """Merge neighbouring changes, and an equal stretch shorter than SHORT_EQUAL between two
    changes into them (one pass)."""
    out: list[list] = []  # type: ignore[type-arg]
    for k, op in enumerate(ops):
        tag, i1, i2, j1, j2 = op
        if i1 == i2 and j1 == j2:
            continue
        short = tag == "equal" and i2 - i1 < SHORT_EQUAL and 0 < k < len(ops) - 1 \
            and out and out[-1][0] != "equal" and ops[k + 1][0] != "equal"
        if short or (tag != "equal" and out and out[-1][0] != "equal"):
            last = out[-1]
            out[-1] = ["replace", last[1], i2, last[3], j2]
        else:
            out.append([tag, i1, i2, j1, j2])
    return [(o[0], o[1], o[2], o[3], o[4]) for o in out]


def char_spans(old: list[Token], new: list[Token], *, source: bool = False) -> list[Span]:
    """The changes from `old` to `new`; equal text carries the new side's formatting (the old
    side's when `source`, for a move source)."""
    a, b = "".join(t.key for t in old), "".join(t.key for t in new)
    out: list[Span] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            out.append(Span("eq", old[i1:i2] if source else new[j1:j2]))
            continue
        if i2 > i1:
            out.append(Span("del", old[i1:i2]))
        if j2 > j1:
            out.append(Span("ins", new[j1:j2]))
    return out


def pair_paragraphs(old: list[Any], new: list[Any]) -> list[tuple[Any, Any]]:
    """Old and new paragraph lists → (old or None, new or None) in reading order."""
    sm = difflib.SequenceMatcher(None, [key_text(p) for p in old], [key_text(p) for p in new],
                                 autojunk=False)
    out: list[tuple[Any, Any]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        olds, news = old[i1:i2], new[j1:j2]
        n = min(len(olds), len(news)) if tag in ("equal", "replace") else 0
        out.extend(zip(olds[:n], news[:n], strict=True))
        out.extend((o, None) for o in olds[n:])
        out.extend((None, p) for p in news[n:])
    return out


def rpara(o: Any, n: Any, mode: Mode | None = None, move: str = "", unit: UnitKey | None = None) -> RPara:
    if (n if n is not None else o).tag != qn("w:p"):
        return _table(o, n, unit)
    if o is not None and n is not None:
        m: Mode = mode or "same"
        if m == "same" and key_text(o) == key_text(n):
            return RPara("same", o, n, [Span("eq", tokens(n))], unit=unit)
        return RPara(m, o, n, char_spans(tokens(o), tokens(n), source=m == "move_from"), move, unit)
    if o is not None:
        if mode == "move_from":
            return RPara("move_from", o, None, [Span("eq", tokens(o))], move, unit)
        return RPara("removed", o, None, [Span("del", tokens(o))], unit=unit)
    if mode == "move_to":
        return RPara("move_to", None, n, [Span("eq", tokens(n))], move, unit)
    return RPara("added", None, n, [Span("ins", tokens(n))], unit=unit)


def _shape(tbl: Any) -> list[int]:
    return [len(tr.findall(qn("w:tc"))) for tr in tbl.findall(qn("w:tr"))]


def _table(o: Any, n: Any, unit: UnitKey | None) -> RPara:
    """Tables (the joint issuers' mark): two of the same shape are compared cell by cell;
    otherwise the new one is carried over untracked (or the old one dropped)."""
    if o is None or n is None or o.tag != n.tag or _shape(o) != _shape(n):
        return RPara("same", o, n, [], unit=unit, opaque=True)
    cells = []
    for tr_o, tr_n in zip(o.findall(qn("w:tr")), n.findall(qn("w:tr")), strict=True):
        for tc_o, tc_n in zip(tr_o.findall(qn("w:tc")), tr_n.findall(qn("w:tc")), strict=True):
            cells.append((tc_n, align_flat(tc_o.findall(qn("w:p")), tc_n.findall(qn("w:p")))))
    return RPara("same", o, n, [], unit=unit, cells=cells)


def align_flat(old: list[Any], new: list[Any]) -> list[RPara]:
    return [rpara(o, n) for o, n in pair_paragraphs(old, new)]


# --------------------------------------------------------------------------- the plan body


def plan_texts(view: DocumentView) -> list[tuple[UnitKey, str]]:
    """(unit, paragraph text) for each paragraph the DOCX renderer writes for the plan body."""
    keys = iter(units(view))
    unit = next(keys)
    out: list[tuple[UnitKey, str]] = []
    for b in view.plan.blocks:
        if b.kind in ("heading1", "heading2") or b.kind in ("item", "item_title"):
            unit = next(keys)
        if b.kind in ("title", "issuers"):
            out.extend((unit, s.text) for s in b.segments)
        else:
            out.append((unit, b.text))
    return out


def locate_plan(body: list[Any], view: DocumentView) -> tuple[int, dict[UnitKey, list[Any]]]:
    """Where the plan starts among the body's paragraphs, and each unit's paragraphs."""
    want = plan_texts(view)
    texts = [plain_text(p) if p.tag == qn("w:p") else None for p in body]
    n = len(want)
    for start in range(len(body) - n + 1):
        if all(texts[start + k] == want[k][1] for k in range(n)):
            by_unit: dict[UnitKey, list[Any]] = {}
            for k, (u, _) in enumerate(want):
                by_unit.setdefault(u, []).append(body[start + k])
            return start, by_unit
    raise RuntimeError(f"plan body of {view.name} not found in its DOCX rendering")


def align_plan(m: Matching, old_units: dict[UnitKey, list[Any]],
               new_units: dict[UnitKey, list[Any]]) -> list[RPara]:
    out: list[RPara] = []
    names: dict[UnitKey, str] = {}
    merged = merge(m)
    dest = {o: n for o, n, status in merged if status == "move_to"}
    for o, n, status in merged:
        if status in ("move_from", "move_to"):
            name = names.setdefault(o, f"plangen-move-{len(names) + 1}")  # type: ignore[arg-type]
            n = dest[o]
        if status == "removed":
            out.extend(rpara(p, None, unit=o) for p in old_units[o])  # type: ignore[index]
        elif status == "added":
            out.extend(rpara(None, p, unit=n) for p in new_units[n])  # type: ignore[index]
        else:
            mode: Mode = "same" if status == "same" else status  # type: ignore[assignment]
            pairs = pair_paragraphs(old_units[o], new_units[n])  # type: ignore[index]
            for po, pn in pairs:
                if status == "move_from":
                    if po is not None:
                        out.append(rpara(po, pn, "move_from", name, o))
                elif status == "move_to":
                    if pn is not None:
                        out.append(rpara(po, pn, "move_to", name, n))
                else:
                    out.append(rpara(po, pn, mode, unit=n))
    return out


def body_paragraphs(doc: Any) -> list[Any]:
    return [c for c in doc.element.body if c.tag in (qn("w:p"), qn("w:tbl"))]


def align_documents(m: Matching, old_doc: Any, new_doc: Any) -> list[RPara]:
    """The whole body: 版头 and notice, the plan, what follows it."""
    with caching():
        return _align_documents(m, old_doc, new_doc)


def _align_documents(m: Matching, old_doc: Any, new_doc: Any) -> list[RPara]:
    ob, nb = body_paragraphs(old_doc), body_paragraphs(new_doc)
    o_start, o_units = locate_plan(ob, m.old)
    n_start, n_units = locate_plan(nb, m.new)
    o_end = o_start + sum(len(v) for v in o_units.values())
    n_end = n_start + sum(len(v) for v in n_units.values())
    head = align_flat(ob[:o_start], nb[:n_start])
    tail = align_flat(ob[o_end:], nb[n_end:])
    return head + align_plan(m, o_units, n_units) + tail
