"""The render worker of `plangen serve`: one warm process, bounded in time and memory.

The server never checks or renders in its own process: a plan that is huge or hostile can only
take the worker down, and the supervisor (`Worker`) starts a new one. The worker is a `spawn`ed
process (the server has threads), it sets a memory limit (RLIMIT_AS) on itself and dies with
its parent (PR_SET_PDEATHSIG), and each call waits at most `timeout` seconds before the worker
is killed and replaced. Jobs are plain dicts in and out over a pipe.

Jobs (see `_handle`):
- {"job": "check", "plans": [path…]} → {path: {"errors": n, "warnings": n, "title": …}}
- {"job": "plan", "plan": path, "dest": dir, "root": outdir} → the preview of the notice + plan:
  problems (with the offending source line), outline with each entry's page, page count, sheets.
  Writes <dest>/document.pdf (through plangen.outio); page images are made by the server when
  a page is shown (`page_png`).
- {"job": "docx", "plan": path, "dest": dir, "root": outdir} → <dest>/document.docx of that
  version, when it is downloaded.
- {"job": "sheet", "plan": path, "dest": dir, "root": outdir, "index": i} → one sheet's PDF and
  XLSX.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import re
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT = 90.0
DEFAULT_MEMORY = 3 << 30  # bytes of address space for the worker
PAGE_SCALE = 1.5  # 108 dpi page images


class WorkerGone(Exception):
    """The worker was killed (time or memory bound, or crashed); the message says which."""


def _limit_self(memory: int) -> None:
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):
        pass
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _main(conn: Any, memory: int) -> None:  # the worker process
    _limit_self(memory)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        gc.disable()  # no collection in the middle of a render: it runs after the reply is sent
        try:
            reply = _handle(job)
        except MemoryError:
            reply = {"ok": False, "message": "渲染所需内存超过上限，已停止。请检查计划中是否有超长的内容。"}
        except Exception as e:  # noqa: BLE001 - reported to the page, never a dead worker
            reply = {"ok": False, "message": f"生成预览时出错：{type(e).__name__}: {e}"}
        reply["seconds"] = round(time.perf_counter() - started, 3)  # shown by /status
        conn.send(reply)
        gc.enable()
        gc.collect()


class Worker:
    """Supervisor of the worker process: `call(job)` from any thread, one job at a time."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY) -> None:
        self.timeout = timeout
        self.memory = memory
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Any = None
        self.restarts = 0

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(target=_main, args=(child, self.memory), daemon=True, name="plangen-serve-worker")
        self._proc.start()
        child.close()
        self._conn = parent

    def call(self, job: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                if self._proc is not None:
                    self.restarts += 1
                self._start()
            self._conn.send(job)
            if self._conn.poll(self.timeout):
                try:
                    return self._conn.recv()  # type: ignore[no-any-return]
                except (EOFError, OSError):
                    pass
                self._kill()
                raise WorkerGone("生成进程异常退出（内存超过上限或被终止），已重新启动。")
            self._kill()
            raise WorkerGone(f"生成超过 {self.timeout:.0f} 秒，已停止并重新启动生成进程。")

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        self._proc = None
        self.restarts += 1

    def close(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.is_alive():
                self._conn.close()
                self._proc.join(2)
                if self._proc.is_alive():
                    self._proc.kill()
            self._proc = None


# --------------------------------------------------------------------------- inside the worker


def _handle(job: dict[str, Any]) -> dict[str, Any]:
    kind = job["job"]
    if kind == "check":
        return {"ok": True, "plans": {p: _check_summary(Path(p)) for p in job["plans"]}}
    if kind == "plan":
        return _render_plan(Path(job["plan"]), Path(job["dest"]), Path(job["root"]))
    if kind == "docx":
        return _render_docx(Path(job["plan"]), Path(job["dest"]), Path(job["root"]))
    if kind == "sheet":
        return _render_sheet(Path(job["plan"]), Path(job["dest"]), Path(job["root"]), int(job["index"]))
    raise ValueError(kind)


def _check_summary(path: Path) -> dict[str, Any]:
    from plangen.errors import PlangenError
    from plangen.view import load_checked

    try:
        r = load_checked(path)
    except PlangenError as e:
        errors = [p for p in e.problems if p.severity == "error"]
        return {"errors": len(errors) or 1, "warnings": len(e.problems) - len(errors), "title": ""}
    title = r.plan.plan.title if r.plan is not None else ""
    return {"errors": 0, "warnings": len(r.problems.warnings), "title": title}


def _problem_dicts(problems: Any, source: Path) -> list[dict[str, Any]]:
    try:
        lines = source.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        lines = []
    out = []
    for p in list(problems)[:200]:
        line = lines[p.pos.line - 1] if 0 < p.pos.line <= len(lines) and p.pos.file.endswith(source.name) else ""
        start = max(0, p.pos.col - 1 - 40)  # a window around the column, the column marked
        col = p.pos.col - 1 - start
        excerpt = line[start:start + 80]
        where = str(p.pos).replace(p.pos.file, Path(p.pos.file).name, 1)  # the folder is the page's
        out.append({"where": where, "line": p.pos.line, "col": p.pos.col, "code": p.code,
                    "severity": p.severity, "message": p.message, "hint": p.hint,
                    "before": ("…" if start else "") + excerpt[:max(col, 0)],
                    "at": excerpt[col:col + 1] if col >= 0 else "",
                    "after": excerpt[col + 1:] + ("…" if start + 80 < len(line) else "") if col >= 0 else excerpt})
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, white space removed (to find where outline entries are): from the
    layout when `pdf` is the one just rendered, else read from the PDF."""
    import pypdfium2 as pdfium

    from plangen.render.pdf import page_texts as laid_out

    texts = laid_out(pdf)
    if texts is not None:
        return texts

    doc = pdfium.PdfDocument(pdf)
    try:
        return [_squash(doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()


def page_png(pdf_path: Path, page: int) -> bytes | None:
    """Page `page` (1-based) of a PDF plangen wrote, as PNG; None when there is no such page.
    Fast settings: the image is shown once and thrown away with its version."""
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        if not 1 <= page <= len(doc):
            return None
        image = doc[page - 1].render(scale=PAGE_SCALE).to_pil()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _outline(view: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Sections and items with their printed numbers, leaders, offices and the page they start
    on (found by their text in the PDF, so it is the page the export really has)."""
    out: list[dict[str, Any]] = []
    start = 1 if view.notice is not None else 0  # the plan starts after the notice's first page

    def page_of(text: str, after: int) -> int:
        key = _squash(text)[:12]
        for n in range(max(after, start), len(texts)):
            if key and key in texts[n]:
                return n + 1
        return max(after, start) + 1

    last = 0
    for s in view.plan.sections:
        last = page_of(s.label + s.title, last) - 1
        out.append({"kind": "section", "label": s.label, "title": s.title, "page": last + 1})
        for item in s.all_items:
            last = page_of(item.title, last) - 1
            out.append({"kind": "item", "label": item.label, "title": item.title, "page": last + 1,
                        "leaders": list(item.leaders), "offices": list(item.offices)})
    return out


# The view of each plan's last good render, with the version folder it was written to: a sheet
# tab opened later prints that version (the pages on screen), not whatever the file holds now,
# and is not checked a second time. Empty after a worker restart: then the file is loaded.
_VIEWS: dict[str, tuple[str, Any]] = {}


def _render_plan(path: Path, dest: Path, root: Path) -> dict[str, Any]:
    from plangen.errors import PlangenError
    from plangen.outio import atomic_write
    from plangen.render import render_document
    from plangen.sheets import list_sheets
    from plangen.view import load_checked, build_view

    try:
        result = load_checked(path)
    except PlangenError as e:
        return {"ok": False, "message": e.message, "problems": _problem_dicts(e.problems, path)}
    view = build_view(result)
    try:
        pdf = render_document(view, "pdf")
    except PlangenError as e:
        return {"ok": False, "message": e.message, "problems": _problem_dicts(e.problems, path)}
    atomic_write(dest / "document.pdf", pdf, root)
    _VIEWS[str(path)] = (str(dest), view)  # a good version: its sheets and DOCX come from this view
    texts = page_texts(pdf)
    sheets = [{"kind": s.kind, "name": s.name, "stem": s.stem} for s in list_sheets(view)]
    return {"ok": True, "title": view.plan.title, "pages": len(texts), "outline": _outline(view, texts),
            "sheets": sheets, "problems": _problem_dicts(result.problems.warnings, path),
            "name": view.name}


def _render_docx(path: Path, dest: Path, root: Path) -> dict[str, Any]:
    """The DOCX of the version whose pages are on screen, made when it is downloaded (the pages
    come first: a save must not wait for a file nobody asked for yet)."""
    from plangen.errors import PlangenError
    from plangen.outio import atomic_write
    from plangen.render import render_document

    folder, view = _VIEWS.get(str(path), ("", None))
    if folder != str(dest):
        return {"ok": False, "message": "这个版本已不是最新的，请刷新页面后再下载"}
    try:
        atomic_write(dest / "document.docx", render_document(view, "docx"), root)
    except PlangenError as e:
        return {"ok": False, "message": e.message}
    return {"ok": True}


def _render_sheet(path: Path, dest: Path, root: Path, index: int) -> dict[str, Any]:
    from plangen.errors import PlangenError
    from plangen.fonts import load_profile
    from plangen.outio import atomic_write
    from plangen.sheets import list_sheets, render_sheets
    from plangen.view import load_view

    folder, view = _VIEWS.get(str(path), ("", None))
    if folder != str(dest):
        try:
            view = load_view(path)
        except PlangenError as e:
            return {"ok": False, "message": e.message, "problems": _problem_dicts(e.problems, path)}
    specs = list_sheets(view)
    if not 0 <= index < len(specs):
        return {"ok": False, "message": "没有这张分解表（计划已修改？请刷新页面）"}
    files = render_sheets(view, [specs[index]], ("pdf", "xlsx"), load_profile())
    by_ext = {rel.rsplit(".", 1)[-1]: data for rel, data in files.items()}
    atomic_write(dest / f"sheet-{index}.pdf", by_ext["pdf"], root)
    atomic_write(dest / f"sheet-{index}.xlsx", by_ext["xlsx"], root)
    return {"ok": True, "pages": len(page_texts(by_ext["pdf"])), "name": specs[index].name,
            "kind": specs[index].kind}

