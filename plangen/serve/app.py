"""The web side of `plangen serve` (Starlette): pages, images, downloads, events, status.

No path from a request reaches the file system: plan names are looked up among the plans the
folder holds, versions and page numbers are integers, downloads are named by format; every file
served is computed from those and must lie inside the serve cache. Anything else is 404.
"""

from __future__ import annotations

import asyncio
import html
import json
import threading
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from plangen.serve.state import Preview, Server

UI = Path(__file__).resolve().parent.parent / "data" / "serve"
MEDIA = {"png": "image/png", "pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
NOT_FOUND = "<!DOCTYPE html><meta charset=utf-8><title>404</title><p>没有这个页面。<a href=\"/\">返回目录</a></p>"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(UI)), autoescape=True)


def _404() -> Response:
    return HTMLResponse(NOT_FOUND, status_code=404)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 9 else None


_png_lock = threading.Lock()  # pdfium is not thread-safe


def _make_png(server: Server, folder: Path, pdf_name: str, page: int, png: Path) -> bool:
    """Draw a page image on first request (from the version's own PDF), keep it on disk."""
    from plangen.outio import atomic_write
    from plangen.serve.worker import page_png

    with _png_lock:
        if png.is_file():
            return True
        if not (folder / pdf_name).is_file():
            return False
        data = page_png(folder / pdf_name, page)
        if data is None:
            return False
        atomic_write(png, data, server.outdir)
    return True


async def _page(server: Server, pv: Preview, version: int, pdf_name: str, page: int, png_name: str) -> Response:
    folder = (server.cache / pv.name / f"v{version}").resolve()
    if server.cache.resolve() not in folder.parents:
        return _404()
    png = folder / png_name
    if not png.is_file() and not await asyncio.to_thread(_make_png, server, folder, pdf_name, page, png):
        return _404()
    return _file(server, pv, version, png_name)


def _file(server: Server, pv: Preview, version: int, name: str) -> Response:
    path = (server.cache / pv.name / f"v{version}" / name).resolve()
    root = server.cache.resolve()
    if root not in path.parents or not path.is_file():
        return _404()
    ext = name.rsplit(".", 1)[-1]
    headers = {"Cache-Control": "max-age=31536000, immutable" if ext == "png" else "no-cache"}
    if ext in ("docx", "pdf", "xlsx"):
        return FileResponse(path, media_type=MEDIA[ext], headers=headers,
                            filename=f"{pv.name}{'' if name.startswith('document') else '-' + name.split('.')[0]}.{ext}")
    return FileResponse(path, media_type=MEDIA.get(ext, "application/octet-stream"), headers=headers)


def _server(request: Request) -> Server:
    return request.app.state.server  # type: ignore[no-any-return]


def plan_of(request: Request) -> Preview | None:
    return _server(request).preview(request.path_params["name"])


async def index(request: Request) -> Response:
    server = _server(request)
    summary = await server.check_all()
    return HTMLResponse(_env.get_template("index.html.j2").render(plans=summary, folder=str(server.plans_dir)))


async def plan_page(request: Request) -> Response:
    server = _server(request)
    pv = plan_of(request)
    if pv is None:
        return _404()
    if pv.version == 0 and not pv.rendering:
        server.request(pv.name)
    state = json.dumps(pv.state(), ensure_ascii=False).replace("</", "<\\/")
    return HTMLResponse(_env.get_template("plan.html.j2").render(name=pv.name, state=state))


async def plan_state(request: Request) -> Response:
    pv = plan_of(request)
    return _404() if pv is None else JSONResponse(pv.state())


async def page_image(request: Request) -> Response:
    server = _server(request)
    pv = plan_of(request)
    version, page = _int(request.path_params["version"]), _int(request.path_params["page"])
    if pv is None or version is None or page is None:
        return _404()
    return await _page(server, pv, version, "document.pdf", page, f"page-{page}.png")


async def download(request: Request) -> Response:
    server = _server(request)
    pv = plan_of(request)
    version, fmt = _int(request.path_params["version"]), request.path_params["fmt"]
    if pv is None or version is None or fmt not in ("docx", "pdf"):
        return _404()
    if fmt == "docx" and not (server.cache / pv.name / f"v{version}" / "document.docx").is_file():
        made = await server.docx(pv, version)
        if not made.get("ok"):
            return HTMLResponse(f"<p>{html.escape(made.get('message', ''))}</p>", status_code=409)
    return _file(server, pv, version, f"document.{fmt}")


async def sheet(request: Request) -> Response:
    server = _server(request)
    pv = plan_of(request)
    index = _int(request.path_params["index"])
    if pv is None or index is None:
        return _404()
    return JSONResponse(await server.sheet(pv, index))


async def sheet_file(request: Request) -> Response:
    server = _server(request)
    pv = plan_of(request)
    version, index = _int(request.path_params["version"]), _int(request.path_params["index"])
    what = request.path_params["what"]
    if pv is None or version is None or index is None:
        return _404()
    if what in ("pdf", "xlsx"):
        return _file(server, pv, version, f"sheet-{index}.{what}")
    page = _int(what.removeprefix("page-").removesuffix(".png")) if what.startswith("page-") else None
    if page is None:
        return _404()
    return await _page(server, pv, version, f"sheet-{index}.pdf", page, f"sheet-{index}-page-{page}.png")


async def events(request: Request) -> Response:
    server = _server(request)
    queue: asyncio.Queue[str] = asyncio.Queue()
    server.listeners.add(queue)

    async def stream() -> Any:
        try:
            yield "retry: 1000\n\n"
            while True:
                try:
                    data = await asyncio.wait_for(queue.get(), timeout=15)
                    yield f"data: {data}\n\n"
                except asyncio.TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            server.listeners.discard(queue)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def status(request: Request) -> Response:
    server = _server(request)
    return JSONResponse(server.status())


async def not_found(request: Request, exc: Exception) -> Response:
    return _404()


ROUTES = [
    Route("/", index),
    Route("/status", status),
    Route("/events", events),
    Route("/plan/{name}", plan_page),
    Route("/plan/{name}/state", plan_state),
    Route("/plan/{name}/v/{version}/page/{page}.png", page_image),
    Route("/plan/{name}/v/{version}/file.{fmt}", download),
    Route("/plan/{name}/sheet/{index}", sheet),
    Route("/plan/{name}/v/{version}/sheet/{index}/{what}", sheet_file),
]


def make_app(server: Server) -> Starlette:
    app = Starlette(routes=ROUTES, exception_handlers={404: not_found, 405: not_found})
    app.state.server = server
    return app
