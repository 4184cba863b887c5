"""Archive packages: per plan, DIR/<plan>/ holds

    <plan>.pdf     the notice + plan as PDF/A-2b (WeasyPrint's pdf_variant)
    <plan>.ofd     the same pages as OFD (read from that PDF, plangen.ofd)
    metadata.xml   DA/T 46-2009 文书类电子文件元数据 elements that apply, with each file's size
                   and SM3 / SHA-256 digests
    fixity.txt     the fixity list: SM3, SHA-256, size and name of every other file

`plangen archive verify DIR` checks every package under DIR against its fixity list and names
each missing, extra or changed file (exit 1). See docs/archive.md.
"""

from __future__ import annotations

import hashlib
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plangen.errors import PlangenError, display_path

FIXITY = "fixity.txt"
METADATA = "metadata.xml"
RETENTIONS = ("永久", "定期30年", "定期10年")
FIXITY_HEAD = "# plangen 归档包校验清单（fixity）：SM3 SHA-256 字节数 文件名；plangen archive verify 据此校验\n"
FORMAT_NAMES = {"pdf": "PDF/A-2b（GB/T 23286.2 / ISO 19005-2）", "ofd": "OFD（GB/T 33190-2016）"}


def digests(data: bytes) -> tuple[str, str]:
    """(SM3, SHA-256) hex digests. SM3 comes from OpenSSL through hashlib."""
    return hashlib.new("sm3", data).hexdigest(), hashlib.sha256(data).hexdigest()


def sm3_available() -> bool:
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Package:
    name: str
    files: dict[str, bytes]  # file name → bytes, fixity list excluded


def build_package(view, *, profile, retention: str = "永久", template: str | None = None) -> Package:  # type: ignore[no-untyped-def]
    """The archive files of one plan (bytes only; nothing is written here)."""
    from plangen.ofd import ofd_meta, pdf_to_ofd
    from plangen.render.pdf import render_pdf

    pdf = render_pdf(view, template=template, profile=profile, pdfa=True)
    ofd = pdf_to_ofd(pdf, ofd_meta(view))
    files = {f"{view.name}.pdf": pdf, f"{view.name}.ofd": ofd}
    files[METADATA] = metadata_xml(view, files, retention=retention, pages=_page_count(pdf))
    return Package(view.name, files)


def package_files(view, *, profile, retention: str = "永久") -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every file of the package, the fixity list included (for `plangen build --archive`)."""
    pkg = build_package(view, profile=profile, retention=retention)
    return {**pkg.files, FIXITY: fixity_text(pkg.files)}


def _page_count(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text:
        el.text = text
    return el


def metadata_xml(view, files: dict[str, bytes], *, retention: str, pages: int) -> bytes:  # type: ignore[no-untyped-def]
    """DA/T 46-2009 elements for a 文书 record: 题名, 文件编号 (文号), 责任者, 日期, 密级,
    保管期限, 页数, and per computer file 计算机文件名, 计算机文件大小, 格式信息, 数字摘要."""
    from plangen import __version__

    n = view.notice
    root = ET.Element("文件", {"元数据标准": "DA/T 46-2009 文书类电子文件元数据方案",
                             "生成工具": f"plangen {__version__}"})
    _sub(root, "聚合层次", "文件")
    content = _sub(root, "内容描述")
    _sub(content, "题名", view.doc_title)
    if n is not None and n.number:
        _sub(content, "文件编号", n.number)
    issuers = list(n.mark_lines) if n is not None else (list(view.plan.issuers) or [view.bureau])
    for who in issuers:
        _sub(content, "责任者", who)
    date = n.date_value if n is not None else None
    _sub(content, "日期", date.strftime("%Y%m%d") if date else "")
    _sub(content, "密级", (n.secrecy if n is not None and n.secrecy else "公开"))
    _sub(root, "档号").append(_el("保管期限", retention))
    form = _sub(root, "形式特征")
    _sub(form, "文件组合类型", "单件")
    _sub(form, "页数", str(pages))
    _sub(form, "语种", "汉语")
    prop = _sub(root, "电子属性")
    for name, data in files.items():
        sm3, sha = digests(data)
        ext = name.rsplit(".", 1)[-1]
        f = _sub(prop, "计算机文件")
        _sub(f, "计算机文件名", name)
        _sub(f, "计算机文件大小", str(len(data)), 单位="字节")
        _sub(f, "格式信息", FORMAT_NAMES.get(ext, ext.upper()))
        _sub(f, "数字摘要", sm3, 算法="SM3")
        _sub(f, "数字摘要", sha, 算法="SHA-256")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _el(tag: str, text: str) -> ET.Element:
    el = ET.Element(tag)
    el.text = text
    return el


def fixity_text(files: dict[str, bytes]) -> bytes:
    lines = [FIXITY_HEAD]
    for name in sorted(files):
        sm3, sha = digests(files[name])
        lines.append(f"{sm3} {sha} {len(files[name])} {name}\n")
    return "".join(lines).encode("utf-8")


def write_package(pkg: Package, outdir: Path) -> list[Path]:
    from plangen.outio import atomic_write

    folder = outdir / pkg.name
    written = []
    for name, data in [*pkg.files.items(), (FIXITY, fixity_text(pkg.files))]:
        atomic_write(folder / name, data, outdir)
        written.append(folder / name)
    return written


def run_archive(plans: Sequence[Path], *, outdir: Path, fonts: str | None, retention: str,
                template: str | None = None) -> int:
    from plangen.fonts import load_profile
    from plangen.view import load_view

    if retention not in RETENTIONS:
        raise PlangenError(f"保管期限“{retention}”无效，可选：{'、'.join(RETENTIONS)}")
    if not sm3_available():
        raise PlangenError("本机的 Python（OpenSSL）不支持 SM3 摘要，无法生成归档包（请使用带 SM3 的 OpenSSL 1.1.1 以上版本）")
    from plangen.names import is_roster_path

    profile = load_profile(fonts)
    failed = []
    for plan in plans:
        if is_roster_path(plan):
            continue  # plans/*.yaml includes the rosters: they are inputs of plans, not documents
        try:
            view = load_view(plan)
            pkg = build_package(view, profile=profile, retention=retention, template=template)
            write_package(pkg, outdir)
        except PlangenError as e:
            failed.append(plan)
            sys.stderr.write(e.format() + "\n")
            continue
        sys.stdout.write(f"已生成归档包 {display_path(outdir / pkg.name)}（{len(pkg.files) + 1} 个文件）\n")
    if failed:
        sys.stderr.write(f"{len(failed)} 个计划未能归档：{'、'.join(display_path(p) for p in failed)}\n")
        return 1
    return 0


# --------------------------------------------------------------------------- verify


def _read_fixity(path: Path) -> tuple[dict[str, tuple[str, str, int]], list[str]]:
    entries: dict[str, tuple[str, str, int]] = {}
    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}, [f"{display_path(path)}: 校验清单无法读取"]
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(" ", 3)
        if len(parts) != 4 or not parts[2].isdigit() or "/" in parts[3] or parts[3] in ("", ".", ".."):
            problems.append(f"{display_path(path)}:{no}: 校验清单的这一行格式不对（应为：SM3 SHA-256 字节数 文件名）")
            continue
        entries[parts[3]] = (parts[0], parts[1], int(parts[2]))
    return entries, problems


def verify_package(folder: Path) -> list[str]:
    """Chinese problems of one package: missing, changed and extra files (empty = intact)."""
    entries, problems = _read_fixity(folder / FIXITY)
    present = {p.name for p in folder.iterdir() if p.name != FIXITY}
    for name in sorted(set(entries) - present):
        problems.append(f"{display_path(folder / name)}: 缺少文件（校验清单中有，归档包中没有）")
    for name in sorted(present - set(entries)):
        problems.append(f"{display_path(folder / name)}: 多出的文件（不在校验清单中）")
    for name in sorted(set(entries) & present):
        path = folder / name
        try:
            data = path.read_bytes()
        except OSError:
            problems.append(f"{display_path(path)}: 无法读取")
            continue
        sm3, sha, size = entries[name]
        got_sm3, got_sha = digests(data)
        if len(data) != size or got_sm3 != sm3 or got_sha != sha:
            what = "大小" if len(data) != size else "SM3 摘要" if got_sm3 != sm3 else "SHA-256 摘要"
            problems.append(f"{display_path(path)}: 文件已被改动（{what}与校验清单不符）")
    return problems


def find_packages(root: Path) -> list[Path]:
    if (root / FIXITY).is_file():
        return [root]
    return sorted(p.parent for p in root.glob(f"*/{FIXITY}")) + \
        sorted(p.parent for p in root.glob(f"*/archive/{FIXITY}"))


def run_verify(dirs: Sequence[Path]) -> int:
    if not sm3_available():
        raise PlangenError("本机的 Python（OpenSSL）不支持 SM3 摘要，无法校验归档包")
    problems: list[str] = []
    count = 0
    for root in dirs:
        if not root.is_dir():
            problems.append(f"{display_path(root)}: 目录不存在")
            continue
        packages = find_packages(root)
        if not packages:
            problems.append(f"{display_path(root)}: 没有找到归档包（应有 <计划>/{FIXITY}）")
        for folder in packages:
            count += 1
            found = verify_package(folder)
            problems += found
            if not found:
                sys.stdout.write(f"✓ {display_path(folder)}：完好\n")
    if problems:
        raise PlangenError("\n".join(problems) + f"\n归档包校验未通过：{len(problems)} 处问题")
    sys.stdout.write(f"全部 {count} 个归档包完好。\n")
    return 0
