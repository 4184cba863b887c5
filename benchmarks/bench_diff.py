"""Benchmark of `plangen diff` (issue 17): two yunxi-sized plans, yunxi-2024 and the NEW plan of
the diff tests (seven concrete edits). Targets: the diff without the PDF ≤ 1 s; with the PDF
≤ 1 s above `render` of the PDF. Prints a table; medians of a few warm runs in one process, plus
the whole command (a fresh process, imports included).

    .venv/bin/python benchmarks/bench_diff.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from plangen.diff import render_outputs, revision_meta  # noqa: E402
from plangen.diff.match import match  # noqa: E402
from plangen.diff.summary import summarize  # noqa: E402
from plangen.fonts import load_profile  # noqa: E402
from plangen.render import pdf as pdf_module  # noqa: E402
from plangen.render.pdf import render_pdf  # noqa: E402
from plangen.view import load_view  # noqa: E402
from test_diff_support import write_pair  # noqa: E402


from timing import median_wall_cpu  # noqa: E402 - benchmarks/timing.py


def median(fn, n: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    return median_wall_cpu(fn, n)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="plangen-bench-diff-"))
    old, new = write_pair(tmp)
    profile = load_profile(None)

    def diff(formats: tuple[str, ...]) -> None:
        vo, vn = load_view(old), load_view(new)
        m = match(vo, vn)
        author, date = revision_meta(vn, None)
        render_outputs(m, summarize(m), formats, author=author, date=date, fonts=None)

    diff(("docx", "html", "xlsx", "pdf"))  # warm-up: imports, fonts
    rows = []
    t_match = median(lambda: match(load_view(old), load_view(new)))
    rows.append(("load both + match + summary", t_match, None))
    t_nopdf = median(lambda: diff(("docx", "html", "xlsx")))
    rows.append(("diff without PDF (docx, html, xlsx)", t_nopdf, 1.0))
    t_docx = median(lambda: diff(("docx",)))
    rows.append(("diff, DOCX redline only", t_docx, None))
    vn = load_view(new)

    def render() -> None:
        pdf_module._LAST.clear()  # render_pdf remembers its last result
        render_pdf(vn, profile=profile)

    t_render = median(render, n=3)
    rows.append(("render NEW as PDF", t_render, None))
    t_pdf = median(lambda: diff(("docx", "html", "xlsx", "pdf")), n=3)
    rows.append(("diff with PDF (all four)", t_pdf, None))
    rows.append(("  the redline PDF alone (with − without PDF)",
                 (t_pdf[0] - t_nopdf[0], t_pdf[1] - t_nopdf[1]), None))
    rows.append(("  diff with PDF − render PDF", (t_pdf[0] - t_render[0], t_pdf[1] - t_render[1]), 1.0))
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "plangen", "diff", str(old), str(new), "--formats",
                        "docx,html,xlsx", "-o", str(tmp / "out")], capture_output=True, text=True)
    t_cli = time.perf_counter() - t
    assert r.returncode == 0, r.stderr
    rows.append(("plangen diff --formats docx,html,xlsx (fresh process)", (t_cli, float("nan")), None))
    width = max(len(label) for label, _, _ in rows)
    print(f"{'figure'.ljust(width)}  {'wall s':>7}  {'CPU s':>7}  target (on CPU time)")
    for label, (wall, cpu), target in rows:
        verdict = "" if target is None else (f"≤ {target:.1f} s  " + ("met" if cpu <= target else "MISSED"))
        print(f"{label.ljust(width)}  {wall:7.3f}  {cpu:7.3f}  {verdict}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
