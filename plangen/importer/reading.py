"""Reading a source file into physical lines: text in any of the encodings bureaus use, or the
paragraphs of a .docx read with a hardened XML parser and hard caps.

Why lxml and not python-docx here: python-docx parses every part and keeps the whole document
object tree, with no cap on size or depth, and lets XML comments and entity nodes through to our
code (issue 19: an `AttributeError` on a comment). We open the zip ourselves, refuse any
DOCTYPE/ENTITY declaration (Word never writes one; it is how entity amplification starts), parse
with lxml's `resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False`
(libxml2's own depth and text-size limits stay on), drop comments and processing instructions,
and cap the uncompressed bytes, the paragraphs and the depth before reading text. lxml is already
installed (python-docx depends on it); defusedxml would only wrap the same parser.
"""

from __future__ import annotations

import codecs
import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from plangen.errors import PlangenError
from plangen.importer.text import Line
from plangen.importer.wordnum import Numbering

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_XML_BYTES = 25 * 1024 * 1024  # uncompressed, all parts read together
MAX_ELEMENTS = 500_000  # counted as "<" before parsing: a 2,000-paragraph plan has ~40,000
MAX_PARAGRAPHS = 50_000  # a long provincial plan has a few thousand
MAX_DEPTH = 100  # Word's own nesting is ~10; tables in tables a few more
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def decode(raw: bytes, source: str = "") -> str:
    """Text of an imported file: UTF-8, UTF-16 with BOM or GBK/GB18030 (plangen.loading's one
    decoder); anything else is a Chinese message naming the file, line and column."""
    from plangen.loading import DecodeError, decode_text

    try:
        return decode_text(raw, gb18030=True)
    except DecodeError as e:
        where = f"{source}:{e.line}:{e.col}：" if source and e.line else (f"{source}：" if source else "")
        raise PlangenError(f"{where}{e.message}。{e.hint}后再导入。") from None


def read_lines(path: Path, source: str) -> list[Line]:
    try:
        size = path.stat().st_size
    except OSError:
        raise PlangenError(f"找不到文件：{source}") from None
    if not path.is_file():
        raise PlangenError(f"{source} 不是文件。")
    if size > MAX_IMPORT_BYTES:
        raise PlangenError(f"{source}：文件过大（{size / 1024 / 1024:.1f} MB），上限 5 MB；一份工作要点通常不超过 100 KB。")
    suffix = path.suffix.lower()
    if suffix in (".doc", ".wps", ".rtf", ".odt"):
        return _converted(path, source)
    raw = path.read_bytes()
    if suffix == ".docx" or raw[:2] == b"PK":
        return docx_lines(raw, source)
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PlangenError(f"{source}：这不是文本文件（含二进制数据）。可导入 .txt（UTF-8 或 GBK）和 .docx。")
    text = decode(raw, source)
    bad = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if bad > 20:
        raise PlangenError(f"{source}：这不是文本文件（含大量控制字符）。可导入 .txt 和 .docx。")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Line(i, t) for i, t in enumerate(text.split("\n"), 1)]


def _damaged(source: str, why: str) -> PlangenError:
    return PlangenError(f"{source}：这个 Word 文件已损坏或不是 Word 文件（{why}）。"
                        "请在 Word/WPS 中打开后另存为 .docx，或复制正文另存为 .txt 再导入。")


def _read_part(zf: zipfile.ZipFile, name: str, budget: list[int], source: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise _damaged(source, f"缺少 {name}") from None
    if info.file_size > budget[0]:
        raise PlangenError(f"{source}：解压后过大（{name} 有 {info.file_size / 1024 / 1024:.0f} MB，"
                           f"上限 {MAX_XML_BYTES // 1024 // 1024} MB）。一份工作要点的 Word 文件解压后通常不到 2 MB。")
    try:
        with zf.open(info) as f:
            data = f.read(budget[0] + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as e:
        raise _damaged(source, f"{name} 无法解压：{type(e).__name__}") from None
    if len(data) > budget[0]:
        raise PlangenError(f"{source}：解压后过大（超过 {MAX_XML_BYTES // 1024 // 1024} MB）。")
    budget[0] -= len(data)
    return data


def _parse_xml(data: bytes, name: str, source: str):  # type: ignore[no-untyped-def]
    from lxml import etree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _damaged(source, f"{name} 含 DTD 或实体声明，Word 不会写这些")
    if data.count(b"<") > MAX_ELEMENTS:
        raise PlangenError(f"{source}：{name} 的元素超过 {MAX_ELEMENTS} 个，拒绝导入（一份工作要点通常不到 5 万个）。")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise _damaged(source, f"{name} 不是格式正确的 XML：第 {e.lineno} 行") from None
    if root is None or root.getroottree().docinfo.doctype:
        raise _damaged(source, f"{name} 含 DTD 声明")
    depth = 0
    for event, _el in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            raise PlangenError(f"{source}：{name} 嵌套过深（超过 {MAX_DEPTH} 层），拒绝导入。")
    return root


def _main_part(zf: zipfile.ZipFile, budget: list[int], source: str) -> str:
    ct = _parse_xml(_read_part(zf, "[Content_Types].xml", budget, source), "[Content_Types].xml", source)
    if not str(ct.tag).endswith("}Types"):
        raise _damaged(source, "[Content_Types].xml 不是内容类型表")
    for el in ct:
        if str(el.tag).endswith("}Override") and el.get("ContentType") == MAIN_TYPE:
            return (el.get("PartName") or "").lstrip("/")
    if "word/document.xml" in zf.namelist():
        return "word/document.xml"
    raise _damaged(source, "[Content_Types].xml 没有登记正文部件")


def _text(el) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's text; a tab is a tab, a manual line break (w:br, w:cr) a new line."""
    out = []
    for t in el.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"):
        tag = t.tag.rsplit("}", 1)[-1]
        out.append({"tab": "\t", "br": "\n", "cr": "\n"}.get(tag, t.text or ""))
    return "".join(out)


def docx_lines(raw: bytes, source: str) -> list[Line]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise _damaged(source, f"不是有效的 zip：{type(e).__name__}") from None
    budget = [MAX_XML_BYTES]
    with zf:
        name = _main_part(zf, budget, source)
        body = _parse_xml(_read_part(zf, name, budget, source), name, source).find(f"{{{W}}}body")
        if body is None:
            raise _damaged(source, f"{name} 没有正文")
        count = sum(1 for _ in body.iter(f"{{{W}}}p"))
        if count > MAX_PARAGRAPHS:
            raise PlangenError(f"{source}：有 {count} 个段落，超过上限 {MAX_PARAGRAPHS}，拒绝导入。一份工作要点通常不到 2000 段。")
        lines = _body_lines(body, _numbering(zf, budget, source))
        for fname in sorted(n for n in zf.namelist() if n.startswith("word/footer") and n.endswith(".xml")):
            footer = _parse_xml(_read_part(zf, fname, budget, source), fname, source)
            for p in footer.iter(f"{{{W}}}p"):  # the 版记 of a rendered notice lives in the footer
                text = _text(p)
                if "印发" in text or "抄送" in text:
                    lines.append(text)
    return [Line(i, t) for i, t in enumerate(lines, 1)]


def _numbering(zf: zipfile.ZipFile, budget: list[int], source: str) -> Numbering:
    """Word's list numbering (labels it draws but does not store), when the file has any."""
    parts = {}
    for name in ("word/numbering.xml", "word/styles.xml"):
        if name in zf.namelist():
            parts[name] = _parse_xml(_read_part(zf, name, budget, source), name, source)
    return Numbering.read(parts.get("word/numbering.xml"), parts.get("word/styles.xml"))


def _body_lines(body, numbering: Numbering) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    prev_title = False
    for el in body:
        tag = str(el.tag).rsplit("}", 1)[-1]
        if tag == "p":
            text = numbering.label(el) + _text(el)
            style = el.find(f"{{{W}}}pPr/{{{W}}}pStyle")
            is_title = style is not None and style.get(f"{{{W}}}val") == "GWTitle"
            if is_title and prev_title and lines:
                lines[-1] += text.replace("\n", "")  # a title broken into several lines is one title
            elif is_title:
                lines.append(text.replace("\n", ""))
            else:
                lines.extend(text.split("\n"))
            prev_title = is_title
        elif tag == "tbl":  # e.g. joint issuers in a table: one line per row
            for tr in el.iter(f"{{{W}}}tr"):
                lines.append(_text(tr))
            prev_title = False
    return lines


def _converted(path: Path, source: str) -> list[Line]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PlangenError(f"{source}：{path.suffix} 文件需要 LibreOffice 转换，本机没有安装。请在 Word/WPS 中另存为 .docx 后再导入。")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            r = subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                               capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            raise PlangenError(f"{source}：LibreOffice 转换超时。请在 Word/WPS 中另存为 .docx 后再导入。") from None
        out = Path(tmp) / (path.stem + ".docx")
        if r.returncode != 0 or not out.exists():
            raise PlangenError(f"{source}：LibreOffice 无法转换这个文件。请在 Word/WPS 中另存为 .docx 后再导入。")
        return docx_lines(out.read_bytes(), source)
