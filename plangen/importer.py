"""`plangen import`: last year's plan as text (.txt) or Word (.docx) → a plan file.

Real sources are damaged: lines broken mid-sentence (text pulled out of PDFs), blank lines
anywhere, stray spaces (`云溪区 2024 年`), page numbers, web-page menus and footers, mixed
full/half-width punctuation. The importer reads them as a sequence of logical lines:

1. decode (UTF-8 ± BOM, UTF-16, GB18030/GBK) or read .docx paragraphs; normalise spaces;
2. drop debris (page numbers, menus, footers, article metadata) — each dropped line reported;
3. recognise the notice around the plan (mark, number, title, recipients, body, signature,
   date), the plan's title (with its issuers when it has no notice, like 六安), the preamble,
   sections 一、, subsections （一）, items 1. (numbers must follow each other, so a wrapped line
   starting with "2.0版" is not an item), sub-items （1）;
4. glue continuation lines to what they continue, without a space;
5. split each item into title (the first sentence, or its own line in 六安's block style), text
   and the responsibility note `（责任领导：…，责任股室：…）` in any punctuation mix.

Names are matched against a roster when one is given; otherwise a roster is written beside the
plan and spellings that look like one office (纪监室 / 纪检监察室) are reported, never merged.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plangen.errors import display_path
from plangen.names import did_you_mean
from plangen.errors import PlangenError

MAX_IMPORT_BYTES = 5 * 1024 * 1024
CN_NUM = "一二三四五六七八九十"
SECTION_RE = re.compile(rf"^([{CN_NUM}]+)[、，,.．]\s*(.+)$")
SUBSECTION_RE = re.compile(rf"^[（(]\s*([{CN_NUM}]+)\s*[）)]\s*(.+)$")
ITEM_RE = re.compile(r"^(\d{1,3})\s*[.．、]\s*(?!\d)(.+)$")
SUBITEM_RE = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*(.+)$")
DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
NUMBER_RE = re.compile(r"^(.{1,20}?)[〔\[［【(（](\d{4})[〕\]］】)）]\s*第?(\d+)\s*号$")
NOTE_RE = re.compile(
    r"[（(]\s*(?:责任领导\s*[:：]\s*(?P<leaders>[^（()）]*?))?\s*[,，;；]?\s*"
    r"(?:责任股室\s*[:：]\s*(?P<offices>[^（()）]*?))?\s*[)）]?\s*$")
PUNCT_END = "。！？；：!?;:"
IMPRINT_RE = re.compile(r"^(.{2,40}?)\s*(\d{4}年\d{1,2}月\d{1,2}日)印发$")
CC_RE = re.compile(r"^抄送[:：](.+)$")
DEBRIS_RES = [re.compile(p) for p in (
    r"^[-—–－_\s]*\d{1,3}[-—–－_\s]*$",  # page numbers — 3 —
    r"^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$",
    r"(公网安备|ICP备|版权所有|主办单位|承办单位|网站标识码|技术支持|联系我们|网站地图)",
    r"^(发布时间|发布日期|来源|作者|浏览次数|阅读次数|点击数|字号|打印|关闭|分享到|【?字体)[：:\s]",
    r"^(首页|政务资讯|信息公开|办事服务|互动交流|招生考试|智能问答|网站首页|当前位置.*|返回顶部|打印本页|关闭窗口)$",
)]
CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"


@dataclass
class Line:
    no: int
    text: str
    raw: str = ""  # as read (its spaces separate the issuers of a 六安-style title line)


@dataclass
class ItemDraft:
    number: int
    line: int
    parts: list[str] = field(default_factory=list)  # first entry: the item line
    subitems: list[list[str]] = field(default_factory=list)
    block_title: str | None = None


@dataclass
class Report:
    source: str
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, why)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def format(self, counts: dict[str, int]) -> str:
        out = [f"导入 {self.source}："]
        out.append("  " + "，".join(f"{k} {v} 个" for k, v in counts.items()))
        for no, text, why in self.dropped:
            out.append(f"  {self.source}:{no}: 已删除（{why}）：{text[:40]}")
        for no, text in self.unplaced:
            out.append(f"  {self.source}:{no}: 无法归位，未导入：{text[:40]}")
        out.extend("  " + n for n in self.notes)
        return "\n".join(out)


# --------------------------------------------------------------------------- reading


def decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise PlangenError("无法识别文件编码（不是 UTF-8、UTF-16 或 GBK/GB18030）。请另存为 UTF-8 文本后再导入。") from None


def read_lines(path: Path) -> list[Line]:
    try:
        size = path.stat().st_size
    except OSError:
        raise PlangenError(f"找不到文件：{path}") from None
    if size > MAX_IMPORT_BYTES:
        raise PlangenError(f"{path}：文件过大（{size / 1024 / 1024:.1f} MB），上限 5 MB；一份工作要点通常不超过 100 KB。")
    suffix = path.suffix.lower()
    if suffix in (".doc", ".wps", ".rtf", ".odt"):
        return _converted(path)
    raw = path.read_bytes()
    if suffix == ".docx" or raw[:2] == b"PK":
        return _docx_lines(raw, path)
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PlangenError(f"{path}：这不是文本文件（含二进制数据）。可导入 .txt（UTF-8 或 GBK）和 .docx。")
    text = decode(raw)
    bad = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if bad > 20:
        raise PlangenError(f"{path}：这不是文本文件（含大量控制字符）。可导入 .txt 和 .docx。")
    return [Line(i, t) for i, t in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1)]


def _docx_lines(raw: bytes, path: Path) -> list[Line]:
    import zipfile

    import docx

    try:
        d = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise PlangenError(f"{path}：无法读取这个 Word 文件（{e}）。") from None
    lines: list[str] = []
    body = d.element.body
    prev_title = False
    for el in body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t"))
            style = el.find(f"{{{_W}}}pPr/{{{_W}}}pStyle")
            is_title = style is not None and style.get(f"{{{_W}}}val") == "GWTitle"
            if is_title and prev_title and lines:
                lines[-1] += text  # a title broken into several lines is one title
            else:
                lines.append(text)
            prev_title = is_title
        elif tag == "tbl":  # e.g. joint issuers in a table: one line per row
            for tr in el.iter():
                if tr.tag.endswith("}tr"):
                    lines.append("".join(t.text or "" for t in tr.iter() if t.tag.endswith("}t")))
    for section in d.sections:  # the 版记 of a rendered notice lives in the footer
        for p in section.footer.paragraphs:
            if "印发" in p.text or "抄送" in p.text:
                lines.append(p.text)
    return [Line(i, t) for i, t in enumerate(lines, 1)]


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _converted(path: Path) -> list[Line]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PlangenError(f"{path}：{path.suffix} 文件需要 LibreOffice 转换，本机没有安装。请在 Word/WPS 中另存为 .docx 后再导入。")
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                           capture_output=True, timeout=180)
        out = Path(tmp) / (path.stem + ".docx")
        if r.returncode != 0 or not out.exists():
            raise PlangenError(f"{path}：LibreOffice 无法转换这个文件。请在 Word/WPS 中另存为 .docx 后再导入。")
        return _docx_lines(out.read_bytes(), path)


_WIDE = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})


def normalise(text: str) -> str:
    """Drop extraction spaces next to Chinese text; half-width punctuation next to Chinese
    characters becomes full-width (the 公文 way); Latin words keep their spaces."""
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\ufeff", "").strip()
    text = re.sub(rf"(?<=[{CJK}])[(),;:?!]|[(),;:?!](?=[{CJK}])", lambda m: m.group().translate(_WIDE), text)
    # spaces next to Chinese characters are extraction debris; spaces between Latin words stay
    text = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}0-9A-Za-z])", "", text)
    text = re.sub(rf"(?<=[0-9A-Za-z])\s+(?=[{CJK}])", "", text)
    return text


# --------------------------------------------------------------------------- parsing


def is_debris(text: str) -> str:
    for rx in DEBRIS_RES:
        if rx.search(text):
            return "页码" if rx is DEBRIS_RES[0] or rx is DEBRIS_RES[1] else "网页杂项"
    return ""


def _heading(text: str) -> tuple[str, str] | None:
    for kind, rx in (("section", SECTION_RE), ("subsection", SUBSECTION_RE)):
        m = rx.match(text)
        if m:
            return kind, m.group(2)
    return None


def _to_date(text: str) -> dt.date | None:
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _split_names(s: str | None) -> list[str]:
    if not s:
        return []
    return [n.strip() for n in re.split(r"[、，,/；;\s]+", s) if n.strip()]


def split_note(text: str) -> tuple[str, list[str], list[str]]:
    """Text → (text without the note, leaders, offices)."""
    idx = max(text.rfind("（责任"), text.rfind("(责任"))
    if idx < 0:
        return text, [], []
    m = NOTE_RE.match(text[idx:])
    if not m or not (m.group("leaders") or m.group("offices")):
        return text, [], []
    body = text[:idx].rstrip()
    if body.endswith(("，", ",")):
        body = body[:-1] + "。"
    return body, _split_names(m.group("leaders")), _split_names(m.group("offices"))


class Parser:
    def __init__(self, lines: list[Line], source: str) -> None:
        self.report = Report(source)
        self.lines: list[Line] = []
        self.imprint: dict[str, Any] = {}
        for ln in lines:
            text = normalise(ln.text)
            if not text:
                continue
            m = IMPRINT_RE.match(text.replace("\t", ""))
            if m:  # 版记: 印发机关 + 印发日期
                self.imprint["printed_by"] = m.group(1).strip()
                self.imprint["printed_on"] = _to_date(m.group(2))
                continue
            m = CC_RE.match(text)
            if m:
                self.imprint["cc"] = _split_names(m.group(1).rstrip("。"))
                continue
            why = is_debris(text)
            if why:
                self.report.dropped.append((ln.no, text, why))
                continue
            self.lines.append(Line(ln.no, text, ln.text.strip()))

    def parse(self) -> dict[str, Any]:
        lines = self.lines
        if not lines:
            raise PlangenError(f"{self.report.source}：没有找到任何文字。")
        i = 0
        notice: dict[str, Any] = {}
        # ---- the notice around the plan
        title_idx = next((k for k, ln in enumerate(lines[:12]) if "印发" in ln.text and ln.text.endswith("通知")), None)
        if title_idx is not None:
            for ln in lines[:title_idx]:
                if NUMBER_RE.match(ln.text):
                    notice["number"] = self._number(ln.text)
                elif ln.text.endswith("文件"):
                    notice["mark"] = ln.text
            title = lines[title_idx].text
            m = re.match(r"^(.+?)关于(印发.+)$", title)
            issuer = ""
            if m and not m.group(1).endswith("文件"):
                issuer, title = m.group(1), "关于" + m.group(2)
            elif "mark" in notice:
                issuer = notice["mark"].removesuffix("文件")
            notice["title"] = title.replace(" ", "")
            i = title_idx + 1
            if i < len(lines) and lines[i].text.endswith(("：", ":")):
                notice["to"] = lines[i].text.rstrip("：:")
                i += 1
            body: list[str] = []
            while i < len(lines) and _to_date(lines[i].text) is None:
                body.append(lines[i].text)
                i += 1
            if i < len(lines):
                notice["date"] = _to_date(lines[i].text)
                i += 1
                if body and len(body[-1]) <= 40 and body[-1][-1] not in PUNCT_END:
                    notice["signature"] = body.pop()
            notice["issuers"] = [issuer or notice.get("signature") or "（发文机关）"]
            notice["body"] = "\n".join(body) or "现予以印发，请认真贯彻执行。"
            # 版记 lines of a rendered notice, if any, sit at the very end
        # ---- plan title
        plan: dict[str, Any] = {}
        while i < len(lines) and "要点" not in lines[i].text and not _heading(lines[i].text):
            self.report.unplaced.append((lines[i].no, lines[i].text))
            i += 1
        if i >= len(lines) or _heading(lines[i].text):
            raise PlangenError(f"{self.report.source}：没有找到工作要点的标题（含“要点”的一行）。")
        title_line, title_raw = lines[i].text, lines[i].raw
        i += 1
        tm = re.match(r"^(.*?)((?:\d{4}年).*要点.*)$", title_line)
        issuers: list[str] = []
        title = title_line
        if not notice and tm and tm.group(1):
            # 六安: the issuing bodies, separated by spaces, then the title
            head = re.match(r"^(.*?)\s*\d{4}\s*年", title_raw)
            issuers = [normalise(x) for x in re.split(r"\s+", head.group(1)) if x] if head else []
            issuers = issuers or [tm.group(1)]
            title = tm.group(2)
        plan["title"] = title
        year_m = re.search(r"(\d{4})年", title) or re.search(r"(\d{4})", notice.get("title", ""))
        plan["year"] = int(year_m.group(1)) if year_m else dt.date.today().year
        if issuers:
            plan["issuers"] = issuers
        # ---- preamble
        pre: list[str] = []
        while i < len(lines) and not _heading(lines[i].text) and not ITEM_RE.match(lines[i].text):
            pre.append(lines[i].text)
            i += 1
        if pre:
            plan["preamble"] = "".join(pre)
        plan["sections"] = self._body(lines[i:])
        if not plan["sections"]:
            raise PlangenError(f"{self.report.source}：没有找到“一、”这样的部分标题。")
        result: dict[str, Any] = {}
        if notice:
            notice.update({k: v for k, v in self.imprint.items() if v})
            result["notice"] = notice
        result["plan"] = plan
        return result

    def _number(self, text: str) -> str:
        m = NUMBER_RE.match(text)
        assert m is not None
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"

    def _body(self, lines: list[Line]) -> list[dict[str, Any]]:
        sections: list[dict[str, Any]] = []
        current_items: list[ItemDraft] | None = None
        text_target: list[str] | None = None
        next_item = 1
        last_item: ItemDraft | None = None
        for ln in lines:
            t = ln.text
            head = _heading(t)
            if head and (head[0] == "section" or sections):
                kind, title = head
                if kind == "section":
                    sec: dict[str, Any] = {"title": title.rstrip("。"), "_text": [], "_items": [], "_subs": []}
                    sections.append(sec)
                    current_items = sec["_items"]
                    text_target = sec["_text"]
                else:
                    sub = {"title": title.rstrip("。"), "_text": [], "_items": []}
                    sections[-1]["_subs"].append(sub)
                    current_items = sub["_items"]
                    text_target = sub["_text"]
                last_item = None
                continue
            m = ITEM_RE.match(t)
            if m and sections and int(m.group(1)) in (next_item, 1) and not (
                    int(m.group(1)) == 1 and next_item > 1 and last_item is not None and current_items):
                assert current_items is not None
                last_item = ItemDraft(int(m.group(1)), ln.no, [m.group(2)])
                current_items.append(last_item)
                next_item = int(m.group(1)) + 1
                continue
            sm = SUBITEM_RE.match(t)
            if sm and last_item is not None and int(sm.group(1)) == len(last_item.subitems) + 1:
                last_item.subitems.append([sm.group(2)])
                continue
            if last_item is not None:
                (last_item.subitems[-1] if last_item.subitems else last_item.parts).append(t)
            elif text_target is not None:
                text_target.append(t)
            else:
                self.report.unplaced.append((ln.no, t))
        block = self._block_style(sections)
        out = []
        for sec in sections:
            item_dicts = [self._item(d, block) for d in sec["_items"]]
            subs = [{"title": s["title"], **({"text": "".join(s["_text"])} if s["_text"] else {}),
                     "items": [self._item(d, block) for d in s["_items"]]} for s in sec["_subs"]]
            entry: dict[str, Any] = {"title": sec["title"]}
            if sec["_text"]:
                entry["text"] = "".join(sec["_text"])
            if item_dicts:
                entry["items"] = item_dicts
            if subs:
                entry["subsections"] = subs
            if not item_dicts and not subs and not sec["_text"]:
                self.report.notes.append(f"部分“{sec['title']}”下面没有内容（检查时会报“空的部分”，请补写或删除）")
            out.append(entry)
        self.block = block
        return out

    @staticmethod
    def _block_style(sections: list[dict[str, Any]]) -> bool:
        """六安 style: the item line is one short sentence and the text follows on its own lines."""
        drafts = [d for s in sections for d in s["_items"]] + \
                 [d for s in sections for sub in s["_subs"] for d in sub["_items"]]
        if not drafts:
            return False
        short = sum(1 for d in drafts if len(d.parts) > 1 and len(d.parts[0]) <= 40
                    and d.parts[0].rstrip("。").count("。") == 0 and d.parts[0].endswith("。"))
        return short >= max(1, len(drafts) * 0.6)

    def _item(self, d: ItemDraft, block: bool) -> dict[str, Any]:
        if block and len(d.parts) > 1:
            title = d.parts[0].rstrip("。")
            text = "".join(d.parts[1:])
        else:
            whole = "".join(d.parts)
            if "。" in whole:
                title, text = whole.split("。", 1)
            else:
                title, text = whole, ""
        text, leaders, offices = split_note(text)
        if not text and not leaders and not offices:
            t2, leaders, offices = split_note(title)
            title = t2.rstrip("。")
        item: dict[str, Any] = {"title": title.strip()}
        if text.strip():
            item["text"] = text.strip()
        if leaders:
            item["leaders"] = leaders
        if offices:
            item["offices"] = offices
        subs = []
        for sub in d.subitems:
            whole = "".join(sub)
            if "。" in whole[:-1]:
                st, stext = whole.split("。", 1)
                subs.append({"title": st, "text": stext})
            else:
                subs.append({"text": whole})
        if subs:
            item["subitems"] = subs
        return item


def parse_text(lines: list[Line], source: str) -> tuple[dict[str, Any], Report]:
    p = Parser(lines, source)
    data = p.parse()
    if getattr(p, "block", False):
        data["plan"]["options"] = {"item_title": "block"}
    return data, p.report


# --------------------------------------------------------------------------- names


def alias_suggestions(names: list[str]) -> list[tuple[str, str]]:
    """Pairs (short, long) where `short` is a subsequence of `long` ending with the same
    character but not a substring of it: 纪监室 ~ 纪检监察室, but not 教育股 ~ 基础教育股."""
    out = []
    for a in names:
        for b in names:
            if len(a) < len(b) and a[-1] == b[-1] and a not in b and _subsequence(a, b):
                out.append((a, b))
    return out


def _subsequence(a: str, b: str) -> bool:
    it = iter(b)
    return all(c in it for c in a)


def _all_items(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in plan["sections"]:
        out.extend(s.get("items", []))
        for sub in s.get("subsections", []):
            out.extend(sub.get("items", []))
    return out


# --------------------------------------------------------------------------- writing


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML()
    y.width = 1_000_000  # never fold long lines: a folded line break becomes a space in Chinese text
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _flow(seq: list[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    s = CommentedSeq(seq)
    s.fa.set_flow_style()
    return s


def to_yaml(data: dict[str, Any], roster_name: str | None) -> str:
    from ruamel.yaml.comments import CommentedMap

    doc = CommentedMap()
    if roster_name:
        doc["roster"] = roster_name
    if "notice" in data:
        n = CommentedMap()
        for k in ("template", "issuers", "mark", "number", "title", "to", "body", "signature", "date",
                  "cc", "printed_by", "printed_on"):
            if k == "template":
                n[k] = "red-header"
            elif k in data["notice"]:
                v = data["notice"][k]
                n[k] = _flow(v) if isinstance(v, list) else v
        doc["notice"] = n
    plan = data["plan"]
    p = CommentedMap()
    for k in ("title", "year", "issuers", "options", "preamble"):
        if k in plan:
            p[k] = _flow(plan[k]) if k == "issuers" else plan[k]
    secs = []
    for sec in plan["sections"]:
        s = CommentedMap(sec)
        for key in ("items",):
            if key in s:
                s[key] = [_item_map(it) for it in s[key]]
        if "subsections" in s:
            s["subsections"] = [CommentedMap({**sub, "items": [_item_map(it) for it in sub["items"]]})
                                for sub in s["subsections"]]
        secs.append(s)
    p["sections"] = secs
    doc["plan"] = p
    buf = io.StringIO()
    buf.write("# yaml-language-server: $schema=../plangen/data/schema/plan.schema.json\n")
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _item_map(item: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap()
    for k in ("id", "title", "text", "leaders", "offices", "subitems"):
        if k in item:
            m[k] = _flow(item[k]) if k in ("leaders", "offices") else item[k]
    return m


def roster_yaml(bureau: str, leaders: list[str], offices: list[str]) -> str:
    out = ["# yaml-language-server: $schema=../plangen/data/schema/roster.schema.json",
           "# 由 plangen import 生成：请核对名称，把同一股室的不同写法用 aliases 合并。",
           f"bureau: {bureau}", "leaders:"]
    out += [f"  - {n}" for n in leaders] or ["  []"]
    out.append("offices:")
    out += [f"  - {n}" for n in offices]
    if not leaders:
        out[out.index("leaders:")] = "leaders: []"
        out.remove("  []")
    if not offices:
        out[out.index("offices:")] = "offices: []"
    return "\n".join(out) + "\n"


def import_file(source: Path, roster: Path | None = None) -> tuple[dict[str, Any], Report, dict[str, Any]]:
    """Parse `source`; returns (plan data, report, name info)."""
    lines = read_lines(source)
    data, report = parse_text(lines, display_path(source))
    items = _all_items(data["plan"])
    for k, it in enumerate(items, 1):
        it["id"] = f"item-{k:02d}"
    leaders = list(dict.fromkeys(n for it in items for n in it.get("leaders", [])))
    offices = list(dict.fromkeys(n for it in items for n in it.get("offices", [])))
    info: dict[str, Any] = {"leaders": leaders, "offices": offices, "unknown": [], "aliases": []}
    if roster is not None:
        from plangen.view import load_roster

        idx = load_roster(roster)
        for it in items:
            for key, lookup, names in (("offices", idx.office, idx.offices), ("leaders", idx.leader, idx.leaders)):
                for name in it.get(key, []):
                    if lookup(name) is None:
                        info["unknown"].append(f"名册中没有“{name}”{did_you_mean(name, names)}")
        info["canonical_offices"] = list(dict.fromkeys(idx.office(n) or n for n in offices))
    else:
        info["aliases"] = alias_suggestions(offices)
    return data, report, info


def run_import(source: Path, *, out: Path | None, roster: Path | None) -> int:
    data, report, info = import_file(source, roster)
    out = out or Path("plans") / f"{source.stem}.yaml"
    if out.exists():
        raise PlangenError(f"{display_path(out)} 已存在，没有覆盖。请用 -o 指定新的文件名。")
    roster_ref: str | None = None
    new_roster: Path | None = None
    if roster is not None:
        import os

        roster_ref = os.path.relpath(roster.resolve(), out.resolve().parent)
    elif info["leaders"] or info["offices"]:
        stem = re.sub(r"[-_]?\d{4}$", "", out.stem) or out.stem
        new_roster = out.parent / f"{stem}.roster.yaml"
        roster_ref = new_roster.name
        if new_roster.exists():
            raise PlangenError(f"{display_path(new_roster)} 已存在，没有覆盖。请用 --roster 指定它。")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_yaml(data, roster_ref), encoding="utf-8")
    if new_roster is not None:
        bureau = (data.get("notice", {}).get("issuers") or data["plan"].get("issuers") or ["（单位名称）"])[0]
        new_roster.write_text(roster_yaml(bureau, info["leaders"], info["offices"]), encoding="utf-8")
    plan = data["plan"]
    counts = {"部分": len(plan["sections"]),
              "小节": sum(len(s.get("subsections", [])) for s in plan["sections"]),
              "工作任务": len(_all_items(plan)), "责任领导": len(info["leaders"]),
              "责任股室": len(info.get("canonical_offices", info["offices"]))}
    for short, long in info["aliases"]:
        report.notes.append(f"“{short}”和“{long}”可能是同一股室：如是，请在名册中写 {{name: {long}, aliases: [{short}]}}")
    report.notes.extend(info["unknown"])
    sys.stdout.write(report.format(counts) + "\n")
    sys.stdout.write(f"已写出 {display_path(out)}" + (f" 和 {display_path(new_roster)}" if new_roster else "") + "\n")
    from plangen.view import load_checked

    try:
        load_checked(out)
    except PlangenError as e:
        sys.stdout.write("导入的文件还有问题，请修正：\n" + "\n".join(p.format() for p in e.problems if p.severity == "error") + "\n")
        return 1
    return 0
