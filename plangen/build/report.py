"""What the build tells its user: a progress bar on a terminal (rich), plain timestamped lines
otherwise (cron mail), and the last line (or --json) summing up."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any


class Reporter:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty() and not quiet
        self.progress: Any = None
        self.task: Any = None

    def log(self, msg: str) -> None:
        if self.quiet:
            return
        if self.progress is not None:
            self.progress.console.print(msg, markup=False, highlight=False)
        elif self.tty:
            sys.stderr.write(msg + "\n")
        else:
            sys.stderr.write(f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')} {msg}\n")
        sys.stderr.flush()

    def note(self, msg: str) -> None:
        """Shown even with --json (on stderr): what the build cleaned up or discarded."""
        if self.quiet:
            sys.stderr.write(msg + "\n")
            sys.stderr.flush()
        else:
            self.log(msg)

    def warn(self, msg: str) -> None:
        self.note("警告：" + msg)

    def start(self, total: int) -> None:
        if self.tty and total:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("build", total=total)

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def summary(runs: Sequence[Any], seconds: float, output: str, index: str, as_json: bool,
            stopped: str = "") -> None:
    built = sum(r.action == "built" for r in runs)
    unchanged = sum(r.action == "unchanged" for r in runs)
    failed = sum(r.action == "failed" for r in runs)
    if as_json:
        out: dict[str, Any] = {
            "built": built, "unchanged": unchanged, "failed": failed, "seconds": round(seconds, 3),
            "output": output, "plans": {r.name: r.action for r in runs},
            "problems": {r.name: r.problems for r in runs if r.action == "failed"}}
        if stopped:
            out["stopped"] = stopped
    if stopped:
        sys.stderr.write(stopped + "\n")
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    sys.stdout.write(f"构建完成：重建 {built} 个，未变 {unchanged} 个，失败 {failed} 个，"
                     f"用时 {seconds:.2f} 秒。目录：{index}\n")
