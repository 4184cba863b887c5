"""OFD and archive benchmark (not a test): what OFD adds to the PDF, and what re-subsetting
the fonts with fontTools would have cost instead.

    .venv/bin/python benchmarks/bench_ofd.py [PLAN]     (default plans/yunxi-2024.yaml)

Prints medians of 3 runs: the PDF alone, OFD from that PDF (the read-back), the `render`
command with pdf vs pdf,ofd (whole process), the archive package, and fontTools subsetting of
FandolFang to the plan's characters (the cost the OFD writer avoids by reusing the PDF's subsets).
Target (issue 15): OFD adds at most 1.0 s to the PDF's time for yunxi.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import plangen.render.pdf as pdfmod  # noqa: E402
from plangen.fonts import load_profile  # noqa: E402
from plangen.ofd import ofd_meta, pdf_to_ofd  # noqa: E402
from plangen.view import load_view  # noqa: E402


def median(fn, n: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall, CPU) medians; CPU includes finished child processes. The machine is shared, so
    CPU seconds are the steadier figure."""
    walls, cpus = [], []
    for _ in range(n):
        t, c = time.perf_counter(), _cpu()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cli(*args: str) -> tuple[float, float]:
    def run() -> None:
        subprocess.run([sys.executable, "-m", "plangen", *args], check=True, cwd=REPO,
                       capture_output=True)
    return median(run)


def main() -> None:
    plan = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "plans" / "yunxi-2024.yaml"
    view, profile = load_view(plan), load_profile()

    def pdf_only() -> bytes:
        pdfmod._LAST.clear()
        return pdfmod.render_pdf(view, profile=profile)

    pdf_only()  # warm: fonts, fontconfig
    t_pdf = median(pdf_only)
    pdf = pdf_only()
    t_ofd = median(lambda: pdf_to_ofd(pdf, ofd_meta(view)))
    with tempfile.TemporaryDirectory() as out:
        c_pdf = cli("render", str(plan), "--formats", "pdf", "-o", out)
        c_both = cli("render", str(plan), "--formats", "pdf,ofd", "-o", out)
        c_arch = cli("archive", str(plan), "-o", out)
    t_subset = median(lambda: _fonttools_subset(view, profile), n=1)
    rows = [
        ("PDF (render_pdf, in process)", t_pdf),
        ("OFD from that PDF (pdf_to_ofd)", t_ofd),
        ("plangen render --formats pdf", c_pdf),
        ("plangen render --formats pdf,ofd", c_both),
        ("  → OFD adds (command)", (c_both[0] - c_pdf[0], c_both[1] - c_pdf[1])),
        ("plangen archive (PDF/A + OFD + metadata)", c_arch),
        ("fontTools subset of FandolFang alone (avoided)", t_subset),
    ]
    print(f"{plan.name}: {len(pdf)} bytes of PDF")
    print(f"  {'':<48} {'wall':>7} {'CPU':>7}")
    for label, (wall, cpu) in rows:
        print(f"  {label:<48} {wall:6.2f}s {cpu:6.2f}s")
    added = c_both[1] - c_pdf[1]
    verdict = "满足" if t_ofd[1] <= 1.0 and added <= 1.0 else "未满足"
    print(f"目标：OFD 比 PDF 多用时 ≤ 1.0 s（CPU：读回 {t_ofd[1]:.2f} s，命令多 {added:.2f} s）—— {verdict}")


def _fonttools_subset(view, profile) -> None:  # type: ignore[no-untyped-def]
    from fontTools import subset

    text = "".join(seg.text for block in view.plan.blocks for seg in block.segments)
    font = subset.load_font(str(profile.face("body").path), subset.Options())
    sub = subset.Subsetter(subset.Options())
    sub.populate(text=text)
    sub.subset(font)


if __name__ == "__main__":
    main()
