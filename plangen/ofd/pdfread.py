"""Read back the PDF that plangen's WeasyPrint renderer wrote: every glyph, path and image,
placed in OFD page coordinates (millimetres, origin at the top left, y downwards).

This is a small PDF content-stream interpreter (graphics state, text state, paths, image and
form XObjects) over pikepdf's parser. It covers what WeasyPrint emits: Type0/Identity-H fonts
with embedded OpenType/TrueType subsets and a ToUnicode map, DeviceRGB/Gray/CMYK colours, fill
alpha from ExtGState, rectangles and Bézier paths, images with soft masks. Clipping paths are
not applied (WeasyPrint clips only to the box it then fills).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf

MM = 25.4 / 72
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Color = tuple[int, int, int]


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


@dataclass
class Glyph:
    gid: int
    text: str  # Unicode from the font's ToUnicode map ("" when it has none)
    x: float  # origin, page mm
    y: float  # baseline, page mm
    advance: float  # mm


@dataclass
class TextItem:
    font: int  # index into PdfLayout.fonts
    size: float  # mm
    color: Color
    alpha: int
    glyphs: list[Glyph]


@dataclass
class PathItem:
    segments: list[tuple[str, tuple[float, ...]]]  # M/L/B/C with page-mm points
    fill: Color | None
    stroke: Color | None
    line_width: float  # mm
    even_odd: bool
    alpha: int


@dataclass
class ImageItem:
    image: int  # index into PdfLayout.images
    matrix: Matrix  # OFD image space (unit square, y down) → page mm
    alpha: int


@dataclass
class FontInfo:
    data: bytes
    ext: str  # "otf" or "ttf"
    base_name: str  # PDF BaseFont without the subset tag
    bold: bool
    italic: bool
    widths: dict[int, float]  # gid → advance in 1/1000 em
    default_width: float
    to_unicode: dict[int, str]


@dataclass
class PageContent:
    width: float  # mm
    height: float
    items: list[TextItem | PathItem | ImageItem] = field(default_factory=list)


@dataclass
class PdfLayout:
    pages: list[PageContent]
    fonts: list[FontInfo]
    images: list[bytes]  # PNG files
    outline: list[tuple[int, str, int, float]] = field(default_factory=list)  # level, title, page, top mm


# --------------------------------------------------------------------------- resources

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")


def _utf16(hexstr: bytes) -> str:
    raw = bytes.fromhex(hexstr.decode("ascii"))
    return raw.decode("utf-16-be", errors="replace")


def parse_to_unicode(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2], strict=False):
            out[int(src, 16)] = _utf16(dst)
    for block in _BFRANGE.findall(data):
        for line in block.splitlines():
            codes = _HEX.findall(line)
            if len(codes) < 3:
                continue
            lo, hi = int(codes[0], 16), int(codes[1], 16)
            if b"[" in line:
                for i, dst in enumerate(codes[2:]):
                    out[lo + i] = _utf16(dst)
            else:
                start = _utf16(codes[2])
                for i in range(hi - lo + 1):
                    out[lo + i] = start[:-1] + chr(ord(start[-1]) + i) if start else ""
    return out


def _widths(cid_font: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    w = list(cid_font.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for k, v in enumerate(w[i + 1]):
                out[first + k] = float(v)
            i += 2
        else:
            last, width = int(w[i + 1]), float(w[i + 2])
            for g in range(first, last + 1):
                out[g] = width
            i += 3
    return out


def read_font(font: Any) -> FontInfo | None:
    """A Type0 font with an embedded OpenType/TrueType program; None for anything else."""
    if font.get("/Subtype") != "/Type0":
        return None
    cid = font.DescendantFonts[0]
    fd = cid.get("/FontDescriptor")
    if fd is None:
        return None
    stream = fd.get("/FontFile3") or fd.get("/FontFile2")
    if stream is None:
        return None
    data = stream.read_bytes()
    if data[:4] not in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
        return None  # a bare CFF program would need an sfnt wrapper; WeasyPrint never writes one
    base = str(font.get("/BaseFont", "/font"))[1:]
    name = base.split("+", 1)[-1]
    flags = int(fd.get("/Flags", 0))
    tu = font.get("/ToUnicode")
    return FontInfo(
        data=data, ext="otf" if data[:4] == b"OTTO" else "ttf", base_name=name,
        bold="Bold" in name or "bold" in name, italic=bool(flags & 64),
        widths=_widths(cid), default_width=float(cid.get("/DW", 1000)),
        to_unicode=parse_to_unicode(tu.read_bytes()) if tu is not None else {},
    )


def read_image(xobj: Any) -> bytes:
    """An image XObject (with its soft mask as alpha) as PNG bytes."""
    import io


    img = pikepdf.PdfImage(xobj).as_pil_image()
    smask = xobj.get("/SMask")
    if smask is not None:
        alpha = pikepdf.PdfImage(smask).as_pil_image().convert("L")
        if alpha.size != img.size:
            alpha = alpha.resize(img.size)
        img = img.convert("RGBA")
        img.putalpha(alpha)
    elif img.mode not in ("RGB", "L", "RGBA"):
        img = img.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def read_outline(pdf: Any) -> list[tuple[int, str, int, float]]:
    """Bookmarks as (level, title, page index, top in mm from the page top)."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out: list[tuple[int, str, int, float]] = []

    def walk(items: Any, level: int) -> None:
        for item in items:
            dest = item.destination
            if isinstance(dest, pikepdf.Array) and len(dest) >= 4 and dest[0].is_indirect:
                index = pages.get(dest[0].objgen, 0)
                height = float(pdf.pages[index].MediaBox[3])
                top = float(dest[3]) if dest[1] == "/XYZ" and dest[3] is not None else height
                out.append((level, str(item.title), index, max(0.0, (height - top) * MM)))
            walk(item.children, level + 1)

    try:
        with pdf.open_outline() as outline:
            walk(outline.root, 1)
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        return []
    return out
