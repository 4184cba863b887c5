"""How `plangen check` time grows with the number of problems (issue 19.11: it was cubic).

Writes plans whose N items each write `leaders: 陈丽` and `offices: 教育股` (strings where lists
belong: 2 problems per item) and times `check_file` on each. Run by hand:

    .venv/bin/python benchmarks/check_scale.py [N ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plangen.check import check_file  # noqa: E402

ROSTER = "bureau: 局\noffices: [办公室, 教育股]\nleaders: [陈丽]\n"


def plan(items: int) -> str:
    body = "".join(f"        - title: 任务{i}\n          leaders: 陈丽\n          offices: 教育股\n"
                   for i in range(items))
    return ("roster: t.roster.yaml\nplan:\n  title: 要点\n  year: 2024\n  sections:\n"
            "    - title: 重点工作\n      items:\n" + body)


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "t.roster.yaml").write_text(ROSTER, encoding="utf-8")
        for n in sizes:
            p = folder / f"p{n}.yaml"
            p.write_text(plan(n), encoding="utf-8")
            t = time.perf_counter()
            r = check_file(p)
            dt = time.perf_counter() - t
            print(f"{n:>6} items, {p.stat().st_size // 1024:>5} KB: {len(r.problems):>6} problems "
                  f"in {dt:.2f} s ({dt / max(1, len(r.problems)) * 1e6:.0f} µs each)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 1500, 3000, 5000])
