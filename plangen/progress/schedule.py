"""序时进度 and lights: pure functions of the view, a period and the returns.

- A period is `2024-06` (monthly) or `2024-Q2` (quarterly); it is judged at its last day.
- Expected progress (序时进度) on a day runs linearly from the plan's start (the notice date,
  else January 1) to the item's due date, through its dated milestones where there are any;
  an item with no dated due (全年, 长期, 每学期, none) runs to December 31 of the plan year.
- Standing is computed from the lead office's percentage, never self-reported:
  已完成; 按序时推进 (green, or blue when the deadline is near); 滞后 (yellow: behind by
  `yellow`…`red` points, red: more than `red` points, or overdue); 未报送 (no return).
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Literal

from plangen.errors import PlangenError
from plangen.model import ProgressSettings
from plangen.view import DocumentView, ItemView

Standing = Literal["已完成", "按序时推进", "滞后", "未报送"]
Light = Literal["done", "green", "blue", "yellow", "red", "missing"]
STANDINGS: tuple[Standing, ...] = ("已完成", "按序时推进", "滞后", "未报送")
STATUSES = ("未开始", "推进中", "已完成")
LIGHT_WORDS = {"done": "已完成", "green": "绿灯", "blue": "蓝灯（临近时限）", "yellow": "黄灯",
               "red": "红灯", "missing": "未报送"}
# fills of the 台账 and the report (RGB hex)
LIGHT_COLOURS = {"done": "A9D08E", "green": "C6EFCE", "blue": "BDD7EE", "yellow": "FFEB9C",
                 "red": "FFC7CE", "missing": "D9D9D9"}

_MONTHLY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTERLY = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    key: str  # 2024-06 or 2024-Q2
    year: int
    first_month: int
    last_month: int

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.year}年{self.last_month}月"
        return f"{self.year}年第{'一二三四'[self.last_month // 3 - 1]}季度"

    def due(self, settings: ProgressSettings) -> dt.date:
        """The day forms are due: settings.due_day of the period's last month (clamped)."""
        last = calendar.monthrange(self.year, self.last_month)[1]
        return dt.date(self.year, self.last_month, min(settings.due_day, last))

    def sort_key(self) -> tuple[int, int]:
        return (self.year, self.last_month)


def parse_period(text: str, settings: ProgressSettings | None = None) -> Period:
    """`2024-06` or `2024-Q2` → Period; PlangenError in Chinese for anything else or for the
    wrong cycle."""
    text = str(text).strip()
    cycle = settings.cycle if settings else None
    m = _MONTHLY.match(text)
    if m and cycle != "quarterly":
        month = int(m.group(2))
        return Period(text, int(m.group(1)), month, month)
    q = _QUARTERLY.match(text)
    if q and cycle != "monthly":
        n = int(q.group(2))
        return Period(text, int(q.group(1)), 3 * n - 2, 3 * n)
    want = {"monthly": "按月报送，期次写作 2024-06", "quarterly": "按季报送，期次写作 2024-Q2"}
    hint = want[cycle] if cycle else "按月写作 2024-06，按季写作 2024-Q2"
    raise PlangenError(f"期次“{text}”写法不对（{hint}；报送周期在名册的 progress.cycle 中设置）")


def plan_start(view: DocumentView) -> dt.date:
    if view.notice and view.notice.date_value and view.notice.date_value.year == view.plan.year:
        return view.notice.date_value
    return dt.date(view.plan.year, 1, 1)


def item_end(view: DocumentView, item: ItemView) -> dt.date:
    return item.due_date or dt.date(view.plan.year, 12, 31)


def _points(view: DocumentView, item: ItemView) -> list[tuple[dt.date, float | None]]:
    start, end = plan_start(view), item_end(view, item)
    start = min(start, end)
    pts: list[tuple[dt.date, float | None]] = [(start, 0.0)]
    for m in sorted((m for m in item.milestones if m.due_date), key=lambda m: m.due_date):  # type: ignore[arg-type,return-value]
        assert m.due_date is not None
        if start < m.due_date < end:
            pts.append((m.due_date, m.percent))
    pts.append((end, 100.0))
    return pts


def _interp(a: tuple[dt.date, float], b: tuple[dt.date, float], day: dt.date) -> float:
    span = (b[0] - a[0]).days
    if span <= 0:
        return b[1]
    return a[1] + (b[1] - a[1]) * (day - a[0]).days / span


def expected(view: DocumentView, item: ItemView, day: dt.date) -> float:
    """序时进度 (0–100) of `item` on `day`."""
    pts = _points(view, item)
    # milestones without a percentage sit on the straight line between their neighbours
    known = [(d, p) for d, p in pts if p is not None]
    filled: list[tuple[dt.date, float]] = []
    for d, p in pts:
        if p is None:
            before = max((k for k in known if k[0] <= d), key=lambda k: k[0])
            after = min((k for k in known if k[0] >= d), key=lambda k: k[0])
            p = _interp(before, after, d)
        filled.append((d, max(filled[-1][1], p) if filled else p))
    if day <= filled[0][0]:
        return 0.0
    for a, b in itertools.pairwise(filled):
        if day <= b[0]:
            return round(_interp(a, b, day), 1)
    return 100.0


def period_target(view: DocumentView, item: ItemView, period: Period) -> str:
    """本期序时目标 as printed on the form: the percentage due at the period's end, and the next
    milestone (节点目标) not yet past at the period's start, if any."""
    text = f"{expected(view, item, period.end):g}%"
    start = dt.date(period.year, period.first_month, 1)
    coming = [m for m in item.milestones if m.due_date and m.due_date >= start and m.target]
    if coming:
        m = min(coming, key=lambda m: m.due_date)  # type: ignore[arg-type,return-value]
        text += f"（节点：{m.due}{m.target}）"
    return text


@dataclass(frozen=True)
class Judgement:
    standing: Standing
    light: Light
    expected: float
    percent: float | None
    behind: float  # percentage points behind 序时 (0 when ahead)
    overdue: bool
    near: bool


def judge(view: DocumentView, item: ItemView, period: Period, percent: float | None,
          status: str | None) -> Judgement:
    """The standing and light of `item` in `period` from its lead office's return
    (`percent`, `status`), or 未报送 when there is none (percent and status None)."""
    s = view.progress
    exp = expected(view, item, period.end)
    end = item_end(view, item)
    if percent is None and status is None:
        return Judgement("未报送", "missing", exp, None, 0.0, False, False)
    done = status == "已完成" or (percent is not None and percent >= 100)
    pct = 100.0 if done and percent is None else (percent or 0.0)
    if done:
        return Judgement("已完成", "done", exp, pct, 0.0, False, False)
    behind = round(max(0.0, exp - pct), 1)
    overdue = period.end > end
    near = not overdue and (end - period.end).days <= s.near_days
    if overdue or behind > s.red:
        return Judgement("滞后", "red", exp, pct, behind, overdue, near)
    if behind >= s.yellow:
        return Judgement("滞后", "yellow", exp, pct, behind, overdue, near)
    return Judgement("按序时推进", "blue" if near else "green", exp, pct, behind, overdue, near)
