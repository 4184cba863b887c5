"""Finding font files, and the faces inside a collection.

A profile's `pdf:` file is looked up, in order (first hit wins):
1. an absolute path (``~`` allowed);
2. relative to the profile's folder;
3. the folders of ``$PLANGEN_FONT_PATH`` (``:``-separated, searched recursively) — plangen's own
   setting, for fonts a bureau keeps outside the system's font folders;
4. /usr/local/share/fonts/plangen (where scripts/setup.sh puts Fandol);
5. every font fontconfig knows (``fc-list``), by file name: exact, then ignoring case.

Step 5 asks fontconfig itself instead of imitating its search: the folders it scans are
whatever /etc/fonts/fonts.conf (and the user's configuration) say. A collection face other than
the first is used by family name through fontconfig, so its file must be one fontconfig lists
(`known_to_fontconfig`). Face family names are read with fontTools (imported on first use).
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path
from typing import Any

PLANGEN_FONT_DIR = Path("/usr/local/share/fonts/plangen")
FONT_PATH_ENV = "PLANGEN_FONT_PATH"
MAX_FACES = 256


@functools.lru_cache(maxsize=1)
def fontconfig_files() -> tuple[Path, ...]:
    """Every font file fontconfig lists (sorted; empty when fc-list is missing)."""
    try:
        r = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                           timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({Path(line) for line in r.stdout.splitlines() if line.strip()}))


def known_to_fontconfig(path: Path) -> bool:
    target = path.resolve()
    return any(p == path or p.resolve() == target for p in fontconfig_files())


@functools.cache
def _walk_index(folder: str) -> dict[str, Path]:
    """File name → first path (in sorted walk order) under a $PLANGEN_FONT_PATH folder."""
    out: dict[str, Path] = {}
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            out.setdefault(name, Path(root) / name)
    return out


def _by_name(paths: list[Path], wanted: str) -> Path | None:
    exact = next((p for p in paths if p.name == wanted), None)
    return exact or next((p for p in paths if p.name.lower() == wanted.lower()), None)


def find_font_file(wanted: str, base: Path | None = None) -> tuple[Path | None, str]:
    """Resolve a font file name; (path, "") or (None, Chinese reason)."""
    p = Path(wanted).expanduser()
    if p.is_absolute():
        return (p, "") if p.is_file() else (None, f"找不到字体文件 {wanted}")
    if base is not None and (base / p).is_file():
        return (base / p).absolute(), ""
    if len(p.parts) != 1:
        return None, f"找不到字体文件 {wanted}（相对于 {base}）"
    looked = [str(base)] if base is not None else []
    for d in os.environ.get(FONT_PATH_ENV, "").split(os.pathsep):
        if d:
            looked.append(d)
            hit = _by_name(list(_walk_index(str(Path(d).expanduser())).values()), wanted)
            if hit is not None:
                return hit, ""
    looked.append(str(PLANGEN_FONT_DIR))
    if (PLANGEN_FONT_DIR / wanted).is_file():
        return PLANGEN_FONT_DIR / wanted, ""
    looked.append("fontconfig（fc-list）")
    hit = _by_name(list(fontconfig_files()), wanted)
    if hit is not None:
        return hit, ""
    return None, f"找不到字体文件 {wanted}（已查找：{'、'.join(looked)}）"


@functools.lru_cache(maxsize=64)
def _families_cached(path: str, _mtime_ns: int, _size: int) -> tuple[tuple[str, ...], ...]:
    from fontTools.ttLib import TTCollection

    with open(path, "rb") as f:
        collection = TTCollection(f, lazy=True)
        if len(collection.fonts) > MAX_FACES:
            raise ValueError("too many faces")
        return tuple(_family_names(font) for font in collection.fonts)


def _family_names(font: Any) -> tuple[str, ...]:
    """Typographic family names (name ID 16) first, then legacy family names (ID 1)."""
    table = font.get("name")
    if table is None:
        return ()
    out: list[str] = []
    for name_id in (16, 1):
        for rec in table.names:
            if rec.nameID != name_id:
                continue
            try:
                text = rec.toUnicode()
            except (UnicodeDecodeError, LookupError):
                continue
            if text and text not in out:
                out.append(text)
    return tuple(out)


def collection_families(path: Path) -> list[tuple[str, ...]]:
    """For each face of a .ttc/.otc, its family names (typographic family first). Raises
    ValueError (or OSError) for a file that is not a readable collection."""
    st = path.stat()
    try:
        return list(_families_cached(str(path), st.st_mtime_ns, st.st_size))
    except OSError:
        raise
    except Exception as e:  # noqa: BLE001 - fontTools raises many kinds for a damaged file
        raise ValueError(f"not a readable font collection: {e}") from None
