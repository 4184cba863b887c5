"""The content-stream interpreter behind plangen.ofd.pdfread: graphics and text state,
one handler per operator group. Produces TextItem / PathItem / ImageItem in page mm."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from plangen.ofd.pdfread import (
    MM,
    Color,
    FontInfo,
    Glyph,
    ImageItem,
    Matrix,
    PageContent,
    PathItem,
    PdfLayout,
    TextItem,
    apply,
    mul,
    read_font,
    read_image,
    read_outline,
)

MAX_FORM_DEPTH = 16


@dataclass
class GState:
    ctm: Matrix
    fill: Color = (0, 0, 0)
    stroke: Color = (0, 0, 0)
    fill_alpha: int = 255
    stroke_alpha: int = 255
    line_width: float = 1.0  # user space units
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    group_alpha: float = 1.0  # alpha of the enclosing transparency group(s), applied to all inside
    # text state (kept across BT/ET, as PDF says)
    font: int | None = None
    font_size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    hscale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


def _to_rgb(values: list[float], space: str) -> Color:
    def c(v: float) -> int:
        return max(0, min(255, round(v * 255)))

    if len(values) == 1:
        return (c(values[0]),) * 3  # type: ignore[return-value]
    if len(values) == 3 and space not in ("/DeviceGray",):
        return (c(values[0]), c(values[1]), c(values[2]))
    if len(values) == 4:
        cy, m, y, k = values
        return (c((1 - cy) * (1 - k)), c((1 - m) * (1 - k)), c((1 - y) * (1 - k)))
    return (0, 0, 0)


@dataclass
class Interpreter:
    """Interprets the pages of one PDF; fonts and images are shared across pages by object id."""

    fonts: list[FontInfo] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)
    _font_ids: dict[tuple[int, int], int | None] = field(default_factory=dict)
    _image_ids: dict[tuple[int, int], int] = field(default_factory=dict)

    def page(self, page: Any) -> PageContent:
        box = [float(v) for v in page.MediaBox]
        w, h = box[2] - box[0], box[3] - box[1]
        out = PageContent(width=w * MM, height=h * MM)
        base: Matrix = (MM, 0.0, 0.0, -MM, -box[0] * MM, box[3] * MM)
        run = _Run(self, out, GState(ctm=base))
        run.execute(page, page.Resources, 0)
        return out

    def font(self, ref: Any) -> int | None:
        key = ref.objgen if ref.is_indirect else (id(ref), 0)
        if key not in self._font_ids:
            info = read_font(ref)
            self._font_ids[key] = None if info is None else len(self.fonts)
            if info is not None:
                self.fonts.append(info)
        return self._font_ids[key]

    def image(self, xobj: Any) -> int:
        key = xobj.objgen
        if key not in self._image_ids:
            self._image_ids[key] = len(self.images)
            self.images.append(read_image(xobj))
        return self._image_ids[key]


class _Run:
    def __init__(self, interp: Interpreter, out: PageContent, gs: GState) -> None:
        self.interp, self.out, self.gs = interp, out, gs
        self.stack: list[GState] = []
        self.tm: Matrix = (1, 0, 0, 1, 0, 0)
        self.tlm: Matrix = (1, 0, 0, 1, 0, 0)
        self.path: list[tuple[str, tuple[float, ...]]] = []
        self.current: tuple[float, float] = (0.0, 0.0)
        self.resources: Any = None

    def execute(self, stream: Any, resources: Any, depth: int) -> None:
        saved = self.resources
        self.resources = resources
        for operands, op in pikepdf.parse_content_stream(stream):
            handler = _HANDLERS.get(str(op))
            if handler is not None:
                handler(self, list(operands), depth)
        self.resources = saved

    # ------------------------------------------------------------------ graphics state
    def op_q(self, _o: list[Any], _d: int) -> None:
        self.stack.append(copy.copy(self.gs))

    def op_Q(self, _o: list[Any], _d: int) -> None:
        if self.stack:
            self.gs = self.stack.pop()

    def op_cm(self, o: list[Any], _d: int) -> None:
        m = tuple(float(v) for v in o[:6])
        self.gs.ctm = mul(m, self.gs.ctm)  # type: ignore[arg-type]

    def op_w(self, o: list[Any], _d: int) -> None:
        self.gs.line_width = float(o[0])

    def op_gs(self, o: list[Any], _d: int) -> None:
        ext = self.resources.get("/ExtGState", {}).get(str(o[0])) if self.resources else None
        if ext is None:
            return
        if "/ca" in ext:
            self.gs.fill_alpha = round(float(ext["/ca"]) * self.gs.group_alpha * 255)
        if "/CA" in ext:
            self.gs.stroke_alpha = round(float(ext["/CA"]) * self.gs.group_alpha * 255)
        if "/LW" in ext:
            self.gs.line_width = float(ext["/LW"])

    def op_color(self, o: list[Any], _d: int, *, op: str) -> None:
        nums = [float(v) for v in o if _is_number(v)]
        stroke = op.isupper() or op in ("SC", "SCN")
        space = {"g": "/DeviceGray", "G": "/DeviceGray", "rg": "/DeviceRGB", "RG": "/DeviceRGB",
                 "k": "/DeviceCMYK", "K": "/DeviceCMYK"}.get(op)
        if space is None:
            space = self.gs.stroke_space if stroke else self.gs.fill_space
        rgb = _to_rgb(nums, space)
        if stroke:
            self.gs.stroke = rgb
        else:
            self.gs.fill = rgb

    def op_cs(self, o: list[Any], _d: int, *, stroke: bool) -> None:
        name = str(o[0])
        if stroke:
            self.gs.stroke_space = name
        else:
            self.gs.fill_space = name

    # ------------------------------------------------------------------ text
    def op_BT(self, _o: list[Any], _d: int) -> None:
        self.tm = self.tlm = (1, 0, 0, 1, 0, 0)

    def op_Tf(self, o: list[Any], _d: int) -> None:
        fonts = self.resources.get("/Font", {}) if self.resources else {}
        ref = fonts.get(str(o[0]))
        self.gs.font = self.interp.font(ref) if ref is not None else None
        self.gs.font_size = float(o[1])

    def op_Tm(self, o: list[Any], _d: int) -> None:
        self.tm = self.tlm = tuple(float(v) for v in o[:6])  # type: ignore[assignment]

    def op_Td(self, o: list[Any], _d: int) -> None:
        self.tm = self.tlm = mul((1, 0, 0, 1, float(o[0]), float(o[1])), self.tlm)

    def op_TD(self, o: list[Any], d: int) -> None:
        self.gs.leading = -float(o[1])
        self.op_Td(o, d)

    def op_Tstar(self, _o: list[Any], d: int) -> None:
        self.op_Td([0, -self.gs.leading], d)

    def op_Tc(self, o: list[Any], _d: int) -> None:
        self.gs.char_spacing = float(o[0])

    def op_Tw(self, o: list[Any], _d: int) -> None:
        self.gs.word_spacing = float(o[0])

    def op_Tz(self, o: list[Any], _d: int) -> None:
        self.gs.hscale = float(o[0]) / 100

    def op_TL(self, o: list[Any], _d: int) -> None:
        self.gs.leading = float(o[0])

    def op_Ts(self, o: list[Any], _d: int) -> None:
        self.gs.rise = float(o[0])

    def op_Tj(self, o: list[Any], _d: int) -> None:
        self.show([o[0]])

    def op_TJ(self, o: list[Any], _d: int) -> None:
        self.show(list(o[0]))

    def op_quote(self, o: list[Any], d: int) -> None:
        self.op_Tstar([], d)
        self.show([o[-1]])

    def op_dquote(self, o: list[Any], d: int) -> None:
        self.gs.word_spacing, self.gs.char_spacing = float(o[0]), float(o[1])
        self.op_quote(o, d)

    def show(self, parts: list[Any]) -> None:
        """Glyph origins: text-space offset u along the baseline, through M = Tm × CTM."""
        gs = self.gs
        if gs.font is None:
            return
        font = self.interp.fonts[gs.font]
        size, th, rise = gs.font_size, gs.hscale, gs.rise
        a, b, c, d, e, f = mul(self.tm, gs.ctm)
        x_scale, y_scale = math.hypot(a, b), math.hypot(c, d)
        glyphs: list[Glyph] = []
        u = 0.0
        widths, default, tu = font.widths, font.default_width, font.to_unicode
        for part in parts:
            if not isinstance(part, pikepdf.String):
                u -= float(part) / 1000 * size * th
                continue
            raw = bytes(part)
            for i in range(0, len(raw) - 1, 2):
                gid = raw[i] << 8 | raw[i + 1]
                w0 = widths.get(gid, default) / 1000
                glyphs.append(Glyph(gid, tu.get(gid, ""), a * u + c * rise + e, b * u + d * rise + f,
                                    w0 * size * th * x_scale))
                u += (w0 * size + gs.char_spacing) * th
        self.tm = mul((1, 0, 0, 1, u, 0), self.tm)
        if glyphs and y_scale:
            self.out.items.append(TextItem(gs.font, size * y_scale, gs.fill, gs.fill_alpha, glyphs))

    # ------------------------------------------------------------------ paths
    def pt(self, x: Any, y: Any) -> tuple[float, float]:
        return apply(self.gs.ctm, float(x), float(y))

    def op_m(self, o: list[Any], _d: int) -> None:
        self.current = (float(o[0]), float(o[1]))
        self.path.append(("M", self.pt(*o[:2])))

    def op_l(self, o: list[Any], _d: int) -> None:
        self.current = (float(o[0]), float(o[1]))
        self.path.append(("L", self.pt(*o[:2])))

    def op_c(self, o: list[Any], _d: int) -> None:
        self.current = (float(o[4]), float(o[5]))
        self.path.append(("B", self.pt(*o[0:2]) + self.pt(*o[2:4]) + self.pt(*o[4:6])))

    def op_v(self, o: list[Any], _d: int) -> None:
        start = self.pt(*self.current)
        self.current = (float(o[2]), float(o[3]))
        self.path.append(("B", start + self.pt(*o[0:2]) + self.pt(*o[2:4])))

    def op_y(self, o: list[Any], _d: int) -> None:
        self.current = (float(o[2]), float(o[3]))
        end = self.pt(*o[2:4])
        self.path.append(("B", self.pt(*o[0:2]) + end + end))

    def op_h(self, _o: list[Any], _d: int) -> None:
        self.path.append(("C", ()))

    def op_re(self, o: list[Any], _d: int) -> None:
        x, y, w, h = (float(v) for v in o[:4])
        self.path += [("M", self.pt(x, y)), ("L", self.pt(x + w, y)), ("L", self.pt(x + w, y + h)),
                      ("L", self.pt(x, y + h)), ("C", ())]
        self.current = (x, y)

    def paint(self, *, fill: bool, stroke: bool, even_odd: bool = False, close: bool = False) -> None:
        segs, self.path = self.path, []
        if close:
            segs.append(("C", ()))
        if not segs or not (fill or stroke):
            return
        pts = [p for _, args in segs for p in zip(args[::2], args[1::2], strict=True)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if fill and not stroke and (max(xs) - min(xs) < 1e-6 or max(ys) - min(ys) < 1e-6):
            return  # a zero-area fill paints nothing
        gs = self.gs
        lw = gs.line_width * math.sqrt(abs(gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]))
        self.out.items.append(PathItem(
            segs, gs.fill if fill else None, gs.stroke if stroke else None, lw, even_odd,
            gs.fill_alpha if fill else gs.stroke_alpha))

    # ------------------------------------------------------------------ XObjects
    def op_Do(self, o: list[Any], depth: int) -> None:
        xobjs = self.resources.get("/XObject", {}) if self.resources else {}
        xobj = xobjs.get(str(o[0]))
        if xobj is None:
            return
        sub = xobj.get("/Subtype")
        if sub == "/Image":
            self.image(xobj)
        elif sub == "/Form" and depth < MAX_FORM_DEPTH:
            self.op_q([], depth)
            m = tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            self.gs.ctm = mul(m, self.gs.ctm)  # type: ignore[arg-type]
            if "/Group" in xobj:  # a transparency group: drawn as a whole at the current alpha
                self.gs.group_alpha *= self.gs.fill_alpha / 255
            self.execute(xobj, xobj.get("/Resources", self.resources), depth + 1)
            self.op_Q([], depth)

    def image(self, xobj: Any) -> None:
        index = self.interp.image(xobj)
        ctm = self.gs.ctm
        o = apply(ctm, 0, 0)
        u = (ctm[0], ctm[1])
        v = (ctm[2], ctm[3])
        # PDF image space has y up (row 0 at v=1); OFD's has y down (row 0 at v=0).
        m: Matrix = (u[0], u[1], -v[0], -v[1], o[0] + v[0], o[1] + v[1])
        self.out.items.append(ImageItem(index, m, self.gs.fill_alpha))


def read_layout(data: bytes) -> PdfLayout:
    """Every page of a PDF (bytes) as OFD-ready items, with its fonts and images."""
    import io

    interp = Interpreter()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = [interp.page(p) for p in pdf.pages]
        outline = read_outline(pdf)
    return PdfLayout(pages=pages, fonts=interp.fonts, images=interp.images, outline=outline)


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return not isinstance(v, (pikepdf.Name, pikepdf.String))


def _painter(fill: bool, stroke: bool, even_odd: bool = False, close: bool = False) -> Any:
    def handler(self: _Run, _o: list[Any], _d: int) -> None:
        self.paint(fill=fill, stroke=stroke, even_odd=even_odd, close=close)
    return handler


def _colour(op: str) -> Any:
    def handler(self: _Run, o: list[Any], d: int) -> None:
        self.op_color(o, d, op=op)
    return handler


def _space(stroke: bool) -> Any:
    def handler(self: _Run, o: list[Any], d: int) -> None:
        self.op_cs(o, d, stroke=stroke)
    return handler


def _discard_path(self: _Run, _o: list[Any], _d: int) -> None:
    self.path = []


_HANDLERS: dict[str, Any] = {
    "q": _Run.op_q, "Q": _Run.op_Q, "cm": _Run.op_cm, "w": _Run.op_w, "gs": _Run.op_gs,
    "BT": _Run.op_BT, "Tf": _Run.op_Tf, "Tm": _Run.op_Tm, "Td": _Run.op_Td, "TD": _Run.op_TD,
    "T*": _Run.op_Tstar, "Tc": _Run.op_Tc, "Tw": _Run.op_Tw, "Tz": _Run.op_Tz, "TL": _Run.op_TL,
    "Ts": _Run.op_Ts, "Tj": _Run.op_Tj, "TJ": _Run.op_TJ, "'": _Run.op_quote, '"': _Run.op_dquote,
    "m": _Run.op_m, "l": _Run.op_l, "c": _Run.op_c, "v": _Run.op_v, "y": _Run.op_y,
    "h": _Run.op_h, "re": _Run.op_re, "n": _discard_path, "Do": _Run.op_Do,
    "f": _painter(True, False), "F": _painter(True, False), "f*": _painter(True, False, True),
    "S": _painter(False, True), "s": _painter(False, True, close=True),
    "B": _painter(True, True), "B*": _painter(True, True, True),
    "b": _painter(True, True, close=True), "b*": _painter(True, True, True, True),
    "g": _colour("g"), "G": _colour("G"), "rg": _colour("rg"), "RG": _colour("RG"),
    "k": _colour("k"), "K": _colour("K"), "sc": _colour("sc"), "scn": _colour("scn"),
    "SC": _colour("SC"), "SCN": _colour("SCN"), "cs": _space(False), "CS": _space(True),
}
