"""Line breaking for the sheet PDFs that plangen draws itself (plangen.sheets.drawn).

Chinese text breaks between any two characters, with the usual rules (禁则): a closing mark
(，。、；：？！）》” …) never starts a line and an opening mark (（《“ …) never ends one — the
mark travels with its neighbour. A run of Latin letters and digits (`2024`, `14`, `PDF`) stays on
one line unless it is wider than the line by itself; spaces are break opportunities and vanish at
a break. A "\n" in the text is a hard break.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_START = frozenset("，。、；：？！）］｝〕〗】》〉」』”’…—～·%‰℃,.;:?!)]}>・ー々")
NO_END = frozenset("（［｛〔〖【《〈「『“‘([{<")
_UNITS = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:[.,:%/\-][A-Za-z0-9]+)*|\s|.", re.S)


def units(text: str) -> list[str]:
    """The pieces a line may break between: words, single CJK characters with their marks."""
    out: list[str] = []
    for piece in _UNITS.findall(text):
        if out and not piece.isspace() and not out[-1].isspace() and (
                piece[0] in NO_START or out[-1][-1] in NO_END):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` in lines no wider than `width` (as `measure` measures), breaking as above."""
    lines: list[str] = []
    for para in text.split("\n"):
        lines += _wrap_para(para, width, measure)
    return lines or [""]


def _wrap_para(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line, used = "", 0.0
    for u in units(text):
        w = measure(u)
        if used + w <= width or (u.isspace() and line):
            line, used = line + u, used + w
            continue
        if line.strip():
            lines.append(line.rstrip())
        line, used = "", 0.0
        if u.isspace():
            continue
        if w > width:  # a unit wider than the line: character by character
            for ch in u:
                cw = measure(ch)
                if used + cw > width and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + ch, used + cw
        else:
            line, used = u, w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
