"""公文 text helpers the view computes with: Chinese numerals, 公文 dates, title lines broken
in a balanced shape without splitting words, the issuer mark's size, paragraphs and sentences.
Pure functions of strings (no model, no files)."""

from __future__ import annotations

import datetime as dt
import math

from plangen.layout import text_width

# GB/T 9704: a 156 mm measure holds 28 body characters (3号) and 20 title characters (2号).
BODY_CHARS_PER_LINE = 28
TITLE_CHARS_PER_LINE = 20

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (enough for headings)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else
                                     (_DIGITS[1] + chinese_numeral(rest) if rest < 20 else chinese_numeral(rest)))
        return _DIGITS[n // 100] + "百" + tail
    return str(n)


def gongwen_date(d: dt.date) -> str:
    """2024-02-22 → 2024年2月22日 (Arabic digits, full year, no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


_CLOSING = set("，。、；：？！）》」』”’〕】…—,.;:?!)")
_OPENING = set("（《「『“‘〔【(")
_GOOD_BREAK_AFTER = set("》的于发年、，与和及")
# Common two-character words in plan and notice titles that a line break must not split.
_WORDS = {"教育", "体育", "工作", "要点", "通知", "印发", "关于", "计划", "方案", "实施", "意见",
          "学校", "发展", "建设", "质量", "管理", "党委", "委员", "员会", "全市", "全区", "全县", "少年", "思想", "道德", "联合"}


def balanced_lines(text: str, max_width: float = TITLE_CHARS_PER_LINE) -> tuple[str, ...]:
    """Break a long title into lines of nearly equal width (GB/T 9704: trapezoid/diamond).

    Never splits a run of Latin letters or digits, never starts a line with closing punctuation
    or ends one with opening punctuation; prefers breaks after 》 的 于 and the like.
    """
    text = text.strip()
    total = text_width(text)
    if total <= max_width:
        return (text,)
    n = math.ceil(total / max_width)
    allowed = []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if b in _CLOSING or a in _OPENING:
            continue
        if a.isascii() and a.isalnum() and (b.isascii() and b.isalnum() or b in "年月日号"):
            continue
        allowed.append(i)
    lines: list[str] = []
    start = 0
    for k in range(1, n):
        remaining = text_width(text[start:])
        target = remaining / (n - k + 1)
        best, best_cost = None, math.inf
        for i in allowed:
            if i <= start:
                continue
            w = text_width(text[start:i])
            if w > max_width:
                break
            # upper lines may be a little longer than lower ones (梯形), not shorter
            cost = abs(w - target) + (0.0 if w >= target else 0.25)
            if text[i - 1] in _GOOD_BREAK_AFTER:
                cost -= 1.0
            if text[i - 1 : i + 1] in _WORDS:
                cost += 3.0
            if cost < best_cost:
                best, best_cost = i, cost
        if best is None:
            break
        lines.append(text[start:best])
        start = best
    lines.append(text[start:])
    return tuple(line for line in lines if line)


TEXT_WIDTH_PT = 156 / 25.4 * 72  # 442.2 pt
MARK_MAX_PT = 36.0


def mark_font_size(mark_lines: tuple[str, ...], suffix: str) -> float:
    """Issuer-mark size in pt: up to 36 pt, but the widest line (with 文件 beside joint names)
    fits the text block. Shared by the DOCX and PDF renderers."""
    if not mark_lines:
        return MARK_MAX_PT
    width = max(text_width(x) for x in mark_lines) + text_width(suffix)
    if len(mark_lines) > 1 and suffix:
        width += 0.15
    return round(min(MARK_MAX_PT, TEXT_WIDTH_PT * 0.96 / max(width, 1.0)), 1)


def paragraphs(text: str) -> tuple[str, ...]:
    """Split on line breaks; blank lines and surrounding spaces do not make paragraphs."""
    return tuple(p.strip() for p in text.split("\n") if p.strip())


def _sentence(title: str) -> str:
    title = title.strip()
    return title if title and title[-1] in "。！？；：.!?;:" else title + "。"
