"""The one writer: atomic, inside the output root, deterministic zips, safe names."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from plangen.errors import PlangenError
from plangen.outio import TEMP_PREFIX, atomic_write, normalize_zip, safe_filename


def test_atomic_write_skips_identical_bytes(tmp_path: Path) -> None:
    f = tmp_path / "a" / "b.bin"
    assert atomic_write(f, b"one", tmp_path) is True
    ino = f.stat().st_ino
    assert atomic_write(f, b"one", tmp_path) is False
    assert f.stat().st_ino == ino
    assert atomic_write(f, b"two", tmp_path) is True
    assert f.read_bytes() == b"two"
    assert not [p for p in f.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.parametrize("rel", ["../x", "../../etc/passwd", "/tmp/elsewhere"])
def test_refuses_outside_root(tmp_path: Path, rel: str) -> None:
    root = tmp_path / "out"
    root.mkdir()
    with pytest.raises(PlangenError, match="输出目录之外"):
        atomic_write(root / rel, b"x", root)


def test_refuses_symlink_escape(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(PlangenError):
        atomic_write(root / "link" / "x", b"x", root)


@pytest.mark.parametrize("name", ["../../etc", "a/b", "..", ".", "a\\b", "教育股\x00", "x" * 400, "教" * 200, " ", "CON:"])
def test_safe_filename_stays_inside(tmp_path: Path, name: str) -> None:
    stem = safe_filename(name)
    assert stem and "/" not in stem and "\\" not in stem and not stem.startswith(".")
    assert len((stem + ".xlsx").encode()) < 255
    p = (tmp_path / f"{stem}.xlsx").resolve()
    assert p.parent == tmp_path.resolve()
    p.write_bytes(b"ok")  # the file system accepts it


def test_safe_filename_unique() -> None:
    taken: set[str] = set()
    a = safe_filename("a/b", taken)
    b = safe_filename("a\\b", taken)
    c = safe_filename("a:b", taken)
    assert len({a, b, c}) == 3


def test_normalize_zip_is_deterministic() -> None:
    def make(ts: tuple[int, ...]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name in ("word/document.xml", "[Content_Types].xml", "docProps/core.xml"):
                info = zipfile.ZipInfo(name, ts)
                body = b"<x/>"
                if name == "docProps/core.xml":
                    body = (b'<cp:coreProperties><dcterms:modified xsi:type="dcterms:W3CDTF">'
                            + f"{ts[0]}-05-01T10:00:00Z".encode() + b"</dcterms:modified></cp:coreProperties>")
                z.writestr(info, body)
        return buf.getvalue()

    a, b = normalize_zip(make((2020, 1, 2, 3, 4, 6))), normalize_zip(make((2024, 5, 6, 7, 8, 10)))
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert z.namelist()[0] == "[Content_Types].xml"
    assert b"2000-01-01T00:00:00Z" in z.read("docProps/core.xml")
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
