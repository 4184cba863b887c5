"""`plangen progress forms PLAN --period P`: one XLSX 推进情况表 per office.

Each form lists the items the office leads, then those it assists. 序号, 工作任务, 完成时限,
本期序时目标 and 牵头/配合 are locked; 本期进展情况, 完成进度（%）, 状态 (a list), 存在问题 and
下步打算 are the cells the office fills. The sheet and the workbook structure are protected.

The form carries its identity so that a return can be checked: each row's item id in a hidden
column (so re-sorted rows still match), and a hidden sheet `_plangen` with the plan, period,
office, the ids and a digest of the locked content. Hidden columns and sheets survive a save in
Excel, WPS and LibreOffice (tests save through LibreOffice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from plangen.errors import PlangenError
from plangen.outio import safe_filename, workbook_bytes
from plangen.progress import cells
from plangen.progress.schedule import STATUSES, Period, period_target
from plangen.view import DocumentView, ItemView, gongwen_date

FORM_FORMAT = "plangen-progress-form/1"
SHEET = "进展填报"
ID_SHEET = "_plangen"
HEADER_ROWS = 3  # title, office line, column heads; data from row 4
COLUMNS = ("序号", "工作任务", "完成时限", "本期序时目标", "牵头/配合", "本期进展情况", "完成进度（%）",
           "状态", "存在问题", "下步打算", "编号")
LOCKED = COLUMNS[:5]
FILLED = COLUMNS[5:10]
WIDTHS = (6, 28, 12, 18, 8, 40, 10, 9, 24, 24, 12)
COL = {name: i + 1 for i, name in enumerate(COLUMNS)}
PROTECT_PASSWORD = "plangen"  # documented in docs/progress.md: protection guards against slips, not people


@dataclass(frozen=True)
class FormRow:
    item: ItemView
    cells: tuple[str, ...]  # the locked cells, in LOCKED order

    @property
    def id(self) -> str:
        return self.item.id or ""


def number(item: ItemView) -> str:
    return str(item.number) if item.number == item.index else f"{item.section_label}{item.number}"


def require_ids(view: DocumentView) -> None:
    missing = [i for i in view.plan.items if not i.id]
    if missing:
        names = "、".join(f"第{number(i)}项“{i.title}”" for i in missing[:5])
        more = f"等 {len(missing)} 项" if len(missing) > 5 else ""
        raise PlangenError(
            f"{view.source.name}：{names}{more}没有编号（id），推进情况表按编号对应工作任务。"
            f"请先运行 plangen ids {view.source} 为每项加上稳定编号（保留注释），再生成表格。")


def office_rows(view: DocumentView, office: str, period: Period) -> tuple[FormRow, ...]:
    sheet = next((o for o in view.plan.offices if o.name == office), None)
    if sheet is None:
        return ()
    return tuple(FormRow(item, (number(item), item.title, item.due or "全年",
                                period_target(view, item, period), role))
                 for item, role in sheet.rows)


def digest(view: DocumentView, office: str, period: Period) -> str:
    """A digest of what the office's form locks: plan, period, office and each row's cells."""
    return digest_rows(view.name, period.key, office, [[r.id, *r.cells] for r in office_rows(view, office, period)])


def digest_rows(plan: str, period: str, office: str, rows: list[list[str]]) -> str:
    """The digest of a form's locked content: from the plan when the form is made, from the
    form's own cells when a form made from an earlier version of the plan comes back."""
    blob = json.dumps([plan, period, office, sorted(rows)], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def form_name(office: str, period: Period, taken: set[str] | None = None) -> str:
    return safe_filename(f"{office}-{period.key}", taken) + ".xlsx"


def render_form(view: DocumentView, office: str, period: Period, profile: Any = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    body = profile.face("body").docx_name if profile else "仿宋_GB2312"
    head = profile.face("heading1").docx_name if profile else "黑体"
    rows = office_rows(view, office, period)
    due = period.due(view.progress)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    n = len(COLUMNS) - 1  # visible columns
    cells.text(ws, 1, 1, f"{office}{period.label}工作推进情况表")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws["A1"].font = Font(name=profile.face("title").docx_name if profile else "方正小标宋简体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    cells.text(ws, 2, 1, f"计划：{view.plan.title}　　填报股室：{office}　　报送截止：{gongwen_date(due)}"
                         f"　　状态从“{'、'.join(STATUSES)}”中选择，完成进度填 0～100 的数字")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws["A2"].font = Font(name=body, size=10.5)
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[2].height = 30
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, name in enumerate(COLUMNS, 1):
        cell = cells.text(ws, HEADER_ROWS, c, name)
        cell.font = Font(name=head, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = border
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[c - 1]
    ws.row_dimensions[HEADER_ROWS].height = 30  # 完成进度（%） takes two lines
    _data_rows(ws, rows, body, border)
    last = HEADER_ROWS + len(rows)
    ws.column_dimensions[get_column_letter(COL["编号"])].hidden = True
    status_col = get_column_letter(COL["状态"])
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="状态", error="请从列表中选择：" + "、".join(STATUSES))
    dv.add(f"{status_col}{HEADER_ROWS + 1}:{status_col}{max(last, HEADER_ROWS + 1)}")
    ws.add_data_validation(dv)
    ws.freeze_panes = f"A{HEADER_ROWS + 1}"
    _print_setup(ws, office, due)
    ws.protection.sheet = True
    ws.protection.password = PROTECT_PASSWORD
    ws.protection.formatRows = False  # rows may be made taller for long text
    _identity(wb, view, office, period, rows)
    wb.security.lockStructure = True
    wb.security.workbookPassword = PROTECT_PASSWORD
    return workbook_bytes(wb, f"{office}{period.label}工作推进情况表")


def _data_rows(ws: Any, rows: tuple[FormRow, ...], font: str, border: Any) -> None:
    """The rows: locked cells as they are, fill-in cells unlocked and tinted, the id hidden."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    fill_in = PatternFill("solid", fgColor="FFF2CC")
    for r, row in enumerate(rows, HEADER_ROWS + 1):
        for c, value in enumerate((*row.cells, "", "", "", "", "", row.id), 1):
            cell = cells.text(ws, r, c, value)
            cell.font = Font(name=font, size=10.5)
            cell.alignment = Alignment(vertical="top", wrap_text=True,
                                       horizontal="center" if c in (1, 5, 7, 8) else "left")
            cell.border = border
            if COLUMNS[c - 1] in FILLED:
                cell.protection = Protection(locked=False)
                cell.fill = fill_in
        ws.row_dimensions[r].height = max(30, min(409, 15 * (len(row.item.title) // 16 + 1)))


def _print_setup(ws: Any, office: str, due: dt.date) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{HEADER_ROWS}"
    ws.print_area = f"A1:J{ws.max_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.left.text = f"填报股室：{office}"
    ws.oddHeader.right.text = f"报送截止：{gongwen_date(due)}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _identity(wb: Any, view: DocumentView, office: str, period: Period, rows: tuple[FormRow, ...]) -> None:
    ids = wb.create_sheet(ID_SHEET)
    values = [("format", FORM_FORMAT), ("plan", view.name), ("period", period.key), ("office", office),
              ("digest", digest(view, office, period)), ("rows", str(len(rows)))]
    for r, (k, v) in enumerate(values, 1):
        cells.text(ids, r, 1, k)
        cells.text(ids, r, 2, v)
    for r, row in enumerate(rows, len(values) + 1):
        cells.text(ids, r, 1, "item")
        cells.text(ids, r, 2, row.id)
    ids.sheet_state = "hidden"
    ids.protection.sheet = True
    ids.protection.password = PROTECT_PASSWORD


def offices_with_rows(view: DocumentView) -> list[str]:
    return [o.name for o in view.plan.offices if o.rows]


def render_forms(view: DocumentView, period: Period, profile: Any = None) -> dict[str, bytes]:
    """{file name: bytes} for every office of the plan."""
    require_ids(view)
    offices = offices_with_rows(view)
    if not offices:
        raise PlangenError(f"{view.source.name}：工作任务都没有写明责任股室，无法按股室生成推进情况表。"
                           "请在各项的 offices 中写上牵头股室。")
    taken: set[str] = set()
    return {form_name(o, period, taken): render_form(view, o, period, profile) for o in offices}
