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


@functools.lru_cache(maxsize=4096)  # the same paragraphs again at every render of a plan
def spaced(text: str) -> str:
    """`text` with a U+0020 at every CJK break opportunity (see the module doc)."""
    out = []
    for a, b in zip(text, text[1:] + "\0", strict=True):
        out.append(a)
        if (b != "\0" and _wide(a) and _wide(b) and b not in _NO_BREAK_BEFORE and a not in _NO_BREAK_AFTER
                and a not in _PAIRED and b not in _PAIRED):
            out.append(" ")
    return "".join(out)


def _space_em(path: str, index: int) -> float:
    return _advances(path, index).get(0x20, 0.25)


def space_em(profile: FontProfile, role: str) -> float:
    """The advance of U+0020 in the role's font, in em."""
    face = profile.face(role)
    return _space_em(str(Path(face.path)), face.index) if face.path else 0.25


def space_cancel_css(profile: FontProfile, letter_spacing_pt: float = -0.25) -> dict[str, str]:
    """Per role, the `word-spacing` that makes a space (with the letter-spacing) advance 0."""
    return {role: f"calc({-space_em(profile, role):.4f}em - {letter_spacing_pt}pt)"
            for role in ("body", "bold", "heading1", "heading2")}


# --------------------------------------------------------------------------- fewer spaces
# Each inserted space costs WeasyPrint a word-spacing attribute in every Pango layout of its
# paragraph (about half the layout time of a plan). A line needs them only to take up its slack:
# `Justifier` predicts the lines of a body paragraph (each character's advance from the font's
# hmtx, 16 pt, −0.25 pt letter-spacing; WeasyPrint breaks greedily, at the opportunities of
# `_opportunity`) and puts a space where each line breaks, one inside every full line, and one
# at every opportunity inside a line that comes out short. From the first character it cannot
# measure (no advance in the font) or a break decision within 1 pt, the rest of the paragraph is
# spaced as by `spaced`. `plangen.render.pdf` checks the laid-out lines and, if a prediction was
# wrong, lays the document out again with `spaced` everywhere.

TEXT_WIDTH_PT = 156 * 72 / 25.4  # the text block, GB/T 9704
FONT_PT = 16.0
LETTER_SPACING_PT = -0.25
INDENT_PT = 2 * FONT_PT  # body paragraphs: first line indented two characters
SHORT_PT = 2.0  # slack one space may take up unseen (28 characters of 1 em leave 1.2 pt)


_QUOTES = set("“”‘’\"'")
_NARROW_NO_BREAK_BEFORE = set(",.:;!?%)]}")
_NARROW_NO_BREAK_AFTER = set("([{$#")


def _opportunity(a: str, b: str) -> bool:
    """A line may break between `a` and `b`: where `spaced` puts a space between two wide
    characters; next to a Latin letter or digit (UAX #14 ID ÷ AL/NU), except beside quotation
    marks and where punctuation binds; never inside a Latin or digit run."""
    if _wide(a) and _wide(b):
        return (b not in _NO_BREAK_BEFORE and a not in _NO_BREAK_AFTER
                and a not in _PAIRED and b not in _PAIRED)
    if a in _QUOTES or b in _QUOTES or not (_wide(a) or _wide(b)):
        return False
    return (b not in _NO_BREAK_BEFORE and b not in _NARROW_NO_BREAK_BEFORE
            and a not in _NO_BREAK_AFTER and a not in _NARROW_NO_BREAK_AFTER)


@functools.lru_cache(maxsize=8)
def _advances(path: str, index: int) -> dict[int, float]:
    """Code point → advance in em, for every character of the font."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    em, hmtx = font["head"].unitsPerEm, font["hmtx"]
    return {c: hmtx[g][0] / em for c, g in font.getBestCmap().items()}


class Justifier:
    """`justifier(block)` → the text of each of the block's segments for the PDF template."""

    def __init__(self, profile: FontProfile, *, everywhere: bool = False) -> None:
        self.everywhere = everywhere
        self.used = False  # a paragraph was spaced by prediction: the layout is to be checked
        self._adv: dict[bool, dict[int, float]] = {}
        for bold, role in ((False, "body"), (True, "bold")):
            face = profile.face(role)
            self._adv[bold] = _advances(str(Path(face.path)), face.index) if face.path else {}

    def __call__(self, block: object) -> list[str]:
        segments = list(getattr(block, "segments", ()))
        kind = getattr(block, "kind", "")
        raw = [s.role == "label" and kind in ("item", "item_title", "subitem") for s in segments]
        bold = [s.role == "title" or r for s, r in zip(segments, raw, strict=True)]
        if self.everywhere:
            return [s.text if r else spaced(s.text) for s, r in zip(segments, raw, strict=True)]
        chars = [(c, k) for k, s in enumerate(segments) for c in s.text]
        gaps = self._gaps(chars, bold)
        out: list[list[str]] = [[] for _ in segments]
        for i, (c, k) in enumerate(chars):
            out[k].append(c)
            if not gaps[i]:
                continue
            nxt = chars[i + 1][1]
            if not raw[k]:
                out[k].append(" ")  # at the end of a segment too: the break must be there
            elif nxt != k and not raw[nxt]:
                out[nxt].append(" ")
        self.used = True
        return ["".join(o) for o in out]

    def _gaps(self, chars: list[tuple[str, int]], bold: list[bool]) -> list[bool]:
        """For each character: whether a space follows it (see the section comment)."""
        n = len(chars)
        opp = [i + 1 < n and _opportunity(chars[i][0], chars[i + 1][0]) for i in range(n)]
        spaced_opp = [o and _wide(chars[i][0]) and _wide(chars[i + 1][0]) for i, o in enumerate(opp)]
        width = [self._adv[bold[k]].get(ord(c), -1.0) * FONT_PT + LETTER_SPACING_PT for c, k in chars]
        gaps = [False] * n
        start, room = 0, TEXT_WIDTH_PT - INDENT_PT
        while start < n:
            total, end = 0.0, start  # the characters [start, end) fit
            while end < n and width[end] > 0 and total + width[end] <= room:
                total += width[end]
                end += 1
            if end < n and (width[end] <= 0 or abs(total + width[end] - room) < 1 or room - total < 0.05):
                gaps[start:] = spaced_opp[start:]  # a glyph not measured, or too close to call
                return gaps
            if end == n:
                return gaps  # the last line is not justified
            brk = next((j for j in range(end - 1, start, -1) if opp[j]), None)  # break after chars[brk]
            if brk is None:
                gaps[start:] = spaced_opp[start:]
                return gaps
            inside = [j for j in range(start, brk) if spaced_opp[j]]
            short = room - sum(width[start:brk + 1]) > SHORT_PT
            for j in (inside if short else inside[len(inside) // 2:len(inside) // 2 + 1]):
                gaps[j] = True
            gaps[brk] = spaced_opp[brk]
            start, room = brk + 1, TEXT_WIDTH_PT
        return gaps
