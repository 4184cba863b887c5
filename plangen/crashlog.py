"""Crash logs: where the traceback of an internal error goes (never on screen, never /tmp).

Folder, first that applies: $PLANGEN_CRASH_DIR; the output folder's cache
(`<output>/.plangen-cache/crash/`) for commands that write an output folder; else
`$XDG_CACHE_HOME/plangen/crash/` (default `~/.cache/plangen/crash/`). The last KEEP logs are
kept, older ones deleted. Written through plangen.outio; a log that cannot be written (a full
disk) is simply not written — the one-line message still reaches the user.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from plangen.outio import atomic_write

KEEP = 5
PREFIX = "crash-"


def crash_dir(outdir: Path | None = None) -> Path:
    env = os.environ.get("PLANGEN_CRASH_DIR", "").strip()
    if env:
        return Path(env)
    if outdir is not None:
        return outdir / ".plangen-cache" / "crash"
    cache = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "plangen" / "crash"


def save(text: str, folder: Path) -> Path | None:
    """Write one crash log into `folder` (created), drop all but the newest KEEP; the path or None."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = folder / f"{PREFIX}{stamp}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8", "replace"), folder)
    except OSError:
        return None
    logs = sorted(p for p in folder.glob(f"{PREFIX}*.log") if p.is_file())
    for old in logs[:-KEEP]:
        try:
            old.unlink()
        except OSError:
            pass
    return path
