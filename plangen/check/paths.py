"""Where a plan may point: files named in a plan (roster, seal, template) must resolve inside the
plan's own folder (or below it), or inside a folder the bureau lists in `PLANGEN_ALLOWED_DIRS`
(separated by the path separator, `:` on Linux). Symbolic links are resolved first, so a link
inside the plans folder that leads to /etc/passwd is refused like the path itself (issue 19.1).
"""

from __future__ import annotations

import os
from pathlib import Path

ALLOWED_DIRS_ENV = "PLANGEN_ALLOWED_DIRS"


def allowed_roots(plan: Path, extra: tuple[Path, ...] = ()) -> list[Path]:
    """The folders a plan's paths may resolve into: its own folder, the setting's, `extra`."""
    roots = [plan.resolve().parent]
    for d in os.environ.get(ALLOWED_DIRS_ENV, "").split(os.pathsep):
        if d.strip():
            roots.append(Path(d.strip()).expanduser().resolve())
    roots += [d.resolve() for d in extra]
    return list(dict.fromkeys(roots))


def resolve_inside(plan: Path, written: str, extra: tuple[Path, ...] = ()) -> tuple[Path, bool]:
    """(the resolved path, whether it lies inside an allowed folder) for a path written in `plan`
    (relative to the plan's folder)."""
    target = (plan.resolve().parent / written).resolve()
    return target, any(target.is_relative_to(r) for r in allowed_roots(plan, extra))


def outside_hint(plan: Path) -> str:
    return (f"路径须位于本计划所在的文件夹 {plan.resolve().parent} 之内；其他文件夹请在环境变量 "
            f"{ALLOWED_DIRS_ENV} 中列出（多个用“{os.pathsep}”分隔）")
