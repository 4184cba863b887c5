"""Benchmark of the progress commands on plans/yunxi-2024.yaml (20 offices → 20 forms).

    .venv/bin/python benchmarks/bench_progress.py

Prints, and writes to benchmarks/results/progress.json:
- forms: rendering the 20 forms (in process, median of 3);
- collect: reading, checking and merging the 20 filled forms (in process, median of 3), and the
  whole `plangen progress collect` command (new process, cold imports);
- report: the 督查通报 DOCX + PDF + 台账 XLSX (in process, warm fonts, median of 3), and the whole
  `plangen progress report` command;
- peak memory (max RSS) of each command, from wait4.
Targets from issue 14: collect 20 forms ≤ 2 s, the report ≤ 3 s. Not a test: compare the JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import openpyxl

from plangen.errors import Problems
from plangen.fonts import load_profile
from plangen.progress.collect import merge, read_return
from plangen.progress.forms import render_forms
from plangen.progress.ledger import Ledger, dump_ledger
from plangen.progress.report import build_report, render_report
from plangen.progress.schedule import STATUSES, parse_period
from plangen.view import load_view

PERIOD = "2024-06"


from timing import median_wall_cpu  # noqa: E402 - benchmarks/timing.py


def median(fn, n: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    return median_wall_cpu(fn, n)


# A small launcher measures the command: ru_maxrss survives fork+exec, so a child of this
# (large) benchmark process would report the benchmark's own peak.
LAUNCHER = """
import os, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run([sys.executable, "-m", "plangen", *sys.argv[1:]], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.returncode, wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)
sys.stderr.write(r.stderr)
"""


def command(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one plangen command in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.run([sys.executable, "-c", LAUNCHER, *args], cwd=cwd, env=env, capture_output=True,
                       text=True, check=False)
    code, wall, cpu, peak = p.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args)} failed: {p.stderr}")
    return float(wall), float(cpu), float(peak)


def fill(forms: dict[str, bytes], dest: Path) -> list[Path]:
    """Every office fills every row: a percentage, a status that fits it, some text."""
    files = []
    for k, (name, data) in enumerate(forms.items()):
        src = dest / f".{name}"
        src.write_bytes(data)
        wb = openpyxl.load_workbook(src)
        ws = wb["进展填报"]
        for r in range(4, ws.max_row + 1):
            pct = (r * 17 + k * 7) % 101
            status = STATUSES[2] if pct == 100 else STATUSES[0] if pct == 0 else STATUSES[1]
            ws.cell(r, 6).value = "按计划推进，完成了阶段性工作。" * 3
            ws.cell(r, 7).value = pct
            ws.cell(r, 8).value = status
            ws.cell(r, 9).value = "经费尚未到位" if pct < 40 else None
        wb.save(dest / name)
        src.unlink()
        files.append(dest / name)
    return files


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="plangen-bench-progress-"))
    try:
        for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
            shutil.copy(REPO / "plans" / f, work / f)
        plan = work / "yunxi-2024.yaml"
        view = load_view(plan)
        period = parse_period(PERIOD, view.progress)
        profile = load_profile(None)
        figures: dict[str, float] = {}
        figures["forms_s"], figures["forms_cpu_s"] = median(lambda: render_forms(view, period, profile))
        forms = render_forms(view, period, profile)
        back = work / "back"
        back.mkdir()
        files = fill(forms, back)

        def collect() -> Ledger:
            problems = Problems()
            got = [read_return(f, view, period, problems) for f in files]
            assert not problems, problems.items[:3]
            ledger, _ = merge(Ledger(plan=view.name), [g for g in got if g], view)
            dump_ledger(ledger, None)
            return ledger

        figures["collect_20_forms_s"], figures["collect_20_forms_cpu_s"] = median(collect)
        ledger = collect()
        figures["collect_command_s"], figures["collect_command_cpu_s"], figures["collect_peak_mb"] = command(
            ["progress", "collect", "yunxi-2024.yaml", *map(str, files)], work)

        def report() -> None:
            rep = build_report(view, ledger, period)
            for fmt in ("docx", "pdf", "xlsx"):
                render_report(rep, ledger, fmt, profile)

        report()  # warm: fonts loaded, templates compiled
        figures["report_s"], figures["report_cpu_s"] = median(report)
        figures["report_command_s"], figures["report_command_cpu_s"], figures["report_peak_mb"] = command(
            ["progress", "report", "yunxi-2024.yaml", "--period", PERIOD], work)
        figures["forms_command_s"], figures["forms_command_cpu_s"], figures["forms_peak_mb"] = command(
            ["progress", "forms", "yunxi-2024.yaml", "--period", PERIOD], work)
        targets = {"collect_20_forms_s": 2.0, "collect_20_forms_cpu_s": 2.0, "collect_command_s": 2.0,
                   "collect_command_cpu_s": 2.0, "report_s": 3.0, "report_cpu_s": 3.0,
                   "report_command_s": 3.0, "report_command_cpu_s": 3.0}
        with open("/proc/loadavg") as f:
            figures["load_average_1min"] = float(f.read().split()[0])
        print(f"{'figure':28} {'value':>10}  target")
        for key, value in figures.items():
            target = targets.get(key)
            verdict = "" if target is None else (f"≤ {target:g}  ok" if value <= target else f"≤ {target:g}  OVER")
            print(f"{key:28} {value:10.2f}  {verdict}")
        out = REPO / "benchmarks" / "results"
        out.mkdir(exist_ok=True)
        (out / "progress.json").write_text(json.dumps({"figures": figures, "targets": targets}, indent=2) + "\n",
                                           encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
