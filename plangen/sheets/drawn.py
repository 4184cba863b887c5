"""Sheet PDFs drawn directly (issue 18: WeasyPrint spent ≈ 1.4 ms on every table cell; this
spends ≈ 0.05 ms). Same page as the WeasyPrint sheet (templates/sheet.html.j2): landscape A4,
the title centred, the tables with 0.5 pt rules and grey heads repeated on every page, rows never
split across pages unless taller than a page, group headings kept with their first row, the
matrix in column groups of MATRIX_GROUP offices and the workload bars each from a new page, the
page number "— n —" centred in the footer. Every number of the look is in templates/sheet.yaml
(plangen.sheets.look); lines break as plangen.sheets.linebreak says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from plangen.sheets import Sheet
from plangen.sheets.canvas import Canvas, Colour, Fonts
from plangen.sheets.linebreak import wrap
from plangen.sheets.look import Look, TextStyle


@dataclass(frozen=True)
class Cell:
    text: str = ""
    centre: bool = False
    fill: Colour | None = None
    bars: tuple[tuple[float, Colour], ...] = ()  # workload: (share of the cell's width, colour)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    font: str
    fill: Colour | None = None
    span: bool = False  # one cell across the table (a group heading)


@dataclass
class Table:
    weights: Sequence[float]  # relative column widths
    head: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    size: float = 10.5
    pad: tuple[float, float] = (0.0, 0.0)


@dataclass
class Laid:
    row: Row
    lines: list[list[str]]
    height: float


class Flow:
    """Pages filled from the top down: text blocks, then tables whose head repeats on each page."""

    def __init__(self, look: Look, canvas: Canvas) -> None:
        self.look, self.canvas = look, canvas
        top, right, bottom, left = look.margins
        self.left, self.right = left, look.width - right
        self.top, self.bottom = top, look.height - bottom
        self.y = self.top
        self.new_page()

    def new_page(self) -> None:
        self.canvas.new_page()
        self.y = self.top
        pn = self.look.page_number
        text = self.look.page_text.replace("{n}", str(len(self.canvas.pages)))
        lh = pn.size * self.look.line_height
        line_top = self.bottom + (self.look.margins[2] - lh) / 2
        width = self.canvas.fonts.measure(pn.font, pn.size)(text)
        self.canvas.text(pn.font, pn.size, (self.left + self.right - width) / 2,
                         self.baseline(pn.font, pn.size, line_top), text)

    def baseline(self, font: str, size: float, line_top: float) -> float:
        m = self.canvas.fonts.primary(font)
        lh = size * self.look.line_height
        return line_top + (lh - (m.ascent + m.descent) * size / 1000) / 2 + m.ascent * size / 1000

    def block(self, style: TextStyle, text: str, *, centre: bool = False, mark: int = 0) -> None:
        measure = self.canvas.fonts.measure(style.font, style.size)
        lh = style.size * self.look.line_height
        lines = wrap(text, self.right - self.left, measure)
        if self.y > self.top and self.y + style.before + len(lines) * lh > self.bottom:
            self.new_page()
        self.y += style.before if self.y > self.top else 0
        if mark:
            self.canvas.bookmark(text, mark, self.y)
        for line in lines:
            x = (self.left + self.right - measure(line)) / 2 if centre else self.left
            self.canvas.text(style.font, style.size, x, self.baseline(style.font, style.size, self.y), line)
            self.y += lh
        self.y += style.after

    # ----------------------------------------------------------------------------- tables

    def _widths(self, t: Table) -> list[float]:
        total = self.right - self.left - self.look.rule
        s = sum(t.weights)
        return [w / s * total for w in t.weights]

    def _lay(self, t: Table, row: Row, widths: list[float]) -> Laid:
        pad_x, pad_y = t.pad
        rule = self.look.rule
        measure = self.canvas.fonts.measure(row.font, t.size)
        ws = [sum(widths)] if row.span else widths
        lines = [wrap(c.text, w - 2 * pad_x - rule, measure) if c.text else [] for c, w in zip(row.cells, ws, strict=False)]
        n = max([len(x) for x in lines] + [1])
        return Laid(row, lines, n * t.size * self.look.line_height + 2 * pad_y + rule)

    def table(self, t: Table) -> None:
        widths = self._widths(t)
        head = self._lay(t, Row(tuple(Cell(h, centre=True) for h in t.head), self.look.head_font,
                                self.look.head_fill), widths)
        laid = [self._lay(t, r, widths) for r in t.rows]
        self._draw(t, head, widths, middle=True)
        fresh = True
        k = 0
        while k < len(laid):
            item = laid[k]
            need = item.height + (laid[k + 1].height if item.row.span and k + 1 < len(laid) else 0)
            if self.y + need > self.bottom and not fresh:
                self._close(widths)
                self.new_page()
                self._draw(t, head, widths, middle=True)
                fresh = True
                continue
            if self.y + item.height > self.bottom:  # taller than a page: as many lines as fit here
                first, laid[k] = self._split(t, item, self.bottom - self.y)
                self._draw(t, first, widths)
                fresh = False
                continue
            self._draw(t, item, widths)
            fresh = False
            k += 1
        self._close(widths)

    def _split(self, t: Table, item: Laid, room: float) -> tuple[Laid, Laid]:
        lh = t.size * self.look.line_height
        extra = 2 * t.pad[1] + self.look.rule
        n = max(1, int((room - extra) / lh))
        rest = [x[n:] for x in item.lines]
        left = max([len(x) for x in rest] + [1])
        return (Laid(item.row, [x[:n] for x in item.lines], n * lh + extra),
                Laid(item.row, rest, left * lh + extra))

    def _close(self, widths: list[float]) -> None:
        x0 = self.left + self.look.rule / 2
        self.canvas.line(x0, self.y, x0 + sum(widths), self.y)

    def _draw(self, t: Table, laid: Laid, widths: list[float], *, middle: bool = False) -> None:
        look, canvas, row = self.look, self.canvas, laid.row
        rule, (pad_x, pad_y), lh = look.rule, t.pad, t.size * look.line_height
        measure = canvas.fonts.measure(row.font, t.size)
        ws = [sum(widths)] if row.span else widths
        x, y, h = self.left + rule / 2, self.y, laid.height
        edges = [x]
        for cell, w, lines in zip(row.cells, ws, laid.lines, strict=False):
            fill = cell.fill or row.fill
            if fill:
                canvas.fill(x, y, w, h, fill)
            top = y + rule / 2 + pad_y + ((h - rule - 2 * pad_y - len(lines) * lh) / 2 if middle else 0)
            for line in lines:
                lx = x + (w - measure(line)) / 2 if cell.centre else x + rule / 2 + pad_x
                canvas.text(row.font, t.size, lx, self.baseline(row.font, t.size, top), line)
                top += lh
            bx = x + rule / 2 + pad_x
            for share, colour in cell.bars:
                bw = share * (w - rule - 2 * pad_x)
                canvas.fill(bx, y + rule / 2 + pad_y + (lh - look.bar_height) / 2, bw, look.bar_height, colour)
                bx += bw
            x += w
            edges.append(x)
        canvas.line(edges[0], y, edges[-1], y)
        for e in edges if not row.span else (edges[0], edges[-1]):
            canvas.line(e, y, e, y + h)
        self.y += h

    def page_break(self) -> None:
        if self.y > self.top:
            self.new_page()


# --------------------------------------------------------------------------- the sheet's tables


def main_table(sheet: Sheet, look: Look) -> Table:
    centred = [k in ("num", "kind") for k in sheet.keys]
    t = Table([look.columns.get(k, 8.0) for k in sheet.keys], sheet.columns, size=look.cell.size, pad=look.pad)
    group = None
    for r in sheet.rows:
        if r.group and r.group != group:
            t.rows.append(Row((Cell(r.group),), look.group_font, look.group_fill, span=True))
        group = r.group or group
        t.rows.append(Row(tuple(Cell(v, c) for v, c in zip(r.cells, centred, strict=True)), look.cell.font))
    return t


def matrix_tables(sheet: Sheet, look: Look) -> list[tuple[str, Table]]:
    m = sheet.matrix
    if m is None:
        return []
    out = []
    groups = m.groups()
    for k, cols in enumerate(groups, 1):
        heading = "责任矩阵" if len(groups) == 1 else \
            f"责任矩阵（{k}/{len(groups)}：{m.offices[cols[0]]}—{m.offices[cols[-1]]}）"
        office_w = min(6.0, 80.0 / max(1, len(cols)))
        t = Table([5, 95 - office_w * len(cols)] + [office_w] * len(cols),
                  ("序号", "工作任务", *(m.offices[c] for c in cols)), size=look.matrix_size, pad=look.matrix_pad)
        font = look.cell.font
        for (ref, title), marks in zip(m.items, m.marks, strict=True):
            t.rows.append(Row((Cell(ref, True), Cell(title),
                               *(Cell(marks[c], True, look.marks.get(marks[c])) for c in cols)), font))
        for label, counts in m.totals:
            t.rows.append(Row((Cell(), Cell(label), *(Cell(str(counts[c]), True) for c in cols)), font))
        out.append((heading, t))
    return out


def workload_table(sheet: Sheet, look: Look) -> Table:
    roles = sheet.roles
    top = max([sum(c) for _, c in sheet.workload] or [1]) or 1
    head = (sheet.word, *roles, f"工作量（{'、'.join(roles)}，颜色由深到浅）")
    t = Table([26 - 6 * len(roles), *([6] * len(roles)), 74], head, size=look.cell.size, pad=look.pad)
    for name, counts in sheet.workload:
        bars = tuple((n / top * 0.95, look.bars[roles[k]]) for k, n in enumerate(counts) if n)
        t.rows.append(Row((Cell(name), *(Cell(str(n), True) for n in counts), Cell(bars=bars)), look.cell.font))
    return t


def draw_sheet(sheet: Sheet, profile, look: Look, *, author: str, created: str) -> bytes:  # type: ignore[no-untyped-def]
    canvas = Canvas(look.width, look.height, Fonts(profile), look.rule)
    flow = Flow(look, canvas)
    flow.block(look.title, sheet.title, centre=True, mark=1)
    if sheet.subtitle:
        flow.block(look.subtitle, sheet.subtitle, centre=True)
    if sheet.note:
        flow.block(look.note, sheet.note)
    flow.table(main_table(sheet, look))
    parts = matrix_tables(sheet, look)
    if sheet.matrix is not None:
        parts.append((f"各{sheet.word}工作量", workload_table(sheet, look)))
    for heading, table in parts:
        flow.page_break()
        flow.block(replace(look.heading), heading, mark=2)
        flow.table(table)
    ident = sheet.spec.stem.encode("utf-8").hex()[:32].encode() or b"0"
    return canvas.finish(title=sheet.title, author=author, created=created, identifier=ident)
