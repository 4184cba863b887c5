"""The rows of a returned form, cell by cell (plangen.progress.collect reads the file).

Rows are matched by the item id in the hidden column, never by position. The locked cells are
compared with what the form was made with: the current plan's rows for a form of the current
plan, the form's own cells (verified by its digest) for a form made from an earlier version of
the plan; `older_form_notes` then says, row by row, what the plan changed since.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from plangen.errors import Pos, Problems
from plangen.progress import forms
from plangen.progress.ledger import Entry
from plangen.progress.schedule import STATUSES, Period
from plangen.view import DocumentView

_PERCENT = re.compile(r"^(?:约|大约|约为|近|接近|已达|达|完成)?(\d{1,3}(?:\.\d+)?)[%％]?$")


@dataclass(frozen=True)
class Expected:
    """One row as the form was made: the item id and the locked cells (forms.LOCKED order)."""

    id: str
    cells: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.cells[1]

    @property
    def role(self) -> str:
        return self.cells[4]


class Where:
    def __init__(self, name: str, problems: Problems) -> None:
        self.name, self.problems = name, problems

    def add(self, cell: str | None, code: str, message: str, hint: str = "", *, warning: bool = False) -> None:
        where = f"{self.name}!{forms.SHEET}!{cell}" if cell else self.name
        self.problems.add(Pos(where), code, message, hint, warning=warning)


def text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def percent(cell: Any) -> tuple[float | None, bool]:
    """(value, ok): a number 0–100 from 50, 0.5 formatted as %, "50%", "约50%"."""
    v = cell.value
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, True
    if isinstance(v, bool):
        return None, False
    if isinstance(v, (int, float)):
        n = float(v) * (100 if "%" in str(cell.number_format or "") else 1)
    else:
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))
        m = _PERCENT.match(s)
        if not m:
            return None, False
        n = float(m.group(1))
    return (round(n, 1), True) if 0 <= n <= 100 else (None, False)


def quote(s: str, n: int = 24) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def sheet_rows(ws: Any) -> dict[int, tuple[Any, ...]]:
    out: dict[int, tuple[Any, ...]] = {}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=len(forms.COLUMNS)), 1):
        cells = tuple(row) + (None,) * (len(forms.COLUMNS) - len(row))
        if r <= forms.HEADER_ROWS or any(c is not None and text(c.value) for c in cells):
            out[r] = cells
    return out


def _value(cells: tuple[Any, ...], name: str) -> str:
    c = cells[forms.COL[name] - 1]
    return text(c.value if c is not None else None)


def current_rows(view: DocumentView, office: str, period: Period) -> dict[str, Expected]:
    return {r.id: Expected(r.id, r.cells) for r in forms.office_rows(view, office, period)}


def form_rows(rows: dict[int, tuple[Any, ...]]) -> dict[str, Expected]:
    """The rows as the form itself carries them (for a form made from an earlier plan)."""
    out: dict[str, Expected] = {}
    for r, cells in rows.items():
        ident = _value(cells, "编号")
        if r > forms.HEADER_ROWS and ident and ident not in out:
            out[ident] = Expected(ident, tuple(_value(cells, n) for n in forms.LOCKED))
    return out


def _letter(name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(forms.COL[name])


def _check_status(status: str | None, pct: float | None, where: str, w: Where) -> str | None:
    if status is not None and status not in STATUSES:
        w.add(where, "E632", f"状态“{quote(status)}”不在列表中", f"请从“{'、'.join(STATUSES)}”中选择")
        return None
    if status == "已完成" and pct is not None and pct < 100:
        w.add(where, "E633", f"状态为“已完成”，完成进度却是 {pct:g}%",
              "已完成的请把完成进度填为 100；尚未完成的请选“推进中”")
    elif status == "未开始" and pct:
        w.add(where, "E633", f"状态为“未开始”，完成进度却是 {pct:g}%", "已开展的请选“推进中”；未开始的进度填 0")
    elif status == "推进中" and pct == 100:
        w.add(where, "E633", "状态为“推进中”，完成进度却是 100%", "已完成的请选“已完成”；未完成的请填写实际进度")
    return status


def _check_row(r: int, cells: tuple[Any, ...], expected: Expected, period: Period, office: str,
               w: Where) -> Entry | None:
    before = len(w.problems.errors)
    for k, name in enumerate(forms.LOCKED):
        got = text(cells[k].value if cells[k] is not None else None)
        if got != expected.cells[k]:
            w.add(f"{_letter(name)}{r}", "E621", f"“{name}”是锁定内容，不能修改：应为“{quote(expected.cells[k])}”，现为“{quote(got)}”",
                  "请恢复原内容；需要说明的情况请写在“存在问题”栏")
    pct_cell = cells[forms.COL["完成进度（%）"] - 1]
    pct, ok = percent(pct_cell) if pct_cell is not None else (None, True)
    where_pct = f"{_letter('完成进度（%）')}{r}"
    if not ok:
        w.add(where_pct, "E631", f"完成进度“{quote(text(pct_cell.value))}”不是 0～100 之间的数字",
              "请填写数字，如 50 或 50%（“约50%”也可以），不要写“过半”等文字")
    status = _check_status(_value(cells, "状态") or None, pct, f"{_letter('状态')}{r}", w)
    progress = _value(cells, "本期进展情况")
    if status == "已完成" and not progress:
        w.add(f"{_letter('本期进展情况')}{r}", "E634", "状态为“已完成”，但没有填写本期进展情况",
              "请写明完成情况（做了什么、取得什么成效）")
    role = expected.role
    if role == "牵头" and status is None and pct is None and ok:
        w.add(where_pct, "E635", "牵头任务没有填写完成进度和状态",
              "请填写本期的完成进度和状态；确未开展的请选“未开始”，进度填 0")
    if len(w.problems.errors) > before:
        return None
    if status == "未开始" and pct is None:
        pct = 0.0
    if status == "已完成" and pct is None:
        pct = 100.0
    texts = {"problems": _value(cells, "存在问题"), "next": _value(cells, "下步打算")}
    if role == "配合" and status is None and pct is None and not progress and not any(texts.values()):
        return None  # an assisting office with nothing to say this period
    return Entry(period=period.key, item=expected.id, office=office, role=role,  # type: ignore[arg-type]
                 percent=pct, status=status, progress=progress, **texts)  # type: ignore[arg-type]


def check_rows(rows: dict[int, tuple[Any, ...]], expected: dict[str, Expected], office: str, period: Period,
               w: Where) -> tuple[list[Entry], dict[str, int]]:
    """The entries of the form's rows, and the sheet row of each item id."""
    head = rows.get(forms.HEADER_ROWS, ())
    for k, name in enumerate(forms.COLUMNS[:-1]):
        got = text(head[k].value) if k < len(head) and head[k] is not None else ""
        if got != name:
            from openpyxl.utils import get_column_letter

            w.add(f"{get_column_letter(k + 1)}{forms.HEADER_ROWS}", "E622", f"表头“{name}”被改成了“{quote(got)}”",
                  "请不要改动、插入或删除列，用原表格填报")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for r, cells in rows.items():
        if r <= forms.HEADER_ROWS:
            continue
        ident, title = _value(cells, "编号"), _value(cells, "工作任务")
        if ident not in expected or ident in seen:
            what = f"与第 {seen[ident]} 行重复" if ident in seen else "原表格中没有这一行"
            w.add(f"A{r}", "E623", f"第 {r} 行“{quote(title)}”是新增的行（{what}）",
                  "请删除这一行：推进情况表只能填写原有的行，不能增加或复制行")
            continue
        seen[ident] = r
        entry = _check_row(r, cells, expected[ident], period, office, w)
        if entry is not None:
            entries.append(entry)
    for ident, row in expected.items():
        if ident not in seen:
            w.add(None, "E624", f"第{row.cells[0]}项“{quote(row.title)}”所在的行被删除了",
                  "请用原表格重新填报，不要删除行；不涉及本股室的任务也请保留该行")
    return entries, seen


def _role_now(view: DocumentView, item_id: str, office: str) -> tuple[str, str]:
    """(this office's role in the current plan: 牵头 | 配合 | "", the current lead office)."""
    item = next(i for i in view.plan.items if i.id == item_id)
    role = "牵头" if item.lead_office == office else "配合" if office in item.assist_offices else ""
    return role, item.lead_office or "未写明"


def older_form_notes(view: DocumentView, expected: dict[str, Expected], seen: dict[str, int], office: str,
                     w: Where) -> None:
    """Warnings for a form made from an earlier version of the plan: rows whose item is no longer
    in the plan (kept in the ledger, not counted), rows whose office's role changed."""
    ids = {i.id for i in view.plan.items if i.id}
    plan = view.source.name
    for ident, row in expected.items():
        r = seen.get(ident)
        if r is None:
            continue
        if ident not in ids:
            w.add(f"A{r}", "W616", f"第 {r} 行“{quote(row.title)}”（任务编号 {ident}）在现在的计划中没有（已删除，或改了编号）："
                  "这一行已记入台账，但不计入督查通报",
                  f"如是改了编号，请在 {plan} 中把该项的 id 改回“{ident}”，再运行 plangen progress report；"
                  "如确已删除，不必处理", warning=True)
            continue
        now, lead = _role_now(view, ident, office)
        if now != row.role:
            became = f"现在为{now}" if now else f"现在已不由{office}承担（牵头股室：{lead}）"
            w.add(f"E{r}", "W617", f"第 {r} 行“{quote(row.title)}”：表中{office}为{row.role}，{became}",
                  f"本期按表中的“{row.role}”记入台账；下期请用新生成的表格", warning=True)
