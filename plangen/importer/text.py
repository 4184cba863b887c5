"""Line-level text work: spaces and punctuation, numbering markers, site debris, and cutting a
one-line web copy back into logical lines.

Every pattern here is bounded or made of literal alternatives; loops scan each character a
fixed number of times, so the cost is linear in the input (issue 18).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from plangen.importer.notes import LABEL_RE, protect_note_spaces

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CN_NUM = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
BLANKS = " \t\u3000\xa0"
TITLE_WORDS = ("工作要点", "工作计划", "工作安排", "重点工作", "工作思路", "工作意见", "要点", "计划", "安排",
               "工作要點", "工作計劃", "工作計畫", "要點", "計劃", "計畫")  # traditional: sites that convert
PUBLIC_NOTE_RE = re.compile(r"^[（(][ \t]?此件(?:主动|依申请|不予)?公开[ \t]?[）)]$")


@dataclass
class Line:
    no: int
    text: str
    raw: str = ""  # as read (its spaces separate the issuers of a 六安-style title line)
    inline: bool = False  # cut out of a longer physical line (a one-line web copy)


CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》【】"
CJK_RE = re.compile(f"[{CJK}]")


def is_cjk(ch: str) -> bool:
    return bool(ch) and CJK_RE.match(ch) is not None


def cn_int(s: str) -> int:
    """一…九十九 → int (0 when not a numeral)."""
    if not s or any(c not in CN_DIGITS for c in s):
        return 0
    if len(s) == 1:
        return CN_DIGITS[s]
    if len(s) == 2 and s[0] == "十":
        return 10 + CN_DIGITS[s[1]]
    if len(s) == 2 and s[1] == "十":
        return CN_DIGITS[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return CN_DIGITS[s[0]] * 10 + CN_DIGITS[s[2]]
    return 0


# Numbering markers: bounded, no adjacent overlapping quantifiers.
SECTION_M = re.compile(rf"([{CN_NUM}]{{1,3}})[ \t]?[、，,.．][ \t]?(?=\S)")
SUBSECTION_M = re.compile(rf"[（(][ \t]?([{CN_NUM}]{{1,3}})[ \t]?[）)][ \t]?(?=\S)")
ITEM_M = re.compile(r"(\d{1,3})[ \t]?[.．、](?![ \t]?\d)[ \t]?(?=\S)")
SUBITEM_M = re.compile(rf"(?:[（(][ \t]?(\d{{1,2}})[ \t]?[）)]|([{CIRCLED}]))[ \t]?(?=\S)")


def marker(text: str, pos: int = 0) -> tuple[str, int, int] | None:
    """(kind, number, end of the marker) for a numbering marker at `pos`, else None."""
    for kind, rx in (("section", SECTION_M), ("subsection", SUBSECTION_M), ("item", ITEM_M), ("subitem", SUBITEM_M)):
        m = rx.match(text, pos)
        if m is None:
            continue
        if kind in ("section", "subsection"):
            n = cn_int(m.group(1))
            if not n:
                continue
        elif kind == "subitem" and m.group(2):
            n = CIRCLED.index(m.group(2)) + 1
        else:
            n = int(m.group(1))
        return kind, n, m.end()
    return None




# Each lookaround looks at one character, so a failed attempt costs at most the blank run it
# started on, and only runs that follow the right character are tried: linear overall.
_TO_WIDE = [(re.compile(f"{re.escape(c)}(?:(?=[{CJK}])|(?<=[{CJK}]{re.escape(c)}))"), w)
            for c, w in zip("(),;:?!", "（），；：？！", strict=True)]
_CJK_GAP_RE = re.compile(f"[ \t](?<=[{CJK}][ \t])[ \t]*(?=[{CJK}0-9A-Za-z])")
_LATIN_GAP_RE = re.compile(f"[ \t](?<=[0-9A-Za-z][ \t])[ \t]*(?=[{CJK}])")
_RUN_RE = re.compile(r"[ \t]{2,}")


# Site debris inside a sentence: pinyin a converting site put after characters (`規(guī)劃`), and
# the elision marks of sites that cut names out (`〔...〕市教育局`). Bounded, one tone mark each.
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_RE = re.compile(f"(?<=[\u3400-\u9fff])\\([a-z]{{0,6}}[{_TONES}][a-z]{{0,6}}\\)")
_ELISION_RE = re.compile(r"[〔\[［][ \t]?(?:\.{3,6}|…{1,2}|。{3})[ \t]?[〕\]］]")


def normalise(text: str) -> str:
    """Drop extraction spaces next to Chinese text; half-width punctuation next to Chinese
    characters becomes full-width (the 公文 way); Latin words keep their spaces. Blanks between
    names inside a responsibility note become 、 (they separate the names). Pinyin after
    characters and elision marks left by web sites are dropped."""
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\ufeff", "").strip()
    if "(" in text:
        text = _PINYIN_RE.sub("", text)
    if "." in text or "…" in text or "。" in text:
        text = _ELISION_RE.sub("", text)
    blanks = " " in text or "\t" in text
    if blanks:
        text = protect_note_spaces(text)
    for rx, wide in _TO_WIDE:
        text = rx.sub(wide, text)
    if blanks:
        text = _RUN_RE.sub(" ", _LATIN_GAP_RE.sub("", _CJK_GAP_RE.sub("", text)))
    return text.strip()


# ------------------------------------------------------------------ debris

PAGE_NO_RE = re.compile(r"[-—–－_ ]{0,8}\d{1,3}[-—–－_ ]{0,8}")
PAGE_OF_RE = re.compile(r"第 ?\d{1,4} ?页(?:[ /，,]{0,3}共 ?\d{1,4} ?页)?")
SITE_RE = re.compile(r"公网安备|ICP备|视力保护色|政务邮箱|本站小编|不代表本站|小编今天|小编为你|小编为您|小编整理|由会员分享|由用户分享|文库上搜索|版权所有|主办单位|承办单位|网站标识码|技术支持|联系我们|网站地图|侵权投诉|举报电话|"
                     r"扫一扫|手机打开|打印本页|关闭窗口|返回顶部|【打印】|【关闭】|相关链接|附件下载")
FILE_LINK_RE = re.compile(r"\.(?:docx?|pdf|xlsx?|wps|ofd|zip|rar)[）)]?$", re.IGNORECASE)
CRUMBS = ">＞»›"
META_RE = re.compile(
    r"【?(?:发布时间|发布日期|发文日期|成文日期|来源|信息来源|文章来源|作者|发布人|发布机构|浏览次数|阅读次数|浏览量|"
    r"点击数|点击量|阅读量|字号|字体|打印|关闭|分享到|索引号|组配分类|主题分类|文号|责任编辑|导语|"
    r"更新时间|更新日期|上一篇|下一篇|【制定机关|【公布日期|【施行日期|【效力等级|【时效性|【主题分类|【字)[】]?[：: \t]")
MENU_WORDS = frozenset((
    "首页", "政务资讯", "信息公开", "办事服务", "互动交流", "招生考试", "智能问答", "网站首页", "返回顶部", "打印本页",
    "关闭窗口", "登录", "注册", "海报", "侵权投诉", "投诉", "举报", "分享", "收藏", "点赞", "评论", "纠错", "打印",
    "关闭", "返回", "扫一扫", "手机版", "微信", "微博", "复制链接", "下载", "立即下载", "免费下载", "VIP专免", "VIP",
    "会员", "开通会员", "阅读全文", "展开全文", "全文阅读", "编辑", "[编辑]", "[編輯]", "正文", "文章属性", "相关文章",
    "APP下载", "繁体版", "简体版", "繁體版", "ENGLISH", "English", "无障碍", "信息报送", "|", "小字号", "大字号", "中字号", "字体：", "【打印】", "【关闭】",
))
TOKEN_RE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?|\d{1,9}\+?|\d{1,6}(?:\.\d{1,3})?[KMG]B|"
    r"\d{1,5}页|\d{1,9}次|页|次|\d{1,9}人(?:阅读|浏览)|浏览|阅读|\d{1,3}篇")


DATED_RE = re.compile(r"(?:时间|日期)[：:][ \t]?\d{4}[-/.年]")  # `时间: 2017-02-10 14:40 来源:…`


def _token_debris(tok: str) -> bool:
    return tok in MENU_WORDS or TOKEN_RE.fullmatch(tok) is not None or (tok.startswith("当前位置") and len(tok) < 80)


def is_debris(text: str, raw: str = "") -> str:
    """Why the line is site debris (页码, 网页杂项), or '' when it is text."""
    if PAGE_NO_RE.fullmatch(text) or PAGE_OF_RE.fullmatch(text):
        return "页码"
    if len(text) > 200:
        return ""
    if SITE_RE.search(text) or META_RE.match(text) or DATED_RE.match(text) or text.startswith("当前位置"):
        return "网页杂项"
    if len(text) <= 100 and sum(text.count(c) for c in CRUMBS) >= 2:
        return "网页杂项"  # breadcrumbs: 首页 > 政务公开 > 工作计划
    if len(text) <= 100 and FILE_LINK_RE.search(text):
        return "网页杂项"  # a download link: 附件：2025年任务分解表.xlsx
    tokens = (raw or text).replace("【", " ").replace("】", " ").split()
    if tokens and all(_token_debris(t) for t in tokens):
        return "网页杂项"
    return ""


# ------------------------------------------------------------------ one-line copies

NUMBER_TAIL_RE = re.compile(r"[〔\[［【(（]\d{4}[〕\]］】)）][ \t]?第?\d{1,4}[ \t]?号$")
DATE_AT_RE = re.compile(r"\d{4}[ \t]?年[ \t]?\d{1,2}[ \t]?月[ \t]?\d{1,2}[ \t]?日")
SENTENCE_END = "。！？；：:!?;"
MAX_PIECES = 50_000


# Words that start a page's leftovers in a one-line copy: cut before them, then the piece is debris.
_DEBRIS_START_RE = re.compile(
    "分享到|上一篇|下一篇|网站地图|发布时间|发布日期|信息来源|文章来源|浏览次数|阅读次数|点击量|责任编辑|打印本页|"
    "关闭窗口|返回顶部|扫一扫|【打印】|【关闭】|联系我们|版权所有")
_DEBRIS_FIRST = frozenset("分上下网发信文浏阅点责打关返扫【联版")
_MARKER_FIRST = frozenset(CN_NUM + "（(0123456789" + CIRCLED)
_LABEL_FIRST = frozenset("责牵主配协完时承分负参联具实办")
_TAIL_LAST = frozenset("件知号日）)")
_TITLE_LAST = frozenset(w[-1] for w in TITLE_WORDS)


def _cut_here(raw: str, a: int, b: int, head: bool) -> bool:
    """Is the blank run raw[a:b] a line break that a web copy lost? Cheap tests on the two
    characters around the run come first; a pattern runs only when they call for it."""
    prev, nxt = raw[a - 1], raw[b]
    if nxt in _MARKER_FIRST and marker(raw, b) is not None:
        return True
    if nxt in _LABEL_FIRST and LABEL_RE.match(raw, b):
        return True
    if nxt in "（(" and raw.startswith(("（此件", "(此件"), b):
        return True
    if nxt in _DEBRIS_FIRST and _DEBRIS_START_RE.match(raw, b):
        return True
    if prev in SENTENCE_END:
        return not (prev in "：:" and LABEL_RE.search(raw, max(0, a - 8), a))
    if prev in _TAIL_LAST:
        left = raw[max(0, a - 40):a]
        if left.endswith(("文件", "附件", "通知", "公开）", "公开)")) or NUMBER_TAIL_RE.search(left):
            return True
        if prev == "日" and DATE_AT_RE.search(left[-16:]):
            return True
    if nxt.isdigit():
        m = DATE_AT_RE.match(raw, b)
        if m and (m.end() == len(raw) or raw[m.end()] in BLANKS):
            return True
    return head and prev in _TITLE_LAST and raw[max(0, a - 6):a].endswith(TITLE_WORDS)


_DIRECT_RE = re.compile(f"[。；;！？!?）)】](?=[{CN_NUM}（(0-9{CIRCLED}])")
# `…教育。4 不断加强…`: a number and a blank after a full stop may be an item whose dot was lost;
# the body takes it only when it is the next number (else the piece joins the text as before).
UNITS = "年月日号时分个所项万亿元次名人位份条届期批家座台辆米倍岁"
LOOSE_ITEM_RE = re.compile(f"(\\d{{1,3}})[ \t](?=[\u4e00-\u9fff])(?![{UNITS}])")
_LOOSE_CUT_RE = re.compile("[。；;！？](?=\\d{1,3}[ \t][\u4e00-\u9fff])")
_NOTE_ITEM_RE = re.compile(f"(?<=[{CJK}])\\d{{1,3}}[ \t]?[.．、]")
NOTE_REACH = 60


_TITLE_THEN_RE = re.compile("(?:工作要点|工作计划|工作要點|工作計劃|工作安排|工作意见)(?=[一1（(])")


def _cuts(raw: str) -> list[tuple[int, int]]:
    """Spans to cut at: blank runs, and the empty span right after a full stop or a closing
    bracket that a numbering marker follows directly (`…落实。2.加强…`, `…；（2）…`)."""
    spans = [m.span() for m in re.finditer(r"[ \t\u3000\xa0]+", raw)]
    for m in _DIRECT_RE.finditer(raw):
        if marker(raw, m.end()) is not None:
            spans.append((m.end(), m.end()))
    for m in _LOOSE_CUT_RE.finditer(raw):
        if LOOSE_ITEM_RE.match(raw, m.end()):
            spans.append((m.end(), m.end()))
    t = _TITLE_THEN_RE.search(raw, 0, 100)  # `县教育局2024年工作要点1.全面…`: the title ran into the text
    if t is not None and marker(raw, t.end()) is not None:
        spans.append((t.end(), t.end()))
    for m in LABEL_RE.finditer(raw):  # `责任科室:组织科、思政科等2 .夯实…`: the next item ran into a note
        n = _NOTE_ITEM_RE.search(raw, m.end(), m.end() + NOTE_REACH)
        if n is not None and marker(raw, n.start()) is not None:
            spans.append((n.start(), n.start()))
    return sorted(spans)


def cut_line(raw: str) -> list[str]:
    """A physical line → its logical lines. Ordinary lines come back whole; a one-line web copy
    is cut where its line breaks were (before numbering markers, after full stops, around dates,
    document numbers and titles)."""
    out: list[str] = []
    start = 0
    head = True
    for a, b in _cuts(raw):
        if len(out) > MAX_PIECES:
            break  # the caller refuses the file; no need to cut the rest
        if a == 0 or b == len(raw) or a < start:
            continue
        if a == b or _cut_here(raw, a, b, head and a - start <= 80 and a < 2000):
            piece = raw[start:a]
            out.append(piece)
            mk = marker(piece)
            if mk is not None and mk[0] == "section":
                head = False
            start = b
    out.append(raw[start:])
    return _split_heading_text(out)


_FIRST_ITEM_RE = re.compile(f"(?<=[{CJK}])1[ \t]?[.．、](?!\\d)")


def _split_heading_text(pieces: list[str]) -> list[str]:
    """`一、指导思想 坚持以…。` (a heading that ran into its text) → heading, text."""
    out = []
    for p in pieces:
        mk = marker(p)
        if mk is not None and mk[0] in ("section", "subsection"):
            one = _FIRST_ITEM_RE.search(p, mk[2])
            if one is not None and "。" not in p[:one.start()] and marker(p, one.start()) is not None:
                out += [p[:one.start()], p[one.start():]]  # `一、坚持党建引领1.强化…。` glued
                continue
            m = re.search(r"[ \t\u3000\xa0]+", p[mk[2]:])
            if m is not None:
                cut = mk[2] + m.start()
                if "。" not in p[:cut] and "。" in p[cut:]:
                    out += [p[:cut], p[mk[2] + m.end():]]
                    continue
        out.append(p)
    return out


# ------------------------------------------------------------------ document viewers

VIEWER_RE = re.compile(r"由(?:会员|用户|网友)分享|文库上搜索")


def join_viewer_pages(lines: list[Line]) -> list[Line]:
    """A document site's viewer (`《….docx》由会员分享…(2页…)`) shows page k as a line starting
    with `k、` that goes on mid-sentence from page k-1: drop the page numbers, join the pages.
    Only when page 2 really goes on mid-sentence (else `1、 2、` are the plan's own numbers)."""
    if not any(VIEWER_RE.search(ln.text) for ln in lines[:5]):
        return lines
    starts: list[int] = []
    for k, ln in enumerate(lines):
        if ln.text.startswith(f"{len(starts) + 1}、"):
            if starts and lines[k - 1].text.rstrip()[-1:] in "。！？；：）)":
                break  # the page before ends a sentence: numbered paragraphs, not pages
            starts.append(k)
    if len(starts) < 2:
        return lines
    page_of = {k: n for n, k in enumerate(starts, 1)}  # a dict: hostile files may have 50 000 "pages"
    out: list[list[Any]] = []  # [line, parts]: joined once at the end, so the cost stays linear
    for k, ln in enumerate(lines):
        if k in page_of:
            body = ln.text[len(f"{page_of[k]}、"):]
            if k != starts[0] and out:
                out[-1][1].append(body)
                continue
            ln = Line(ln.no, body, ln.raw, ln.inline)
        out.append([ln, [ln.text]])
    return [Line(ln.no, "".join(parts), ln.raw, ln.inline) for ln, parts in out]
