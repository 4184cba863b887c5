"""Logical lines → plan data: the notice around the plan, the title, the preamble, sections,
subsections, items and sub-items, each item's responsibility notes.

Numbers must follow each other (an item is the next number, or 1 at the start of a section:
then the plan numbers per section), so a wrapped line starting with "2.0版" is not an item.
Lines that fit nowhere are reported as 未导入, never glued into the plan silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from plangen.errors import PlangenError
from plangen.importer.body import BodyMixin
from plangen.importer.text import (
    PUBLIC_NOTE_RE,
    TITLE_WORDS,
    Line,
    cut_line,
    is_cjk,
    is_debris,
    join_viewer_pages,
    marker,
    normalise,
)

DATE_RE = re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日")
NUMBER_RE = re.compile(r"(.{1,20}?)[〔\[［【(（](\d{4})[〕\]］】)）] ?第?(\d{1,5}) ?号")
IMPRINT_RE = re.compile(r"(.{2,40}?)[ \t]{0,40}(\d{4}年\d{1,2}月\d{1,2}日)印发")
CC_RE = re.compile(r"抄送[:：](.+)")
YEAR_RE = re.compile(r"(\d{4}) ?年")
PUNCT_END = "。！？；：!?;:"
ORG_ENDS = ("局", "委员会", "委", "厅", "部", "政府", "办公室", "办", "中心", "工委", "党委", "党组", "院", "会", "校")
MAX_REPORT = 200
MAX_LINES = 50_000  # logical lines; each costs ~50–100 µs, so a hostile file stays a few seconds


@dataclass
class Report:
    source: str
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, why)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def format(self, counts: dict[str, int]) -> str:
        out = [f"导入 {self.source}：", "  " + "，".join(f"{k} {v} 个" for k, v in counts.items())]
        rows = [(no, f"未导入（{why}）：{text[:40]}") for no, text, why in self.dropped]
        rows += [(no, f"无法归位，未导入：{text[:40]}") for no, text in self.unplaced]
        rows.sort(key=lambda r: r[0])
        for no, msg in rows[:MAX_REPORT]:
            out.append(f"  {self.source}:{no}: {msg}")
        if len(rows) > MAX_REPORT:
            out.append(f"  ……另有 {len(rows) - MAX_REPORT} 行未导入，未逐条列出。")
        out.extend("  " + n for n in self.notes[:MAX_REPORT])
        if len(self.notes) > MAX_REPORT:
            out.append(f"  ……另有 {len(self.notes) - MAX_REPORT} 条提示未列出。")
        return "\n".join(out)


def to_date(text: str) -> dt.date | None:
    m = DATE_RE.fullmatch(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


SUFFIX_RE = re.compile(r"[（(](?:试行|征求意见稿|草案|送审稿|修订)[）)]$")


# What 范文 sites add to a title: `…工作计划篇1`, `…工作计划模板5篇`, `…（精选8篇）`.
SITE_SUFFIX_RE = re.compile(r"(?:篇[0-9一二三四五六七八九十]{1,3}|(?:模板|范文|大全)?[0-9一二三四五六七八九十]{1,3}篇|"
                            r"[（(](?:精选|通用|优选)?[0-9]{1,2}篇[）)]|范文|模板|大全)$")


def site_bare(text: str) -> str:
    """The title without what a 范文 site added to it."""
    return SITE_SUFFIX_RE.sub("", text)


def is_title(text: str) -> bool:
    """A plan title: short, not numbered, ends with 工作要点/工作计划/工作安排/重点工作/要点…"""
    t = SUFFIX_RE.sub("", site_bare(text))
    return 3 <= len(text) <= 80 and not text.startswith("附件") and marker(text) is None and t.endswith(TITLE_WORDS) and text[-1] not in PUNCT_END


def heading(ln: Line) -> tuple[str, int, str] | None:
    mk = marker(ln.text)
    if mk is None or mk[0] not in ("section", "subsection"):
        return None
    return mk[0], mk[1], ln.text[mk[2]:].strip()


FILE_TITLE_RE = re.compile(r"[ \t]?\.(?:docx?|pdf|wps|txt)[ \t]?$", re.IGNORECASE)


def _file_title(ln: Line) -> Line:
    """`XX市教育局2024年工作要点.docx` (a file name shown as the page title) → the title."""
    if len(ln.text) > 90 or "." not in ln.text:
        return ln
    m = FILE_TITLE_RE.search(ln.text)
    if m is None or not is_title(normalise(ln.text[:m.start()])):
        return ln
    return Line(ln.no, ln.text[:m.start()], ln.raw, ln.inline)


def _names(s: str) -> list[str]:
    return [n for n in re.split(r"[、，,；;]", s) if n.strip()]


class Parser(BodyMixin):
    def __init__(self, lines: list[Line], source: str) -> None:
        self.report = Report(source)
        self.lines: list[Line] = []
        self.imprint: dict[str, Any] = {}
        self.public_note = ""
        self.words: Counter[str] = Counter()
        self.restarts = 0
        self.count = 0
        for ln in join_viewer_pages(lines):
            ln = _file_title(ln)
            why = is_debris(normalise(ln.text), ln.text) if len(ln.text) <= 300 else ""
            if why:  # judged whole before cutting: `发布时间：… 信息来源：… 阅读次数：`
                self.report.dropped.append((ln.no, normalise(ln.text), why))
                continue
            pieces = cut_line(ln.text)
            self.count += len(pieces)
            if self.count > MAX_LINES:
                raise PlangenError(f"{source}：超过 {MAX_LINES} 行（含一行里切出的段落），拒绝导入；"
                                   "一份工作要点通常不到 3000 行。请检查是否选错了文件。")
            for k, piece in enumerate(pieces):
                self._take(Line(ln.no, piece, piece.strip(), inline=k > 0))

    def _take(self, ln: Line) -> None:
        text = normalise(ln.text)
        if not text:
            return
        m = IMPRINT_RE.fullmatch(text.replace("\t", ""))
        if m:  # 版记: 印发机关 + 印发日期
            self.imprint["printed_by"] = m.group(1).strip()
            self.imprint["printed_on"] = to_date(m.group(2))
            return
        m = CC_RE.fullmatch(text)
        if m:
            self.imprint["cc"] = _names(m.group(1).rstrip("。"))
            return
        if PUBLIC_NOTE_RE.fullmatch(text) and not self.public_note:
            self.public_note = text
            return
        why = is_debris(text, ln.raw)
        if why:
            self.report.dropped.append((ln.no, text, why))
            return
        self.lines.append(Line(ln.no, text, ln.raw, ln.inline))

    def parse(self) -> dict[str, Any]:
        lines = self.lines
        if not lines:
            raise PlangenError(f"{self.report.source}：没有找到任何文字。")
        notice, i = self._notice(lines)
        plan, i = self._title(lines, i, notice)
        pre: list[str] = []
        while i < len(lines) and marker(lines[i].text) is None:
            pre.append(lines[i].text)
            i += 1
        if pre:
            plan["preamble"] = "".join(pre)
        plan["sections"] = self._body(lines[i:])
        if not plan["sections"]:
            raise PlangenError(f"{self.report.source}：没有找到“一、”这样的部分标题。")
        options: dict[str, str] = {}
        if self.block:
            options["item_title"] = "block"
        if self.restarts:
            options["numbering"] = "per-section"
        if options:
            plan["options"] = options
        result: dict[str, Any] = {}
        if notice:
            notice.update({k: v for k, v in self.imprint.items() if v})
            if self.public_note:
                notice["note"] = self.public_note
            result["notice"] = notice
        elif self.public_note:
            self.report.notes.append(f"“{self.public_note}”是通知的附注，这份计划没有印发通知，未导入")
        result["plan"] = plan
        if self.words:
            result["office_word"] = self.words.most_common(1)[0][0]
        return result

    def _notice(self, lines: list[Line]) -> tuple[dict[str, Any], int]:
        notice: dict[str, Any] = {}
        title_idx = next((k for k, ln in enumerate(lines[:12])
                          if ("印发" in ln.text or "下发" in ln.text) and ln.text.endswith("通知")), None)
        if title_idx is None:
            return notice, 0
        issuer = self._head(notice, lines[:title_idx], lines[title_idx])
        i = title_idx + 1
        if i < len(lines) and lines[i].text.endswith(("：", ":")):
            notice["to"] = lines[i].text.rstrip("：:")
            i += 1
        body: list[Line] = []
        while i < len(lines) and to_date(lines[i].text) is None and not is_title(lines[i].text) \
                and marker(lines[i].text) is None:
            t = lines[i].text
            if re.fullmatch(r"[\d ]{4,12}", t) or t == "附件":  # a date the site mangled: 2024327
                self.report.unplaced.append((lines[i].no, t))
            elif t.startswith(("附件：", "附件:")) and len(t) > 3:
                notice.setdefault("attachments", []).append(t[3:].strip())
            else:
                body.append(lines[i])
            i += 1
        if i < len(lines) and to_date(lines[i].text) is not None:
            notice["date"] = to_date(lines[i].text)
            i += 1
            if i < len(lines) and re.fullmatch(r"[（(].{1,60}[）)]", lines[i].text):
                self.public_note = self.public_note or lines[i].text  # 附注 under the date
                i += 1
        self._sign(notice, issuer, body)
        return notice, i

    def _head(self, notice: dict[str, Any], before: list[Line], title: Line) -> str:
        """Mark, number and issuer from the lines above the notice title, or glued in front of
        it (`松教发[2025]1号关于印发…`); the notice title itself. Returns the issuer as written."""
        for ln in before:
            if NUMBER_RE.fullmatch(ln.text):
                notice["number"] = self._number(ln.text)
            elif ln.text.endswith("文件"):
                notice["mark"] = ln.text
            else:
                self.report.unplaced.append((ln.no, ln.text))
        text = title.text
        k = min((x for x in (text.find("关于印发"), text.find("关于下发")) if x > 0), default=0)
        prefix, issuer = text[:k], ""
        whole = prefix
        if "文件" in prefix:
            cut = prefix.index("文件") + 2
            notice.setdefault("mark", prefix[:cut])
            prefix = prefix[cut:]
        if prefix and NUMBER_RE.fullmatch(prefix):
            notice.setdefault("number", self._number(prefix))
            prefix = ""
        if prefix:
            raw_k = title.raw.find("关于")
            issuer = title.raw[:raw_k] if prefix == whole and raw_k > 0 else prefix
        elif "mark" in notice:
            issuer = notice["mark"].removesuffix("文件")
        notice["title"] = text[k:].replace(" ", "")
        return issuer

    def _sign(self, notice: dict[str, Any], issuer: str, body: list[Line]) -> None:
        """Signature, issuers (joint ones separated by blanks in the source) and body."""
        last = body[-1].text if body else ""
        if last and len(last) <= 40 and last[-1] not in PUNCT_END and any(is_cjk(c) for c in last):
            signature = body.pop().raw
            notice["signature"] = normalise(signature)
            issuer = issuer or signature
        names = [normalise(x) for x in issuer.split()] if _org_line(issuer) else [normalise(issuer)]
        names = [n for n in names if n]
        if names:
            notice["issuers"] = names
            if len(names) > 1 and notice.get("signature", "").replace(" ", "") == "".join(names):
                del notice["signature"]  # joint issuers sign one under the other, as the template does
        else:
            quoted = re.search(r"《(.{2,40}?)\d{4}年", notice["title"])
            hint = f"，可能是“{quoted.group(1)}”" if quoted else ""
            self.report.notes.append(f"没有找到发文机关：请在 notice.issuers 中填写{hint}（没有自动填写占位文字）")
        notice["body"] = "\n".join(ln.text for ln in body) or "现予以印发，请认真贯彻执行。"

    def _title(self, lines: list[Line], i: int, notice: dict[str, Any]) -> tuple[dict[str, Any], int]:
        start = i
        while i < len(lines) and not is_title(lines[i].text) and heading(lines[i]) is None:
            i += 1
        plan: dict[str, Any] = {}
        if i >= len(lines) or heading(lines[i]) is not None:
            quoted = re.search(r"《([^《》]{2,80})》", notice.get("title", ""))
            if not quoted:
                raise PlangenError(f"{self.report.source}：没有找到计划的标题（以“工作要点”“工作计划”“工作安排”"
                                   "“重点工作”“要点”等结尾的一行）。请在正文前加上标题后再导入。")
            plan["title"], i = quoted.group(1), start
        else:
            above = lines[start:i]
            plan["title"] = site_bare(lines[i].text)
            if plan["title"] != lines[i].text:
                self.report.dropped.append((lines[i].no, lines[i].text[len(plan["title"]):], "网页杂项"))
            split = None if notice else _issuers(above, lines[i])
            if split is not None:
                plan["issuers"], plan["title"], used_above = split
                above = above[:-1] if used_above else above
            for ln in above:
                self.report.unplaced.append((ln.no, ln.text))
            i += 1
        bare = plan["title"].replace(" ", "")
        while i < len(lines) and site_bare(lines[i].text.replace(" ", "")) == bare:
            self.report.dropped.append((lines[i].no, lines[i].text, "重复的标题"))
            i += 1
        if i < len(lines) and lines[i].text.startswith(bare) and marker(lines[i].text, len(bare)) is None:
            ln = lines[i]  # `XX市教育局2024年工作要点总体要求：…` (the page repeats the title before the text)
            self.report.dropped.append((ln.no, bare, "重复的标题"))
            lines[i] = Line(ln.no, ln.text[len(bare):].lstrip(), ln.raw, ln.inline)
        year = YEAR_RE.search(plan["title"]) or YEAR_RE.search(notice.get("title", "")) or \
            re.search(r"(\d{4})", notice.get("title", ""))
        if year:
            plan["year"] = int(year.group(1))
        elif notice.get("date"):
            plan["year"] = notice["date"].year
        else:
            plan["year"] = dt.date.today().year
            self.report.notes.append(f"标题中没有年份，年度暂填 {plan['year']}，请核对 plan.year")
        return plan, i

    def _number(self, text: str) -> str:
        m = NUMBER_RE.fullmatch(text)
        assert m is not None
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"



def _issuers(above: list[Line], title: Line) -> tuple[list[str], str, bool] | None:
    """Issuers only from a line of their own above the title, or (六安) a title line whose head
    before the year is several organisation names separated by blanks. Else the title stays as
    printed (`市教育局2022年工作要点`)."""
    if above and _org_line(above[-1].raw):
        return [normalise(x) for x in above[-1].raw.split()], title.text, True
    year = YEAR_RE.search(title.raw)
    head = title.raw[:year.start()].strip() if year else ""
    if len(head.split()) >= 2 and _org_line(head):
        rest = title.text[len(normalise(head).replace(" ", "")):]
        if rest:
            return [normalise(x) for x in head.split()], rest, False
    return None


def _org_line(raw: str) -> bool:
    tokens = raw.split()
    return bool(tokens) and len(raw) <= 80 and all(t.endswith(ORG_ENDS) and marker(t) is None for t in tokens) \
        and not any(w in raw for w in TITLE_WORDS)


def parse_text(lines: list[Line], source: str) -> tuple[dict[str, Any], Report]:
    p = Parser(lines, source)
    return p.parse(), p.report
