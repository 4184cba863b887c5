"""A small PDF canvas for the sheet PDFs plangen draws itself: pages of filled boxes, rules and
text in the font profile's faces, bookmarks, metadata, written with pydyf.

Coordinates are in points from the page's top-left corner (y grows downwards, as on paper); the
canvas turns them into PDF's bottom-up space. Each page keeps its fills, its text and its rules
apart and writes them in that order, so rules are never hidden under a neighbour's fill. Text
uses the role's face, then the profile's fallbacks, per character (`Fonts.runs`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pydyf

from plangen.sheets.pdffonts import FaceMetrics, FontUse, deflated, face_metrics

Colour = tuple[float, float, float]


class Fonts:
    """The faces of the profile's roles for one PDF, each embedded once, subset to what it drew."""

    def __init__(self, profile) -> None:  # type: ignore[no-untyped-def]
        self.profile = profile
        self.uses: dict[tuple[str, int], FontUse] = {}
        self._primary: dict[str, FaceMetrics] = {}
        self._fallbacks: list[FaceMetrics] | None = None
        self._key = "|".join(f"{f.path}#{f.index}" for f in profile.fallback)

    def primary(self, role: str) -> FaceMetrics:
        if role not in self._primary:
            face = self.profile.face(role)
            self._primary[role] = face_metrics(face.path, face.index)
        return self._primary[role]

    def fallbacks(self) -> list[FaceMetrics]:
        """The profile's fallback faces, read the first time a character needs one."""
        if self._fallbacks is None:
            self._fallbacks = [face_metrics(f.path, f.index) for f in self.profile.fallback if f.path is not None]
        return self._fallbacks

    def face_for(self, role: str, ch: str) -> FaceMetrics:
        first = self.primary(role)
        if ord(ch) in first.gids or ch in " \n":
            return first
        return next((m for m in self.fallbacks() if ord(ch) in m.gids), first)  # else the face's .notdef

    def measure(self, role: str, size: float) -> Callable[[str], float]:
        """Width in points of a text in the role's faces at `size` (a quarter em where no face has the character)."""
        first = self.primary(role)
        cache = _WIDTHS.setdefault(f"{first.path}#{first.index}|{self._key}", {})

        def width(text: str) -> float:
            total = 0.0
            for ch in text:
                w = cache.get(ch)
                if w is None:
                    w = self.face_for(role, ch).advance(ch)
                    cache[ch] = w = 250.0 if w is None else w
                total += w
            return total * size / 1000

        return width

    def runs(self, role: str, text: str) -> list[tuple[FontUse, str]]:
        """`text` cut where the face changes (nearly always one run: the role's own face)."""
        first = self.primary(role)
        gids = first.gids
        if all(ord(ch) in gids for ch in text):
            return [(self.use(first), text)]
        out: list[tuple[FontUse, str]] = []
        for ch in text:
            use = self.use(self.face_for(role, ch))
            if out and out[-1][0] is use:
                out[-1] = (use, out[-1][1] + ch)
            else:
                out.append((use, ch))
        return out

    def use(self, m: FaceMetrics) -> FontUse:
        key = (str(m.path), m.index)
        if key not in self.uses:
            self.uses[key] = FontUse(m, f"F{len(self.uses) + 1}")
        return self.uses[key]


_WIDTHS: dict[str, dict[str, float]] = {}  # per process: advances by face and character


@dataclass
class Page:
    fills: list[bytes] = field(default_factory=list)
    text: list[bytes] = field(default_factory=list)
    rules: list[bytes] = field(default_factory=list)


@dataclass
class Mark:
    title: str
    level: int  # 1 for the sheet's title, 2 below it
    page: int  # 0-based
    y: float  # from the top


def _n(v: float) -> str:
    return f"{round(v, 2) + 0.0:g}"  # +0.0: no "-0"


class Canvas:
    def __init__(self, width: float, height: float, fonts: Fonts, rule: float) -> None:
        self.width, self.height, self.fonts, self.rule = width, height, fonts, rule
        self.pages: list[Page] = []
        self.marks: list[Mark] = []

    def new_page(self) -> Page:
        self.pages.append(Page())
        return self.pages[-1]

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def fill(self, x: float, y: float, w: float, h: float, colour: Colour) -> None:
        r, g, b = colour
        self.page.fills.append(f"{_n(r)} {_n(g)} {_n(b)} rg {_n(x)} {_n(self.height - y - h)} {_n(w)} {_n(h)} re f"
                               .encode())

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        h = self.height
        self.page.rules.append(f"{_n(x0)} {_n(h - y0)} m {_n(x1)} {_n(h - y1)} l".encode())

    def text(self, role: str, size: float, x: float, baseline: float, text: str) -> None:
        """One line of text starting at x, on the given baseline (both from the top-left)."""
        if not text:
            return
        measure = self.fonts.measure(role, size)
        out = [b"BT"]
        y = _n(self.height - baseline)
        for use, run in self.fonts.runs(role, text):
            out.append(f"/{use.resource} {_n(size)} Tf 1 0 0 1 {_n(x)} {y} Tm ".encode() + use.encode(run) + b" Tj")
            x += measure(run)
        out.append(b"ET")
        self.page.text.append(b" ".join(out))

    def bookmark(self, title: str, level: int, y: float) -> None:
        self.marks.append(Mark(title, level, len(self.pages) - 1, y))

    def finish(self, *, title: str, author: str, created: str, identifier: bytes) -> bytes:
        pdf = pydyf.PDF()
        fonts = pydyf.Dictionary({use.resource: use.embed(pdf) for use in self.fonts.uses.values()})
        pdf.add_object(fonts)
        resources = pydyf.Dictionary({"Font": fonts.reference})
        pdf.add_object(resources)
        refs = []
        for page in self.pages:
            ops = [b"q", *page.fills, b"0 g", *page.text]
            if page.rules:
                ops += [f"{_n(self.rule)} w 0 G 0 J".encode(), *page.rules, b"S"]
            stream = deflated(b"\n".join([*ops, b"Q"]))
            pdf.add_object(stream)
            p = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "Contents": stream.reference,
                                  "MediaBox": pydyf.Array([0, 0, _round(self.width), _round(self.height)]),
                                  "Resources": resources.reference})
            pdf.add_page(p)
            refs.append(p.reference)
        self._outline(pdf, refs)
        date = "D:" + created.replace("-", "").replace(":", "").replace("T", "")
        pdf.info.update({"Title": pydyf.String(title), "Author": pydyf.String(author),
                         "Creator": pydyf.String("plangen"), "Producer": pydyf.String("plangen"),
                         "CreationDate": pydyf.String(date), "ModDate": pydyf.String(date)})
        pdf.catalog["Lang"] = pydyf.String("zh-CN")
        out = io.BytesIO()
        pdf.write(out, version=b"1.7", identifier=identifier, compress=True)
        return out.getvalue()

    def _outline(self, pdf: pydyf.PDF, refs: list[bytes]) -> None:
        """Bookmarks: the sheet's title, the headings below it (as WeasyPrint made them from h1/h2)."""
        if not self.marks:
            return
        root = pydyf.Dictionary({"Type": "/Outlines"})
        pdf.add_object(root)
        items = []
        for m in self.marks:
            d = pydyf.Dictionary({"Title": pydyf.String(m.title), "Dest": pydyf.Array(
                [refs[m.page], "/XYZ", 0, _round(self.height - m.y), 0])})
            pdf.add_object(d)
            items.append((m, d))
        top = [(m, d) for m, d in items if m.level == 1] or items
        parent_of: dict[int, pydyf.Dictionary] = {}
        for m, d in items:
            parent = next((pd for pm, pd in reversed(top) if pm.page <= m.page and pm.level < m.level), None) \
                if m.level > 1 and top is not items else None
            d["Parent"] = (parent or root).reference
            parent_of[id(d)] = parent or root
        for holder in [root, *(d for _, d in top)]:
            kids = [d for _, d in items if parent_of[id(d)] is holder]
            if kids:
                holder["First"], holder["Last"] = kids[0].reference, kids[-1].reference
                holder["Count"] = len(kids) if holder is not root else len(items)
            for a, b in zip(kids, kids[1:], strict=False):
                a["Next"], b["Prev"] = b.reference, a.reference
        pdf.catalog["Outlines"] = root.reference


def _round(v: float) -> float:
    return round(v, 3)
