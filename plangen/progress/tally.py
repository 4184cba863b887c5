"""台账.xlsx: every item × every period with returns (newest first), each status cell filled with
its light's colour; filters and print titles; a per-leader summary; completion by office with a
native bar chart. Written with openpyxl; every text cell is a string cell (never a formula)."""

from __future__ import annotations

from typing import Any

from plangen.outio import workbook_bytes
from plangen.progress import cells
from plangen.progress.forms import number
from plangen.progress.ledger import Ledger
from plangen.progress.report import Report, build_report
from plangen.progress.schedule import LIGHT_COLOURS, LIGHT_WORDS, Period, parse_period
from plangen.view import DocumentView

ITEM_COLS = ("序号", "工作任务", "牵头股室", "配合股室", "责任领导", "完成时限")
ITEM_WIDTHS = (6, 30, 12, 14, 12, 11)
PERIOD_COLS = ("序时进度", "完成进度", "状态", "配合股室报送")
PERIOD_WIDTHS = (9, 9, 14, 24)


UNLISTED = "本期未列入"  # not on the lead office's form of that period (plangen.progress.returns)


def status_text(light: str, standing: str, late: bool = False) -> str:
    if light in ("yellow", "red"):
        text = f"{standing}（{LIGHT_WORDS[light]}）"
    elif light == "blue":
        text = f"{standing}（临近时限）"
    else:
        text = standing
    return text + ("（逾期报送）" if late else "")


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {"border": Border(left=thin, right=thin, top=thin, bottom=thin),
            "head_fill": PatternFill("solid", fgColor="D9D9D9"),
            "wrap": Alignment(vertical="top", wrap_text=True),
            "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "Font": Font, "PatternFill": PatternFill}


def _ledger_sheet(ws: Any, view: DocumentView, reports: list[Report], fonts: tuple[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    Font = st["Font"]
    body, head = fonts
    ncol = len(ITEM_COLS) + len(PERIOD_COLS) * len(reports)
    cells.text(ws, 1, 1, f"{view.plan.title}督查台账")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(name=head, size=16, bold=True)
    ws["A1"].alignment = st["centre"]
    cells.text(ws, 2, 1, "状态按牵头股室报送的完成进度对照序时进度计算：绿色按序时推进，蓝色临近时限，"
                         "黄色滞后，红色严重滞后或逾期，深绿已完成，灰色未报送。最新一期在前。")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    for c, (name, w) in enumerate(zip(ITEM_COLS, ITEM_WIDTHS, strict=True), 1):
        cells.text(ws, 3, c, name)
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        ws.column_dimensions[get_column_letter(c)].width = w
    for k, rep in enumerate(reports):
        c0 = len(ITEM_COLS) + 1 + k * len(PERIOD_COLS)
        cells.text(ws, 3, c0, rep.period.label)
        ws.merge_cells(start_row=3, start_column=c0, end_row=3, end_column=c0 + len(PERIOD_COLS) - 1)
        for j, (name, w) in enumerate(zip(PERIOD_COLS, PERIOD_WIDTHS, strict=True)):
            cells.text(ws, 4, c0 + j, name)
            ws.column_dimensions[get_column_letter(c0 + j)].width = w
    for r in (3, 4):
        for c in range(1, ncol + 1):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.border, cell.alignment = Font(name=head, bold=True), st["head_fill"], st["border"], st["centre"]
    by_id = {rep.period.key: {s.item.id: s for s in rep.standings} for rep in reports}
    for i, item in enumerate(view.plan.items):
        r = 5 + i
        values: list[Any] = [number(item), item.title, item.lead_office or "", "、".join(item.assist_offices),
                             "、".join(item.leaders), item.due or "全年"]
        for rep in reports:
            s = by_id[rep.period.key].get(item.id)
            if s is None:
                values += [None, None, UNLISTED, ""]
                continue
            j = s.judgement
            assists = "；".join(f"{e.office}：{'' if e.percent is None else f'{e.percent:g}%'}{e.status or ''}"
                               for e in s.assists)
            values += [j.expected / 100, None if j.percent is None else j.percent / 100,
                       status_text(s.light, s.standing, s.late), assists]
        for c, v in enumerate(values, 1):
            cell = cells.text(ws, r, c, v)
            cell.font, cell.border, cell.alignment = Font(name=body, size=10.5), st["border"], st["wrap"]
            k, j = divmod(c - len(ITEM_COLS) - 1, len(PERIOD_COLS))
            if c > len(ITEM_COLS) and j in (0, 1):
                cell.number_format = "0.0%"
            s = by_id[reports[k].period.key].get(item.id) if c > len(ITEM_COLS) else None
            if s is not None and j == 2:
                cell.fill = st["PatternFill"]("solid", fgColor=LIGHT_COLOURS[s.light])
    last = 4 + len(view.plan.items)
    ws.auto_filter.ref = f"A4:{get_column_letter(ncol)}{max(last, 5)}"
    ws.freeze_panes = "C5"
    _print(ws, "3:4")


def _print(ws: Any, titles: str, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = titles
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _summary(ws: Any, title: str, head: tuple[str, ...], rows: list[tuple[Any, ...]], fonts: tuple[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    cells.text(ws, 1, 1, title)
    ws["A1"].font = st["Font"](name=fonts[1], size=14, bold=True)
    for c, name in enumerate(head, 1):
        cell = cells.text(ws, 2, c, name)
        cell.font, cell.fill, cell.border, cell.alignment = st["Font"](name=fonts[1], bold=True), st["head_fill"], st["border"], st["centre"]
        ws.column_dimensions[get_column_letter(c)].width = 16 if c <= 2 else 10
    for r, row in enumerate(rows, 3):
        for c, v in enumerate(row, 1):
            cell = cells.text(ws, r, c, v)
            cell.font, cell.border = st["Font"](name=fonts[0], size=10.5), st["border"]
            if head[c - 1] == "完成率":
                cell.number_format = "0.0%"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(head))}{2 + max(1, len(rows))}"
    ws.freeze_panes = "A3"
    _print(ws, "2:2", landscape=False)


def _submitted(rep: Report, office: str) -> str:
    """按时报送 | 逾期报送（6月28日） | 未报送, as the 督查通报's 报送情况 says."""
    late = dict(rep.late_offices).get(office)
    return f"逾期报送（{late.month}月{late.day}日）" if late else rep.submitted.get(office, "")


def _rate(done: int, total: int) -> float | None:
    return round(done / total, 4) if total else None


def _office_chart(ws: Any, n: int) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "各股室牵头任务推进情况"
    chart.y_axis.title = "任务数"
    data = Reference(ws, min_col=3, max_col=6, min_row=2, max_row=n + 2)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=n + 2))
    for series, colour in zip(chart.series, ("A9D08E", "C6EFCE", "FF9999", "BFBFBF"), strict=True):
        series.graphicalProperties.solidFill = colour
    chart.height = max(8, 0.6 * n + 3)
    chart.width = 18
    ws.add_chart(chart, "J2")


def render_tally(view: DocumentView, ledger: Ledger, period: Period, profile: Any = None) -> bytes:
    """台账 up to and including `period`, newest period first."""
    from openpyxl import Workbook

    fonts = (profile.face("body").docx_name, profile.face("heading1").docx_name) if profile else ("仿宋_GB2312", "黑体")
    keys = [k for k in ledger.periods() if parse_period(k).sort_key() <= period.sort_key()]
    reports = [build_report(view, ledger, parse_period(k)) for k in keys]
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    _ledger_sheet(ws, view, reports, fonts)
    rep = next(r for r in reports if r.period.key == period.key)
    head = ("责任领导", "职务", "任务数", "已完成", "按序时", "滞后", "未报送", "完成率")
    _summary(wb.create_sheet("领导汇总"), f"各分管领导负责事项推进情况（{period.label}）", head,
             [(t.name, t.post, t.total, t.done, t.on_track, t.lagging, t.missing, _rate(t.done, t.total))
              for t in rep.leaders], fonts)
    head = ("股室", "牵头任务数", "已完成", "按序时", "滞后", "未报送", "完成率", "配合任务数", "报送情况")
    offices = [t for t in rep.offices if t.total]
    ws = wb.create_sheet("股室完成情况")
    _summary(ws, f"各股室牵头任务推进情况（{period.label}）", head,
             [(t.name, t.total, t.done, t.on_track, t.lagging, t.missing, _rate(t.done, t.total), t.assist,
               _submitted(rep, t.name)) for t in offices], fonts)
    if offices:
        _office_chart(ws, len(offices))
    return workbook_bytes(wb, f"{view.plan.title}督查台账")
