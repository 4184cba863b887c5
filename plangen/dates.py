"""The date that a plan's due words name (完成时限), as a pure function.

`due_date("6月底前", 2024)` → 2024-06-30. Real plans write: a date (2024-06-30), 2025年12月底前,
6月底前, 9月前, 6月15日前, 上半年, 第三季度, 年底前, 全年, 长期, 每学期. Words that name no single day
(长期, 每学期, 常态化, …) give None; so does an empty due. Used by the view (`ItemView.due_date`)
and the progress schedule (序时进度).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}
_YEAR_END = ("全年", "年底", "年底前", "年末", "年内", "年底完成", "全年完成", "年度内", "本年度", "12月底前")
_MONTH = r"(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_FULL = re.compile(r"^(?:(?P<year>\d{4})年)?" + _MONTH + r"月(?:(?P<day>[0-3]?\d)日|(?P<part>底|末|中旬|上旬|下旬|初))?(?:前|止|以前|完成|前完成)?$")
_QUARTER = re.compile(r"^(?:(?P<year>\d{4})年)?(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前|完成)?$")
_HALF = re.compile(r"^(?:(?P<year>\d{4})年)?(?P<half>上|下)半年(?:前|完成|内)?$")
_YEAR_ONLY = re.compile(r"^(?P<year>\d{4})年(?:底|末|内)?(?:前|完成)?$")
_ISO = re.compile(r"^(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})$")


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def due_date(due: object, plan_year: int) -> dt.date | None:
    """The day `due` names, in the plan year unless it names its own year; None when it names
    no single day (长期, 每学期, an empty due)."""
    if isinstance(due, dt.datetime):
        return due.date()
    if isinstance(due, dt.date):
        return due
    if not isinstance(due, str):
        return None
    text = re.sub(r"\s+", "", due).rstrip("。.").replace("份", "")
    if not text:
        return None
    if text in _YEAR_END:
        return dt.date(plan_year, 12, 31)
    m = _ISO.match(text)
    if m:
        return _safe(int(m["year"]), int(m["month"]), int(m["day"]))
    m = _FULL.match(text)
    if m:
        year = int(m["year"]) if m["year"] else plan_year
        month = _month(m["month"])
        if m["day"]:
            return _safe(year, month, int(m["day"]))
        part = m["part"]
        if part in ("上旬", "初"):
            return dt.date(year, month, 10)
        if part == "中旬":
            return dt.date(year, month, 20)
        if text.endswith(("月前", "月以前")):
            # "9月前": before September starts
            return dt.date(year, month, 1) - dt.timedelta(days=1)
        return _last_day(year, month)
    m = _QUARTER.match(text)
    if m:
        year = int(m["year"]) if m["year"] else plan_year
        q = int(m["q"]) if m["q"].isdigit() else _CN_DIGITS[m["q"]]
        return _last_day(year, 3 * q)
    m = _HALF.match(text)
    if m:
        year = int(m["year"]) if m["year"] else plan_year
        return dt.date(year, 6, 30) if m["half"] == "上" else dt.date(year, 12, 31)
    m = _YEAR_ONLY.match(text)
    if m:
        return dt.date(int(m["year"]), 12, 31)
    return None
