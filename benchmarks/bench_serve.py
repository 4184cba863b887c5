#!/usr/bin/env python3
"""`plangen serve`: from a save of plans/yunxi-2024.yaml to the new page images, with the server
warm; and the server's and worker's memory after many saves.

    .venv/bin/python benchmarks/bench_serve.py [--saves 100]

Prints the median and worst save→images time (target: median ≤ 1.0 s) and the resident memory
of the server and its worker before and after the saves.
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
        return r.read()  # type: ignore[no-any-return]


def rss_mb(pid: int) -> float:
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    kids = [int(x) for x in out]
    return kids + [g for k in kids for g in _children(k)]


def wait_version(port: int, name: str, above: int, timeout: float = 120) -> dict:  # type: ignore[type-arg]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = json.loads(get(port, f"/plan/{name}/state"))
        if state["version"] > above and not state["rendering"]:
            return state  # type: ignore[no-any-return]
        time.sleep(0.01)
    raise SystemExit("timed out")


class Events:
    """The server-sent events of /events, as the plan page receives them (no polling: a poll
    every few milliseconds would take CPU from the render it waits for)."""

    def __init__(self, port: int) -> None:
        self.queue: queue.Queue[dict] = queue.Queue()  # type: ignore[type-arg]
        self.response = urllib.request.urlopen(f"http://127.0.0.1:{port}/events", timeout=600)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.response:
            line = raw.decode("utf-8").strip()
            if line.startswith("data:"):
                self.queue.put(json.loads(line[5:]))

    def wait(self, name: str, above: int, timeout: float = 120) -> int:
        end = time.monotonic() + timeout
        while True:
            event = self.queue.get(timeout=max(0.01, end - time.monotonic()))
            if event.get("plan") == name and event.get("version", 0) > above:
                return int(event["version"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plans = Path(tmp) / "plans"
        plans.mkdir()
        for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
            shutil.copy(REPO / "plans" / f, plans)
        proc = subprocess.Popen([sys.executable, "-m", "plangen", "serve", str(plans), "--port", "0",
                                 "-o", str(Path(tmp) / "out")], stdout=subprocess.PIPE, text=True)
        port = int(re.search(r":(\d+)/", proc.stdout.readline()).group(1))  # type: ignore[union-attr, arg-type]
        try:
            get(port, "/plan/yunxi-2024")
            state = wait_version(port, "yunxi-2024", 0)
            mem0 = rss_mb(proc.pid)
            plan = plans / "yunxi-2024.yaml"
            text = plan.read_text(encoding="utf-8")
            first = re.search(r"\n\s+- (?:id: \S+\n\s+)?title: (.+)\n", text).group(1)  # type: ignore[union-attr]
            events = Events(port)
            times: list[float] = []
            renders: list[float] = []  # in the worker
            scheduled: list[float] = []  # from the watcher's request to the new version
            for k in range(args.saves):
                t0 = time.perf_counter()
                plan.write_text(text.replace(f"title: {first}", f"title: {first}（第{k}次）", 1), encoding="utf-8")
                v = events.wait("yunxi-2024", state["version"])
                get(port, f"/plan/yunxi-2024/v/{v}/page/1.png")  # a good version: its pages exist
                state = {"version": v}
                times.append(time.perf_counter() - t0)
                split = json.loads(get(port, "/status"))["last_render_seconds"]
                renders.append(split.get("render") or 0.0)
                scheduled.append(split.get("total") or 0.0)
            mem1 = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(30)
    print(f"saves: {len(times)}")
    print(f"save → new page images: median {statistics.median(times):.2f} s, worst {max(times):.2f} s "
          f"(target median ≤ 1.0 s)")
    print(f"  of which the worker's render: median {statistics.median(renders):.2f} s; "
          f"request → new version: median {statistics.median(scheduled):.2f} s")
    print(f"server + worker memory: {mem0:.0f} MB warm, {mem1:.0f} MB after {len(times)} saves")


if __name__ == "__main__":
    main()
