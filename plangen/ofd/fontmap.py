"""What an OFD reader will do with an embedded font: its names, and which glyphs its cmap
already gives for the text (the rest get a CGTransform naming the glyph)."""

from __future__ import annotations

import io
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
    order = {name: i for i, name in enumerate(font.getGlyphOrder())}
    cmap = {cp: order[g] for cp, g in (font.getBestCmap() or {}).items() if g in order}
    post = font.get("post")
    fixed = bool(post and post.isFixedPitch)
    serif = any(w in family for w in ("Song", "Serif", "Fang", "Kai", "宋", "仿", "楷"))
    return FontMap(font_name=ps, family=family, cmap=cmap, serif=serif, fixed=fixed)
