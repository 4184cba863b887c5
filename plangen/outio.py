"""The only module that writes output files.

- `atomic_write`: temp file in the same directory + fsync + os.replace, so every file is always
  its old or its new version; refuses any path outside the output root.
- `normalize_zip`: re-writes a DOCX/XLSX zip with fixed timestamps, sorted entries (with
  [Content_Types].xml first, as Office expects) and fixed core properties, so the same inputs
  give the same bytes (python-docx and openpyxl stamp the wall clock otherwise).
- `safe_filename`: an office/leader name → a file name that cannot escape or break the folder.
- `remove_stale_temps`: the temp files of writers that died (SIGKILL between write and rename):
  each temp file's name carries its writer's pid, so a live writer's file is never touched.

Test hook: with PLANGEN_TEST_KILL_BEFORE_RENAME=N in the environment, the N-th file this process
actually writes is killed with SIGKILL after its temp file is written and fsynced and before the
rename (tests/test_build_faults.py uses it to kill a build at exactly that step).
"""

from __future__ import annotations

import io
import os
import re
import signal
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

from plangen.errors import PlangenError

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_ISO_TIME = "2000-01-01T00:00:00Z"
TEMP_PREFIX = ".plangen-tmp-"
MAX_NAME_BYTES = 200  # well under the 255-byte limit of common file systems, leaving room for suffixes


def ensure_inside(path: Path, root: Path) -> Path:
    """`path` resolved, or PlangenError when it would land outside `root`."""
    root_r = root.resolve()
    p = path.resolve()
    if not p.is_relative_to(root_r):
        raise PlangenError(f"拒绝写入输出目录之外的文件：{path}（输出目录为 {root}）")
    return p


def atomic_write(path: Path, data: bytes, root: Path) -> bool:
    """Write `data` to `path` atomically. Returns False (and writes nothing) when the file already
    holds exactly these bytes, so an unchanged output keeps its inode and mtime."""
    target = ensure_inside(path, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        _test_hook_before_rename()
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


_writes = 0


def _test_hook_before_rename() -> None:
    global _writes
    when = os.environ.get("PLANGEN_TEST_KILL_BEFORE_RENAME", "")
    if not when:
        return
    _writes += 1
    if when.isdigit() and _writes == int(when):
        os.kill(os.getpid(), signal.SIGKILL)


STALE_SECONDS = 24 * 3600.0  # no write takes a day: such a temp file is stale whatever its pid


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(path: Path, now: float, legacy_age: float) -> bool:
    pid, sep, _rest = path.name[len(TEMP_PREFIX):].partition("-")
    try:
        age = now - path.lstat().st_mtime
    except OSError:
        return False
    if age > STALE_SECONDS:
        return True
    if sep and pid.isdigit():
        return not _alive(int(pid))
    return age > legacy_age  # a name without a pid (an older plangen): by age only


def remove_stale_temps(root: Path, depth: int = 3, legacy_age: float = 60.0) -> list[Path]:
    """Delete the temp files of dead writers in `root` and its folders down to `depth` levels
    (output/, output/<plan>/, output/<plan>/sheets/, output/.plangen-cache/…); symlinks are
    not followed. Returns what was removed."""
    removed: list[Path] = []
    now = time.time()
    base = len(Path(root).parts)
    for top, dirs, names in os.walk(root):
        if len(Path(top).parts) - base >= depth:
            dirs[:] = []
        for n in names:
            f = Path(top, n)
            if n.startswith(TEMP_PREFIX) and _stale(f, now, legacy_age):
                try:
                    f.unlink()
                    removed.append(f)
                except OSError:
                    pass
    return sorted(removed)


def _fix_core(xml: bytes, title: str | None) -> bytes:
    text = xml.decode("utf-8")
    text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                  lambda m: m.group(1) + FIXED_ISO_TIME + m.group(3), text)
    text = re.sub(r"<cp:lastPrinted>[^<]*</cp:lastPrinted>", "", text)
    return text.encode("utf-8")


FIXED_WORKBOOK_TIME = (2000, 1, 1)


def workbook_bytes(wb, title: str, when=None) -> bytes:  # type: ignore[no-untyped-def]
    """An openpyxl workbook → reproducible XLSX bytes: creator plangen, `title`, fixed (or the
    given) creation time, fixed zip entries. openpyxl stamps `now` otherwise."""
    import datetime as dt

    wb.properties.creator = "plangen"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = when or dt.datetime(*FIXED_WORKBOOK_TIME)
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


def document_bytes(doc, **properties) -> bytes:  # type: ignore[no-untyped-def]
    """A python-docx document → reproducible DOCX bytes, with these core properties set (plus
    language zh-CN, revision 1, last modified by plangen, no comments)."""
    props = doc.core_properties
    values = {"language": "zh-CN", "last_modified_by": "plangen", "comments": "", "revision": 1, **properties}
    for key, value in values.items():
        setattr(props, key, value)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def normalize_zip(data: bytes, title: str | None = None) -> bytes:
    """Deterministic DOCX/XLSX bytes: fixed entry times and order, fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", not n.startswith("_rels/"), n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            blob = src.read(name)
            if name == "docProps/core.xml":
                blob = _fix_core(blob, title)
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, blob, compresslevel=6)
    return out.getvalue()


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


# Characters that must never reach a file name although they are not separators: format
# characters (Cf: bidi controls such as U+202E that make 股室-\u202eexe.fdp.xlsx display as if it
# ended in .exe, zero-width spaces and joiners, U+FEFF), line/paragraph separators, surrogates.
_INVISIBLE = frozenset(("Cf", "Zl", "Zp", "Cs", "Cc"))


def _visible(s: str) -> str:
    return "".join(c for c in s if unicodedata.category(c) not in _INVISIBLE)


def safe_filename(name: str, taken: set[str] | None = None) -> str:
    """A file-name stem for `name` (no extension): no separators, no control or format
    characters (no bidi overrides, no zero-width characters), no leading dots (so `..` and
    `../x` stay inside), bounded length; unique within `taken` (case-insensitively), to which
    it is added."""
    s = unicodedata.normalize("NFC", name)
    s = _UNSAFE.sub("_", s)
    s = _visible(s).strip().strip(".").strip()
    s = re.sub(r"\s+", " ", s)
    if not s:
        s = "未命名"
    while len(s.encode("utf-8")) > MAX_NAME_BYTES:
        s = s[:-1]
    if taken is not None:
        base, n = s, 2
        while s.casefold() in {t.casefold() for t in taken}:
            s = f"{base}-{n}"
            n += 1
        taken.add(s)
    return s
