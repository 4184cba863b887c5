"""What an OFD reader will do with an embedded font: its names, and which glyphs its cmap
already gives for the text (the rest get a CGTransform naming the glyph)."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from plangen.ofd.pdfread import FontInfo


@dataclass(frozen=True)
class FontMap:
    font_name: str  # PostScript name (name ID 6), e.g. FandolFang-Regular
    family: str  # typographic family (name ID 16, else 1), e.g. FandolFang
    cmap: dict[int, int]  # code point → glyph id
    serif: bool
    fixed: bool

    def needs_transform(self, gid: int, text: str) -> bool:
        """True when the reader, mapping `text` through the cmap, would not draw glyph `gid`."""
        return len(text) != 1 or self.cmap.get(ord(text)) != gid


def font_map(info: FontInfo) -> FontMap:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(info.data), lazy=True)
    names = font["name"]
    family = str(names.getDebugName(16) or names.getDebugName(1) or info.base_name)
    ps = str(names.getDebugName(6) or info.base_name)
    cmap = sfnt_cmap(info.data)
    post = font.get("post")
    fixed = bool(post and post.isFixedPitch)
    serif = any(w in family for w in ("Song", "Serif", "Fang", "Kai", "宋", "仿", "楷"))
    return FontMap(font_name=ps, family=family, cmap=cmap, serif=serif, fixed=fixed)


def sfnt_cmap(data: bytes) -> dict[int, int]:
    """Code point → glyph id from the font's best Unicode cmap subtable (format 12, else 4),
    read with struct: fontTools would first parse the CFF charset to name every glyph (~0.1 s
    for a CJK font with retained glyph ids)."""
    num_tables = struct.unpack_from(">H", data, 4)[0]
    base = None
    for i in range(num_tables):
        tag, _sum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if tag == b"cmap":
            base = offset
    if base is None:
        return {}
    count = struct.unpack_from(">H", data, base + 2)[0]
    subtables: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, base + offset)[0]
        if (platform, encoding) in ((3, 10), (0, 4), (0, 6)) and fmt == 12:
            subtables.setdefault(12, base + offset)
        elif (platform, encoding) in ((3, 1), (0, 3), (0, 1)) and fmt == 4:
            subtables.setdefault(4, base + offset)
    if 12 in subtables:
        return _format12(data, subtables[12])
    return _format4(data, subtables[4]) if 4 in subtables else {}


def _format12(data: bytes, at: int) -> dict[int, int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    out: dict[int, int] = {}
    for i in range(groups):
        start, end, gid = struct.unpack_from(">III", data, at + 16 + 12 * i)
        for cp in range(start, end + 1):
            out[cp] = gid + cp - start
    return out


def _format4(data: bytes, at: int) -> dict[int, int]:
    segs = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segs}H", data, at + 14)
    starts = struct.unpack_from(f">{segs}H", data, at + 16 + 2 * segs)
    deltas = struct.unpack_from(f">{segs}h", data, at + 16 + 4 * segs)
    range_at = at + 16 + 6 * segs
    offsets = struct.unpack_from(f">{segs}H", data, range_at)
    out: dict[int, int] = {}
    for k in range(segs):
        for cp in range(starts[k], ends[k] + 1):
            if cp == 0xFFFF:
                continue
            if offsets[k] == 0:
                gid = (cp + deltas[k]) & 0xFFFF
            else:
                gid = struct.unpack_from(">H", data, range_at + 2 * k + offsets[k] + 2 * (cp - starts[k]))[0]
                gid = (gid + deltas[k]) & 0xFFFF if gid else 0
            if gid:
                out[cp] = gid
    return out
