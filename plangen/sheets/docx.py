"""Sheets as DOCX: landscape A4, the plan's fonts (East Asian attributes set), a table whose
header row repeats on every page, page numbers; the overall sheet adds the responsibility
matrix and the workload as bars drawn in table cells (DOCX takes no SVG; cell bars print
crisply in Word, WPS and LibreOffice without a plotting library)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from plangen.outio import normalize_zip
from plangen.render import oxml
from plangen.sheets import Sheet

WIDTH_WEIGHTS = {"序号": 4, "工作任务": 14, "具体内容": 38, "责任领导": 8, "牵头股室": 8, "配合股室": 10,
                 "责任类型": 5, "完成时限": 8, "进展情况": 7, "备注": 7}
TEXT_WIDTH_MM = 297 - 20 - 20


def _fonts(doc, profile) -> None:  # type: ignore[no-untyped-def]
    normal = doc.styles["Normal"]
    rpr = oxml.style_rpr(normal)
    oxml.set_run_fonts(rpr, profile.face("body").docx_name)
    oxml.set_size(rpr, 21)  # 五号 10.5 pt
    oxml.set_theme_font_lang(doc.settings.element)


def _cell(cell, text: str, *, bold: bool = False, font: str | None = None, center: bool = False,
          shade: str | None = None) -> None:  # type: ignore[no-untyped-def]
    p = cell.paragraphs[0]
    lines = text.split("\n") or [""]
    for k, line in enumerate(lines):
        if k:
            p = cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold or None
        if font:
            oxml.set_run_fonts(run._r.get_or_add_rPr(), font)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if shade:
        tc_pr = cell._tc.get_or_add_tcPr()
        shd = oxml.OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), shade)
        tc_pr.append(shd)


def _table(doc, header, rows, widths, head_font, groups=None):  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    oxml.repeat_table_header(table.rows[0])
    for c, h in enumerate(header):
        _cell(table.rows[0].cells[c], h, bold=True, font=head_font, center=True, shade="D9D9D9")
    group = None
    for k, row in enumerate(rows):
        g = groups[k] if groups else ""
        if g and g != group:
            group = g
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell(merged, g, bold=True, font=head_font)
        cells = table.add_row().cells
        for c, v in enumerate(row):
            _cell(cells[c], v, center=header[c] in ("序号", "责任类型") or v in ("牵头", "配合"),
                  shade="F4B183" if v == "牵头" and len(header) > 12 else
                  "DEEBF7" if v == "配合" and len(header) > 12 else None)
    total = sum(widths)
    for r in table.rows:
        for c, w in enumerate(widths):
            r.cells[c].width = Mm(TEXT_WIDTH_MM * w / total)
    return table


def render_sheet_docx(sheet: Sheet, profile) -> bytes:  # type: ignore[no-untyped-def]
    doc = Document()
    _fonts(doc, profile)
    s = doc.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = Mm(297), Mm(210)
    s.left_margin = s.right_margin = Mm(20)
    s.top_margin = s.bottom_margin = Mm(18)
    p = s.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    oxml.add_field(p, "PAGE")
    p.add_run(" —")
    title_font = profile.face("title").docx_name
    head_font = profile.face("heading1").docx_name
    t = doc.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = t.add_run(sheet.title)
    run.font.size = Pt(18)
    oxml.set_run_fonts(run._r.get_or_add_rPr(), title_font)
    if sheet.subtitle:
        st = doc.add_paragraph(sheet.subtitle)
        st.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if sheet.note:
        doc.add_paragraph(sheet.note)
    widths = [WIDTH_WEIGHTS.get(h, 8) for h in sheet.columns]
    _table(doc, sheet.columns, [r.cells for r in sheet.rows], widths, head_font,
           [r.group for r in sheet.rows])
    if sheet.matrix:
        h = doc.add_paragraph()
        h.paragraph_format.page_break_before = True
        oxml.set_run_fonts(h.add_run("责任矩阵")._r.get_or_add_rPr(), head_font)
        header, *body = sheet.matrix
        _table(doc, header, body, [4, 14] + [3] * (len(header) - 2), head_font)
        h2 = doc.add_paragraph()
        h2.paragraph_format.page_break_before = True
        oxml.set_run_fonts(h2.add_run("各股室工作量（■ 牵头　□ 配合）")._r.get_or_add_rPr(), head_font)
        rows = [(name, str(lead), str(assist), "■" * lead + "□" * assist) for name, lead, assist in sheet.workload]
        _table(doc, ("股室", "牵头", "配合", "工作量"), rows, [12, 5, 5, 50], head_font)
    doc.core_properties.title = sheet.title
    doc.core_properties.author = "plangen"
    doc.core_properties.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def render_docx_batch(view, sheets, profile) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The sheet renderers' common signature (plangen.formats): one document per sheet."""
    return [render_sheet_docx(sh, profile) for sh in sheets]
