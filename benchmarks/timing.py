"""Shared by the benchmark scripts: medians of wall and CPU seconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_wall_cpu(fn: Callable[[], Any], n: int = 3) -> tuple[float, float]:
    """Median (wall seconds, CPU seconds) of n runs. The machine may be shared: CPU time is what
    the work costs, wall time what it took under the load at the time."""
    walls, cpus = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)
