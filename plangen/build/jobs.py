"""The build's jobs: what one job renders, how a plan is cut into jobs, and how jobs run.

- A job is one document format, or one batch of sheets (SheetSpec objects) in every sheet
  format asked for. It names its plan's checked view by id: the views are registered here in
  the main process before the pool forks, so a worker never loads or checks a plan again (a
  2,000-item plan is checked once, not once per batch).
- `batches` cuts the sheets into consecutive batches of about BATCH_SECONDS by estimated cost
  (plangen.formats' costs × plangen.sheets.sheet_weight); a sheet heavier than that is alone.
- `SerialTasks` (-j1, in this process) and `ParallelTasks` (a process pool) share one
  interface and one loop discipline, as Sphinx's SerialTasks/ParallelTasks: a job whose plan
  has already failed is not started, results come back through the same callback.
- Workers die with the build: each sets PR_SET_PDEATHSIG (SIGKILL) at start, so a build
  killed with SIGKILL leaves no worker behind.
"""

from __future__ import annotations

import math
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from plangen import formats as fmts
from plangen import reads

if TYPE_CHECKING:  # imported lazily: they pull in pydantic
    from plangen.sheets import SheetSpec
    from plangen.view import DocumentView

BATCH_SECONDS = 1.0
_VIEWS: dict[str, DocumentView] = {}  # view id → checked view, filled before the pool forks


@dataclass(frozen=True)
class Job:
    plan: str  # the plan's name (output/<plan>/)
    view_id: str  # key of its checked view in _VIEWS
    target: fmts.Target | Literal["progress"]
    formats: tuple[str, ...]  # one document format, or the sheet formats of this batch
    sheets: tuple[SheetSpec, ...] = ()
    fonts: str | None = None
    cost: float = field(default=1.0, compare=False)  # estimated seconds: longest jobs start first
    period: str = ""  # progress: the period whose 督查通报 and 台账 this job renders


@dataclass
class JobResult:
    files: dict[str, bytes]  # path relative to output/<plan>/ → bytes
    reads: list[str]  # absolute paths of the files the renderers reported reading


def register_view(view_id: str, view: DocumentView) -> None:
    _VIEWS[view_id] = view


def clear_views() -> None:
    _VIEWS.clear()


def run_job(job: Job) -> JobResult:
    """Render one job. Runs in a worker process (or in this one with -j1)."""
    from plangen.fonts import load_profile

    view = _VIEWS[job.view_id]
    with reads.recording() as seen:
        profile = load_profile(job.fonts)
        reads.record(profile.source)
        if job.target == "progress":
            from plangen.progress.build import render_period

            files = render_period(view, job.period, job.formats, profile)
        elif job.formats == (fmts.ARCHIVE,):
            from plangen.archive import package_files

            files = {f"{fmts.ARCHIVE_DIR}/{name}": data
                     for name, data in package_files(view, profile=profile).items()}
        elif job.target == "document":
            fmt = fmts.get("document", job.formats[0])
            data = fmt.load()(view, template=None, profile=profile, pdfa=False)
            files = {str(fmts.rel_path(view.name, fmt)): data}
        else:
            from plangen.sheets import render_sheets

            files = render_sheets(view, job.sheets, job.formats, profile)
    return JobResult(files, sorted(seen))


def batches(weights: Sequence[float], target: float) -> list[range]:
    """Consecutive index ranges covering `weights`, each once: an item of `target` or more is
    a batch alone; each run of lighter items between them is split into ceil(sum / target)
    batches of nearly equal sums."""
    out: list[range] = []
    start = 0
    for i, w in enumerate([*weights, math.inf]):
        if w < target:
            continue
        out.extend(_split(weights, range(start, i), target))
        if i < len(weights):
            out.append(range(i, i + 1))
        start = i + 1
    return out


def _split(weights: Sequence[float], run: range, target: float) -> list[range]:
    if not run:
        return []
    total = sum(weights[i] for i in run)
    k = max(1, min(len(run), math.ceil(total / target - 1e-9)))
    out: list[range] = []
    start, acc = run.start, 0.0
    for i in run:
        acc += weights[i]
        if len(out) < k - 1 and acc >= total * (len(out) + 1) / k and i + 1 < run.stop:
            out.append(range(start, i + 1))
            start = i + 1
    out.append(range(start, run.stop))
    return out


def plan_jobs(name: str, view_id: str, view: DocumentView, formats: Sequence[str],
              fonts: str | None) -> list[Job]:
    """The jobs of one checked plan (its view registered under `view_id`)."""
    register_view(view_id, view)
    items = len(view.plan.items)
    jobs = [Job(name, view_id, "document", (f.name,), fonts=fonts, cost=f.cost(items))
            for f in fmts.selected("document", formats)]
    if fmts.ARCHIVE in formats:  # PDF/A + OFD + metadata: about a PDF and a half
        pdf = fmts.get("document", "pdf")
        jobs.append(Job(name, view_id, "document", (fmts.ARCHIVE,), fonts=fonts,
                        cost=1.5 * pdf.cost(items)))
    sheet_formats = fmts.selected("sheet", formats)
    if sheet_formats:
        from plangen.sheets import list_sheets, sheet_weight

        specs = list_sheets(view)
        weights = [sum(f.cost(sheet_weight(view, sp)) for f in sheet_formats) for sp in specs]
        names = tuple(f.name for f in sheet_formats)
        for r in batches(weights, BATCH_SECONDS):
            jobs.append(Job(name, view_id, "sheet", names, tuple(specs[i] for i in r), fonts,
                            cost=sum(weights[i] for i in r)))
    from plangen.progress.build import BUILD_FORMATS, periods

    report_formats = tuple(f for f in BUILD_FORMATS if f in formats)
    if report_formats:  # the 督查通报 and 台账 of every period with returns (plangen.progress)
        jobs.extend(Job(name, view_id, "progress", report_formats, fonts=fonts, cost=1.5, period=p)
                    for p in periods(view))
    return jobs


# --------------------------------------------------------------------------- running jobs

Done = Callable[[Job, "JobResult | None", str], None]


def failure_text(e: BaseException) -> str:
    from plangen.build.write import os_error_text
    from plangen.errors import PlangenError

    if isinstance(e, PlangenError):
        return e.format()
    if isinstance(e, OSError):
        return "生成失败：" + os_error_text(e)
    return f"生成失败：{type(e).__name__}: {e}"


class SerialTasks:
    """Run jobs one after the other in this process."""

    def __init__(self, njobs: int = 1) -> None:
        self.njobs = 1

    def run(self, jobs: Sequence[Job], skip: Callable[[Job], bool], done: Done,
            started: Callable[[int], None] = lambda _n: None) -> None:
        """Each job not skipped (its plan already failed) runs once; `done(job, result, error)`
        is called for every job, skipped ones with (None, "")."""
        started(len(jobs))
        for job in jobs:
            if skip(job):
                done(job, None, "")
                continue
            try:
                result = run_job(job)
            except Exception as e:  # noqa: BLE001 - one failing plan must not stop the others
                done(job, None, failure_text(e))
            else:
                done(job, result, "")


def _worker_init(parent: int) -> None:
    """Die with the build: SIGKILL when the parent goes (Linux prctl), and exit at once if it
    has already gone between fork and here."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


class ParallelTasks(SerialTasks):
    """Run jobs in a pool of forked worker processes, at most 2 × njobs in flight, so a job is
    submitted only while its plan has not failed — the same rule as the serial loop."""

    def __init__(self, njobs: int) -> None:
        self.njobs = njobs

    def run(self, jobs: Sequence[Job], skip: Callable[[Job], bool], done: Done,
            started: Callable[[int], None] = lambda _n: None) -> None:
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        todo = list(jobs)
        todo.reverse()  # pop() takes them in the given order
        running: dict[Future[JobResult], Job] = {}
        ctx = multiprocessing.get_context("fork")  # workers inherit the registered views
        with ProcessPoolExecutor(self.njobs, mp_context=ctx, initializer=_worker_init,
                                 initargs=(os.getpid(),)) as pool:
            first = True
            while todo or running:
                while todo and len(running) < 2 * self.njobs:
                    job = todo.pop()
                    if skip(job):
                        done(job, None, "")
                        continue
                    try:
                        running[pool.submit(run_job, job)] = job
                    except BrokenProcessPool:
                        done(job, None, "生成进程异常退出（内存不足或被终止？）")
                if first:  # after the workers are forked: rich's refresh thread is not copied
                    started(len(jobs))
                    first = False
                finished, _ = wait(running, return_when=FIRST_COMPLETED) if running else (set(), set())
                for fut in finished:
                    self._collect(fut, running.pop(fut), done, BrokenProcessPool)

    @staticmethod
    def _collect(fut: Any, job: Job, done: Done, broken: type[BaseException]) -> None:
        try:
            result = fut.result()
        except broken:
            done(job, None, "生成进程异常退出（内存不足或被终止？）")
        except Exception as e:  # noqa: BLE001
            done(job, None, failure_text(e))
        else:
            done(job, result, "")


def tasks_for(njobs: int, njob_count: int) -> SerialTasks:
    return ParallelTasks(min(njobs, njob_count)) if njobs > 1 and njob_count > 1 else SerialTasks()
