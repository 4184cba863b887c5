"""Sheets as XLSX (openpyxl): frozen header, print titles, landscape A4 fit to width, wrapped
text, widths for Chinese text, the profile's body font, a validation list on 进展情况, and on
the overall sheet a responsibility matrix with a native bar chart of each office's workload.

Every cell written from user text is an inline string cell (never a formula, whatever it starts
with); text starting with = + - @ (or a tab or carriage return) also gets Excel's quotePrefix, so
Excel, WPS and LibreOffice keep showing it as text even after the cell is edited. Numbers are
numbers: 序号 when the plan numbers continuously (12), the matrix totals and the workload counts;
a per-section 序号 (三、1) is text, as printed."""

from __future__ import annotations


from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plangen.outio import workbook_bytes
from plangen.sheets import PROGRESS, Sheet

WIDTHS = {"num": 6, "title": 22, "content": 60, "leaders": 12, "lead": 12, "assist": 16, "kind": 8,
          "due": 12, "progress": 10, "remark": 12}
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILLS = {"牵头": PatternFill("solid", fgColor="F4B183"), "责任": PatternFill("solid", fgColor="F8CBAD"),
         "配合": PatternFill("solid", fgColor="DEEBF7")}
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(vertical="top", wrap_text=True, horizontal="left")
TOP_CENTER = Alignment(vertical="top", wrap_text=True, horizontal="center")


def put(ws, row: int, col: int, value: object):  # type: ignore[no-untyped-def]
    """Write one cell: text always as a string cell (never a formula), ints as numbers."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl makes "=…" a formula otherwise
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _number(ref: str) -> int | str:
    return int(ref) if ref.isascii() and ref.isdigit() else ref


def _setup(ws, title_rows: str, landscape: bool = True, pages_wide: int = 1) -> None:  # type: ignore[no-untyped-def]
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _heading(ws, sheet: Sheet, fonts: dict[str, Font]) -> None:  # type: ignore[no-untyped-def]
    ncol = len(sheet.columns)
    put(ws, 1, 1, sheet.title).font = fonts["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    put(ws, 2, 1, sheet.subtitle or sheet.note).font = fonts["body11"]
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    for c, (key, head) in enumerate(zip(sheet.keys, sheet.columns, strict=True), 1):
        cell = put(ws, 3, c, head)
        cell.font, cell.alignment, cell.fill, cell.border = fonts["head"], CENTER, HEAD_FILL, BORDER
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(key, 12)


def _body(ws, sheet: Sheet, fonts: dict[str, Font]) -> int:  # type: ignore[no-untyped-def]
    """The rows from row 4 on; returns the last row written."""
    ncol = len(sheet.columns)
    chars = [max(1, int(WIDTHS.get(k, 12) / 1.7)) for k in sheet.keys]
    centred = [k in ("num", "kind") for k in sheet.keys]
    r, group = 3, None
    for row in sheet.rows:
        if row.group and row.group != group:
            group = row.group
            r += 1
            put(ws, r, 1, row.group).font = fonts["head"]
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        r += 1
        lines = max(len(v) // n + 1 + v.count("\n") for n, v in zip(chars, row.cells, strict=True))
        ws.row_dimensions[r].height = min(409, 15 * lines)
        for c, v in enumerate(row.cells, 1):
            cell = put(ws, r, c, _number(v) if sheet.keys[c - 1] == "num" else v)
            cell.font, cell.border = fonts["body"], BORDER
            cell.alignment = TOP_CENTER if centred[c - 1] else TOP_LEFT
    return r


def render_xlsx(sheet: Sheet, profile) -> bytes:  # type: ignore[no-untyped-def]
    body_name = profile.face("body").docx_name
    head_name = profile.face("heading1").docx_name
    fonts = {"title": Font(name=profile.face("title").docx_name, size=18, bold=True),
             "body11": Font(name=body_name, size=11), "body": Font(name=body_name, size=10.5),
             "head": Font(name=head_name, size=11, bold=True), "head105": Font(name=head_name, size=10.5, bold=True)}
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单" if sheet.spec.kind != "overall" else "任务分解表"
    _heading(ws, sheet, fonts)
    last = _body(ws, sheet, fonts)
    ws.freeze_panes = "A4"
    _setup(ws, "1:3")
    progress_col = get_column_letter(sheet.keys.index("progress") + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(PROGRESS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="进展情况", error="请从列表中选择：" + "、".join(PROGRESS))
    dv.add(f"{progress_col}4:{progress_col}{max(last, 4) + 200}")
    ws.add_data_validation(dv)
    if sheet.note and sheet.subtitle:
        put(ws, last + 2, 1, sheet.note)
    if sheet.matrix is not None:
        _matrix(wb, sheet, fonts)
        _workload(wb, sheet, fonts)
    return workbook_bytes(wb, sheet.title)


def _matrix(wb, sheet: Sheet, fonts: dict[str, Font]) -> None:  # type: ignore[no-untyped-def]
    """One sheet, items × offices: only marked cells carry a style (the grid prints as grid
    lines), so its cost follows the marks, not items × offices."""
    m = sheet.matrix
    assert m is not None
    ws = wb.create_sheet("责任矩阵")
    for c, head in enumerate(("序号", "工作任务", *m.offices), 1):
        cell = put(ws, 1, c, head)
        cell.font, cell.alignment, cell.border, cell.fill = fonts["head105"], CENTER, BORDER, HEAD_FILL
    for r, ((ref, title), marks) in enumerate(zip(m.items, m.marks, strict=True), 2):
        put(ws, r, 1, _number(ref)).alignment = CENTER
        put(ws, r, 2, title).alignment = TOP_LEFT
        for c, mark in enumerate(marks, 3):
            if mark:
                cell = put(ws, r, c, mark)
                cell.alignment, cell.fill = CENTER, FILLS[mark]
    for r, (label, counts) in enumerate(m.totals, len(m.items) + 2):
        put(ws, r, 2, label).font = fonts["head105"]
        for c, n in enumerate(counts, 3):
            put(ws, r, c, n).alignment = CENTER
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 24
    for c in range(3, len(m.offices) + 3):
        ws.column_dimensions[get_column_letter(c)].width = 6
    ws.row_dimensions[1].height = 60
    ws.freeze_panes = "C2"
    ws.print_options.gridLines = True
    _setup(ws, "1:1", pages_wide=len(m.groups()))
    ws.print_title_cols = "A:B"


def _workload(wb, sheet: Sheet, fonts: dict[str, Font]) -> None:  # type: ignore[no-untyped-def]
    """Each office's count per role, and a native clustered bar chart of them."""
    wl = wb.create_sheet("工作量")
    for c, head in enumerate((sheet.word, *sheet.roles), 1):
        put(wl, 1, c, head).font = fonts["body"]
    for r, (name, counts) in enumerate(sheet.workload, 2):
        put(wl, r, 1, name).font = fonts["body"]
        for c, n in enumerate(counts, 2):
            put(wl, r, c, n).font = fonts["body"]
    wl.column_dimensions["A"].width = 16
    chart = BarChart()
    chart.type = "bar"  # horizontal bars, clustered: one bar per role, side by side, per office
    chart.grouping = "clustered"
    chart.title = f"各{sheet.word}{'、'.join(sheet.roles)}任务数"
    chart.y_axis.title = "任务数"
    n = len(sheet.workload)
    data = Reference(wl, min_col=2, max_col=1 + len(sheet.roles), min_row=1, max_row=n + 1)
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
