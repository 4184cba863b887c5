"""Sheets as DOCX: landscape A4, the plan's fonts (East Asian attributes set), a table whose
header row repeats on every page, page numbers; the overall sheet adds the responsibility
matrix in column groups of at most MATRIX_GROUP offices (one table per group, each on its own
pages) and the workload as bars drawn in table cells (DOCX takes no SVG; cell bars print
crisply in Word, WPS and LibreOffice without a plotting library).

Tables are written as WordprocessingML directly (one string per table, parsed once): python-docx's
cell API rebuilds the grid on every access, which made big tables quadratic. Each table is fixed
layout with its `w:gridCol` widths equal to its cells' `w:tcW`, so Word, WPS (which reads the
grid) and LibreOffice give the columns the same widths."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

from plangen.outio import normalize_zip
from plangen.render import oxml
from plangen.sheets import Sheet

WIDTH_WEIGHTS = {"num": 4, "title": 14, "content": 38, "leaders": 8, "lead": 8, "assist": 10, "kind": 5,
                 "due": 8, "progress": 7, "remark": 7}
MARGIN_MM = 20
TEXT_WIDTH_TWIPS = round((297 - 2 * MARGIN_MM) / 25.4 * 1440)  # 14570
SHADES = {"牵头": "F4B183", "责任": "F8CBAD", "配合": "DEEBF7"}
BAR_CELLS = 40  # the widest workload bar, in characters
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def twips(weights: Sequence[float], total: int = TEXT_WIDTH_TWIPS) -> list[int]:
    """Integer column widths in proportion to `weights`, summing exactly to `total`."""
    s = sum(weights)
    out = [int(total * w / s) for w in weights]
    out[-1] += total - sum(out)
    return out


class _Table:
    """One w:tbl as text: fixed layout, grid = cell widths, optional repeating header."""

    def __init__(self, widths: list[int], head_font: str, *, size: int | None = None, margin: int | None = None) -> None:
        self.widths = widths
        self.size = f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size else ""
        self.margin = margin  # left/right cell margin in twips (Word's default is 108)
        self.rfonts = (f'<w:rFonts w:ascii="{escape(head_font)}" w:hAnsi="{escape(head_font)}" '
                       f'w:eastAsia="{escape(head_font)}" w:cs="{escape(head_font)}" w:hint="eastAsia"/>')
        self.parts: list[str] = []

    def _tc(self, text: str, width: int, *, span: int = 1, bold: bool = False, center: bool = False,
            shade: str | None = None) -> str:
        pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
        if span > 1:
            pr += f'<w:gridSpan w:val="{span}"/>'
        if shade:
            pr += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
        rpr = f"<w:rPr>{self.rfonts}<w:b/>{self.size}</w:rPr>" if bold else \
            f"<w:rPr>{self.size}</w:rPr>" if self.size else ""
        ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
        paras = "".join(
            f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(_XML_BAD.sub("", line))}</w:t></w:r></w:p>'
            if line else f"<w:p>{ppr}</w:p>" for line in (text.split("\n") or [""]))
        return f"<w:tc><w:tcPr>{pr}</w:tcPr>{paras}</w:tc>"

    def header(self, cells: Sequence[str]) -> None:
        tcs = "".join(self._tc(c, w, bold=True, center=True, shade="D9D9D9")
                      for c, w in zip(cells, self.widths, strict=True))
        self.parts.append(f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{tcs}</w:tr>')

    def row(self, cells: Sequence[str], centred: Sequence[bool] = (), marks: bool = False) -> None:
        tcs = []
        for k, (c, w) in enumerate(zip(cells, self.widths, strict=True)):
            shade = SHADES.get(c) if marks else None
            tcs.append(self._tc(c, w, center=bool(centred and centred[k]) or shade is not None, shade=shade))
        self.parts.append(f"<w:tr>{''.join(tcs)}</w:tr>")

    def group(self, text: str) -> None:
        tc = self._tc(text, sum(self.widths), span=len(self.widths), bold=True)
        self.parts.append(f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{tc}</w:tr>')

    def append_to(self, doc) -> None:  # type: ignore[no-untyped-def]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        mar = "" if self.margin is None else (f'<w:tblCellMar><w:left w:w="{self.margin}" w:type="dxa"/>'
                                              f'<w:right w:w="{self.margin}" w:type="dxa"/></w:tblCellMar>')
        xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
               f'<w:tblW w:w="{sum(self.widths)}" w:type="dxa"/><w:jc w:val="center"/>'
               f'<w:tblLayout w:type="fixed"/>{mar}<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
               f'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
               f"<w:tblGrid>{grid}</w:tblGrid>{''.join(self.parts)}</w:tbl>")
        doc.element.body._insert_tbl(parse_xml(xml))


def _document(sheet: Sheet, profile):  # type: ignore[no-untyped-def]
    doc = Document()
    normal = doc.styles["Normal"]
    rpr = oxml.style_rpr(normal)
    oxml.set_run_fonts(rpr, profile.face("body").docx_name)
    oxml.set_size(rpr, 21)  # 五号 10.5 pt
    oxml.set_theme_font_lang(doc.settings.element)
    s = doc.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = Mm(297), Mm(210)
    s.left_margin = s.right_margin = Mm(MARGIN_MM)
    s.top_margin = s.bottom_margin = Mm(18)
    p = s.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    oxml.add_field(p, "PAGE")
    p.add_run(" —")
    return doc


def _heading(doc, text: str, font: str, *, new_page: bool = False):  # type: ignore[no-untyped-def]
    h = doc.add_paragraph()
    h.paragraph_format.page_break_before = new_page or None
    h.paragraph_format.keep_with_next = True
    oxml.set_run_fonts(h.add_run(text)._r.get_or_add_rPr(), font)
    return h


def render_sheet_docx(sheet: Sheet, profile) -> bytes:  # type: ignore[no-untyped-def]
    doc = _document(sheet, profile)
    head_font = profile.face("heading1").docx_name
    t = doc.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = t.add_run(sheet.title)
    run.font.size = Pt(18)
    oxml.set_run_fonts(run._r.get_or_add_rPr(), profile.face("title").docx_name)
    if sheet.subtitle:
        doc.add_paragraph(sheet.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if sheet.note:
        doc.add_paragraph(sheet.note)
    table = _Table(twips([WIDTH_WEIGHTS.get(k, 8) for k in sheet.keys]), head_font)
    table.header(sheet.columns)
    centred = [k in ("num", "kind") for k in sheet.keys]
    group = None
    for r in sheet.rows:
        if r.group and r.group != group:
            group = r.group
            table.group(r.group)
        table.row(r.cells, centred)
    table.append_to(doc)
    if sheet.matrix is not None:
        _matrix(doc, sheet, head_font)
    doc.core_properties.title = sheet.title
    doc.core_properties.author = "plangen"
    doc.core_properties.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def _matrix(doc, sheet: Sheet, head_font: str) -> None:  # type: ignore[no-untyped-def]
    m = sheet.matrix
    assert m is not None
    groups = m.groups()
    for k, cols in enumerate(groups, 1):
        label = "责任矩阵" if len(groups) == 1 else \
            f"责任矩阵（{k}/{len(groups)}：{m.offices[cols[0]]}—{m.offices[cols[-1]]}）"
        _heading(doc, label, head_font, new_page=True)
        table = _Table(twips([4, 14] + [3] * len(cols)), head_font, size=18, margin=30)
        table.header(["序号", "工作任务", *(m.offices[c] for c in cols)])
        centred = [True, False] + [True] * len(cols)
        for (ref, title), marks in zip(m.items, m.marks, strict=True):
            table.row([ref, title, *(marks[c] for c in cols)], centred, marks=True)
        for label_, counts in m.totals:
            table.row(["", label_, *(str(counts[c]) for c in cols)], centred)
        table.append_to(doc)
    most = max([sum(c) for _, c in sheet.workload] or [1]) or 1
    per = max(1, math.ceil(most / BAR_CELLS))
    glyphs = {"牵头": "■", "责任": "▣", "配合": "□"}
    legend = "　".join(f"{glyphs[r]} {r}" for r in sheet.roles) + (f"，每格 {per} 项" if per > 1 else "")
    _heading(doc, f"各{sheet.word}工作量（{legend}）", head_font, new_page=True)
    table = _Table(twips([12] + [5] * len(sheet.roles) + [50]), head_font)
    table.header([sheet.word, *sheet.roles, "工作量"])
    for name, counts in sheet.workload:
        bar = "".join(glyphs[r] * math.ceil(n / per) for r, n in zip(sheet.roles, counts, strict=True))
        table.row([name, *(str(n) for n in counts), bar], [False] + [True] * len(counts) + [False])
    table.append_to(doc)


def render_docx_batch(view, sheets, profile) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The sheet renderers' common signature (plangen.formats): one document per sheet."""
    return [render_sheet_docx(sh, profile) for sh in sheets]
