"""Putting a plan's rendered files on disk (through plangen.outio only), and taking them away.

A file that cannot be written (its folder is a file, the path is a folder, it is immutable or
read-only) fails that file — its plan is marked failed with a Chinese message naming the
path — and the other files and plans are still written. A full disk (ENOSPC, EDQUOT) raises
DiskFull: the build stops writing at once; atomic_write has already removed its temp file,
so nothing is half-written.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from plangen.build.cache import Cache, sha256_bytes
from plangen.errors import PlangenError, display_path
from plangen.outio import atomic_write, ensure_inside

FULL = {errno.ENOSPC, errno.EDQUOT}


class DiskFull(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path

    def message(self) -> str:
        return (f"磁盘空间不足：写入 {display_path(self.path)} 时失败，构建已停止。已写入的文件都是完整的"
                "（没有写了一半的文件），未写完的计划在清单中标为失败（清单也写不下时保持上次的状态）；"
                "腾出空间后重新运行 plangen build 即可补齐。")


def _not_a_folder(path: Path) -> Path | None:
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def os_error_text(e: OSError, path: Path | None = None) -> str:
    """A Chinese sentence for an OSError on `path` (or the error's own file name)."""
    where = path if path is not None else Path(e.filename) if e.filename else None
    shown = display_path(where) if where is not None else "（未知文件）"
    code = e.errno
    if code in (errno.EEXIST, errno.ENOTDIR) and where is not None and _not_a_folder(where):
        blocker = _not_a_folder(where)
        return f"无法写入 {shown}：{display_path(blocker)} 是一个文件而不是文件夹，请移走或改名"  # type: ignore[arg-type]
    reasons = {
        errno.EISDIR: "这个位置是一个文件夹，无法写成文件，请移走或改名",
        errno.EPERM: "不允许更改（文件被设为不可更改，如 chattr +i？），请解除后重试",
        errno.EACCES: "没有权限（文件或文件夹只读？），请检查权限",
        errno.EROFS: "所在文件系统是只读的",
        errno.ELOOP: "路径中有循环的符号链接",
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "超出磁盘配额",
        errno.ENAMETOOLONG: "文件名太长",
        errno.ENOENT: "文件不存在",
    }
    reason = reasons.get(code or 0, e.strerror or type(e).__name__)
    return f"无法读写 {shown}：{reason}"


def write_files(plan_dir: Path, outputs: dict[str, bytes], root: Path,
                cache: Cache) -> tuple[dict[str, Any], bool, list[str]]:
    """Write every output of one plan → (manifest files of what is now on disk, whether any
    file changed, problems). Raises DiskFull when the disk is full."""
    files: dict[str, Any] = {}
    changed = False
    problems: list[str] = []
    for rel in sorted(outputs):
        target = plan_dir / rel
        data = outputs[rel]
        try:
            ensure_inside(target, plan_dir)
            changed |= atomic_write(target, data, root)
        except PlangenError as e:
            problems.append(e.format())
            continue
        except OSError as e:
            if e.errno in FULL:
                raise DiskFull(target) from None
            problems.append(os_error_text(e, target))
            continue
        digest = sha256_bytes(data)
        cache.remember(target, digest)
        files[rel] = {"size": len(data), "sha256": digest}
    return files, changed, problems


def still_there(plan_dir: Path, old_files: dict[str, Any], skip: Iterable[str],
                cache: Cache) -> dict[str, Any]:
    """The entries of `old_files` (not in `skip`) whose file is still on disk as listed."""
    out: dict[str, Any] = {}
    skipped = set(skip)
    for rel, info in old_files.items():
        if rel in skipped:
            continue
        try:
            if cache.sha(plan_dir / rel) == info.get("sha256"):
                out[rel] = info
        except OSError:
            pass
    return out


def intact(plan_dir: Path, files: dict[str, Any], cache: Cache) -> bool:
    """Every listed file exists with its recorded sha256 (re-hashed only when in doubt)."""
    return len(still_there(plan_dir, files, (), cache)) == len(files)


def remove(path: Path, root: Path) -> None:
    try:
        ensure_inside(path, root)
        path.unlink()
    except (OSError, PlangenError):
        pass


def remove_empty_dirs(folder: Path, root: Path) -> None:
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
