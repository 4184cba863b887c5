"""plangen benchmark: prints a table of figures (and ratios against the targets) and writes
them to benchmarks/results/latest.json. Run with `make bench` (or .venv/bin/python
benchmarks/bench.py). Timings are medians of a few runs on this machine; nothing here is a
test — compare the JSON over time.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plangen.view import load_view  # noqa: E402
from plangen.fonts import load_profile  # noqa: E402

PLANS = REPO / "plans"
PY = sys.executable
rows: list[tuple[str, str, str, str]] = []
figures: dict[str, float] = {}
targets: dict[str, dict[str, object]] = {}


def median(fn, n: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def record(key: str, label: str, value: float, target: str = "") -> None:
    """One figure; a target like "≤ 0.3" is checked and the verdict printed and saved."""
    figures[key] = round(value, 4)
    verdict = ""
    m = re.match(r"≤ ([0-9.]+)", target)
    if m and (" for " not in target or key.startswith(target.split(" for ", 1)[1])):
        limit = float(m.group(1))
        verdict = "ok" if value <= limit else "MISSED"
        targets[key] = {"value": round(value, 4), "limit": limit, "met": value <= limit}
    rows.append((label, f"{value:.3f}", target, verdict))


def cmd(*args: str, cwd: Path | None = None) -> float:
    t = time.perf_counter()
    subprocess.run([PY, "-m", "plangen", *args], check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - t


def synthetic(n_items: int, folder: Path) -> Path:
    """A plan of n_items items in sections of 10, with offices from the 云溪 roster."""
    offices = ["办公室", "人事股", "教育股", "督导室", "计财股", "校安股", "工会", "体育股"]
    lines = ["roster: yunxi.roster.yaml", "plan:", f"  title: 合成{n_items}项工作要点", "  year: 2024",
             "  sections:"]
    for s in range((n_items + 9) // 10):
        lines.append(f"    - title: 第{s + 1}部分重点工作")
        lines.append("      items:")
        for k in range(min(10, n_items - s * 10)):
            o = [offices[(s + k) % 8], offices[(s + k + 3) % 8]]
            lines.append(f"        - title: 推进第{s * 10 + k + 1}项重点任务")
            lines.append("          text: " + "全面贯彻党的教育方针，落实立德树人根本任务，推动教育高质量发展。" * 3)
            lines.append(f"          leaders: [陈丽]\n          offices: [{', '.join(o)}]")
    p = folder / f"synthetic-{n_items}.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(PLANS / "yunxi.roster.yaml", folder)
    return p


def scale_plan(n_items: int, n_offices: int, n_leaders: int, folder: Path) -> Path:
    """A plan as issue 18 measured: 3 offices and 2 leaders per item, its own roster."""
    offices = [f"第{i + 1}处室" for i in range(n_offices)]
    leaders = [f"领导{c}" for c in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"[:n_leaders]]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scale.roster.yaml").write_text(
        "bureau: 合成局\nleaders:\n" + "".join(f"  - {x}\n" for x in leaders)
        + "offices:\n" + "".join(f"  - {o}\n" for o in offices), encoding="utf-8")
    lines = ["roster: scale.roster.yaml", "plan:", f"  title: 合成{n_items}项工作要点", "  year: 2024", "  sections:"]
    for s in range((n_items + 9) // 10):
        lines += [f"    - title: 第{s + 1}部分重点工作", "      items:"]
        for k in range(min(10, n_items - s * 10)):
            i = s * 10 + k
            o = [offices[(i + d) % n_offices] for d in (0, 1, 2)]
            ls = [leaders[(i + d) % n_leaders] for d in (0, 1)]
            lines += [f"        - title: 推进第{i + 1}项重点任务", "          text: 全面落实立德树人根本任务。",
                      f"          leaders: [{', '.join(ls)}]", f"          offices: [{', '.join(o)}]"]
    p = folder / f"scale-{n_items}.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def build_scale(d: Path, n_items: int = 2000) -> None:
    """`build --formats xlsx` on a 2,000-item plan against `plangen sheets` of the same plan
    (issue 19: the build was 5.6× slower, one job per sheet, each re-checking the plan)."""
    plan = scale_plan(n_items, 150, 15, d / "scale")
    sheets = cmd("sheets", str(plan), "--formats", "xlsx", "-o", str(d / "scale-sheets"))
    build = cmd("build", str(plan.parent), "-o", str(d / "scale-build"), "--formats", "xlsx", "-j", "2")
    record("scale_sheets_xlsx_s", f"`plangen sheets --formats xlsx`, {n_items} items / 150 offices (s)", sheets)
    record("scale_build_xlsx_s", "`plangen build --formats xlsx -j2`, same plan, cold (s)", build)
    record("scale_build_ratio", "that build / that sheets command", build / sheets, "≤ 1.0")


def report() -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'figure'.ljust(width)}  {'value':>9}  {'target':<24}  verdict")
    for label, value, target, verdict in rows:
        print(f"{label.ljust(width)}  {value:>9}  {target:<24}  {verdict}")


def main() -> None:
    if "--build-scale" in sys.argv:  # only this figure (it takes a few minutes)
        with tempfile.TemporaryDirectory() as tmp:
            build_scale(Path(tmp))
        report()
        return
    from plangen.render import pdf as pdf_module
    from plangen.render.docx import render_docx

    def render_pdf(view, **kw):  # type: ignore[no-untyped-def]
        """A new PDF each time: render_pdf keeps the last one (for `--formats pdf,ofd`)."""
        pdf_module._LAST.clear()
        return pdf_module.render_pdf(view, **kw)
    from plangen.sheets import list_sheets, render_sheets

    profile = load_profile()
    render_pdf(load_view(PLANS / "yunxi-2024.yaml"), profile=profile)  # warm font configuration
    for plan in sorted(p for p in PLANS.glob("*.yaml") if not p.name.endswith(".roster.yaml")):
        view = load_view(plan)
        name = plan.stem
        record(f"{name}.docx_s", f"{name}: DOCX in-process (s)", median(lambda view=view: render_docx(view, profile=profile)))
        record(f"{name}.pdf_s", f"{name}: PDF in-process (s)", median(lambda view=view: render_pdf(view, profile=profile)),
               "≤ 0.6 for yunxi-2024")
        specs = list_sheets(view)
        t = median(lambda view=view, specs=specs: render_sheets(view, specs, ("xlsx", "docx", "pdf"), profile), 1)
        record(f"{name}.sheets_s", f"{name}: {len(specs)} sheets × 3 formats (s)", t)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        one = figures["yunxi-2024.pdf_s"]
        big = d / "big"
        big.mkdir()
        text = (PLANS / "yunxi-2024.yaml").read_text(encoding="utf-8")
        head, sections = text.split("  sections:\n", 1)
        (big / "yunxi.roster.yaml").write_text((PLANS / "yunxi.roster.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        # ids must stay unique: drop them in the repeated copy
        big_text = head + "  sections:\n" + "".join(
            re.sub(r"(?m)^        - id: .*\n {10}", "        - ", sections) for _ in range(10))
        (big / "big-2024.yaml").write_text(big_text, encoding="utf-8")
        tenx = median(lambda: render_pdf(load_view(big / "big-2024.yaml"), profile=profile), 1)
        record("yunxi10x.pdf_ratio", "PDF of yunxi ×10 (230 items) / ×1", tenx / one, "≤ 5")
        record("render_cmd_s", "`plangen render yunxi-2024` whole command (s)",
               median(lambda: cmd("render", str(PLANS / "yunxi-2024.yaml"), "-o", str(d / "r")), 3), "≤ 2.0")
        # archive builds
        plans = d / "plans"
        shutil.copytree(PLANS, plans)
        cold1 = median(lambda: (shutil.rmtree(d / "o1", ignore_errors=True), cmd("build", str(plans), "-o", str(d / "o1"), "-j", "1")), 2)
        cold2 = median(lambda: (shutil.rmtree(d / "o2", ignore_errors=True), cmd("build", str(plans), "-o", str(d / "o2"), "-j", "2")), 2)
        record("cold_j1_s", "cold build of plans/ -j1 (s)", cold1)
        record("cold_j2_s", "cold build of plans/ -j2 (s)", cold2)
        record("cold_ratio", "cold -j2 / -j1", cold2 / cold1, "≤ 0.65")
        record("noop_s", "warm no-op build, whole command (s)",
               median(lambda: cmd("build", str(plans), "-o", str(d / "o2"), "-j", "2"), 5), "≤ 0.3")
        worst = 0.0
        for plan_name, edit in (("luan-2024", "持续深化"), ("yunxi-2024", "压实")):
            changed_plan = plans / f"{plan_name}.yaml"
            alone_dir = d / f"alone-{plan_name}"
            alone_dir.mkdir()
            shutil.copy(changed_plan, alone_dir)
            if plan_name.startswith("yunxi"):
                shutil.copy(plans / "yunxi.roster.yaml", alone_dir)
            alone = median(lambda alone_dir=alone_dir: (shutil.rmtree(d / "oa", ignore_errors=True),
                                    cmd("build", str(alone_dir), "-o", str(d / "oa"), "-j", "2")), 3)
            original = changed_plan.read_text(encoding="utf-8")
            assert edit in original, (plan_name, edit)
            times = []
            for k in range(3):  # three different edits, each a real change
                changed_plan.write_text(original.replace(edit, edit + "和" * (k + 1), 1), encoding="utf-8")
                times.append(cmd("build", str(plans), "-o", str(d / "o2"), "-j", "2"))
            changed_plan.write_text(original, encoding="utf-8")
            cmd("build", str(plans), "-o", str(d / "o2"), "-j", "2")
            changed = statistics.median(times)
            record(f"one_changed_{plan_name}_s", f"{plan_name} changed, whole archive -j2 (s)", changed)
            record(f"one_alone_{plan_name}_s", f"{plan_name} built alone -j2 (s)", alone)
            worst = max(worst, changed / alone)
        record("one_changed_ratio", "one plan changed / that plan alone (worst)", worst, "≤ 1.2")
        probe_peak = ("import resource, subprocess, sys\n"
                      "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
                      "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        shutil.rmtree(d / "o3", ignore_errors=True)
        r = subprocess.run([PY, "-c", probe_peak, PY, "-m", "plangen", "build", str(plans), "-o", str(d / "o3"),
                            "-j", "2"], capture_output=True, text=True, check=True)
        record("build_peak_mb", "cold build -j2: peak memory of the biggest process (MB)", int(r.stdout.split()[-1]) / 1024)
        # growth with plan size
        per_item: dict[int, float] = {}
        sheets_per_item: dict[int, float] = {}
        for n in (25, 100, 400):
            p = synthetic(n, d)
            v = load_view(p)
            t = median(lambda v=v: (render_pdf(v, profile=profile), render_docx(v, profile=profile)), 1)
            specs = list_sheets(v)
            ts = median(lambda v=v, specs=specs: render_sheets(v, specs, ("xlsx", "docx", "pdf"), profile), 1)
            per_item[n] = t / n
            sheets_per_item[n] = ts / n
            record(f"synthetic{n}_per_item_ms", f"synthetic {n} items: DOCX+PDF per item (ms)", t / n * 1000)
            record(f"synthetic{n}_sheets_per_item_ms",
                   f"synthetic {n} items: {len(specs)} sheets × 3 formats per item (ms)", ts / n * 1000)
        record("growth_ratio", "per-item time 400 / 100 (DOCX+PDF)", per_item[400] / per_item[100], "≤ 1.2")
        record("sheets_growth_ratio", "per-item time 400 / 100 (sheets)", sheets_per_item[400] / sheets_per_item[100],
               "≤ 1.2")
        build_scale(d)
    probe = ("import resource, sys; from plangen.cli import main; sys.argv = ['plangen', 'render', sys.argv[1], '-o', sys.argv[2]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork+exec, so a child of
             # this (large) benchmark process would report the benchmark's own size
             "import re\ntry:\n    print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
             "except OSError:\n    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([PY, "-c", probe, str(PLANS / "yunxi-2024.yaml"), tmp], capture_output=True, text=True,
                           check=True, cwd=REPO)
    record("render_peak_mb", "peak memory of `plangen render yunxi-2024` (MB)", int(r.stdout.split()[-1]) / 1024, "≤ 250")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record("bench_peak_mb", "peak memory of this benchmark process (in-process renders, 400-item plans) (MB)", peak / 1024)
    report()
    missed = [k for k, t in targets.items() if not t["met"]]
    print(f"\ntargets: {len(targets) - len(missed)} of {len(targets)} met" + (f"; missed: {', '.join(missed)}" if missed else ""))
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform()},
        "figures": figures, "targets": targets}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {out / 'latest.json'}")


if __name__ == "__main__":
    main()
