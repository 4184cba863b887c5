"""What `plangen serve` knows about each plan, and the scheduler that keeps it current.

A save marks its plan dirty. A plan renders at most once at a time; saves that arrive while it
renders only leave it dirty, so it renders once more afterwards with the newest file: three
saves in quick succession give one or two renders, never a queue of three. Every finished
render bumps the plan's version and is announced to the pages listening on /events.

Previews are written under <output>/.plangen-cache/serve/<plan>/v<version>/ and only there;
the build's lock is never taken, so the nightly build can run beside the server. Of each plan
the last good version and the newest one are kept; older folders are removed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plangen.names import is_roster_path
from plangen.serve.worker import Worker, WorkerGone

SERVE_DIR = Path(".plangen-cache") / "serve"
NOT_PLANS = (".progress.yaml",)


def plan_files(folder: Path) -> dict[str, Path]:
    """name → plan file for every plan in the folder (rosters and ledgers are not plans)."""
    out: dict[str, Path] = {}
    for f in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        if is_roster_path(f) or f.name.endswith(NOT_PLANS) or not f.is_file():
            continue
        out.setdefault(f.name.rsplit(".", 1)[0], f)
    return out


@dataclass
class Preview:
    name: str
    path: Path
    version: int = 0  # finished renders
    good: dict[str, Any] | None = None  # the last good result (its pages are shown)
    good_version: int = 0
    latest: dict[str, Any] | None = None  # the newest result, good or not
    dirty: bool = False
    rendering: bool = False
    sheets: dict[int, dict[str, Any]] = field(default_factory=dict)  # index → result, for good_version

    def state(self) -> dict[str, Any]:
        latest = self.latest or {}
        return {"name": self.name, "version": self.version, "good_version": self.good_version,
                "ok": bool(latest.get("ok")), "stale": bool(self.good) and not latest.get("ok", True),
                "rendering": self.rendering or self.dirty, "message": latest.get("message", ""),
                "problems": latest.get("problems", []), "good": self.good}


class Server:
    """Plans of one folder, their previews, the worker and the listeners."""

    def __init__(self, plans_dir: Path, outdir: Path, worker: Worker) -> None:
        self.plans_dir = plans_dir
        self.outdir = outdir
        self.cache = outdir / SERVE_DIR
        self.worker = worker
        self.previews: dict[str, Preview] = {}
        self.listeners: set[asyncio.Queue[str]] = set()
        self.renders_done = 0
        self.renders_started = 0
        self.failures = 0
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.last_seconds: dict[str, Any] = {}  # the last plan render: in the worker, in all

    # ------------------------------------------------------------------ plans
    def refresh(self) -> dict[str, Path]:
        found = plan_files(self.plans_dir)
        for name, path in found.items():
            if name not in self.previews:
                self.previews[name] = Preview(name, path)
        for name in list(self.previews):
            if name not in found:
                del self.previews[name]
        return found

    def preview(self, name: str) -> Preview | None:
        if name not in self.previews:
            self.refresh()
        return self.previews.get(name)

    async def check_all(self) -> dict[str, Any]:
        found = self.refresh()
        try:
            reply = await asyncio.to_thread(self.worker.call, {"job": "check", "plans": [str(p) for p in found.values()]})
        except WorkerGone as e:
            return {name: {"errors": -1, "warnings": 0, "title": "", "message": str(e)} for name in found}
        by_path = reply.get("plans", {})
        return {name: by_path.get(str(p), {}) for name, p in found.items()}

    # ------------------------------------------------------------------ scheduling
    def request(self, name: str) -> None:
        """Mark a plan dirty; render it unless a render is already running (it re-runs after)."""
        pv = self.preview(name)
        if pv is None:
            return
        pv.dirty = True
        task = self._tasks.get(name)
        if task is None or task.done():
            self._tasks[name] = asyncio.get_running_loop().create_task(self._render_loop(pv))

    def request_all(self, only_seen: bool = True) -> None:
        for name, pv in list(self.previews.items()):
            if pv.version or pv.rendering or not only_seen:
                self.request(name)

    async def _render_loop(self, pv: Preview) -> None:
        while pv.dirty:
            pv.dirty = False
            pv.rendering = True
            self.renders_started += 1
            version = pv.version + 1
            started = time.perf_counter()
            dest = self.cache / pv.name / f"v{version}"
            job = {"job": "plan", "plan": str(pv.path), "dest": str(dest), "root": str(self.outdir)}
            try:
                result = await asyncio.to_thread(self.worker.call, job)
            except WorkerGone as e:
                result = {"ok": False, "message": str(e), "problems": []}
            pv.rendering = False
            self.last_seconds = {"render": result.get("seconds"),
                                 "total": round(time.perf_counter() - started, 3)}
            pv.version = version
            pv.latest = result
            self.renders_done += 1
            if result.get("ok"):
                pv.good, pv.good_version, pv.sheets = result, version, {}
                self._prune(pv, keep={version})
            else:
                self.failures += 1
                self._prune(pv, keep={version, pv.good_version})
            self.announce({"plan": pv.name, "version": pv.version})

    def _prune(self, pv: Preview, keep: set[int]) -> None:
        folder = self.cache / pv.name
        if not folder.is_dir():
            return
        for d in folder.iterdir():
            if d.is_dir() and d.name.startswith("v") and d.name[1:].isdigit() and int(d.name[1:]) not in keep:
                shutil.rmtree(d, ignore_errors=True)

    async def sheet(self, pv: Preview, index: int) -> dict[str, Any]:
        """Render one sheet of the last good version (when its tab is opened), once."""
        if pv.good is None:
            return {"ok": False, "message": "计划还没有成功生成的版本"}
        if index in pv.sheets:
            return pv.sheets[index]
        version = pv.good_version
        dest = self.cache / pv.name / f"v{version}"
        job = {"job": "sheet", "plan": str(pv.path), "dest": str(dest), "root": str(self.outdir), "index": index}
        try:
            result = await asyncio.to_thread(self.worker.call, job)
        except WorkerGone as e:
            result = {"ok": False, "message": str(e)}
        result["version"] = version
        if result.get("ok") and version == pv.good_version:
            pv.sheets[index] = result
        return result

    async def docx(self, pv: Preview, version: int) -> dict[str, Any]:
        """Make the DOCX of the version on screen when it is first downloaded."""
        if version != pv.good_version or pv.good is None:
            return {"ok": False, "message": "这个版本已不是最新的，请刷新页面后再下载"}
        dest = self.cache / pv.name / f"v{version}"
        job = {"job": "docx", "plan": str(pv.path), "dest": str(dest), "root": str(self.outdir)}
        try:
            return await asyncio.to_thread(self.worker.call, job)  # type: ignore[no-any-return]
        except WorkerGone as e:
            return {"ok": False, "message": str(e)}

    # ------------------------------------------------------------------ listeners
    def announce(self, event: dict[str, Any]) -> None:
        data = json.dumps(event, ensure_ascii=False)
        for q in list(self.listeners):
            q.put_nowait(data)

    def status(self) -> dict[str, Any]:
        return {"renders_done": self.renders_done, "renders_started": self.renders_started,
                "failures": self.failures, "worker_restarts": self.worker.restarts,
                "last_render_seconds": self.last_seconds,
                "rendering": [n for n, p in self.previews.items() if p.rendering],
                "queued": [n for n, p in self.previews.items() if p.dirty],
                "plans": {n: {"version": p.version, "good_version": p.good_version,
                              "ok": bool((p.latest or {}).get("ok"))} for n, p in self.previews.items()},
                "time": time.time()}
