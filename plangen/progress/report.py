"""`plangen progress report PLAN --period P`: the 督查通报 (DOCX, PDF) and the 台账 (XLSX).

`build_report` computes everything the renderers print, once: each item's standing from its
lead office's return (assisting offices' returns beside it), the counts, the table per office,
the per-leader summary, the lagging items, the attachments. report_docx.py, report_pdf.py and
tally.py only lay it out.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, display_path
from plangen.progress.ledger import Entry, Ledger, ReportHeader
from plangen.progress.returns import PeriodReturns, period_returns
from plangen.progress.schedule import Judgement, Period, judge, parse_period
from plangen.view import DocumentView, ItemView, NoticeView, balanced_lines, gongwen_date


@dataclass(frozen=True)
class ItemStanding:
    item: ItemView
    judgement: Judgement
    lead: Entry | None
    assists: tuple[Entry, ...]
    office: str = ""  # the lead office this period: whose form listed the item as led, else the plan's
    late: bool = False  # the lead return arrived after the period's due day (逾期报送)

    @property
    def standing(self) -> str:
        return self.judgement.standing

    @property
    def light(self) -> str:
        return self.judgement.light


@dataclass(frozen=True)
class Tally:
    """Counts for one office, one leader, or the whole plan."""

    name: str
    total: int
    done: int
    on_track: int
    lagging: int
    missing: int
    assist: int = 0
    post: str = ""

    @property
    def rate(self) -> str:
        return f"{self.done / self.total * 100:.1f}%" if self.total else "—"


@dataclass(frozen=True)
class Report:
    view: DocumentView
    period: Period
    standings: tuple[ItemStanding, ...]
    overall: Tally
    offices: tuple[Tally, ...]
    leaders: tuple[Tally, ...]
    notice: NoticeView  # the report's 版头, title, signature and date, laid out like a notice
    missing_offices: tuple[str, ...]  # offices leading items with no return this period
    late_offices: tuple[tuple[str, dt.date], ...] = ()  # offices whose return came after the due day
    unlisted: tuple[ItemView, ...] = ()  # items not on their lead office's form of this period (未列入)
    submitted: dict[str, str] = field(default_factory=dict)  # office → 按时报送 | 逾期报送 | 未报送

    @property
    def due(self) -> dt.date:
        return self.period.due(self.view.progress)

    @property
    def lagging(self) -> tuple[ItemStanding, ...]:
        """滞后 items, red (overdue first) before yellow, in plan order within each."""
        lag = [s for s in self.standings if s.standing == "滞后"]
        return tuple(sorted(lag, key=lambda s: (s.light != "red", not s.judgement.overdue, s.item.index)))

    @property
    def on_track(self) -> tuple[ItemStanding, ...]:
        return tuple(s for s in self.standings if s.standing == "按序时推进")

    @property
    def opening(self) -> str:
        end = self.period.end
        return (f"按照《{self.view.plan.title}》任务分解和督查工作安排，现将截至{gongwen_date(end)}"
                f"各项工作推进情况通报如下。{self.counts_sentence}。")

    @property
    def numerals(self) -> tuple[str, str, str]:
        """Numerals of the sections after the tables (二 moves to 三 when there is a leader table)."""
        first = 3 if self.leaders else 2
        return tuple("一二三四五六"[k - 1] for k in range(first, first + 3))  # type: ignore[return-value]

    @property
    def counts_sentence(self) -> str:
        t = self.overall
        return (f"共{t.total}项：已完成{t.done}项，按序时推进{t.on_track}项，滞后{t.lagging}项，"
                f"未报送{t.missing}项")


def _tally(name: str, rows: Sequence[ItemStanding], assist: int = 0, post: str = "") -> Tally:
    by = [s.standing for s in rows]
    return Tally(name, len(rows), by.count("已完成"), by.count("按序时推进"), by.count("滞后"),
                 by.count("未报送"), assist, post)


def standings(view: DocumentView, ledger: Ledger,
              period: Period) -> tuple[tuple[ItemStanding, ...], tuple[ItemView, ...], PeriodReturns]:
    """(the items counted this period, the items 未列入 this period, the period's returns);
    the rules are in plangen.progress.returns."""
    pr = period_returns(view, ledger, period)
    out, unlisted = [], []
    for item in view.plan.items:
        lead = pr.lead_entry(item)
        if lead is None and not pr.listed(item):
            unlisted.append(item)
            continue
        j = judge(view, item, period, lead.percent if lead else None, lead.status if lead else None)
        office = lead.office if lead else item.lead_office or ""
        out.append(ItemStanding(item, j, lead, pr.assists(item), office,
                                lead is not None and pr.late(lead.office) is not None))
    return tuple(out), tuple(unlisted), pr


def _header(view: DocumentView, period: Period, ledger: Ledger, cli: dict[str, str | None]) -> NoticeView:
    h: ReportHeader = ledger.report
    issuer = cli.get("issuer") or h.issuer or view.bureau or "督查室"
    title = cli.get("title") or h.title or f"关于{view.plan.title}{period.label}推进情况的督查通报"
    date = h.date or period.due(view.progress)
    to = (h.to or "局机关各股室").rstrip("：:")
    mark = h.mark or f"{issuer}督查通报"
    atts = ("按序时推进事项清单", "滞后事项清单")
    return NoticeView(
        template="red-header", copy_no="", secrecy="", urgency="", mark_lines=(mark,), mark_suffix="",
        number=cli.get("number") or h.number or "", signers=(), title=title, title_lines=balanced_lines(title),
        to=to + "：", body=(), attachments=atts,
        attachment_lines=tuple(("附件：" if k == 1 else "", f"{k}.{a}") for k, a in enumerate(atts, 1)),
        signature=h.signature or issuer, date=gongwen_date(date), date_value=date, seal=None, note="",
        cc="抄送：" + "，".join(h.cc) + "。" if h.cc else "", printed_by="", printed_on="")


def build_report(view: DocumentView, ledger: Ledger, period: Period,
                 cli: dict[str, str | None] | None = None) -> Report:
    rows, unlisted, pr = standings(view, ledger, period)
    names = [o.name for o in view.plan.offices]
    names += [s.office for s in rows if s.office and s.office not in names]  # a lead since dropped
    assist = {o.name: len(o.assist) for o in view.plan.offices}
    offices = []
    for name in dict.fromkeys(names):
        lead = [s for s in rows if s.office == name]
        if lead or assist.get(name):
            offices.append(_tally(name, lead, assist=assist.get(name, 0)))
    leaders = []
    for x in view.plan.leaders:
        leaders.append(_tally(x.name, [s for s in rows if x.name in s.item.leaders], post=x.post))
    missing = tuple(dict.fromkeys(s.office for s in rows if s.standing == "未报送" and s.office))
    late = tuple((o.name, day) for o in offices if (day := pr.late(o.name)) is not None)
    submitted = {o.name: "未报送" if o.name not in pr.returns else "逾期报送" if pr.late(o.name) else "按时报送"
                 for o in offices}
    return Report(view, period, rows, _tally("合计", rows), tuple(offices), tuple(leaders),
                  _header(view, period, ledger, cli or {}), missing, late, unlisted,  # type: ignore[arg-type]
                  submitted)


def submission_lines(report: Report) -> list[str]:
    """The paragraphs of the 报送情况 section (DOCX and PDF print the same)."""
    lines = []
    if report.missing_offices:
        lines.append(f"{'、'.join(report.missing_offices)}未报送本期推进情况，其牵头事项按“未报送”统计。")
    if report.late_offices:
        who = "、".join(f"{o}（{_month_day(d, report.period)}报送）" for o, d in report.late_offices)
        lines.append(f"{who}逾期报送（报送截止时间为{gongwen_date(report.due)}），报送内容已收录，照常统计。")
    if not lines:
        lines.append("各股室均已按时报送。")
    if report.unlisted:
        titles = "、".join(f"“{i.title}”" for i in report.unlisted)
        lines.append(f"{titles}共{len(report.unlisted)}项为本期推进情况表生成后新增或调整了牵头股室，本期不作统计。")
    return lines


def _month_day(d: dt.date, period: Period) -> str:
    return f"{d.month}月{d.day}日" if d.year == period.year else gongwen_date(d)


def lag_text(s: ItemStanding) -> str:
    """One lagging item, as the report prints it."""
    j = s.judgement
    who = []
    if s.office:
        who.append(f"牵头股室：{s.office}")
    if s.item.leaders:
        who.append(f"责任领导：{'、'.join(s.item.leaders)}")
    pct = "未填报进度" if j.percent is None else f"完成进度{j.percent:g}%"
    text = f"{s.item.title}（{'；'.join(who)}）。序时进度{j.expected:g}%，{pct}"
    if j.behind:
        text += f"，落后{j.behind:g}个百分点"
    if j.overdue:
        text += f"，已超过完成时限（{s.item.due}）"
    text += "。"
    if s.lead and s.lead.problems:
        text += f"存在问题：{s.lead.problems.rstrip('。')}。"
    return text


def report_paths(outdir: Path | None, plan: str, period: str) -> tuple[Path, dict[str, Path]]:
    """The output root and where each report file goes: output/<plan>/progress/<P>/ by default."""
    from plangen.progress import default_dir

    root, folder = default_dir(outdir, plan, period)
    stem = f"督查通报-{period}"
    return root, {"docx": folder / f"{stem}.docx", "pdf": folder / f"{stem}.pdf",
                  "xlsx": folder / f"台账-{period}.xlsx"}


REPORT_FORMATS = ("docx", "pdf", "xlsx")


def report_formats(value: str | None) -> tuple[str, ...]:
    """`--formats docx,pdf` → ("docx", "pdf"); all three by default (xlsx is the 台账)."""
    if not value:
        return REPORT_FORMATS
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    bad = [f for f in wanted if f not in REPORT_FORMATS]
    if bad:
        raise ValueError(f"不支持的格式 {'、'.join(bad)}，可选：{','.join(REPORT_FORMATS)}")
    return wanted


def render_report(report: Report, ledger: Ledger, fmt: str, profile: Any) -> bytes:
    if fmt == "docx":
        from plangen.progress.report_docx import render_report_docx

        return render_report_docx(report, profile)
    if fmt == "pdf":
        from plangen.progress.report_pdf import render_report_pdf

        return render_report_pdf(report, profile)
    if fmt == "xlsx":
        from plangen.progress.tally import render_tally

        return render_tally(report.view, ledger, report.period, profile)
    raise ValueError(fmt)


def run_report(plan: Path, *, period: str, outdir: Path | None, formats: Sequence[str],
               fonts: str | None, header: dict[str, str | None]) -> int:
    from plangen.fonts import load_profile
    from plangen.outio import atomic_write
    from plangen.progress.ledger import ledger_path, load_ledger
    from plangen.view import load_view

    view = load_view(plan)
    p = parse_period(period, view.progress)
    lpath = ledger_path(plan)
    if not lpath.exists():
        raise PlangenError(f"还没有台账 {display_path(lpath)}：请先用 plangen progress collect 收录各股室的推进情况表。")
    ledger = load_ledger(lpath, view.name)
    if p.key not in ledger.periods():
        have = "、".join(ledger.periods()) or "无"
        raise PlangenError(f"台账中没有 {p.key} 期的报送（已有：{have}）。请先收录该期的推进情况表。")
    from plangen.progress.returns import ledger_warnings

    for w in ledger_warnings(view, ledger, lpath):  # warnings only: the report is still made
        sys.stderr.write(w.format() + "\n")
    report = build_report(view, ledger, p, header)
    profile = load_profile(fonts)
    root, paths = report_paths(outdir, view.name, p.key)
    for fmt in formats:
        atomic_write(paths[fmt], render_report(report, ledger, fmt, profile), root)
        sys.stdout.write(f"已生成 {display_path(paths[fmt])}\n")
    sys.stdout.write(f"{p.label}：{report.counts_sentence}。\n")
    return 0


def as_of(report: Report) -> dt.date:
    return report.period.end
