"""Import benchmark: time to parse the legacy plans (as lines and as one-line web copies) and
how the cost grows with hostile inputs of doubling size. A linear importer shows a ratio near 2
for each doubling; a backtracking pattern shows 4 or more. Run:

    .venv/bin/python benchmarks/bench_import.py

Nothing here is a test; tests/test_import_hostile.py guards against hangs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plangen.errors import PlangenError  # noqa: E402
from plangen.importer.parser import parse_text  # noqa: E402
from plangen.importer.text import Line  # noqa: E402

LEGACY = REPO / "tests" / "data" / "legacy"
HEAD = "云溪区2024年教育体育工作要点\n一、聚焦党建引领\n1. 深入学习贯彻党的二十大精神。开展学习。"


def seconds(text: str, runs: int = 3) -> float:
    def once() -> float:
        t = time.perf_counter()
        try:
            parse_text([Line(i, x) for i, x in enumerate(text.split("\n"), 1)], "x")
        except PlangenError:
            pass
        return time.perf_counter() - t

    return statistics.median(once() for _ in range(runs))


SHAPES = {
    "unclosed note + blanks": lambda n: HEAD + "（责任领导：陈玲玲" + " " * n + ".",
    "unclosed brackets": lambda n: HEAD + "（责任单位：" * (n // 6),
    "nested brackets": lambda n: HEAD + "（" * (n // 2) + "责任单位：甲" + "）" * (n // 2),
    "punctuation line": lambda n: HEAD + "\n" + ("，。；：（）【】、,.;:()!?" * (n // 16 + 1))[:n],
    "blank-separated labels": lambda n: HEAD + "\n" + "责任单位： " * (n // 6),
    "one-line items": lambda n: "x年工作要点 一、抓 " + " ".join(f"{k}.项目。" for k in range(1, n // 8)),
}


def main() -> None:
    print("| input | ms |")
    print("|---|---|")
    for name in ("jishou-2023", "yunxi-2024", "luan-2024"):
        text = (LEGACY / f"{name}.txt").read_text(encoding="utf-8")
        print(f"| {name} ({len(text)} chars) | {seconds(text) * 1000:.1f} |")
        print(f"| {name}, one line | {seconds(' '.join(text.split(chr(10)))) * 1000:.1f} |")
    print()
    sizes = (125_000, 250_000, 500_000, 1_000_000)
    print("| shape | " + " | ".join(f"{n // 1000}k chars" for n in sizes) + " | ratio per doubling |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for name, make in SHAPES.items():
        times = [seconds(make(n), runs=1) for n in sizes]
        ratios = [b / a for a, b in zip(times, times[1:], strict=False) if a > 0]
        cells = " | ".join(f"{t:.2f} s" for t in times)
        print(f"| {name} | {cells} | {max(ratios) if ratios else 0:.1f} |")


if __name__ == "__main__":
    main()
