"""Notice layout decisions, made once for every renderer (GB/T 9704-2012).

Two things live here, both pure functions of the notice and the template:

- `decide_layout`: which kind of notice a template prints (red-header / upward / plain), which
  header elements appear, whether the notice is printed, and where the 版记 goes. The DOCX and
  the PDF renderer read the resulting `NoticeLayout` and nothing else to take these decisions.
- `place_signature`: where the signature (发文机关署名) and the date (成文日期) stand, 7.3.5.1
  (sealed) and 7.3.5.2 (unsealed), for one issuer or several. Positions are in characters from
  the text block's left edge (one character = 15.75 pt: 16 pt with −0.25 pt spacing, 28 a line),
  each line piece aligned left, right or centre on its position, so a renderer puts a tab stop
  (DOCX) or a box edge (PDF) there and never does the arithmetic itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

# The text block (156 mm = 442.2 pt) in characters of 15.75 pt.
CHAR_PT = 15.75
LINE_CHARS = 156 / 25.4 * 72 / CHAR_PT  # 28.08
# LibreOffice (and Word with autoSpaceDN, which the signature paragraphs keep on) puts extra space
# between CJK text and digits; measured in LibreOffice 7.4 at 16 pt: 3.47 pt per boundary.
AUTOSPACE_CHARS = 3.47 / CHAR_PT

Align = Literal["left", "right", "centre"]
Kind = Literal["red-header", "upward", "plain"]


def text_width(s: str) -> float:
    """Width in characters: ASCII letters and digits count half (same rule as plangen.view)."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in s)


_BOUNDARY = re.compile(r"(?<=[0-9A-Za-z])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[0-9A-Za-z])")


def autospaced_width(s: str) -> float:
    """Width in characters as a word processor that spaces CJK from digits lays it out."""
    return text_width(s) + AUTOSPACE_CHARS * len(_BOUNDARY.findall(s))


@dataclass(frozen=True)
class Piece:
    text: str
    align: Align
    x: float  # characters from the text block's left edge to the piece's left/right end or centre

    @property
    def x_pt(self) -> float:
        return round(self.x * CHAR_PT, 2)


@dataclass(frozen=True)
class SignatureLayout:
    """The signature block as lines of pieces (a line of joint names has several pieces)."""

    sealed: bool
    lines: tuple[tuple[Piece, ...], ...]
    seal_x: float  # centre of the (last) seal: the date's centre, in characters
    blank_lines_before: int  # blank lines between the text (or 附件说明) and the first line

    @property
    def seal_x_pt(self) -> float:
        return round(self.seal_x * CHAR_PT, 2)


def place_signature(names: Sequence[str], date: str, *, sealed: bool,
                    width: Callable[[str], float] = text_width) -> SignatureLayout:
    """Signature and date per GB/T 9704 7.3.5 (see docs/pdf.md for the rules as implemented)."""
    names = [n for n in names if n] or [""]
    if sealed:
        lines, seal_x = _sealed(names, date, width)
        return SignatureLayout(True, lines, seal_x, 2)
    lines, seal_x = _unsealed(names, date, width)
    return SignatureLayout(False, lines, seal_x, 1)


def _sealed(names: list[str], date: str, width: Callable[[str], float]):  # type: ignore[no-untyped-def]
    """7.3.5.1: the date 右空四字; one name centred on the date; joint names side by side in
    issuer order (rows right-aligned so the last name stands over the date), the date below."""
    date_w = width(date)
    centre = LINE_CHARS - 4 - date_w / 2
    if len(names) == 1:
        # a name too long to centre stays inside the text block
        x = min(centre, LINE_CHARS - width(names[0]) / 2)
        return ((Piece(names[0], "centre", x),), (Piece(date, "right", LINE_CHARS - 4),)), centre
    col = max(width(n) for n in names)
    pitch = col + 2
    per_row = max(1, 1 + int((min(centre, LINE_CHARS - col / 2) - col / 2) // pitch))
    last = min(centre, LINE_CHARS - col / 2)
    rows = [names[i:i + per_row] for i in range(0, len(names), per_row)]
    lines = [tuple(Piece(n, "centre", last - (len(row) - 1 - k) * pitch) for k, n in enumerate(row))
             for row in rows]
    lines.append((Piece(date, "right", LINE_CHARS - 4),))
    return tuple(lines), centre


def _unsealed(names: list[str], date: str, width: Callable[[str], float]):  # type: ignore[no-untyped-def]
    """7.3.5.2: the name 右空二字, the date on the next line, its first character two characters
    right of the name's; a date that would come closer than two characters to the right edge
    keeps 右空二字 and the name moves left with it. Joint: the lead name first, the others below
    it (first characters aligned, the longest 右空二字), then the date."""
    date_w = width(date)
    start = LINE_CHARS - 2 - max(width(n) for n in names)
    if start + 2 + date_w > LINE_CHARS - 2:
        start = LINE_CHARS - 2 - date_w - 2
    if len(names) == 1 and start == LINE_CHARS - 2 - width(names[0]):
        lines = [(Piece(names[0], "right", LINE_CHARS - 2),)]
    else:
        lines = [(Piece(n, "left", start),) for n in names]
    lines.append((Piece(date, "left", start + 2),))
    return tuple(lines), start + 2 + date_w / 2


# --------------------------------------------------------------------------- template → layout

HeaderElement = Literal["copy_no", "secrecy", "urgency", "mark", "number", "signers", "rule"]


@dataclass(frozen=True)
class NoticeLayout:
    """Everything a renderer decides about the notice's layout, decided here once.

    kind: red-header (下行文), upward (上行文: 签发人 on the number line, the number one character
    in from the left), plain (no 版头, no notice, no 版记: the plan alone).
    header: the 版头 elements printed, in order. imprint: where the 版记 goes — "last-even-page"
    (its last rule on the text block's bottom edge of the document's last even page; each
    renderer applies this to its own pagination) or "none".
    """

    kind: Kind
    header: tuple[HeaderElement, ...]
    notice: bool
    imprint: Literal["last-even-page", "none"]

    @property
    def upward(self) -> bool:
        return self.kind == "upward"


def template_kind(template: str) -> Kind:
    """The kind a template prints, from its name: `plain`, `upward` (or a name ending in
    `-plain` / `-upward`, e.g. a bureau's `岳阳-upward.docx`), otherwise red-header."""
    stem = PurePath(template).name.removesuffix(".docx").removesuffix(".html.j2")
    for kind in ("plain", "upward"):
        if stem == kind or stem.endswith("-" + kind):
            return kind  # type: ignore[return-value]
    return "red-header"


def decide_layout(notice, template: str) -> NoticeLayout:  # type: ignore[no-untyped-def]
    """The layout of `notice` (a plangen.view.NoticeView, or None) under `template`."""
    kind = template_kind(template)
    if notice is None or kind == "plain":
        return NoticeLayout(kind, (), False, "none")
    header: list[HeaderElement] = [e for e, v in (("copy_no", notice.copy_no), ("secrecy", notice.secrecy),
                                                  ("urgency", notice.urgency)) if v]
    header += ["mark", "number"]
    if kind == "upward" and notice.signers:
        header.append("signers")
    header.append("rule")
    return NoticeLayout(kind, tuple(header), True, "last-even-page" if notice.has_imprint else "none")
