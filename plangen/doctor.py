"""`plangen doctor`: which font serves each role and why, glyph coverage of the plans, fast
subsetting, engine versions, LibreOffice. Exit 1 when a role has no usable font or a plan has
characters no font in the profile can draw."""

from __future__ import annotations

import ctypes.util
import functools
import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

from plangen.errors import display_path
from plangen.fonts import FontProfile, load_profile
from plangen.loading import load_yaml
from plangen.names import is_roster_path


@functools.lru_cache(maxsize=16)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        font = TTCollection(path, lazy=True).fonts[index]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap() or {})


def coverage(profile: FontProfile) -> list[frozenset[int]]:
    faces = [*profile.faces.values(), *profile.fallback]
    return [_cmap(str(f.path), f.index) for f in faces if f.path is not None]


def _emoji_font() -> frozenset[int]:
    try:
        r = subprocess.run(["fc-match", "-f", "%{file}", "emoji"], capture_output=True, text=True, timeout=10)
        path = r.stdout.strip()
        return _cmap(path, 0) if path and "moji" in path.lower() else frozenset()
    except (OSError, subprocess.SubprocessError):
        return frozenset()


def undrawable(plans_dir: Path, profile: FontProfile) -> list[str]:
    maps = coverage(profile) + [_emoji_font()]
    out = []
    for f in sorted(plans_dir.glob("*.yaml")) if plans_dir.is_dir() else []:
        if is_roster_path(f):
            continue
        loaded = load_yaml(f)
        if not loaded.text:
            continue
        seen: set[str] = set()
        for offset, ch in enumerate(loaded.text):
            cp = ord(ch)
            if cp < 0x80 or ch in seen or cp in (0xFE0F, 0x200D) or 0x1F3FB <= cp <= 0x1F3FF:
                continue
            if not any(cp in m for m in maps):
                seen.add(ch)
                out.append(f"{loaded.offset_pos(offset)}: “{ch}”（U+{cp:04X}）没有任何字体能显示")
    return out


def _fs_type(path: str, index: int) -> int:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=index) if path.lower().endswith((".ttc", ".otc")) \
        else TTFont(path, lazy=True)
    return int(font["OS/2"].fsType) if "OS/2" in font else 0


def archive_formats(profile: FontProfile) -> list[str]:
    """Why OFD / PDF/A-2b cannot be written (empty: they can): both embed every font, so each
    font must allow embedding (OS/2 fsType), the PDF must be readable back (pikepdf), and the
    archive's digests need SM3 from OpenSSL."""
    problems = []
    for face in [*profile.faces.values(), *profile.fallback]:
        if face.path is None:
            continue
        try:
            fs = _fs_type(str(face.path), face.index)
        except Exception as e:  # noqa: BLE001 - any unreadable font is reported, not raised
            problems.append(f"{face.label}：{face.path} 无法读取（{type(e).__name__}）")
            continue
        if fs & 0x000F == 0x0002 or fs & 0x0200:
            problems.append(f"{face.label}：{face.path} 的授权不允许嵌入（OS/2 fsType={fs:#06x}），"
                            "PDF/A 和 OFD 必须嵌入字体，请换用允许嵌入的字体")
    try:
        import pikepdf  # noqa: F401
    except ImportError:
        problems.append("未安装 pikepdf（读回 PDF 生成 OFD、修正 PDF/A 都要用它）：请重新安装 plangen")
    from plangen.archive import sm3_available

    if not sm3_available():
        problems.append("OpenSSL 不提供 SM3 摘要：归档包的 metadata.xml 和校验清单无法生成")
    return problems


def _archive_lines(problems: list[str], fast_subset: bool) -> list[str]:
    if problems:
        return ["归档格式（OFD、PDF/A-2b）：不能生成\n", *(f"  ✗ {p}\n" for p in problems)]
    how = "沿用 PDF 中已子集化的字体" + ("" if fast_subset else "（PDF 子集化较慢，见上）")
    return [f"归档格式：OFD（GB/T 33190）可以生成，{how}；PDF/A-2b 可以生成；SM3 摘要可用\n"]


def run_doctor(*, fonts: str | None, plans_dir: Path) -> int:
    w = sys.stdout.write
    bad = 0
    try:
        profile = load_profile(fonts)
    except Exception as e:  # noqa: BLE001 - PlangenError or anything reading the profile
        w(f"字体方案无法读取：{getattr(e, 'message', e)}\n")
        return 1
    w(f"字体方案：{profile.name}（{display_path(profile.source) if profile.source else '内置'}）\n")
    for face in [*profile.faces.values(), *profile.fallback]:
        if face.path is None or face.problem:
            w(f"  ✗ {face.label}：{face.problem or '找不到字体文件'}（方案中写的是 {face.wanted}）\n")
            bad += 1
            continue
        how = f"经 fontconfig 按名称“{face.css_family}”使用" if face.system else "嵌入 PDF（子集化）"
        docx = f"；DOCX 写“{face.docx_name}”" if face.docx_name else ""
        w(f"  ✓ {face.label}：{face.path}（第 {face.index} 个字形）{how}{docx}\n")
    missing = undrawable(plans_dir, profile) if not bad else []
    w(f"字形覆盖（{display_path(plans_dir)}）：" + ("全部可以显示\n" if not missing else f"{len(missing)} 个字无法显示\n"))
    for line in missing[:50]:
        w(f"  ✗ {line}\n")
    subset = ctypes.util.find_library("harfbuzz-subset")
    w("快速子集化（libharfbuzz-subset）：" + ("可用\n" if subset else
      "不可用，WeasyPrint 将改用 fontTools，生成 PDF 慢约 15 倍（请安装 libharfbuzz-subset0）\n"))
    archive_problems = archive_formats(profile) if not bad else ["字体缺失"]
    bad += bool(archive_problems)
    for line in _archive_lines(archive_problems, bool(subset)):
        w(line)
    for pkg in ("weasyprint", "pydyf", "python-docx", "docxtpl", "openpyxl", "fonttools", "pikepdf"):
        try:
            w(f"  {pkg} {importlib.metadata.version(pkg)}\n")
        except importlib.metadata.PackageNotFoundError:
            w(f"  {pkg} 未安装\n")
    try:
        from weasyprint.text.ffi import pango

        v = pango.pango_version()
        w(f"  Pango {v // 10000}.{v // 100 % 100}.{v % 100}\n")
    except Exception:  # noqa: BLE001 - informational only
        w("  Pango 版本未知\n")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    w(f"LibreOffice（可选，用于检查 DOCX 效果）：{soffice or '未安装'}\n")
    if bad or missing:
        w("有问题：请运行 scripts/setup.sh build 安装字体，或修改字体方案。\n")
        return 1
    w("一切正常。\n")
    return 0
