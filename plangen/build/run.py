"""The build's orchestration: find the plans, decide which need building, run their jobs, write
the files, the index and the manifest, save the cache, sum up. See plangen/build/__init__.py
for the promises and docs/build.md for the user's view."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plangen import __version__
from plangen import formats as fmts
from plangen.build import jobs as jobmod
from plangen.build.cache import (
    CACHE_DIR,
    CACHE_VERSION,
    STATE,
    Cache,
    font_digest,
    sha256_bytes,
    tree_digest,
)
from plangen.build.inputs import MANIFEST, load_manifest, plan_files, plan_name
from plangen.build.report import Reporter, summary
from plangen.build.write import (
    FULL,
    DiskFull,
    intact,
    os_error_text,
    remove,
    remove_empty_dirs,
    still_there,
    write_files,
)
from plangen.epoch import epoch_warning, source_date
from plangen.errors import PlangenError, display_path
from plangen.outio import atomic_write, remove_stale_temps
from plangen.progress import ledger_sha  # light: hashlib only (the no-op build stays light)

INDEX = "index.html"
LOCK = ".plangen.lock"
PACKAGE = Path(__file__).resolve().parents[1]
RESERVED = {INDEX, MANIFEST, CACHE_DIR, LOCK}


@dataclass
class PlanRun:
    """One plan in this build (the cache is `Cache`; this is the plan's own progress)."""

    name: str
    path: Path
    action: str = "unchanged"  # built | unchanged | failed
    problems: list[str] = field(default_factory=list)
    key: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)  # sha256 of plan, roster, and files read
    roster: Path | None = None
    title: str = ""
    outputs: dict[str, bytes] = field(default_factory=dict)
    reads: set[str] = field(default_factory=set)
    sheets: list[list[str]] = field(default_factory=list)  # [kind, name, stem] in the plan's order
    progress: dict[str, Any] | None = None  # the latest period's lights (plangen.progress.build)

    def fail(self, *lines: str) -> None:
        self.action = "failed"
        self.problems.extend(line for line in lines if line and line not in self.problems)


def plan_key(inputs: dict[str, Any], common: dict[str, Any], templates: list[str]) -> str:
    return sha256_bytes(json.dumps({**inputs, **common, "templates": templates}, sort_keys=True).encode())


class Build:
    def __init__(self, outdir: Path, njobs: int, formats: tuple[str, ...], fonts: str | None,
                 force: bool, prune: bool, as_json: bool) -> None:
        self.outdir, self.njobs, self.formats, self.fonts = outdir, njobs, formats, fonts
        self.force, self.prune, self.as_json = force, prune, as_json
        self.rep = Reporter(quiet=as_json)
        self.stopped = ""  # why the build stopped early (a full disk)
        self.runs: list[PlanRun] = []
        self.jobs: list[jobmod.Job] = []
        self._templates: dict[Path, list[str]] = {}

    # ------------------------------------------------------------------ setting up

    def setup(self) -> None:
        removed = remove_stale_temps(self.outdir)
        if removed:
            shown = "、".join(display_path(p) for p in removed[:5]) + ("……" if len(removed) > 5 else "")
            self.rep.note(f"已删除中断的构建留下的临时文件 {len(removed)} 个：{shown}")
        if epoch_warning():
            self.rep.warn(epoch_warning())
        self.manifest_bytes, self.old = load_manifest(self.outdir, self.rep.warn)
        self.cache = Cache(self.outdir / CACHE_DIR / STATE, warn=self.rep.warn)
        epoch = source_date()
        self.changed_stamp = epoch.strftime("%Y-%m-%d %H:%M:%S UTC") if epoch else ""
        self.code = tree_digest(PACKAGE, self.cache, exclude=self.outdir)
        self.common = {
            "fonts": font_digest(self.fonts, self.cache, need_files=fmts.needs_font_files(self.formats)),
            "code": self.code, "version": __version__, "formats": list(self.formats),
            "cache": CACHE_VERSION, "epoch": epoch.isoformat() if epoch else ""}

    def templates_for(self, plan: Path) -> list[str]:
        from plangen.templates import search_dirs

        d = plan.parent.absolute()
        if d not in self._templates:
            self._templates[d] = [tree_digest(t, self.cache, exclude=self.outdir) for t in search_dirs(d)]
        return self._templates[d]

    def hash_reads(self, plan: Path, rels: Iterable[str]) -> dict[str, str]:
        """sha256 of files read by a render, by their path relative to the plan's folder ("" if gone)."""
        out = {}
        for rel in rels:
            try:
                out[rel] = self.cache.sha(plan.parent / rel)
            except OSError:
                out[rel] = ""
        return out

    # ------------------------------------------------------------------ deciding

    def discover(self, inputs: Sequence[Path]) -> None:
        names: set[str] = set()
        for path in plan_files(inputs):
            run = PlanRun(plan_name(path), path)
            self.runs.append(run)
            if run.name in names:
                run.name = f"{run.name}（{path.name}）"
                run.fail(f"{display_path(path)}：与另一个计划同名（输出文件夹都叫 {plan_name(path)}），请改名")
                continue
            names.add(run.name)
            try:
                path.resolve(strict=True)
            except (OSError, RuntimeError) as e:
                loop = isinstance(e, RuntimeError) or getattr(e, "errno", 0) == 40
                run.fail(f"{display_path(path)}：无法读取计划文件（"
                         + ("循环的符号链接" if loop else "链接指向的文件不存在") + "），请修正或删除它")
            if run.name in RESERVED or run.name.startswith("."):
                run.fail(f"{display_path(path)}：计划文件名“{run.name}”与输出目录中的保留名冲突（或以“.”开头），请改名")

    def fast_unchanged(self, run: PlanRun, old: dict[str, Any]) -> bool:
        """True when the plan, its roster (where the last build found it) and every file its
        render read hash as recorded and the rest of the key is the same: check would give
        the same result, so it is skipped (no pydantic import)."""
        memo = self.cache.plans.get(run.name) or {}
        inputs = old.get("inputs")
        if not isinstance(inputs, dict) or memo.get("plan") != str(run.path.resolve()) or not inputs.get("plan"):
            return False
        try:
            if self.cache.sha(run.path) != inputs["plan"]:
                return False
            roster = Path(memo["roster"]) if memo.get("roster") else None
            if (self.cache.sha(roster) if roster else "") != inputs.get("roster", ""):
                return False
            if ledger_sha(run.path) != inputs.get("ledger", ""):
                return False
        except (OSError, KeyError):
            return False
        recorded = inputs.get("reads") or {}
        if not isinstance(recorded, dict) or self.hash_reads(run.path, recorded) != recorded:
            return False
        if plan_key(inputs, self.common, self.templates_for(run.path)) != old.get("key"):
            return False
        run.inputs, run.key, run.roster = dict(inputs), str(old["key"]), roster
        return True

    def decide(self, run: PlanRun) -> None:
        old = self.old.get(run.name) or {}
        ok_before = old.get("status") == "ok"
        if not self.force and ok_before and self.fast_unchanged(run, old) \
                and intact(self.outdir / run.name, old["files"], self.cache):
            return  # same inputs as a plan that built fine, outputs intact: not even checked
        from plangen.check import check_file

        try:
            result = check_file(run.path)
        except Exception as e:  # noqa: BLE001 - one plan must not stop the others
            return run.fail(jobmod.failure_text(e))
        if not result.ok:
            return run.fail(*(p.format() for p in result.problems.errors))
        run.roster = result.roster_path
        try:
            run.inputs = {"plan": self.cache.sha(run.path),
                          "roster": self.cache.sha(run.roster) if run.roster else ""}
            if ledger := ledger_sha(run.path):  # the progress ledger is part of the reports' key
                run.inputs["ledger"] = ledger
        except OSError as e:  # vanished between check and hashing
            return run.fail(os_error_text(e))
        assert result.plan is not None
        run.title = result.plan.plan.title
        old_reads = (old.get("inputs") or {}).get("reads") or {}
        run.inputs["reads"] = self.hash_reads(run.path, old_reads if isinstance(old_reads, dict) else {})
        run.key = plan_key(run.inputs, self.common, self.templates_for(run.path))
        self.cache.set_plan(run.name, {**(self.cache.plans.get(run.name) or {}),
                                       "plan": str(run.path.resolve()), "roster": str(run.roster or "")})
        if self.force or old.get("key") != run.key or not ok_before \
                or not intact(self.outdir / run.name, old["files"], self.cache):
            run.action = "built"
            self.plan_jobs(run, result)

    def plan_jobs(self, run: PlanRun, result: Any) -> None:
        try:
            from plangen.view import build_view

            view = build_view(result)
            plan_jobs = jobmod.plan_jobs(run.name, run.name, view, self.formats, self.fonts)
            if any(j.target == "progress" for j in plan_jobs):
                from plangen.progress.build import summary

                run.progress = summary(view, warn=self.rep.note)  # ledger vs plan warnings (progress.returns)
        except Exception as e:  # noqa: BLE001
            return run.fail(jobmod.failure_text(e))
        run.sheets = [[s.kind, s.name, s.stem] for j in plan_jobs for s in j.sheets]
        self.jobs.extend(plan_jobs)

    # ------------------------------------------------------------------ running

    def run_jobs(self) -> None:
        by_name = {r.name: r for r in self.runs}

        def done(job: jobmod.Job, result: jobmod.JobResult | None, err: str) -> None:
            self.rep.advance()
            run = by_name[job.plan]
            if err:
                run.fail(err)
            elif result is not None:
                for rel, data in result.files.items():
                    if rel in run.outputs:
                        run.fail(f"两个输出文件同名：{rel}")
                    run.outputs[rel] = data
                run.reads.update(result.reads)

        jobs = sorted(self.jobs, key=lambda j: -j.cost)  # longest first: the workers end together
        if jobs:
            todo = sum(r.action == "built" for r in self.runs)
            tasks = jobmod.tasks_for(self.njobs, len(jobs))
            self.rep.log(f"开始生成：{todo} 个计划，{len(jobs)} 项任务，并行 {tasks.njobs}")
            try:
                tasks.run(jobs, lambda j: by_name[j.plan].action == "failed", done, self.rep.start)
            finally:
                self.rep.stop()
                jobmod.clear_views()

    # ------------------------------------------------------------------ writing

    def entry_built(self, run: PlanRun, old: dict[str, Any]) -> dict[str, Any]:
        """Write one built plan's files → its manifest entry (failed if a file could not be written)."""
        plan_dir = self.outdir / run.name
        old_files = old.get("files", {})
        files, changed, problems = write_files(plan_dir, run.outputs, self.outdir, self.cache)
        run.outputs = {}
        if problems:
            run.fail(*problems)
            return self.entry_kept(run, old, {**still_there(plan_dir, old_files, files, self.cache), **files})
        for rel in old_files:
            if rel not in files:
                remove(plan_dir / rel, self.outdir)
                changed = True
        run.inputs["reads"] = self.hash_reads(run.path, sorted(
            Path(os.path.relpath(p, run.path.parent.absolute())).as_posix() for p in run.reads))
        run.key = plan_key(run.inputs, self.common, self.templates_for(run.path))
        if changed:
            memo = self.cache.plans.get(run.name) or {}
            self.cache.set_plan(run.name, {**memo, "changed_at": dt.datetime.now(dt.UTC).isoformat()})
        entry: dict[str, Any] = {
            "source": display_path(run.path), "status": "ok", "key": run.key,
            "roster": display_path(run.roster) if run.roster else "", "inputs": run.inputs,
            "title": run.title, "files": files, "sheets": run.sheets, "fingerprint": fingerprint(files)}
        if run.progress:
            entry["progress"] = run.progress
        stamp = self.changed_stamp if changed or not old.get("changed") else old["changed"]
        if stamp:  # only with SOURCE_DATE_EPOCH: the wall clock stays in the cache (changed_at)
            entry["changed"] = stamp
        self.rep.log(f"已生成：{display_path(run.path)}（{len(files)} 个文件" + ("" if changed else "，内容未变") + "）")
        return entry

    def entry_kept(self, run: PlanRun, old: dict[str, Any], files: dict[str, Any] | None = None) -> dict[str, Any]:
        """The entry of a plan not (fully) written this time: its previous files, as on disk."""
        entry = dict(old) if old else {}
        entry["source"] = display_path(run.path)
        if files is None:
            files = still_there(self.outdir / run.name, old.get("files", {}), (), self.cache) if old else {}
        entry["files"] = files
        if files != old.get("files"):
            entry["fingerprint"] = fingerprint(files)
        if run.action == "failed":
            entry["status"] = "failed"
            entry["problems"] = run.problems
            self.rep.log(f"失败：{display_path(run.path)}（保留上次的输出）")
            for line in run.problems:
                self.rep.log("  " + line)
        return entry

    def write_all(self) -> dict[str, Any]:
        plans: dict[str, Any] = {}
        for run in self.runs:
            old = self.old.get(run.name) or {}
            if run.action == "built" and not self.stopped:
                try:
                    plans[run.name] = self.entry_built(run, old)
                    continue
                except DiskFull as e:
                    self.stopped = e.message()
            if run.action == "built":
                run.fail(self.stopped)
            plans[run.name] = self.entry_kept(run, old)
        for name, entry in self.old.items():
            if name in plans:
                continue
            if self.prune:
                for rel in entry.get("files", {}):
                    remove(self.outdir / name / rel, self.outdir)
                remove_empty_dirs(self.outdir / name, self.outdir)
                self.rep.log(f"已删除：{name} 的输出（计划文件已不存在）")
            elif entry.get("files"):  # a vanished plan with nothing on disk is simply forgotten
                plans[name] = {**entry, "status": "missing"}
        return plans

    def finish(self, plans: dict[str, Any]) -> None:
        """index.html, then manifest.json (last, atomically), then the cache."""
        manifest = {"plangen": __version__, "formats": list(self.formats), "plans": dict(sorted(plans.items()))}
        data = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
        source = sha256_bytes(data + self.code.encode())
        index = self.outdir / INDEX
        writing = index
        try:
            if not (self.cache.index.get("source") == source and index.is_file()
                    and self.cache.sha(index) == self.cache.index.get("sha256")):
                from plangen.build.index import render_index

                html = render_index(manifest).encode("utf-8")
                atomic_write(index, html, self.outdir)
                self.cache.remember(index, sha256_bytes(html))
                self.cache.set_index({"source": source, "sha256": sha256_bytes(html)})
            writing = self.outdir / MANIFEST
            atomic_write(writing, data, self.outdir)
            writing = self.cache.path
            self.cache.save(self.outdir, (r.name for r in self.runs))
        except OSError as e:
            if writing == self.cache.path:  # only a cache: the next build hashes once more
                self.rep.warn(f"缓存未能保存（{os_error_text(e, writing)}），下次构建只是多算一次哈希")
            elif e.errno in FULL:
                self.stopped = self.stopped or DiskFull(writing).message()
            else:
                self.stopped = self.stopped or f"{os_error_text(e, writing)}；清单未能更新，下次构建会核对并补齐"


def fingerprint(files: dict[str, Any]) -> str:
    """A short content hash of a plan's outputs (for index.html): changes exactly when they do."""
    return sha256_bytes(json.dumps({k: v.get("sha256") for k, v in files.items()}, sort_keys=True).encode())[:12]


def run_build(inputs: Sequence[Path], *, outdir: Path, jobs: int | None, formats: Sequence[str],
              fonts: str | None, force: bool, prune: bool, wait: bool, as_json: bool) -> int:
    from filelock import FileLock, Timeout

    t0 = time.perf_counter()
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PlangenError(f"无法创建输出目录 {outdir}：{os_error_text(e, outdir)}") from None
    lock = FileLock(str(outdir / LOCK))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        raise PlangenError(f"另一个 plangen build 正在使用输出目录 {outdir}，请稍后再试（或加 --wait 等待）") from None
    except OSError as e:
        raise PlangenError(f"无法在输出目录加锁：{os_error_text(e)}") from None
    try:
        b = Build(outdir, jobs or os.cpu_count() or 1, tuple(formats), fonts, force, prune, as_json)
        b.setup()
        b.discover(inputs)
        for run in b.runs:
            if run.action != "failed":
                b.decide(run)
        b.run_jobs()
        b.finish(b.write_all())
        summary(b.runs, time.perf_counter() - t0, str(outdir), display_path(outdir / INDEX), as_json, b.stopped)
        return 1 if b.stopped or any(r.action == "failed" for r in b.runs) else 0
    finally:
        lock.release()
