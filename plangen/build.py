"""`plangen build`: the nightly archive — every plan → output/, only what changed.

- Incremental by content: a plan's key is a sha256 over the plan and roster bytes, the template
  files, the font profile and font files, plangen's source and version and the formats.
  Same key and every file the manifest lists intact → nothing to do.
- Hashes of files (inputs, fonts, outputs) are remembered in output/.plangen-cache/state.json by
  path, size, mtime and inode, and recomputed only when those change: touching a file costs one
  re-hash, never a rebuild.
- A warm no-op build imports neither pydantic nor any renderer: when a plan's bytes, its roster's
  bytes and everything else in its key equal what the manifest recorded for a plan that built
  fine, the check (deterministic in those inputs) is skipped too. The font profile's resolution
  is remembered likewise (see docs/build.md for its one limit).
- Every listed output is verified each run (stat, re-hash on any change), so a build killed
  half-way — new files under the old manifest — is detected and repaired by the next one.
- Jobs are single documents (DOCX, PDF) or batches of sheets, longest first, in a process pool
  (-j N); only this process writes files (plangen.outio.atomic_write) and the manifest (last).
- A plan that fails check or rendering keeps its previous outputs and is reported; the others
  still build. Exit 0 all built, 1 some plan failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import os
import sys
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plangen import __version__
from plangen import formats as fmts
from plangen.errors import display_path, PlangenError
from plangen.names import ROSTER_SUFFIX
from plangen.outio import TEMP_PREFIX, atomic_write, ensure_inside

if TYPE_CHECKING:  # imported lazily: they pull in pydantic
    from plangen.check import CheckResult

CACHE_VERSION = 2
MANIFEST = "manifest.json"
INDEX = "index.html"
CACHE_DIR = ".plangen-cache"
STATE = "state.json"
LOCK = ".plangen.lock"
TEMP_MAX_AGE = 60.0
PACKAGE = Path(__file__).resolve().parent




# --------------------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class State:
    """output/.plangen-cache/state.json: sha256 of files by (size, mtime_ns, inode), where each
    plan's roster was found, how the font profile resolved. A cache only: deleting it costs one
    re-hash of everything, never a wrong build."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != CACHE_VERSION:
                data = {}
        except (OSError, ValueError, AttributeError):
            data = {}
        self.hashes: dict[str, Any] = data.get("hashes", {})
        self.plans: dict[str, Any] = data.get("plans", {})
        self.fonts: dict[str, Any] = data.get("fonts", {})
        self.used: set[str] = set()
        self.dirty = False

    def sha(self, file: Path) -> str:
        """sha256 of `file` (OSError when it is missing), re-hashed only when its stat changed."""
        key = str(file)
        stamp = _stamp(file)
        self.used.add(key)
        entry = self.hashes.get(key)
        if entry and entry.get("stamp") == stamp:
            return str(entry["sha256"])
        digest = sha256_file(file)
        self.remember(file, digest, stamp)
        return digest

    def remember(self, file: Path, digest: str, stamp: list[int] | None = None) -> None:
        key = str(file)
        self.used.add(key)
        entry = {"stamp": stamp or _stamp(file), "sha256": digest}
        if self.hashes.get(key) != entry:
            self.hashes[key] = entry
            self.dirty = True

    def set_plan(self, name: str, value: dict[str, str]) -> None:
        if self.plans.get(name) != value:
            self.plans[name] = value
            self.dirty = True

    def save(self, root: Path, names: Iterable[str]) -> None:
        keep = set(names)
        if set(self.hashes) - self.used or set(self.plans) - keep:
            self.hashes = {k: v for k, v in self.hashes.items() if k in self.used}
            self.plans = {k: v for k, v in self.plans.items() if k in keep}
            self.dirty = True
        if self.dirty:
            data = {"version": CACHE_VERSION, "hashes": self.hashes, "plans": self.plans, "fonts": self.fonts}
            atomic_write(self.path, json.dumps(data, sort_keys=True, indent=0).encode(), root)


def _tree_digest(folder: Path, state: State) -> str:
    h = hashlib.sha256()
    if folder.is_dir():
        for f in sorted(folder.rglob("*")):
            rel = f.relative_to(folder)
            if "__pycache__" in rel.parts or any(p.startswith(".") for p in rel.parts) or not f.is_file():
                continue
            h.update(f"{rel.as_posix()}\0{state.sha(f)}\n".encode())
    return h.hexdigest()


def _font_digest(fonts: str | None, state: State, need_files: bool = True) -> str:
    """Content hash of the font profile and every font file it resolves to. The resolution
    (which needs plangen.fonts, hence pydantic) is remembered while the profile file, the
    font files, $PLANGEN_FONT_PATH, the working and home directories stay the same."""
    ident = {"arg": fonts or "", "env": os.environ.get("PLANGEN_FONT_PATH", ""), "need_files": need_files,
             "cwd": os.getcwd(), "home": os.path.expanduser("~")}

    def digest(source_sha: str, files: Sequence[str]) -> str:
        return sha256_bytes(json.dumps([source_sha] + [state.sha(Path(f)) for f in files]).encode())

    memo = state.fonts
    if memo.get("ident") == ident:
        try:
            if state.sha(Path(memo["source"])) == memo["source_sha"]:
                return digest(memo["source_sha"], memo["files"])
        except (OSError, KeyError, TypeError):
            pass
    from plangen.fonts import load_profile

    profile = load_profile(fonts)
    if need_files:  # DOCX and XLSX name their fonts; only PDFs embed the files
        profile.check()
    assert profile.source is not None
    source_sha = state.sha(profile.source)
    files = [str(f) for f in profile.files()]
    state.fonts = {"ident": ident, "source": str(profile.source), "source_sha": source_sha, "files": files}
    state.dirty = True
    return digest(source_sha, files)


# --------------------------------------------------------------------------- jobs


@dataclass(frozen=True)
class Job:
    plan: str  # plan file path
    kind: str  # "document" or "sheets"
    fmt: str = ""  # document format
    sheets: tuple[tuple[str, str, str], ...] = ()  # (kind, name, stem) of a batch
    formats: tuple[str, ...] = ()
    fonts: str | None = None
    cost: float = field(default=1.0, compare=False)  # estimated seconds: longest jobs start first


def run_job(job: Job) -> dict[str, bytes]:
    """Render one job → {path relative to output/<plan>/: bytes}. Runs in a worker process."""
    from plangen.view import load_view

    view = load_view(Path(job.plan))
    if job.kind == "document":
        from plangen.render import render_document

        rel = fmts.rel_path(view.name, fmts.get("document", job.fmt))
        return {str(rel): render_document(view, job.fmt, fonts=job.fonts)}
    from plangen.fonts import load_profile
    from plangen.sheets import SheetSpec, render_sheets

    specs = [SheetSpec(kind=k, name=n, stem=s) for k, n, s in job.sheets]  # type: ignore[arg-type]
    return render_sheets(view, specs, job.formats, load_profile(job.fonts))


BATCH_SECONDS = 1.0  # a batch of sheets is split so that no batch is much longer than this


def batches(weights: Sequence[float], target: float) -> list[range]:
    """Consecutive index ranges of `weights` with nearly equal sums, each about `target` (one
    heavy item alone may exceed it)."""
    if not weights:
        return []
    total = sum(weights)
    k = max(1, min(len(weights), math.ceil(total / target)))
    out: list[range] = []
    start, acc = 0, 0.0
    for i, w in enumerate(weights):
        acc += w
        if len(out) < k - 1 and acc >= total * (len(out) + 1) / k and i + 1 < len(weights):
            out.append(range(start, i + 1))
            start = i + 1
    out.append(range(start, len(weights)))
    return out


def _jobs_for(result: CheckResult, formats: Sequence[str], fonts: str | None) -> list[Job]:
    from plangen.view import build_view

    plan = str(result.path)
    view = build_view(result)
    items = len(view.plan.items)
    jobs = [Job(plan, "document", f.name, fonts=fonts, cost=f.cost(items))
            for f in fmts.selected("document", formats)]
    sheet_formats = fmts.selected("sheet", formats)
    if sheet_formats:
        from plangen.sheets import list_sheets, sheet_weight

        specs = list_sheets(view)
        weights = [sum(f.cost(sheet_weight(view, sp)) for f in sheet_formats) for sp in specs]
        for r in batches(weights, BATCH_SECONDS):
            jobs.append(Job(plan, "sheets", sheets=tuple((specs[i].kind, specs[i].name, specs[i].stem) for i in r),
                            formats=tuple(f.name for f in sheet_formats), fonts=fonts,
                            cost=sum(weights[i] for i in r)))
    return jobs


# --------------------------------------------------------------------------- the build


@dataclass
class PlanState:
    name: str
    path: Path
    result: CheckResult | None = None
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # sha256 of the plan and roster files
    roster: Path | None = None
    status: str = "ok"  # ok | failed
    action: str = "unchanged"  # built | unchanged | failed
    problems: list[str] = field(default_factory=list)
    outputs: dict[str, bytes] = field(default_factory=dict)
    sheets: list[list[str]] = field(default_factory=list)  # [kind, name, stem] in the plan's order
    error: str = ""


class Reporter:
    """A progress bar on a terminal (rich), plain timestamped lines otherwise (cron mail)."""

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

    def start(self, total: int) -> None:
        if self.tty and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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


def _plan_files(inputs: Iterable[Path]) -> list[Path]:
    files: dict[Path, Path] = {}  # resolved → as given: a plan named twice is built once
    for p in inputs:
        if p.is_dir():
            found = [f for f in sorted(p.glob("*.yaml")) if not f.name.endswith(ROSTER_SUFFIX)]
        elif p.exists():
            found = [] if p.name.endswith(ROSTER_SUFFIX) else [p]
        else:
            raise PlangenError(f"找不到 {p}", exit_code=2)
        for f in found:
            files.setdefault(f.resolve(), f)
    return list(files.values())


_RESERVED = {INDEX, MANIFEST, CACHE_DIR, LOCK}


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    t = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() \
        else dt.datetime.now(dt.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def _intact(out_dir: Path, files: dict[str, Any], state: State) -> bool:
    """Every listed file exists with its recorded sha256 (re-hashed only when its stat changed)."""
    for rel, info in files.items():
        try:
            if state.sha(out_dir / rel) != info.get("sha256"):
                return False
        except OSError:
            return False
    return True


def _clean_temp_files(root: Path, max_age: float = TEMP_MAX_AGE) -> None:
    """Temp files of a killed build (plangen.outio's prefix) older than `max_age` seconds."""
    now = time.time()
    for f in root.rglob(f"{TEMP_PREFIX}*"):
        try:
            if now - f.lstat().st_mtime > max_age:
                f.unlink()
        except OSError:
            pass


def run_build(inputs: Sequence[Path], *, outdir: Path, jobs: int | None, formats: Sequence[str],
              fonts: str | None, force: bool, prune: bool, wait: bool, as_json: bool) -> int:
    from filelock import FileLock, Timeout

    t0 = time.perf_counter()
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PlangenError(f"无法创建输出目录 {outdir}：{e.strerror}") from None
    lock = FileLock(str(outdir / LOCK))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        raise PlangenError(f"另一个 plangen build 正在使用输出目录 {outdir}，请稍后再试（或加 --wait 等待）") from None
    try:
        return _build(inputs, outdir, jobs or os.cpu_count() or 1, tuple(formats), fonts, force,
                      prune, as_json, t0)
    finally:
        lock.release()


def _load_manifest(outdir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("plans"), dict):
        return {}
    return manifest


def _key(inputs: dict[str, str], common: dict[str, Any], templates: list[str]) -> str:
    return sha256_bytes(json.dumps({**inputs, **common, "templates": templates}, sort_keys=True).encode())


def _build(inputs: Sequence[Path], outdir: Path, njobs: int, formats: tuple[str, ...],
           fonts: str | None, force: bool, prune: bool, as_json: bool, t0: float) -> int:
    from plangen.templates import search_dirs

    rep = Reporter(quiet=as_json)
    _clean_temp_files(outdir)
    manifest = _load_manifest(outdir)
    old_plans: dict[str, Any] = manifest.get("plans", {})
    state = State(outdir / CACHE_DIR / STATE)
    # the manifest lists file hashes, not its format version: a manifest of another layout is
    # still read, and any plan whose key differs is simply rebuilt
    common = {"fonts": _font_digest(fonts, state, need_files=fmts.needs_font_files(formats)), "code": _tree_digest(PACKAGE, state),
              "version": __version__, "formats": list(formats), "cache": CACHE_VERSION}
    template_digests: dict[Path, list[str]] = {}

    def templates_for(plan: Path) -> list[str]:
        d = plan.parent.resolve()
        if d not in template_digests:
            template_digests[d] = [_tree_digest(t, state) for t in search_dirs(d)]
        return template_digests[d]

    states: list[PlanState] = []
    names: set[str] = set()
    for path in _plan_files(inputs):
        name = path.name.removesuffix(".yaml")
        if name in names:
            raise PlangenError(f"有两个计划同名：{name}（{display_path(path)}）", exit_code=2)
        names.add(name)
        st = PlanState(name, path)
        states.append(st)
        if name in _RESERVED or name.startswith("."):
            st.status, st.action = "failed", "failed"
            st.error = f"{display_path(path)}：计划文件名“{name}”与输出目录中的保留名冲突（或以“.”开头），请改名"
            continue
        old = old_plans.get(name) or {}
        if not force and old.get("status") == "ok" and _unchanged_fast(st, old, state, common, templates_for(path)) \
                and _intact(outdir / name, old.get("files", {}), state):
            continue  # same inputs as a plan that built fine, outputs intact: not even checked
        from plangen.check import check_file

        try:
            result = check_file(path)
        except Exception as e:  # noqa: BLE001 - one plan must not stop the others
            st.status, st.action, st.error = "failed", "failed", _failure(e)
            continue
        st.result = result
        if not result.ok:
            st.status, st.action = "failed", "failed"
            st.problems = [p.format() for p in result.problems.errors]
            continue
        st.roster = result.roster_path
        try:
            st.inputs = {"plan": state.sha(path),
                         "roster": state.sha(result.roster_path) if result.roster_path else ""}
        except OSError as e:  # vanished between check and hashing
            st.status, st.action, st.error = "failed", "failed", f"无法读取 {e.filename}：{e.strerror}"
            continue
        st.key = _key(st.inputs, common, templates_for(path))
        state.set_plan(name, {"plan": str(path.resolve()), "roster": str(st.roster or "")})
        if not (not force and old.get("key") == st.key and old.get("status") == "ok"
                and _intact(outdir / name, old.get("files", {}), state)):
            st.action = "built"

    todo = [s for s in states if s.action == "built"]
    all_jobs: list[tuple[PlanState, Job]] = []
    for s in todo:
        assert s.result is not None
        try:
            plan_jobs = _jobs_for(s.result, formats, fonts)
            all_jobs.extend((s, j) for j in plan_jobs)
            s.sheets = [list(spec) for j in plan_jobs for spec in j.sheets]
        except Exception as e:  # noqa: BLE001
            s.status, s.action, s.error = "failed", "failed", _failure(e)
    all_jobs = [(s, j) for s, j in all_jobs if s.action == "built"]
    all_jobs.sort(key=lambda sj: -sj[1].cost)  # longest first: two workers end together
    if all_jobs:
        rep.log(f"开始生成：{len(todo)} 个计划，{len(all_jobs)} 项任务，并行 {min(njobs, len(all_jobs))}")
    try:
        _run_jobs(all_jobs, njobs, rep)
    finally:
        rep.stop()

    plans_out: dict[str, Any] = {}
    now = _now()
    for s in states:
        old = old_plans.get(s.name) or {}
        if s.action != "built":
            entry = dict(old) if old else {"files": {}}
            entry["source"] = display_path(s.path)
            if s.action == "failed":
                entry["status"] = "failed"
                entry["problems"] = s.problems or [s.error]
                rep.log(f"失败：{display_path(s.path)}（保留上次的输出）")
                for line in entry["problems"]:
                    rep.log("  " + line)
            plans_out[s.name] = entry
            continue
        plan_dir = outdir / s.name
        files: dict[str, Any] = {}
        changed = False
        for rel in sorted(s.outputs):
            target = plan_dir / rel
            ensure_inside(target, plan_dir)
            data = s.outputs[rel]
            digest = sha256_bytes(data)
            changed |= atomic_write(target, data, outdir)
            state.remember(target, digest)
            files[rel] = {"size": len(data), "sha256": digest}
        for rel in old.get("files", {}):
            if rel not in files:
                _remove(plan_dir / rel, outdir)
                changed = True
        assert s.result is not None and s.result.plan is not None
        plans_out[s.name] = {
            "source": display_path(s.path),
            "status": "ok",
            "key": s.key,
            "roster": display_path(s.roster) if s.roster else "",
            "inputs": s.inputs,
            "title": s.result.plan.plan.title,
            "files": files,
            "sheets": s.sheets,
            "changed": now if changed or not old.get("changed") else old["changed"],
        }
        s.outputs = {}
        rep.log(f"已生成：{display_path(s.path)}（{len(files)} 个文件" + ("" if changed else "，内容未变") + "）")
    for name, entry in old_plans.items():
        if name in plans_out or not isinstance(entry, dict):
            continue
        if prune:
            for rel in entry.get("files", {}):
                _remove(outdir / name / rel, outdir)
            _remove_empty_dirs(outdir / name, outdir)
            rep.log(f"已删除：{name} 的输出（计划文件已不存在）")
        else:
            entry = dict(entry)
            entry["status"] = "missing"
            plans_out[name] = entry

    new_manifest = {"plangen": __version__, "formats": list(formats),
                    "plans": dict(sorted(plans_out.items()))}
    atomic_write(outdir / INDEX, render_index(new_manifest).encode("utf-8"), outdir)
    atomic_write(outdir / MANIFEST, (json.dumps(new_manifest, ensure_ascii=False, indent=1,
                                                sort_keys=True) + "\n").encode("utf-8"), outdir)
    state.save(outdir, (s.name for s in states))
    built = sum(s.action == "built" for s in states)
    unchanged = sum(s.action == "unchanged" for s in states)
    failed = sum(s.action == "failed" for s in states)
    seconds = time.perf_counter() - t0
    if as_json:
        summary = {"built": built, "unchanged": unchanged, "failed": failed,
                   "seconds": round(seconds, 3), "output": str(outdir),
                   "plans": {s.name: s.action for s in states},
                   "problems": {s.name: s.problems or [s.error] for s in states if s.action == "failed"}}
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(f"构建完成：重建 {built} 个，未变 {unchanged} 个，失败 {failed} 个，"
                         f"用时 {seconds:.2f} 秒。目录：{display_path(outdir / INDEX)}\n")
    return 1 if failed else 0


def _unchanged_fast(st: PlanState, old: dict[str, Any], state: State, common: dict[str, Any],
                    templates: list[str]) -> bool:
    """True when the plan file and its roster (where the last build found it) hash as recorded
    and the rest of the key is the same: check would give the same result, so skip it."""
    memo = state.plans.get(st.name) or {}
    inputs = old.get("inputs") or {}
    if memo.get("plan") != str(st.path.resolve()) or not inputs.get("plan"):
        return False
    try:
        if state.sha(st.path) != inputs["plan"]:
            return False
        roster = Path(memo["roster"]) if memo.get("roster") else None
        if (state.sha(roster) if roster else "") != inputs.get("roster", ""):
            return False
    except (OSError, KeyError):
        return False
    if _key(inputs, common, templates) != old.get("key"):
        return False
    st.inputs, st.key, st.roster = dict(inputs), str(old["key"]), roster
    return True


def _failure(e: BaseException) -> str:
    if isinstance(e, PlangenError):
        return e.format()
    return f"生成失败：{type(e).__name__}: {e}"


def _run_jobs(all_jobs: list[tuple[PlanState, Job]], njobs: int, rep: Reporter) -> None:
    def done(state: PlanState, job: Job, result: dict[str, bytes] | None, err: str) -> None:
        rep.advance()
        if err:
            state.status, state.action = "failed", "failed"
            state.error = state.error or err
        elif result is not None:
            for rel, data in result.items():
                if rel in state.outputs:
                    state.status, state.action = "failed", "failed"
                    state.error = f"两个输出文件同名：{rel}"
                state.outputs[rel] = data

    if njobs <= 1 or len(all_jobs) <= 1:
        rep.start(len(all_jobs))
        for state, job in all_jobs:
            if state.action == "failed":
                rep.advance()
                continue
            try:
                done(state, job, run_job(job), "")
            except Exception as e:  # noqa: BLE001 - one failing plan must not stop the others
                done(state, job, None, _failure(e))
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=min(njobs, len(all_jobs))) as pool:
        futures = {pool.submit(run_job, job): (state, job) for state, job in all_jobs}
        rep.start(len(all_jobs))  # after the workers are forked: rich's refresh thread is not copied
        for fut in as_completed(futures):
            state, job = futures[fut]
            try:
                done(state, job, fut.result(), "")
            except BrokenProcessPool:
                done(state, job, None, "生成进程异常退出（内存不足或被终止？）")
            except Exception as e:  # noqa: BLE001
                done(state, job, None, _failure(e))


def _remove(path: Path, root: Path) -> None:
    try:
        ensure_inside(path, root)
        path.unlink()
    except (OSError, PlangenError):
        pass


def _remove_empty_dirs(folder: Path, root: Path) -> None:
    """Empty folders left under `folder` after pruning (never anything holding a file)."""
    try:
        ensure_inside(folder, root)
    except PlangenError:
        return
    if not folder.is_dir() or folder.resolve() == root.resolve():
        return
    for d in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        try:
            d.rmdir()
        except OSError:
            pass
    try:
        folder.rmdir()
    except OSError:
        pass


# --------------------------------------------------------------------------- index.html

_STATUS = {"ok": "已生成", "failed": "失败", "missing": "计划文件已不存在"}
_KINDS = (("overall", "总表"), ("office", "各股室"), ("leader", "各分管领导"))
_CSS = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC",serif;max-width:64em;margin:1.5em auto;
 padding:0 1em;color:#222;line-height:1.5}
h1{border-bottom:3px solid #c00;padding-bottom:.3em;margin-bottom:.3em}
a{color:#1a4fa0}table.plans{border-collapse:collapse;width:100%;margin:1em 0}
table.plans th,table.plans td{border:1px solid #ccc;padding:.3em .6em;text-align:left}
table.plans th{background:#f4f4f4}
section.plan{border:1px solid #ddd;border-radius:6px;padding:0 1em .8em;margin:1.2em 0}
section.failed,section.missing{border-color:#c00}
.st-ok{color:#176b2c}.st-failed,.st-missing{color:#c00;font-weight:bold}
h2{margin:.6em 0 .2em}h3{margin:.8em 0 .2em;font-size:1.05em}h4{margin:.5em 0 .1em;font-size:1em}
p.meta{margin:.2em 0;color:#555}ul.problems{color:#c00;padding-left:1.2em}
ul.sheets{columns:2;column-gap:2em;margin:.2em 0;padding-left:1.2em}ul.sheets li{break-inside:avoid}
code{font-size:.9em}.fmt a{margin-right:.4em}
"""


def _sheet_groups(entry: dict[str, Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """[(heading, [(sheet name, [file…])…])…] in the plan's order (roster order), by kind."""
    files = sorted(f for f in entry.get("files", {}) if f.startswith("sheets/"))
    by_stem: dict[str, list[str]] = {}
    for f in files:
        by_stem.setdefault(f.split("/", 1)[1].rsplit(".", 1)[0], []).append(f)
    specs = [tuple(s) for s in entry.get("sheets", []) if isinstance(s, list) and len(s) == 3]
    listed = {s[2] for s in specs}
    for stem in by_stem:  # a manifest without sheet names: fall back on the file names
        if stem not in listed:
            label, _, who = stem.partition("-")
            kind = {"股室": "office", "领导": "leader", "总表": "overall"}.get(label, "other")
            specs.append((kind, who or stem, stem))
    groups = []
    for kind, heading in (*_KINDS, ("other", "其他")):
        items = [(name, by_stem[stem]) for k, name, stem in specs if k == kind and stem in by_stem]
        if items:
            groups.append((f"{heading}（{len(items)}）" if kind in ("office", "leader") else heading, items))
    return groups


def render_index(manifest: dict[str, Any]) -> str:
    """Plain HTML that opens from disk (relative links only): a table of plans, then each plan
    with its documents, its sheets by office and by leader, its status and the time its outputs
    last changed."""
    e = html.escape
    plans = manifest["plans"]

    def href(name: str, rel: str) -> str:
        return "/".join(urllib.parse.quote(part) for part in (name, *rel.split("/")))

    def fmt_links(name: str, files: Sequence[str]) -> str:
        order = {"pdf": 0, "docx": 1, "xlsx": 2}
        fs = sorted(files, key=lambda f: (order.get(f.rsplit(".", 1)[-1], 9), f))
        return '<span class="fmt">' + "".join(
            f'<a href="{href(name, f)}">{e(f.rsplit(".", 1)[-1].upper())}</a>' for f in fs) + "</span>"

    rows, sections = [], []
    for i, (name, entry) in enumerate(plans.items()):
        status = str(entry.get("status", "ok"))
        title = str(entry.get("title") or name)
        files = entry.get("files", {})
        changed = str(entry.get("changed") or "—")
        anchor = f"plan-{i + 1}"
        rows.append(f'<tr><td><a href="#{anchor}">{e(title)}</a></td><td><code>{e(name)}</code></td>'
                    f'<td class="st-{e(status)}">{e(_STATUS.get(status, status))}</td>'
                    f"<td>{e(changed)}</td><td>{len(files)}</td></tr>")
        parts = [f'<section class="plan {e(status)}" id="{anchor}"><h2>{e(title)}</h2>',
                 f'<p class="meta">计划文件 <code>{e(str(entry.get("source", "")))}</code>'
                 + (f'　名册 <code>{e(str(entry["roster"]))}</code>' if entry.get("roster") else "")
                 + f'　状态 <span class="st-{e(status)}">{e(_STATUS.get(status, status))}</span>'
                 f"　最近变更 {e(changed)}</p>"]
        problems = entry.get("problems") or []
        if status == "failed":
            parts.append("<p>本次生成失败，下面是上次成功生成的文件（如有）。问题：</p>")
        elif status == "missing":
            parts.append("<p>计划文件已不存在，下面是它上次生成的文件；<code>plangen build --prune</code> 会删除它们。</p>")
        if problems:
            parts.append('<ul class="problems">' + "".join(f"<li><code>{e(str(p))}</code></li>"
                                                         for p in problems) + "</ul>")
        docs = [f for f in files if "/" not in f]
        if docs:
            parts.append(f"<h3>印发通知和工作要点</h3><p>{fmt_links(name, docs)}</p>")
        groups = _sheet_groups(entry)
        if groups:
            parts.append("<h3>任务分解表</h3>")
            for heading, items in groups:
                parts.append(f"<h4>{e(heading)}</h4><ul class=\"sheets\">" + "".join(
                    f"<li>{e(who)}　{fmt_links(name, fs)}</li>" for who, fs in items) + "</ul>")
        if not files:
            parts.append("<p>（没有文件）</p>")
        parts.append("</section>")
        sections.append("".join(parts))
    counts = {k: sum(1 for x in plans.values() if x.get("status", "ok") == k) for k in _STATUS}
    summary = "，".join(f"{_STATUS[k]} {n} 个" for k, n in counts.items() if n)
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>工作要点归档</title><style>{_CSS}</style></head><body>\n"
        f"<h1>工作要点归档</h1><p class=\"meta\">共 {len(plans)} 个计划（{e(summary or '无')}）。"
        f"plangen {e(str(manifest.get('plangen', '')))} 生成；时间为各计划输出文件最近一次变化的时间。</p>\n"
        + ("<table class=\"plans\"><tr><th>计划</th><th>文件名</th><th>状态</th><th>最近变更</th><th>文件数</th></tr>"
           + "".join(rows) + "</table>\n" if plans else "<p>还没有计划。把计划文件放进 plans/ 后运行 plangen build。</p>")
        + "\n".join(sections) + "\n</body></html>\n")
