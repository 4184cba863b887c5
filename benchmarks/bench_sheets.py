"""Sheets at scale (issue 18 item 3): generated plans of 100/250/500/1000 items, offices and
leaders growing with them (15/37/75/150 offices, 4/5/7/15 leaders, 3 offices and 2 leaders per
item). Each format of each plan runs `plangen sheets PLAN --formats F` in a fresh subprocess;
the figures are its wall time, its peak memory (VmHWM of that process) and the time per row
written (rows of every sheet's tables, a matrix row counted once per column group, as printed).

    .venv/bin/python benchmarks/bench_sheets.py [--sizes 100,250] [--formats xlsx,docx,pdf] [--weasyprint]

--weasyprint puts a copy of templates/sheet.html.j2 in each generated plan's folder, so the sheet
PDFs go through the WeasyPrint fallback (a bureau's own HTML template) instead of being drawn.

Targets (issue 18): time per row flat within 1.5× from 100 to 1000 items; peak < 600 MB per
format at 1000 items; all sheets of the 250-item plan in all three formats < 15 s.
Results go to benchmarks/results/sheets.json. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHAPES = {100: (15, 4), 250: (37, 5), 500: (75, 7), 1000: (150, 15)}  # items: (offices, leaders)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = "建国海燕志强丽华明军玉兰文静伟东晓红春梅"
PHRASES = ("坚持立德树人根本任务，", "深化教育综合改革，", "推进义务教育优质均衡发展，", "加强教师队伍建设，",
           "完善督导评估机制，", "落实安全责任制，", "开展专项整治行动，", "提升课堂教学质量。")

# What the child runs: the real command, then the peak memory of its biggest process: its own
# VmHWM (not its ru_maxrss: Linux carries that over fork+exec) or that of a forked worker
# (plangen sheets renders on up to two processes).
PROBE = ("import re, resource, sys\nfrom plangen.cli import main\nsys.argv = ['plangen', 'sheets', *sys.argv[1:]]\n"
         "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
         "own = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
         "workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"  # forked workers: their real peak
         "print('VmHWM', max(own, workers))\n"
         "sys.exit(code)")


def make_plan(items: int, folder: Path) -> Path:
    """A generated plan with `items` items and its roster; returns the plan's path."""
    n_off, n_lead = SHAPES.get(items, (max(3, items * 15 // 100), max(2, items // 60)))
    offices = [f"第{k + 1}股室" for k in range(n_off)]
    leaders = [f"{SURNAMES[k % len(SURNAMES)]}{GIVEN[(k * 3) % len(GIVEN)]}{GIVEN[(k * 5 + 1) % len(GIVEN)]}{k}"
               for k in range(n_lead)]
    roster = ["bureau: 生成教育局", "leaders:", *(f"  - {x}" for x in leaders), "offices:",
              *(f"  - {o}" for o in offices)]
    (folder / "gen.roster.yaml").write_text("\n".join(roster) + "\n", encoding="utf-8")
    sections = max(1, items // 25)
    lines = ["roster: gen.roster.yaml", "plan:", f"  title: 生成{items}项2024年工作要点", "  year: 2024",
             "  sections:"]
    k = 0
    for s in range(sections):
        lines += [f"    - title: 第{s + 1}部分重点工作", "      items:"]
        for _ in range(items // sections + (1 if s < items % sections else 0)):
            text = "".join(PHRASES[(k + j) % len(PHRASES)] for j in range(3 + k % 4))
            offs = [offices[(k + d) % n_off] for d in (0, 7, 13)]
            offs = list(dict.fromkeys(offs))
            leads = list(dict.fromkeys([leaders[k % n_lead], leaders[(k + 1) % n_lead]]))
            lines += [f"        - title: 第{k + 1}项工作任务", f"          text: {text}",
                      f"          leaders: [{', '.join(leads)}]", f"          offices: [{', '.join(offs)}]",
                      "          due: 6月底前"]
            k += 1
    path = folder / f"gen{items}-2024.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows_written(plan: Path) -> tuple[int, int]:
    """(sheets, table rows written per format) for the plan, from the sheets themselves."""
    from plangen.sheets import build_sheet, list_sheets
    from plangen.view import load_view

    view = load_view(plan)
    specs = list_sheets(view)
    total = 0
    for spec in specs:
        total += build_sheet(view, spec).rows_written()
    return len(specs), total


def run(plan: Path, fmt: str, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of `plangen sheets PLAN --formats FMT` in a fresh
    process. CPU time (user + system of the child) is what the per-row figures use: on a shared
    machine the wall time also measures the neighbours."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", PROBE, str(plan), "--formats", fmt, "-o", str(out)],
                       capture_output=True, text=True, env=env, cwd=REPO, check=False)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if r.returncode != 0:
        raise SystemExit(f"{plan.name} {fmt} failed:\n{r.stderr[-2000:]}")
    m = re.search(r"VmHWM (\d+)", r.stdout)
    return elapsed, cpu, int(m.group(1)) / 1024 if m else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,250,500,1000")
    ap.add_argument("--formats", default="xlsx,docx,pdf")
    ap.add_argument("--weasyprint", action="store_true", help="sheet PDFs through the HTML template")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    formats = args.formats.split(",")
    results: dict[str, dict[str, float]] = {}
    print(f"{'items/offices/leaders':<22} {'sheets':>6} {'rows':>6}  " +
          "  ".join(f"{f + ' s':>8} {f + ' cpu':>8} {f + ' MB':>8} {f + ' ms/row':>10}" for f in formats))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            plan = make_plan(n, folder)
            if args.weasyprint:
                (folder / "templates").mkdir()
                shutil.copy(REPO / "templates" / "sheet.html.j2", folder / "templates" / "sheet.html.j2")
            sheets, rows = rows_written(plan)
            res: dict[str, float] = {"sheets": sheets, "rows": rows}
            for f in formats:
                secs, cpu, mb = run(plan, f, folder / f"out-{f}")
                res[f"{f}_s"], res[f"{f}_cpu_s"], res[f"{f}_mb"] = round(secs, 2), round(cpu, 2), round(mb)
                res[f"{f}_ms_per_row"] = round(cpu / rows * 1000, 3)  # CPU ms per row written
            results[str(n)] = res
            shape = "{}/{}/{}".format(n, *SHAPES.get(n, ("?", "?")))
            print(f"{shape:<22} {sheets:>6} {rows:>6}  " + "  ".join(
                f"{res[f + '_s']:>8.2f} {res[f + '_cpu_s']:>8.2f} {res[f + '_mb']:>8.0f} {res[f + '_ms_per_row']:>10.3f}"
                for f in formats),
                flush=True)
    verdicts = []
    if "100" in results and "1000" in results:
        for f in formats:
            ratio = results["1000"][f"{f}_ms_per_row"] / results["100"][f"{f}_ms_per_row"]
            verdicts.append((f"{f}: time per row 1000 / 100", ratio, "≤ 1.5", ratio <= 1.5))
    if "1000" in results:
        for f in formats:
            mb = results["1000"][f"{f}_mb"]
            verdicts.append((f"{f}: peak MB at 1000 items", mb, "< 600", mb < 600))
    if "250" in results and len(formats) == 3:
        total = sum(results["250"][f"{f}_s"] for f in formats)
        cpu = sum(results["250"][f"{f}_cpu_s"] for f in formats)
        verdicts.append(("250 items, all sheets, 3 formats (wall s)", total, "< 15", total < 15))
        verdicts.append(("250 items, all sheets, 3 formats (CPU s)", cpu, "< 15", cpu < 15))
    for label, value, target, ok in verdicts:
        print(f"{label:<40} {value:>9.2f}  {target:<6} {'ok' if ok else 'MISSED'}")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / ("sheets-weasyprint.json" if args.weasyprint else "sheets.json")).write_text(json.dumps({"cpus": os.cpu_count(), "results": results, "verdicts": [
        {"figure": v[0], "value": round(v[1], 3), "target": v[2], "met": v[3]} for v in verdicts]},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
