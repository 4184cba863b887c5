"""Sheets as XLSX (openpyxl): frozen header, print titles, landscape A4 fit to width, wrapped
text, widths for Chinese text, the profile's body font, a validation list on 进展情况, and on
the overall sheet a responsibility matrix with a native bar chart of each office's workload."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plangen.outio import normalize_zip
from plangen.sheets import PROGRESS, Sheet

WIDTHS = {"序号": 6, "工作任务": 22, "具体内容": 60, "责任领导": 12, "牵头股室": 12, "配合股室": 16,
          "责任类型": 8, "完成时限": 12, "进展情况": 10, "备注": 12}
FIXED = dt.datetime(2000, 1, 1)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _setup(ws, title_rows: str, landscape: bool = True) -> None:  # type: ignore[no-untyped-def]
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def render_xlsx(sheet: Sheet, profile) -> bytes:  # type: ignore[no-untyped-def]
    font_name = profile.face("body").docx_name
    head_name = profile.face("heading1").docx_name
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单" if sheet.spec.kind != "overall" else "任务分解表"
    ncol = len(sheet.columns)
    ws.append([sheet.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(name=profile.face("title").docx_name, size=18, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    ws.append([sheet.subtitle or sheet.note])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws["A2"].font = Font(name=font_name, size=11)
    ws["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.append(list(sheet.columns))
    for c in range(1, ncol + 1):
        cell = ws.cell(row=3, column=c)
        cell.font = Font(name=head_name, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(sheet.columns[c - 1], 12)
    group = None
    for row in sheet.rows:
        if row.group and row.group != group:
            group = row.group
            ws.append([row.group])
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
            ws.cell(row=r, column=1).font = Font(name=head_name, size=11, bold=True)
        ws.append(list(row.cells))
        r = ws.max_row
        lines = max(1, max(len(v) // max(1, int(WIDTHS.get(h, 12) / 1.7)) + 1 + v.count("\n")
                           for h, v in zip(sheet.columns, row.cells)))
        ws.row_dimensions[r].height = min(409, 15 * lines)
        for c in range(1, ncol + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = Font(name=font_name, size=10.5)
            cell.alignment = Alignment(vertical="top", wrap_text=True,
                                       horizontal="center" if sheet.columns[c - 1] in ("序号", "责任类型") else "left")
            cell.border = BORDER
    ws.freeze_panes = "A4"
    _setup(ws, "1:3")
    progress_col = get_column_letter(sheet.columns.index("进展情况") + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(PROGRESS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="进展情况", error="请从列表中选择：" + "、".join(PROGRESS))
    dv.add(f"{progress_col}4:{progress_col}{max(ws.max_row, 4) + 200}")
    ws.add_data_validation(dv)
    if sheet.note and sheet.subtitle:
        ws.append([])
        ws.append([sheet.note])
    if sheet.matrix:
        _matrix(wb, sheet, font_name, head_name)
    wb.properties.creator = "plangen"
    wb.properties.title = sheet.title
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


def _matrix(wb, sheet: Sheet, font_name: str, head_name: str) -> None:  # type: ignore[no-untyped-def]
    ws = wb.create_sheet("责任矩阵")
    for r, row in enumerate(sheet.matrix, 1):
        ws.append(list(row))
        for c in range(1, len(row) + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = BORDER
            cell.font = Font(name=head_name if r == 1 else font_name, size=10.5, bold=r == 1)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if row[c - 1] == "牵头":
                cell.fill = PatternFill("solid", fgColor="F4B183")
            elif row[c - 1] == "配合":
                cell.fill = PatternFill("solid", fgColor="DEEBF7")
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 24
    for c in range(3, len(sheet.matrix[0]) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 6
    ws.row_dimensions[1].height = 60
    ws.freeze_panes = "C2"
    _setup(ws, "1:1")
    ws.print_title_cols = "A:B"
    # workload per office: a native bar chart over a small table
    wl = wb.create_sheet("工作量")
    wl.append(["股室", "牵头", "配合"])
    for name, lead, assist in sheet.workload:
        wl.append([name, lead, assist])
    wl.column_dimensions["A"].width = 16
    for row in wl.iter_rows():
        for cell in row:
            cell.font = Font(name=font_name, size=10.5)
    chart = BarChart()
    chart.type = "bar"  # horizontal bars, one pair (牵头, 配合) per office
    chart.title = "各股室牵头、配合任务数"
    chart.y_axis.title = "任务数"
    n = len(sheet.workload)
    data = Reference(wl, min_col=2, max_col=3, min_row=1, max_row=n + 1)
    cats = Reference(wl, min_col=1, min_row=2, max_row=n + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height = max(8, 0.6 * n + 3)
    chart.width = 18
    wl.add_chart(chart, "E2")
    _setup(wl, "1:1", landscape=False)


def render_xlsx_batch(view, sheets, profile) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The sheet renderers' common signature (plangen.formats): one workbook per sheet."""
    return [render_xlsx(sh, profile) for sh in sheets]
