"""`plangen serve`: a live preview of the plans in a folder, while the secretary writes them.

Starlette (routing, responses, streaming for server-sent events) on uvicorn: small, well kept,
and enough for a local one-user server; watchfiles for saves; pypdfium2 turns the very PDF that
`render` writes into page images (preview = export, no LibreOffice). Rendering happens in one
warm worker process with a time and memory bound (plangen.serve.worker); the server only
schedules (plangen.serve.state) and serves (plangen.serve.app). See docs/serve.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, display_path


def _watched(plans_dir: Path) -> list[Path]:
    """The plans folder (plans, rosters, ledgers), the template folders and the font profile."""
    from plangen.templates import search_dirs

    paths = [plans_dir]
    for d in search_dirs(plans_dir):
        if d.is_dir() and d.resolve() != plans_dir.resolve():
            paths.append(d)
    try:
        from plangen.fonts import load_profile

        src = load_profile(None).source
        if src is not None and src.exists():
            paths.append(src)
    except PlangenError:
        pass
    return paths


async def _watch(server: Any, paths: list[Path]) -> None:
    from watchfiles import awatch

    async for changes in awatch(*paths, debounce=300, step=10):  # a save is yielded 10 ms after its last event
        by_path = {p.resolve(): name for name, p in server.refresh().items()}
        others = False
        for _change, changed in changes:
            name = by_path.get(Path(changed).resolve())
            if name is not None:
                server.request(name)
            elif not Path(changed).name.startswith("."):
                others = True  # a roster, a template, the font profile: every plan seen so far
        if others:
            server.request_all(only_seen=True)


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise PlangenError(f"无法监听 {host}:{port}：{e.strerror}。请换一个端口（--port 0 自动选择）。") from None
    sock.listen(64)
    return sock


def run_serve(plans_dir: Path, *, host: str, port: int, outdir: Path, timeout: float) -> int:
    import uvicorn

    from plangen.serve.app import make_app
    from plangen.serve.state import Server
    from plangen.serve.worker import Worker

    if not plans_dir.is_dir():
        raise PlangenError(f"找不到计划文件夹 {display_path(plans_dir)}")
    outdir.mkdir(parents=True, exist_ok=True)
    worker = Worker(timeout=timeout)
    server = Server(plans_dir, outdir, worker)
    server.refresh()
    app = make_app(server)
    paths = _watched(plans_dir)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        task = asyncio.get_running_loop().create_task(_watch(server, paths))
        try:
            yield
        finally:
            task.cancel()
            await asyncio.to_thread(worker.close)

    app.router.lifespan_context = lifespan
    sock = _socket(host, port)
    shown = f"[{host}]" if ":" in host else host
    sys.stdout.write(f"plangen serve：http://{shown}:{sock.getsockname()[1]}/ （预览 {display_path(plans_dir)}，"
                     f"按 Ctrl-C 停止）\n")
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises the Ctrl-C
        pass
    sys.stdout.write("已停止。\n")
    return 0
