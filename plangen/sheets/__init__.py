"""Task breakdown sheets (任务分解表): per office, per leader, overall — XLSX, DOCX, PDF.

`list_sheets` decides which sheets a plan has (names matched through the roster);
`render_sheets` renders a batch of them from the layout view. Rows are `SheetRow`s computed
once here, so the three formats print the same cells. File names are made safe by
plangen.outio.safe_filename (`../../etc` or `a/b` never leave the output folder).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
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
PROGRESS = ("未开始", "推进中", "已完成", "滞后")
ROLES = ("牵头", "责任", "配合")  # 责任: a joint item's units, none leading
MATRIX_GROUP = 20  # offices per column group of the matrix in DOCX and PDF (fits landscape A4)


def no_offices_note(word: str = "股室") -> str:
    return f"本计划的工作任务未写明责任{word}和责任领导，因此只有总表，没有各{word}、各领导的清单。"


NO_OFFICES_NOTE = no_offices_note()


@dataclass(frozen=True)
class SheetSpec:
    kind: SheetKind
    name: str
    stem: str  # safe, unique file-name stem within the plan


@dataclass(frozen=True)
class SheetRow:
    group: str  # section heading for leader sheets, "" otherwise
    cells: tuple[str, ...]  # in the sheet's column order (Sheet.keys)


@dataclass(frozen=True)
class Matrix:
    """The overall sheet's responsibility matrix: items × offices, marked 牵头/责任/配合."""

    offices: tuple[str, ...]
    items: tuple[tuple[str, str], ...]  # (printed number, title), plan order
    marks: tuple[tuple[str, ...], ...]  # per item, per office: "" or a role
    totals: tuple[tuple[str, tuple[int, ...]], ...]  # ("牵头合计", count per office), one per role used

    def groups(self, size: int = MATRIX_GROUP) -> tuple[range, ...]:
        """Column groups of at most `size` offices, as printed on paper (DOCX, PDF)."""
        n = len(self.offices)
        return tuple(range(lo, min(n, lo + size)) for lo in range(0, n, size)) or (range(0),)


@dataclass(frozen=True)
class Sheet:
    spec: SheetSpec
    title: str
    subtitle: str
    keys: tuple[str, ...]  # column keys: num title content leaders lead assist kind due progress remark
    columns: tuple[str, ...]  # column heads, in the bureau's words (牵头科室 …)
    rows: tuple[SheetRow, ...]
    note: str = ""
    matrix: Matrix | None = None  # overall sheet only
    workload: tuple[tuple[str, tuple[int, ...]], ...] = ()  # overall: (office, count per role in `roles`)
    roles: tuple[str, ...] = ()  # the roles this plan uses, in ROLES order
    word: str = "股室"  # the bureau's word for its offices

    def rows_written(self) -> int:
        """Table rows this sheet prints: its rows and group headings, and on the overall sheet
        each matrix row once per column group, the totals and the workload."""
        n = len(self.rows) + len({r.group for r in self.rows if r.group})
        if self.matrix is not None:
            n += (len(self.matrix.items) + len(self.matrix.totals)) * len(self.matrix.groups())
            n += len(self.workload)
        return n


def list_sheets(view: DocumentView, offices: Sequence[str] = (), leaders: Sequence[str] = ()) -> list[SheetSpec]:
    """The sheets of a plan: every office and leader plus the overall sheet, or only those
    named (through the roster's aliases; an unknown name is a PlangenError with a hint)."""
    plan = view.plan
    word = plan.office_word
    office_names = [o.name for o in plan.offices]
    leader_names = [x.name for x in plan.leaders]
    wanted_offices = [_match(n, office_names, view, word) for n in offices]
    wanted_leaders = [_match(n, leader_names, view, "领导") for n in leaders]
    everything = not offices and not leaders
    taken: set[str] = set()
    specs: list[SheetSpec] = []
    if everything:
        specs.append(SheetSpec("overall", "任务分解表", safe_filename("总表-任务分解表", taken)))
    for name in office_names if everything else wanted_offices:
        specs.append(SheetSpec("office", name, safe_filename(f"{word}-{name}", taken)))
    for name in leader_names if everything else wanted_leaders:
        specs.append(SheetSpec("leader", name, safe_filename(f"领导-{name}", taken)))
    return specs


def _match(name: str, names: list[str], view: DocumentView, what: str) -> str:
    canonical = view.aliases.get(name, name)
    if canonical in names:
        return canonical
    hint = did_you_mean(name, names) or (f"本计划的{what}：{'、'.join(names)}" if names else f"本计划没有写明{what}")
    raise PlangenError(f"本计划中没有{what}“{name}”。{hint}")


def _roles(view: DocumentView) -> tuple[str, ...]:
    used = {i.role_of(o) for i in view.plan.items for o in i.offices[:2]}
    return tuple(r for r in ROLES if r in used) or ("牵头", "配合")


def _columns(kind: SheetKind, word: str, roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    cols = [("num", "序号"), ("title", "工作任务"), ("content", "具体内容"), ("leaders", "责任领导")]
    if roles == ("责任",):  # every unit shares its items: one column
        cols.append(("lead", f"责任{word}"))
    else:
        cols += [("lead", f"牵头{word}"), ("assist", f"配合{word}")]
    if kind == "office":
        cols.append(("kind", "责任类型"))
    cols += [("due", "完成时限"), ("progress", "进展情况"), ("remark", "备注")]
    return tuple(cols)


def _cell(item: ItemView, key: str, roles: tuple[str, ...], role: str) -> str:
    if key == "num":
        return item.ref
    if key == "lead":
        if not item.joint:
            return item.lead_office or ""
        units = "、".join(item.offices)
        return units if roles == ("责任",) else f"{units}（共同负责）"
    return {"title": item.title, "content": item.content, "leaders": "、".join(item.leaders),
            "assist": "、".join(item.assist_offices), "kind": role, "due": item.due}.get(key, "")


def build_sheet(view: DocumentView, spec: SheetSpec) -> Sheet:
    plan = view.plan
    word, year = plan.office_word, plan.year
    roles = _roles(view)
    cols = _columns(spec.kind, word, roles)
    keys, heads = tuple(k for k, _ in cols), tuple(h for _, h in cols)

    def row(item: ItemView, role: str = "", group: str = "") -> SheetRow:
        return SheetRow(group, tuple(_cell(item, k, roles, role) for k in keys))

    common = {"keys": keys, "columns": heads, "roles": roles, "word": word}
    if spec.kind == "office":
        office = next(o for o in plan.offices if o.name == spec.name)
        rows = tuple(row(i, k) for i, k in office.rows)
        return Sheet(spec, f"{spec.name}{year}年工作任务清单", plan.title, rows=rows, **common)  # type: ignore[arg-type]
    if spec.kind == "leader":
        leader = next(x for x in plan.leaders if x.name == spec.name)
        rows = tuple(row(i, group=f"{s.label}{s.title}") for s, items in leader.groups for i in items)
        who = f"{spec.name}（{leader.post}）" if leader.post else spec.name
        return Sheet(spec, f"{who}{year}年分管工作任务清单", plan.title, rows=rows, **common)  # type: ignore[arg-type]
    rows = tuple(row(i) for i in plan.items)
    matrix, workload = None, ()
    if plan.offices:
        offices = tuple(o.name for o in plan.offices)
        marks = tuple(tuple(i.role_of(o) for o in offices) for i in plan.items)
        counts = {o.name: {"牵头": len(o.lead), "责任": len(o.joint), "配合": len(o.assist)} for o in plan.offices}
        totals = tuple((f"{r}合计", tuple(counts[o][r] for o in offices)) for r in roles)
        matrix = Matrix(offices, tuple((i.ref, i.title) for i in plan.items), marks, totals)
        workload = tuple((o, tuple(counts[o][r] for r in roles)) for o in offices)
    note = "" if plan.has_responsibility else no_offices_note(word)
    return Sheet(spec, f"{plan.title}任务分解表", "", rows=rows, note=note, matrix=matrix,  # type: ignore[arg-type]
                 workload=workload, **common)


def sheet_weight(view: DocumentView, spec: SheetSpec) -> float:
    """A sheet's work, in the units of plangen.formats' sheet costs (a format's cost_per_unit ×
    this ≈ its seconds; the units were the seconds of all three formats on 云溪 while the sheet
    PDFs went through WeasyPrint, about five times today's): an office or leader sheet by its
    rows, the overall sheet by its items × offices matrix."""
    plan = view.plan
    items = len(plan.items)
    if spec.kind == "overall":
        return 0.15 + 0.02 * items + 0.0023 * items * len(plan.offices)
    rows = {o.name: len(o.rows) for o in plan.offices} if spec.kind == "office" else \
        {x.name: len(x.items) for x in plan.leaders}
    return 0.09 + 0.025 * rows.get(spec.name, 1)


def iter_sheets(view: DocumentView, specs: Sequence[SheetSpec], formats: Sequence[str],
                profile) -> Iterator[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
    """(path relative to output/<plan>/, bytes) for every spec and every sheet format asked for,
    one sheet at a time: a sheet is built, rendered in each format and dropped before the next,
    so memory is bounded by the largest sheet, not by all of them."""
    renderers = [(f, f.load()) for f in fmts.selected("sheet", formats)]
    for spec in specs:
        sheet = build_sheet(view, spec)
        for f, render in renderers:
            (data,) = render(view, [sheet], profile)
            yield str(fmts.rel_path(view.name, f, spec.stem)), data


def render_sheets(view: DocumentView, specs: Sequence[SheetSpec], formats: Sequence[str],
                  profile) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """{path relative to output/<plan>/: bytes} for every spec and every sheet format asked for."""
    return dict(iter_sheets(view, specs, formats, profile))


MAX_JOBS = 2  # processes for `plangen sheets`; the build runs its own pool and calls render_sheets
_JOB: dict[str, object] = {}  # what forked workers inherit: view, profile, formats, outdir


def _write_batch(specs: list[SheetSpec]) -> list[str]:
    """In a worker (or in-process): render and write these sheets; the paths written."""
    view, profile = _JOB["view"], _JOB["profile"]
    formats, outdir = _JOB["formats"], _JOB["outdir"]
    base = outdir / view.name  # type: ignore[attr-defined, operator]
    done = []
    for rel, data in iter_sheets(view, specs, formats, profile):  # type: ignore[arg-type]
        atomic_write(base / rel, data, outdir)  # type: ignore[arg-type]
        done.append(display_path(base / rel))
    return done


def _balanced(specs: list[SheetSpec], weights: list[float], n: int) -> list[list[SheetSpec]]:
    """`n` batches of about equal weight (heaviest sheet first into the lightest batch)."""
    bins: list[tuple[float, list[SheetSpec]]] = [(0.0, []) for _ in range(n)]
    for k in sorted(range(len(specs)), key=lambda k: -weights[k]):
        load, batch = min(bins, key=lambda b: b[0])
        bins.remove((load, batch))
        bins.append((load + weights[k], [*batch, specs[k]]))
    return [b for _, b in bins if b]


def run_sheets(plan: Path, *, offices: Sequence[str], leaders: Sequence[str], formats: Sequence[str],
               fonts: str | None, outdir: Path, jobs: int | None = None) -> int:
    """`plangen sheets`: every sheet asked for, written as it is made, on up to MAX_JOBS cores
    (forked workers, each holding one sheet at a time)."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_all_start_methods, get_context

    from plangen.fonts import load_profile
    from plangen.view import load_view

    view = load_view(plan)
    specs = list_sheets(view, offices, leaders)
    _JOB.update(view=view, profile=load_profile(fonts), formats=tuple(formats), outdir=outdir)
    weights = [sheet_weight(view, s) for s in specs]
    n = min(jobs or MAX_JOBS, os.cpu_count() or 1, len(specs))
    if n > 1 and "pdf" in formats:
        from plangen.sheets.pdf import warm

        warm(_JOB["profile"])  # faces read once here, shared by the forked workers
    try:
        if n <= 1 or sum(weights) < 2.0 or "fork" not in get_all_start_methods():
            for line in _write_batch(specs):
                sys.stdout.write(f"已生成 {line}\n")
        else:
            with ProcessPoolExecutor(n, mp_context=get_context("fork")) as pool:
                for fut in as_completed([pool.submit(_write_batch, b) for b in _balanced(specs, weights, n)]):
                    sys.stdout.write("".join(f"已生成 {line}\n" for line in fut.result()))
                    sys.stdout.flush()
    finally:
        _JOB.clear()
    if not view.plan.has_responsibility and not offices and not leaders:
        sys.stdout.write(no_offices_note(view.plan.office_word) + "\n")
    return 0
