"""One period's returns read against the plan as it is now (the plan may have changed since the
period's forms were made: items removed, renamed, re-numbered, given to another office, added).

The rules (docs/progress.md, “计划中途修改”):
- An item's return for a period is the entry its form listed as 牵头: the current lead office's
  if there is one, else that of the office that led it on its form then (the lead changed
  later). The standing is counted under that office.
- An item the current lead office's returned form of the period did not list as led (added to
  the plan, or given to this office, after the forms were made) is 未列入 for that period: not
  counted, not blamed as 未报送. Without a return of the lead office it is 未报送 as before.
- Returns for item ids no longer in the plan stay in the ledger (nothing is lost) and are
  reported as warnings (W641) at the ledger's line; so is a second lead return (W642).
- A return received after the period's due day (roster `progress.due_day`) is 逾期报送: its
  content counts as usual, the 督查通报 names the office separately from 未报送.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from plangen.errors import Problem, Problems, display_path
from plangen.progress.ledger import Entry, Ledger, Return
from plangen.progress.schedule import Period, parse_period
from plangen.view import DocumentView, ItemView


@dataclass(frozen=True)
class PeriodReturns:
    period: Period
    due: dt.date
    returns: dict[str, Return]  # office → its return this period
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # item id → entries

    def lead_entry(self, item: ItemView) -> Entry | None:
        leads = [e for e in self.entries.get(item.id or "", []) if e.role == "牵头"]
        return next((e for e in leads if e.office == item.lead_office), leads[0] if leads else None)

    def assists(self, item: ItemView) -> tuple[Entry, ...]:
        order = {o: k for k, o in enumerate(item.assist_offices)}
        mine = [e for e in self.entries.get(item.id or "", []) if e.role == "配合"]
        return tuple(sorted(mine, key=lambda e: (order.get(e.office, len(order)), e.office)))

    def listed(self, item: ItemView) -> bool:
        """False when the item's lead office returned a form of this period that did not list
        the item as led (ledgers written before `led` was recorded: always True)."""
        r = self.returns.get(item.lead_office or "")
        return r is None or r.led is None or (item.id or "") in r.led

    def received(self, office: str) -> dt.date | None:
        r = self.returns.get(office)
        return r.received if r is not None else None

    def late(self, office: str) -> dt.date | None:
        """The day the office's return arrived when that was after the due day, else None."""
        day = self.received(office)
        return day if day is not None and day > self.due else None


def period_returns(view: DocumentView, ledger: Ledger, period: Period) -> PeriodReturns:
    out = PeriodReturns(period, period.due(view.progress),
                        {r.office: r for r in ledger.returns if r.period == period.key})
    for e in ledger.for_period(period.key):
        out.entries.setdefault(e.item, []).append(e)
    return out


def _periods(entries: Iterable[Entry]) -> str:
    return "、".join(dict.fromkeys(e.period for e in entries))


def ledger_warnings(view: DocumentView, ledger: Ledger, path: Path) -> list[Problem]:
    """Warnings where the ledger no longer matches the plan, at the ledger's file:line:col."""
    ids = {i.id for i in view.plan.items if i.id}
    gone: dict[str, list[int]] = {}
    for k, e in enumerate(ledger.entries):
        if e.item not in ids:
            gone.setdefault(e.item, []).append(k)
    twice = []
    for key in ledger.periods():
        for item_id, entries in period_returns(view, ledger, parse_period(key)).entries.items():
            leads = [e for e in entries if e.role == "牵头"]
            if item_id in ids and len(leads) > 1:
                twice.append((key, item_id, leads))
    if not gone and not twice:
        return []
    from plangen.loading import load_yaml

    loaded = load_yaml(path, display_path(path))
    problems = Problems()
    plan = view.source.name
    for item_id, rows in gone.items():
        entries = [ledger.entries[k] for k in rows]
        offices = "、".join(dict.fromkeys(e.office for e in entries))
        problems.add(loaded.pos(("entries", rows[0])), "W641",
                     f"台账中 {_periods(entries)} 期 {offices} 对任务编号“{item_id}”的 {len(rows)} 条报送，"
                     "在现在的计划中找不到这项任务（已删除，或改了编号）：报送保留在台账中，但不计入督查通报",
                     f"如是改了编号，请在 {plan} 中把该项的 id 改回“{item_id}”（plangen ids 只给没有编号的任务加编号，"
                     "不改已有编号）；如确已删除，不必处理", warning=True)
    titles = {i.id: i for i in view.plan.items}
    for key, item_id, leads in twice:
        item = titles[item_id]
        used = period_returns(view, ledger, parse_period(key)).lead_entry(item)
        other = "、".join(e.office for e in leads if e is not used)
        k = ledger.entries.index(next(e for e in leads if e is not used))
        problems.add(loaded.pos(("entries", k)), "W642",
                     f"{key} 期“{item.title}”有两份牵头报送（{used.office if used else ''}、{other}）："
                     f"按{used.office if used else ''}的报送计，{other}的保留在台账中",
                     f"牵头股室以计划为准（现为{item.lead_office or '未写明'}）；如需改按另一份计，请修改计划的 offices",
                     warning=True)
    return problems.sorted()
