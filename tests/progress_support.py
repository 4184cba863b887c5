"""Shared helpers for the progress tests: a copy of the test plan, forms filled the way offices
fill them (openpyxl; LibreOffice), and an independent computation of 序时进度 and lights."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

DATA = Path(__file__).parent / "data" / "progress"
ROOT = Path(__file__).resolve().parents[1]
DATA_ROW = 4  # first data row of a form

# What each office reports for 2024-06: item id → (进展情况, 完成进度, 状态, 存在问题)
FILLS = {
    "办公室": {"ledger": ("台账已建立，逐月更新", 50, "推进中", ""),
            "safety": ("开展了两次安全教育", "20%", "推进中", "专题课时不足"),
            "school-check": ("配合完成排查", 90, "推进中", "")},
    "教育股": {"formula": ("按计划推进", 45, "推进中", ""),
            "school-check": ("全部校舍排查完毕", 100, "已完成", ""),
            "curriculum": ("方案初稿已完成", "约30%", "推进中", "专家论证未开展")},
    "体育股": {"games": ("场地已落实", 80, "推进中", "受天气影响延期"),
            "routine": ("制度修订中", 10, "推进中", "")},
    # 信息中心 does not return its form: 未报送
}
YEAR_START = dt.date(2024, 1, 1)
DUE = {"ledger": dt.date(2024, 12, 31), "formula": dt.date(2024, 12, 31), "school-check": dt.date(2024, 6, 30),
       "games": dt.date(2024, 4, 30), "curriculum": dt.date(2024, 12, 31), "routine": dt.date(2024, 12, 31),
       "digital": dt.date(2024, 8, 31), "safety": dt.date(2024, 12, 31)}
LEAD = {"ledger": "办公室", "formula": "教育股", "school-check": "教育股", "games": "体育股",
        "curriculum": "教育股", "routine": "体育股", "digital": "信息中心", "safety": "办公室"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "plangen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def plan_copy(tmp: Path) -> Path:
    for f in ("town-2024.yaml", "town.roster.yaml"):
        shutil.copy(DATA / f, tmp / f)
    return tmp / "town-2024.yaml"


def make_forms(tmp: Path, period: str = "2024-06") -> Path:
    r = run("progress", "forms", "town-2024.yaml", "--period", period, "-o", "forms", cwd=tmp)
    assert r.returncode == 0, r.stderr
    return tmp / "forms"


def fill(form: Path, out: Path, values: dict[str, tuple[object, object, object, object]]) -> Path:
    """Fill a form as an office does: by the row's task, found through its title."""
    wb = openpyxl.load_workbook(form)
    ws = wb["进展填报"]
    for r in range(DATA_ROW, ws.max_row + 1):
        ident = ws.cell(r, 11).value
        if ident in values:
            progress, pct, status, problems = values[ident]
            ws.cell(r, 6).value = progress
            ws.cell(r, 7).value = pct
            ws.cell(r, 8).value = status
            ws.cell(r, 9).value = problems or None
    wb.save(out)
    return out


def fill_all(tmp: Path, forms: Path, dest: Path, period: str = "2024-06") -> list[Path]:
    dest.mkdir(exist_ok=True)
    return [fill(forms / f"{office}-{period}.xlsx", dest / f"{office}-{period}.xlsx", values)
            for office, values in FILLS.items()]


def libreoffice_resave(files: list[Path], outdir: Path) -> list[Path]:
    """Open each file in LibreOffice Calc and save it again as .xlsx (a clerk using another program)."""
    outdir.mkdir(exist_ok=True)
    profile = outdir.parent / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "xlsx:Calc Office Open XML", "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=240)
    return [outdir / f.name for f in files]


def expected_pct(item: str, day: dt.date) -> float:
    """序时进度, computed here independently: straight from January 1 to the due date, except
    curriculum, which passes its milestone (60% by June 30)."""
    if item == "curriculum":
        m = dt.date(2024, 6, 30)
        if day <= m:
            return 60 * (day - YEAR_START).days / (m - YEAR_START).days
        return 60 + 40 * (day - m).days / (DUE[item] - m).days
    due = DUE[item]
    return min(100.0, 100 * (day - YEAR_START).days / (due - YEAR_START).days)


def percent_of(v: object) -> float:
    return float(str(v).replace("约", "").replace("%", ""))


def light(item: str, day: dt.date, fills: dict[str, dict[str, tuple[object, ...]]] = FILLS) -> str:
    """The light the test expects for `item` judged on `day` (defaults: yellow ≥ 10 points
    behind, red > 30 or overdue, done at 已完成 / 100)."""
    lead = fills.get(LEAD[item], {}).get(item)
    if lead is None:
        return "missing"
    pct, status = percent_of(lead[1]), lead[2]
    if status == "已完成" or pct >= 100:
        return "done"
    behind = expected_pct(item, day) - pct
    if day > DUE[item] or behind > 30 + 1e-9:
        return "red"
    if behind >= 10 - 0.05:
        return "yellow"
    return "blue" if (DUE[item] - day).days <= 15 else "green"


STANDING = {"done": "已完成", "green": "按序时推进", "blue": "按序时推进", "yellow": "滞后", "red": "滞后",
            "missing": "未报送"}
