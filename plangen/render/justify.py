"""Flush CJK lines in WeasyPrint (两端对齐, GB/T 9704 body text).

WeasyPrint justifies only at spaces (U+0020/U+00A0): a pure-CJK line whose last character moved
down (a closing mark may not start the next line) ends a character or more short of the right
edge. `spaced()` puts a U+0020 between CJK characters wherever a line may break anyway, and
`space_cancel_css()` gives each font role a `word-spacing` that cancels the space's own advance,
so an unjustified line looks exactly as before while a justified one has somewhere to put the
slack. No space goes before a mark that may not start a line or after one that may not end a
line (UAX #14 lets a break follow a space even before a quotation mark), nor beside — and …,
which stand in pairs, nor inside Latin or digit runs. Why this rather than line breaks computed
in the view: docs/pdf.md.
"""

from __future__ import annotations

import functools
from pathlib import Path

from plangen.fonts import FontProfile

# may not start a line (closing punctuation, UAX #14 CL/CP/EX/IS/NS and closing quotes)
_NO_BREAK_BEFORE = set("，。、；：？！）》」』】〕〉”’…—·～％‰℃々〆ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ")
# may not end a line (opening punctuation and quotes)
_NO_BREAK_AFTER = set("（《「『【〔〈“‘")
_PAIRED = set("—…")


def _wide(c: str) -> bool:
    return ord(c) >= 0x2E80 and c != "\u3000"


def spaced(text: str) -> str:
    """`text` with a U+0020 at every CJK break opportunity (see the module doc)."""
    out = []
    for a, b in zip(text, text[1:] + "\0", strict=True):
        out.append(a)
        if (b != "\0" and _wide(a) and _wide(b) and b not in _NO_BREAK_BEFORE and a not in _NO_BREAK_AFTER
                and a not in _PAIRED and b not in _PAIRED):
            out.append(" ")
    return "".join(out)


@functools.lru_cache(maxsize=32)
def _space_em(path: str, index: int) -> float:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    glyph = font.getBestCmap().get(0x20)
    if glyph is None:
        return 0.25
    return font["hmtx"][glyph][0] / font["head"].unitsPerEm


def space_em(profile: FontProfile, role: str) -> float:
    """The advance of U+0020 in the role's font, in em."""
    face = profile.face(role)
    return _space_em(str(Path(face.path)), face.index) if face.path else 0.25


def space_cancel_css(profile: FontProfile, letter_spacing_pt: float = -0.25) -> dict[str, str]:
    """Per role, the `word-spacing` that makes a space (with the letter-spacing) advance 0."""
    return {role: f"calc({-space_em(profile, role):.4f}em - {letter_spacing_pt}pt)"
            for role in ("body", "bold", "heading1", "heading2")}
