"""The 督查通报 as DOCX, laid out to GB/T 9704 like the notice: the same Word template
(red-header.docx: page set-up, styles, page numbers) and the same 版头 code as the notice
(plangen.render.docx), then the report body, its tables, the signature and date, and the two
attachments (按序时推进, 滞后) on pages of their own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from plangen.fonts import FontProfile
from plangen.outio import document_bytes
from plangen.progress.report import ItemStanding, Report, lag_text, submission_lines
from plangen.progress.schedule import LIGHT_COLOURS
from plangen.render import oxml
from plangen.layout import decide_layout
from plangen.render.docx import _apply_profile, _header, _para
from plangen.render.docx import _signature as _notice_signature
from plangen.templates import resolve_template

LINE = oxml.LINE_PITCH_TWIPS
CHAR = oxml.CHAR_TWIPS
TEXT_WIDTH = round(156 / 25.4 * 1440)
OFFICE_COLS = ("股室", "牵头任务数", "已完成", "按序时", "滞后", "未报送", "完成率", "配合任务数", "报送情况")
LEADER_COLS = ("责任领导", "任务数", "已完成", "按序时", "滞后", "未报送", "完成率")
ATTACH_COLS = ("序号", "工作任务", "牵头股室", "责任领导", "完成时限", "序时进度", "完成进度", "本期进展情况")
TEXT_COLS = {"工作任务", "本期进展情况", "存在问题"}  # left-aligned; every other column is centred
LAG_COLS = ("序号", "工作任务", "牵头股室", "责任领导", "完成时限", "序时进度", "完成进度", "落后", "存在问题")


def _spacing(p: Any, before: int = 0, after: int = 0, line: int | None = None) -> None:
    oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=line, before=before, after=after)


def _heading(sd: Any, text: str) -> None:
    oxml.keep_next(_para(sd, "GWHeading1", text))  # a heading never ends a page


def _table(sd: Any, head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
           profile: FontProfile, fills: Sequence[str | None] = ()) -> Any:
    """A ruled table in 小四 (12 pt); the header row repeats on every page."""
    table = sd.add_table(rows=1 + len(rows), cols=len(head))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(widths)
    oxml.fix_table_widths(table, [round(TEXT_WIDTH * w / total) for w in widths])
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    if borders is None:
        borders = oxml.OxmlElement("w:tblBorders")
        table._tbl.tblPr.append(borders)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = oxml.OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    mar = table._tbl.tblPr.find(qn("w:tblCellMar"))
    for side in ("left", "right"):
        mar.find(qn(f"w:{side}")).set(qn("w:w"), "57")
    oxml.repeat_table_header(table.rows[0])
    head_font = profile.face("heading1").docx_name
    for r, (tr, values) in enumerate(zip(table.rows, [list(head), *map(list, rows)], strict=True)):
        row_cells = tr.cells  # once per row: table.cell(r, c) walks the whole table each time
        for c, value in enumerate(values):
            cell = row_cells[c]
            p = cell.paragraphs[0]
            oxml.set_style_id(p, "GWFlush")
            _spacing(p, line=300)
            oxml.set_snap_to_grid(p._p.get_or_add_pPr(), False)
            text_col = r > 0 and head[c] in TEXT_COLS
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if text_col else WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(value)
            run.font.size = Pt(12)
            if r == 0:
                oxml.set_run_fonts(run._r.get_or_add_rPr(), head_font)
            oxml.set_cell_vcenter(cell)
            fill = fills[r - 1] if r and fills and r - 1 < len(fills) else None
            if fill:
                shd = oxml.OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:fill"), fill)
                cell._tc.get_or_add_tcPr().append(shd)
    return table


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:g}%"


def _body(tpl: Any, report: Report, profile: FontProfile) -> Any:
    n = report.notice
    sd = tpl.new_subdoc()
    for i, line in enumerate(n.title_lines):
        _spacing(_para(sd, "GWTitle", line), before=2 * LINE if i == 0 else 0)
    _spacing(_para(sd, "GWFlush", n.to), before=LINE)
    _para(sd, "GWBody", report.opening)
    _heading(sd, "一、各股室推进情况")
    rows = [(t.name, str(t.total), str(t.done), str(t.on_track), str(t.lagging), str(t.missing), t.rate, str(t.assist),
             report.submitted.get(t.name, "")) for t in report.offices]
    o = report.overall
    rows.append(("合计", str(o.total), str(o.done), str(o.on_track), str(o.lagging), str(o.missing), o.rate, "", ""))
    _table(sd, OFFICE_COLS, rows, (3, 2, 1.5, 1.5, 1.5, 1.5, 1.8, 2, 2.4), profile)
    if report.leaders:
        _heading(sd, "二、各分管领导负责事项推进情况")
        rows = [(t.name, str(t.total), str(t.done), str(t.on_track), str(t.lagging), str(t.missing), t.rate)
                for t in report.leaders]
        _table(sd, LEADER_COLS, rows, (3, 1.5, 1.5, 1.5, 1.5, 1.5, 1.8), profile)
    numerals = report.numerals
    _heading(sd, f"{numerals[0]}、滞后和逾期事项")
    if report.lagging:
        for i, s in enumerate(report.lagging, 1):
            p = _para(sd, "GWBody")
            p.add_run(f"{i}.").bold = True
            p.add_run(lag_text(s))
    else:
        _para(sd, "GWBody", "本期没有滞后或逾期事项。")
    _heading(sd, f"{numerals[1]}、报送情况")
    for line in submission_lines(report):
        _para(sd, "GWBody", line)
    _heading(sd, f"{numerals[2]}、下步要求")
    _para(sd, "GWBody", "各股室要对照序时进度抓好落实，滞后事项的牵头股室要查明原因、明确措施和时限，"
                        "在下期推进情况表中报告整改情况；分管领导要加强调度，确保各项任务按期完成。")
    _signature(sd, report)
    _attachments(sd, report, profile)
    return sd


def _signature(sd: Any, report: Report) -> None:
    n = report.notice
    p = None
    for k, (prefix, text) in enumerate(n.attachment_lines):
        if p is not None:
            oxml.keep_next(p)  # 附件说明 in one piece
        p = _para(sd, "GWBody" if prefix else "GWFlush", prefix + text)
        if k == 0:
            _spacing(p, before=LINE)
        else:
            oxml.set_indent(p._p.get_or_add_pPr(), left=5 * CHAR)
    oxml.keep_next(p)  # the signature never stands on a page without text (GB/T 9704 7.3.5.1)
    _notice_signature(sd, n)


def _attachment_page(sd: Any, k: int, title: str, profile: FontProfile) -> None:
    p = _para(sd, "GWFlush")
    p.paragraph_format.page_break_before = True
    run = p.add_run(f"附件{k}")
    oxml.set_run_fonts(run._r.get_or_add_rPr(), profile.face("heading1").docx_name)
    _spacing(_para(sd, "GWTitle", title), before=LINE, after=LINE)


def _attachments(sd: Any, report: Report, profile: FontProfile) -> None:
    label = report.period.label
    _attachment_page(sd, 1, f"{label}按序时推进事项清单", profile)
    rows = [_row(i, s) + [(s.lead.progress if s.lead else "")] for i, s in enumerate(report.on_track, 1)]
    if rows:
        _table(sd, ATTACH_COLS, rows, (1.2, 4, 2, 2, 2, 1.9, 1.9, 4.4), profile,
               [LIGHT_COLOURS[s.light] for s in report.on_track])
    else:
        _para(sd, "GWBody", "本期没有按序时推进的事项。")
    _attachment_page(sd, 2, f"{label}滞后事项清单", profile)
    lag = report.lagging
    rows = [_row(i, s) + [f"{s.judgement.behind:g}", (s.lead.problems if s.lead else "")]
            for i, s in enumerate(lag, 1)]
    if rows:
        _table(sd, LAG_COLS, rows, (1.2, 3.6, 2, 2, 2, 1.9, 1.9, 1.5, 3.6), profile,
               [LIGHT_COLOURS[s.light] for s in lag])
    else:
        _para(sd, "GWBody", "本期没有滞后事项。")


def _row(i: int, s: ItemStanding) -> list[str]:
    it = s.item
    return [str(i), it.title, s.office, "、".join(it.leaders), it.due or "全年",
            _pct(s.judgement.expected), _pct(s.judgement.percent)]


def render_report_docx(report: Report, profile: FontProfile) -> bytes:
    from docxtpl import DocxTemplate

    path = resolve_template("red-header", ".docx", plan_dir=report.view.source.parent)
    tpl = DocxTemplate(str(path))
    doc = tpl.get_docx()
    _apply_profile(doc, profile)
    layout = decide_layout(report.notice, "red-header")
    context = {"header": _header(tpl, report.notice, profile, layout), "notice": _body(tpl, report, profile),
               "plan": "", "view": report.view}
    tpl.render(context, autoescape=True)
    doc = tpl.docx
    return document_bytes(doc, title=report.notice.title, author=report.notice.signature,
                          subject=report.view.plan.title, keywords="督查通报")

