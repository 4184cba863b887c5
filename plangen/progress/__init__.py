"""督查督办: progress forms out, returns back into one ledger, 序时进度 lights, the 督查通报.

- schedule.py: periods, 序时进度, standings and lights (pure);
- forms.py: the XLSX 推进情况表 per office;
- collect.py: returned forms checked and merged into the ledger;
- ledger.py: the ledger file `plans/<plan>.progress.yaml`;
- report.py (+ report_docx.py, report_pdf.py, tally.py): the 督查通报 as DOCX/PDF, the 台账 XLSX.
See docs/progress.md.
"""

from __future__ import annotations

import sys
from pathlib import Path


LEDGER_SUFFIX = ".progress.yaml"


def ledger_sha(plan: Path) -> str:
    """sha256 of the plan's ledger (plans/<plan>.progress.yaml), "" without one: part of the
    plan's build key. hashlib only, so the no-op build imports nothing heavy."""
    import hashlib

    stem = plan.name.removesuffix(".yaml").removesuffix(".yml")
    try:
        return hashlib.sha256(plan.with_name(stem + LEDGER_SUFFIX).read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""
    except OSError:
        return "unreadable"


def default_dir(outdir: Path | None, plan_name: str, period: str) -> tuple[Path, Path]:
    """(output root, folder) for a period's files: output/<plan>/progress/<P>/ by default."""
    root = outdir if outdir is not None else Path("output")
    folder = outdir if outdir is not None else root / plan_name / "progress" / period
    return root, folder


def run_forms(plan: Path, *, period: str, outdir: Path | None, fonts: str | None) -> int:
    from plangen.errors import display_path
    from plangen.fonts import load_profile
    from plangen.outio import atomic_write
    from plangen.progress.forms import render_forms
    from plangen.progress.schedule import parse_period
    from plangen.view import load_view

    view = load_view(plan)
    p = parse_period(period, view.progress)
    files = render_forms(view, p, load_profile(fonts))
    root, folder = default_dir(outdir, view.name, p.key)
    if outdir is None:
        folder = folder / "forms"
    for name, data in files.items():
        atomic_write(folder / name, data, root)
    sys.stdout.write(f"已生成 {len(files)} 份推进情况表（{p.label}）：{display_path(folder)}/\n")
    return 0


def unfinished(plan: Path) -> list[tuple[str, str, str]]:
    """(id, title, standing note) of every item not 已完成 in the ledger's latest period, for
    `plangen new --from PLAN --carry-unfinished`. PlangenError when there is no ledger."""
    from plangen.errors import PlangenError, display_path
    from plangen.progress.ledger import ledger_path, load_ledger
    from plangen.progress.report import build_report
    from plangen.progress.schedule import parse_period
    from plangen.view import load_view

    view = load_view(plan)
    lpath = ledger_path(plan)
    if not lpath.exists():
        raise PlangenError(f"--carry-unfinished 需要台账 {display_path(lpath)}，但它不存在："
                           "请先用 plangen progress collect 收录推进情况表，或去掉 --carry-unfinished。")
    ledger = load_ledger(lpath, view.name)
    periods = ledger.periods()
    if not periods:
        raise PlangenError(f"台账 {display_path(lpath)} 中还没有任何报送，无法判断哪些任务未完成。")
    latest = parse_period(periods[0])
    report = build_report(view, ledger, latest)
    when = latest.label.removeprefix(f"{latest.year}年")  # 6月, 第二季度: the new plan lists no old year
    out = []
    by_id = {s.item.id: s for s in report.standings}
    for item in view.plan.items:  # in plan order; an item 未列入 in the last period is unfinished too
        s = by_id.get(item.id)
        if s is None and item.id:
            out.append((item.id, item.title, f"上年度{when}未列入推进情况表"))
        elif s is not None and s.standing != "已完成" and item.id:
            pct = "" if s.judgement.percent is None else f"，完成进度{s.judgement.percent:g}%"
            out.append((item.id, item.title, f"上年度{when}{s.standing}{pct}"))
    return out
