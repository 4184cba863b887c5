"""The build's cache, output/.plangen-cache/state.json: content hashes of files by stat, where
each plan's roster was found, how the font profile resolved, what index.html was made from.

A cache only: deleting it (or a cache of the wrong shape, which is discarded with a warning)
costs one re-hash of everything, never a wrong build. The stat is a memo, not the truth: a
hash is reused only when size, mtime, ctime and inode are all unchanged AND the file was last
modified well before it was hashed ("racy" files, edited within RACY_NS of their hashing, are
hashed again, as git does), so an in-place edit that keeps size and mtime is still noticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from plangen.outio import atomic_write

CACHE_VERSION = 3
CACHE_DIR = ".plangen-cache"
STATE = "state.json"
RACY_NS = 2_000_000_000  # a file modified less than 2 s before its hash was taken is re-hashed


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
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _valid_entry(v: Any) -> bool:
    return (isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("at"), int)
            and isinstance(v.get("stamp"), list) and all(isinstance(x, int) for x in v["stamp"]))


def _shape_ok(data: Any) -> bool:
    """The cache as this version writes it (a shape problem anywhere discards all of it)."""
    if not isinstance(data, dict):
        return False
    hashes, plans, fonts = data.get("hashes", {}), data.get("plans", {}), data.get("fonts", {})
    if not (isinstance(hashes, dict) and isinstance(plans, dict) and isinstance(fonts, dict)
            and isinstance(data.get("index", {}), dict)):
        return False
    return all(_valid_entry(v) for v in hashes.values()) and \
        all(isinstance(v, dict) and all(isinstance(x, str) for x in v.values()) for v in plans.values())


class Cache:
    """The memo of file hashes and the per-plan notes, loaded once per build, saved at its end."""

    def __init__(self, path: Path, warn: Callable[[str], None] = lambda _m: None) -> None:
        self.path = path
        data: Any = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            warn(f"缓存文件 {path} 无法读取（{type(e).__name__}），已丢弃，本次会重新计算哈希")
            data = {}
        if isinstance(data, dict) and data and data.get("version") != CACHE_VERSION:
            data = {}  # another version's cache: silently replaced
        elif data and not _shape_ok(data):
            warn(f"缓存文件 {path} 的格式不对，已丢弃，本次会重新计算哈希（缓存可以随时删除）")
            data = {}
        self.hashes: dict[str, Any] = data.get("hashes", {})
        self.plans: dict[str, dict[str, str]] = data.get("plans", {})
        self.fonts: dict[str, Any] = data.get("fonts", {})
        self.index: dict[str, Any] = data.get("index", {})
        self.used: set[str] = set()
        self.dirty = False

    def sha(self, file: Path) -> str:
        """sha256 of `file` (OSError when it is missing), re-hashed unless the memo is sure."""
        key = str(file)
        stamp = _stamp(file)
        self.used.add(key)
        entry = self.hashes.get(key)
        if entry and entry["stamp"] == stamp and stamp[1] < entry["at"] - RACY_NS:
            return str(entry["sha256"])
        digest = sha256_file(file)
        self.remember(file, digest, stamp)
        return digest

    def remember(self, file: Path, digest: str, stamp: list[int] | None = None) -> None:
        key = str(file)
        self.used.add(key)
        entry = {"stamp": stamp or _stamp(file), "sha256": digest, "at": time.time_ns()}
        old = self.hashes.get(key)
        if old is None or {**old, "at": 0} != {**entry, "at": 0} or old["stamp"][1] >= old["at"] - RACY_NS:
            self.hashes[key] = entry
            self.dirty = True

    def set_plan(self, name: str, value: dict[str, str]) -> None:
        if self.plans.get(name) != value:
            self.plans[name] = value
            self.dirty = True

    def set_index(self, value: dict[str, str]) -> None:
        if self.index != value:
            self.index = value
            self.dirty = True

    def save(self, root: Path, names: Iterable[str]) -> None:
        """Write the cache (OSError is the caller's: a cache that could not be saved is only slower)."""
        keep = set(names)
        if set(self.hashes) - self.used or set(self.plans) - keep:
            self.hashes = {k: v for k, v in self.hashes.items() if k in self.used}
            self.plans = {k: v for k, v in self.plans.items() if k in keep}
            self.dirty = True
        if self.dirty:
            data = {"version": CACHE_VERSION, "hashes": self.hashes, "plans": self.plans,
                    "fonts": self.fonts, "index": self.index}
            atomic_write(self.path, json.dumps(data, sort_keys=True, indent=0).encode(), root)


def tree_digest(folder: Path, cache: Cache, exclude: Path | None = None) -> str:
    """Content hash of the files under `folder` (hidden, __pycache__ and anything inside
    `exclude` — the output folder, when it lies inside — left out; symlinked folders not followed)."""
    h = hashlib.sha256()
    skip = os.path.realpath(exclude) if exclude is not None else None
    files: list[tuple[str, Path]] = []
    for top, dirs, names in os.walk(os.path.realpath(folder)):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"
                   and os.path.join(top, d) != skip]
        for n in names:
            f = Path(top, n)
            if not n.startswith(".") and f.is_file():
                files.append((os.path.relpath(f, os.path.realpath(folder)).replace(os.sep, "/"), f))
    for rel, f in sorted(files):
        try:
            h.update(f"{rel}\0{cache.sha(f)}\n".encode())
        except OSError:
            h.update(f"{rel}\0?\n".encode())
    return h.hexdigest()


def font_digest(fonts: str | None, cache: Cache, need_files: bool = True) -> str:
    """Content hash of the font profile and every font file it resolves to. The resolution
    (which needs plangen.fonts, hence pydantic) is remembered while the profile file, the
    font files, $PLANGEN_FONT_PATH, the working and home directories stay the same."""
    ident = {"arg": fonts or "", "env": os.environ.get("PLANGEN_FONT_PATH", ""), "need_files": need_files,
             "cwd": os.getcwd(), "home": os.path.expanduser("~")}

    def digest(source_sha: str, files: Sequence[str]) -> str:
        return sha256_bytes(json.dumps([source_sha] + [cache.sha(Path(f)) for f in files]).encode())

    memo = cache.fonts
    if memo.get("ident") == ident:
        try:
            if cache.sha(Path(memo["source"])) == memo["source_sha"]:
                return digest(memo["source_sha"], memo["files"])
        except (OSError, KeyError, TypeError):
            pass
    from plangen.fonts import load_profile

    profile = load_profile(fonts)
    if need_files:  # DOCX and XLSX name their fonts; only PDFs embed the files
        profile.check()
    assert profile.source is not None
    source_sha = cache.sha(profile.source)
    files = [str(f) for f in profile.files()]
    cache.fonts = {"ident": ident, "source": str(profile.source), "source_sha": source_sha, "files": files}
    cache.dirty = True
    return digest(source_sha, files)
