"""`plangen build`: the nightly archive — every plan → output/, only what changed.

- Incremental by content: a plan's key is a sha256 over the plan and roster bytes, the template
  files, the font profile and font files (hashes memoised by path/size/mtime/inode), plangen's
  source and version and the formats. Same key and every listed file intact → nothing to do.
- A warm no-op build imports no renderer (WeasyPrint, python-docx, openpyxl are imported only
  inside jobs), hashes small inputs and stats the files the manifest lists; a file whose
  size/mtime/inode changed is re-hashed, and a mismatch rebuilds its plan (this is how a build
  killed half-way is repaired).
- Jobs are single documents (DOCX, PDF) or batches of sheets, run in a process pool (-j N);
  only this process writes files (plangen.outio.atomic_write) and the manifest (last).
- A plan that fails check or rendering keeps its previous outputs and is reported; the others
  still build. Exit 0 all built, 1 some plan failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import sys
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plangen import __version__
from plangen.check import CheckResult, check_file, display_path, is_roster_path
from plangen.errors import PlangenError
from plangen.outio import TEMP_PREFIX, atomic_write, ensure_inside

CACHE_VERSION = 1
MANIFEST = "manifest.json"
INDEX = "index.html"
CACHE_DIR = ".plangen-cache"
LOCK = ".plangen.lock"
SHEET_BATCH = 12
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


class FileHashes:
    """sha256 of large files (fonts) remembered by path, size, mtime and inode."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.dirty = False

    def get(self, file: Path) -> str:
        st = file.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = self.data.get(str(file))
        if entry and entry.get("stamp") == stamp:
            return str(entry["sha256"])
        digest = sha256_file(file)
        self.data[str(file)] = {"stamp": stamp, "sha256": digest}
        self.dirty = True
        return digest

    def save(self, root: Path) -> None:
        if self.dirty:
            atomic_write(self.path, json.dumps(self.data, sort_keys=True, indent=1).encode(), root)


def _tree_digest(folder: Path, hashes: FileHashes | None = None) -> str:
    h = hashlib.sha256()
    if folder.is_dir():
        for f in sorted(folder.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and not f.name.startswith("."):
                h.update(str(f.relative_to(folder)).encode())
                h.update((hashes.get(f) if hashes else sha256_file(f)).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- jobs


@dataclass(frozen=True)
class Job:
    plan: str  # plan file path
    kind: str  # "document" or "sheets"
    fmt: str = ""  # document format
    sheets: tuple[tuple[str, str, str], ...] = ()  # (kind, name, stem) of a batch
    formats: tuple[str, ...] = ()
    fonts: str | None = None


def run_job(job: Job) -> dict[str, bytes]:
    """Render one job → {path relative to output/<plan>/: bytes}. Runs in a worker process."""
    from plangen.check import load_view

    view = load_view(Path(job.plan))
    if job.kind == "document":
        from plangen.render import render_document

        return {f"{view.name}.{job.fmt}": render_document(view, job.fmt, fonts=job.fonts)}
    from plangen.fonts import load_profile
    from plangen.sheets import SheetSpec, render_sheets

    specs = [SheetSpec(kind=k, name=n, stem=s) for k, n, s in job.sheets]  # type: ignore[arg-type]
    return render_sheets(view, specs, job.formats, load_profile(job.fonts))


def _jobs_for(result: CheckResult, formats: Sequence[str], fonts: str | None) -> list[Job]:
    plan = str(result.path)
    jobs = [Job(plan, "document", fmt, fonts=fonts) for fmt in ("docx", "pdf") if fmt in formats]
    sheet_formats = tuple(f for f in ("xlsx", "docx", "pdf") if f in formats)
    if sheet_formats:
        from plangen.sheets import list_sheets
        from plangen.view import build_view

        specs = [(s.kind, s.name, s.stem) for s in list_sheets(build_view(result))]
        for i in range(0, len(specs), SHEET_BATCH):
            jobs.append(Job(plan, "sheets", sheets=tuple(specs[i:i + SHEET_BATCH]),
                            formats=sheet_formats, fonts=fonts))
    return jobs


# --------------------------------------------------------------------------- the build


@dataclass
class PlanState:
    name: str
    path: Path
    result: CheckResult | None = None
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # sha256 of the plan and roster files
    status: str = "ok"  # ok | failed
    action: str = "unchanged"  # built | unchanged | failed
    problems: list[str] = field(default_factory=list)
    outputs: dict[str, bytes] = field(default_factory=dict)
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
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            files.extend(f for f in sorted(p.glob("*.yaml")) if not is_roster_path(f))
        elif p.exists():
            if not is_roster_path(p):
                files.append(p)
        else:
            raise PlangenError(f"找不到 {p}", exit_code=2)
    return files


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() \
        else dt.datetime.now(dt.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _intact(out_dir: Path, files: dict[str, Any]) -> bool:
    """Every listed file exists with its recorded hash (rehashing only when its stat changed)."""
    for rel, info in files.items():
        p = out_dir / rel
        try:
            if _stat(p) == info.get("stat"):
                continue
            if sha256_file(p) != info.get("sha256"):
                return False
            info["stat"] = _stat(p)
        except OSError:
            return False
    return True


def _clean_temp_files(root: Path, max_age: float = 60.0) -> None:
    now = time.time()
    for f in root.rglob(f"{TEMP_PREFIX}*"):
        try:
            if now - f.stat().st_mtime > max_age:
                f.unlink()
        except OSError:
            pass


def run_build(inputs: Sequence[Path], *, outdir: Path, jobs: int | None, formats: Sequence[str],
              fonts: str | None, force: bool, prune: bool, wait: bool, as_json: bool) -> int:
    from filelock import FileLock, Timeout

    t0 = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
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


def _build(inputs: Sequence[Path], outdir: Path, njobs: int, formats: tuple[str, ...],
           fonts: str | None, force: bool, prune: bool, as_json: bool, t0: float) -> int:
    from plangen.fonts import load_profile
    from plangen.templates import search_dirs

    rep = Reporter(quiet=as_json)
    _clean_temp_files(outdir)
    try:
        manifest = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("cache_version") != CACHE_VERSION:
            manifest = {}
    except (OSError, ValueError):
        manifest = {}
    old_plans: dict[str, Any] = manifest.get("plans", {})
    hashes = FileHashes(outdir / CACHE_DIR / "file-hashes.json")
    profile = load_profile(fonts)
    profile.check()
    font_digest = sha256_bytes(json.dumps(
        [str(profile.source), sha256_file(profile.source) if profile.source else ""]
        + [hashes.get(f) for f in profile.files()]).encode())
    code_digest = _tree_digest(PACKAGE)

    states: list[PlanState] = []
    names: set[str] = set()
    for path in _plan_files(inputs):
        name = path.name.removesuffix(".yaml")
        if name in names:
            raise PlangenError(f"有两个计划同名：{name}", exit_code=2)
        names.add(name)
        st = PlanState(name, path)
        result = check_file(path)
        st.result = result
        if not result.ok:
            st.status, st.action = "failed", "failed"
            st.problems = [p.format() for p in result.problems.errors]
            states.append(st)
            continue
        templates = [_tree_digest(d) for d in search_dirs(path.parent)]
        st.inputs = {"plan": sha256_file(path),
                     "roster": sha256_file(result.roster_path) if result.roster_path else ""}
        st.key = sha256_bytes(json.dumps({
            **st.inputs, "templates": templates, "fonts": font_digest, "code": code_digest,
            "version": __version__, "formats": formats, "cache": CACHE_VERSION,
        }, sort_keys=True).encode())
        old = old_plans.get(name)
        if (not force and old and old.get("key") == st.key and old.get("status") == "ok"
                and _intact(outdir / name, old.get("files", {}))):
            st.action = "unchanged"
        else:
            st.action = "built"
        states.append(st)

    todo = [s for s in states if s.action == "built"]
    all_jobs: list[tuple[PlanState, Job]] = []
    for s in todo:
        assert s.result is not None
        try:
            all_jobs.extend((s, j) for j in _jobs_for(s.result, formats, fonts))
        except PlangenError as e:
            s.status, s.action, s.error = "failed", "failed", e.format()
    rep.start(len(all_jobs))
    for s in states:
        if s.action == "failed":
            rep.log(f"失败：{display_path(s.path)}")
            for line in s.problems or [s.error]:
                rep.log("  " + line)
    _run_jobs(all_jobs, njobs, rep)
    rep.stop()

    plans_out: dict[str, Any] = {}
    now = _now()
    for s in states:
        old = old_plans.get(s.name, {})
        if s.action != "built" or s.status == "failed":
            entry = dict(old) if old else {"files": {}}
            entry["source"] = display_path(s.path)
            if s.action == "failed":
                entry["status"] = "failed"
                entry["problems"] = s.problems or [s.error]
                if s.error:
                    rep.log(f"失败：{display_path(s.path)}：{s.error}")
            plans_out[s.name] = entry
            continue
        plan_dir = outdir / s.name
        files: dict[str, Any] = {}
        changed = False
        for rel in sorted(s.outputs):
            target = plan_dir / rel
            ensure_inside(target, plan_dir)
            data = s.outputs[rel]
            changed |= atomic_write(target, data, outdir)
            files[rel] = {"size": len(data), "sha256": sha256_bytes(data), "stat": _stat(target)}
        for rel in old.get("files", {}):
            if rel not in files:
                _remove(plan_dir / rel, outdir)
                changed = True
        assert s.result is not None
        plans_out[s.name] = {
            "source": display_path(s.path),
            "status": "ok",
            "key": s.key,
            "roster": display_path(s.result.roster_path) if s.result.roster_path else "",
            "inputs": s.inputs,
            "title": s.result.plan.plan.title if s.result.plan else s.name,
            "files": files,
            "changed": now if changed or not old.get("changed") else old["changed"],
        }
        rep.log(f"已生成：{display_path(s.path)}（{len(files)} 个文件）")
    for name, entry in old_plans.items():
        if name in plans_out:
            continue
        if prune:
            for rel in entry.get("files", {}):
                _remove(outdir / name / rel, outdir)
            _remove_empty_dirs(outdir / name)
            rep.log(f"已删除：{name}（计划文件已不存在）")
        else:
            entry = dict(entry)
            entry["status"] = "missing"
            plans_out[name] = entry

    new_manifest = {"cache_version": CACHE_VERSION, "plangen": __version__,
                    "formats": list(formats), "plans": dict(sorted(plans_out.items()))}
    atomic_write(outdir / INDEX, render_index(new_manifest, outdir).encode("utf-8"), outdir)
    atomic_write(outdir / MANIFEST, (json.dumps(new_manifest, ensure_ascii=False, indent=1,
                                                sort_keys=True) + "\n").encode("utf-8"), outdir)
    hashes.save(outdir)
    built = sum(s.action == "built" for s in states)
    unchanged = sum(s.action == "unchanged" for s in states)
    failed = sum(s.action == "failed" for s in states)
    seconds = time.perf_counter() - t0
    summary = {"built": built, "unchanged": unchanged, "failed": failed,
               "seconds": round(seconds, 3), "output": str(outdir),
               "plans": {s.name: s.action for s in states}}
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(f"构建完成：重建 {built} 个，未变 {unchanged} 个，失败 {failed} 个，"
                         f"用时 {seconds:.2f} 秒。目录：{display_path(outdir / INDEX)}\n")
    return 1 if failed else 0


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
        for state, job in all_jobs:
            try:
                done(state, job, run_job(job), "")
            except PlangenError as e:
                done(state, job, None, e.format())
            except Exception as e:  # noqa: BLE001 - one failing plan must not stop the others
                done(state, job, None, f"生成失败：{type(e).__name__}: {e}")
        return
    with ProcessPoolExecutor(max_workers=njobs) as pool:
        futures = {pool.submit(run_job, job): (state, job) for state, job in all_jobs}
        for fut in as_completed(futures):
            state, job = futures[fut]
            try:
                done(state, job, fut.result(), "")
            except PlangenError as e:
                done(state, job, None, e.format())
            except Exception as e:  # noqa: BLE001
                done(state, job, None, f"生成失败：{type(e).__name__}: {e}")


def _remove(path: Path, root: Path) -> None:
    try:
        ensure_inside(path, root)
        path.unlink()
    except (OSError, PlangenError):
        pass


def _remove_empty_dirs(folder: Path) -> None:
    if not folder.is_dir():
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

_STATUS = {"ok": "已生成", "failed": "失败（保留上次的输出）", "missing": "计划文件已不存在"}


def render_index(manifest: dict[str, Any], outdir: Path) -> str:
    """Plain HTML that opens from disk: every plan, its documents, its sheets by office and by
    leader, its status and the time its outputs last changed."""
    e = html.escape
    rows = []
    for name, entry in manifest["plans"].items():
        files = sorted(entry.get("files", {}))
        docs = [f for f in files if "/" not in f]
        sheets = [f for f in files if f.startswith("sheets/")]
        groups: dict[str, dict[str, list[str]]] = {}  # 股室/领导/总表 → sheet name → files
        for f in sheets:
            stem = f.split("/", 1)[1].rsplit(".", 1)[0]
            label, _, who = stem.partition("-") if "-" in stem else ("其他", "", stem)
            groups.setdefault(label, {}).setdefault(who, []).append(f)

        def link(f: str, text: str | None = None) -> str:
            href = "/".join(urllib.parse.quote(part) for part in (name, *f.split("/")))
            return f'<a href="{href}">{e(text or f.rsplit("/", 1)[-1])}</a>'

        sheet_html = "".join(
            f"<h4>{e(label)}</h4><ul>" + "".join(
                f"<li>{e(who)}：" + " · ".join(link(f, f.rsplit(".", 1)[-1].upper()) for f in sorted(fs)) + "</li>"
                for who, fs in items.items()) + "</ul>"
            for label, items in groups.items())
        problems = "".join(f"<li><code>{e(p)}</code></li>" for p in entry.get("problems", []))
        status = entry.get("status", "ok")
        rows.append(
            f'<section class="plan {e(status)}"><h2>{e(entry.get("title") or name)}</h2>'
            f'<p>来源：<code>{e(entry.get("source", ""))}</code>　状态：<strong>{e(_STATUS.get(status, status))}</strong>'
            f'　最近变更：{e(entry.get("changed", "—"))}</p>'
            + (f'<ul class="problems">{problems}</ul>' if problems else "")
            + "<h3>文件</h3><ul>" + "".join(f"<li>{link(f)}</li>" for f in docs) + "</ul>"
            + (f"<h3>任务分解表</h3>{sheet_html}" if sheet_html else "")
            + "</section>")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<title>工作要点归档</title><style>"
        "body{font-family:'Noto Serif CJK SC',serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
        "h1{border-bottom:3px solid #c00;padding-bottom:.3em}section.plan{border:1px solid #ddd;"
        "border-radius:6px;padding:0 1em 1em;margin:1em 0}section.failed{border-color:#c00}"
        "section.failed strong{color:#c00}h4{margin:.6em 0 .2em}ul{margin:.2em 0;columns:2}"
        "ul.problems{columns:1;color:#c00}code{font-size:.85em}</style></head><body>"
        f"<h1>工作要点归档</h1><p>plangen {e(manifest.get('plangen', ''))}，共 {len(manifest['plans'])} 个计划。</p>"
        + "".join(rows) + "</body></html>\n")
