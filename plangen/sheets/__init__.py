"""Task breakdown sheets (任务分解表): per office, per leader, overall — XLSX, DOCX, PDF.

`list_sheets` decides which sheets a plan has (names matched through the roster);
`render_sheets` renders a batch of them from the layout view. Rows are `SheetRow`s computed
once here, so the three formats print the same cells. File names are made safe by
plangen.outio.safe_filename (`../../etc` or `a/b` never leave the output folder).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from plangen import formats as fmts
from plangen.errors import PlangenError, display_path
from plangen.names import did_you_mean
from plangen.outio import atomic_write, safe_filename
from plangen.view import DocumentView, ItemView

SheetKind = Literal["office", "leader", "overall"]
KIND_LABEL = {"office": "股室", "leader": "领导", "overall": "总表"}
COLUMNS = ("序号", "工作任务", "具体内容", "责任领导", "牵头股室", "配合股室", "责任类型", "完成时限",
           "进展情况", "备注")
PROGRESS = ("未开始", "推进中", "已完成", "滞后")
NO_OFFICES_NOTE = "本计划的工作任务未写明责任股室和责任领导，因此只有总表，没有各股室、各领导的清单。"


@dataclass(frozen=True)
class SheetSpec:
    kind: SheetKind
    name: str
    stem: str  # safe, unique file-name stem within the plan


@dataclass(frozen=True)
class SheetRow:
    group: str  # section heading for leader sheets, "" otherwise
    cells: tuple[str, ...]  # in COLUMNS order (责任类型 empty outside office sheets)


@dataclass(frozen=True)
class Sheet:
    spec: SheetSpec
    title: str
    subtitle: str
    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    note: str = ""
    matrix: tuple[tuple[str, ...], ...] = ()  # overall: header + items × offices + totals
    workload: tuple[tuple[str, int, int], ...] = ()  # overall: (office, lead, assist)


def list_sheets(view: DocumentView, offices: Sequence[str] = (), leaders: Sequence[str] = ()) -> list[SheetSpec]:
    """The sheets of a plan: every office and leader plus the overall sheet, or only those
    named (through the roster's aliases; an unknown name is a PlangenError with a hint)."""
    plan = view.plan
    office_names = [o.name for o in plan.offices]
    leader_names = [x.name for x in plan.leaders]
    wanted_offices = [_match(n, office_names, view, "股室") for n in offices]
    wanted_leaders = [_match(n, leader_names, view, "领导") for n in leaders]
    everything = not offices and not leaders
    taken: set[str] = set()
    specs: list[SheetSpec] = []
    if everything:
        specs.append(SheetSpec("overall", "任务分解表", safe_filename("总表-任务分解表", taken)))
    for name in office_names if everything else wanted_offices:
        specs.append(SheetSpec("office", name, safe_filename(f"股室-{name}", taken)))
    for name in leader_names if everything else wanted_leaders:
        specs.append(SheetSpec("leader", name, safe_filename(f"领导-{name}", taken)))
    return specs


def _match(name: str, names: list[str], view: DocumentView, what: str) -> str:
    canonical = view.aliases.get(name, name)
    if canonical in names:
        return canonical
    hint = did_you_mean(name, names) or (f"本计划的{what}：{'、'.join(names)}" if names else f"本计划没有写明{what}")
    raise PlangenError(f"本计划中没有{what}“{name}”。{hint}")


def _num(item: ItemView) -> str:
    """The item's number as printed in the plan (with its section when numbering restarts)."""
    return str(item.number) if item.number == item.index else f"{item.section_label}{item.number}"


def _row(item: ItemView, kind: str = "", group: str = "") -> SheetRow:
    return SheetRow(group, (
        _num(item), item.title, item.content, "、".join(item.leaders), item.lead_office or "",
        "、".join(item.assist_offices), kind, item.due, "", ""))


def build_sheet(view: DocumentView, spec: SheetSpec) -> Sheet:
    plan = view.plan
    year = plan.year
    if spec.kind == "office":
        office = next(o for o in plan.offices if o.name == spec.name)
        rows = tuple(_row(i, k) for i, k in office.rows)
        return Sheet(spec, f"{spec.name}{year}年工作任务清单", plan.title, COLUMNS, rows)
    columns = tuple(c for c in COLUMNS if c != "责任类型")

    def drop(row: SheetRow) -> SheetRow:
        return SheetRow(row.group, row.cells[:6] + row.cells[7:])

    if spec.kind == "leader":
        leader = next(x for x in plan.leaders if x.name == spec.name)
        rows = tuple(drop(_row(i, group=f"{s.label}{s.title}")) for s, items in leader.groups for i in items)
        who = f"{spec.name}（{leader.post}）" if leader.post else spec.name
        return Sheet(spec, f"{who}{year}年分管工作任务清单", plan.title, columns, rows)
    rows = tuple(drop(_row(i)) for i in plan.items)
    offices = [o.name for o in plan.offices]
    matrix: list[tuple[str, ...]] = []
    workload: tuple[tuple[str, int, int], ...] = ()
    if offices:
        matrix.append(("序号", "工作任务", *offices))
        for i in plan.items:
            marks = ["牵头" if i.lead_office == o else "配合" if o in i.assist_offices else "" for o in offices]
            matrix.append((_num(i), i.title, *marks))
        workload = tuple((o.name, len(o.lead), len(o.assist)) for o in plan.offices)
        matrix.append(("", "牵头合计", *(str(w[1]) for w in workload)))
        matrix.append(("", "配合合计", *(str(w[2]) for w in workload)))
    note = "" if plan.has_responsibility else NO_OFFICES_NOTE
    return Sheet(spec, f"{plan.title}任务分解表", "", columns, rows, note, tuple(matrix), workload)


def sheet_weight(view: DocumentView, spec: SheetSpec) -> float:
    """A sheet's work, in the units of plangen.formats' sheet costs (about its seconds for all
    three formats on 云溪): an office or leader sheet by its rows, the overall sheet by its
    items × offices matrix."""
    plan = view.plan
    items = len(plan.items)
    if spec.kind == "overall":
        return 0.15 + 0.02 * items + 0.0023 * items * len(plan.offices)
    rows = {o.name: len(o.rows) for o in plan.offices} if spec.kind == "office" else \
        {x.name: len(x.items) for x in plan.leaders}
    return 0.09 + 0.025 * rows.get(spec.name, 1)


def render_sheets(view: DocumentView, specs: Sequence[SheetSpec], formats: Sequence[str],
                  profile) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """{path relative to output/<plan>/: bytes} for every spec and every sheet format asked for."""
    sheets = [build_sheet(view, s) for s in specs]
    out: dict[str, bytes] = {}
    for f in fmts.selected("sheet", formats):
        for sh, data in zip(sheets, f.load()(view, sheets, profile), strict=True):
            out[str(fmts.rel_path(view.name, f, sh.spec.stem))] = data
    return out


def run_sheets(plan: Path, *, offices: Sequence[str], leaders: Sequence[str], formats: Sequence[str],
               fonts: str | None, outdir: Path) -> int:
    from plangen.fonts import load_profile
    from plangen.view import load_view

    view = load_view(plan)
    specs = list_sheets(view, offices, leaders)
    files = render_sheets(view, specs, formats, load_profile(fonts))
    base = outdir / view.name
    for rel, data in files.items():
        atomic_write(base / rel, data, outdir)
        sys.stdout.write(f"已生成 {display_path(base / rel)}\n")
    if not view.plan.has_responsibility and not offices and not leaders:
        sys.stdout.write(NO_OFFICES_NOTE + "\n")
    return 0
