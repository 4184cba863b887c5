"""Checks on a plan's notice (印发通知): document number, signers, dates, seal image."""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path
from typing import Any

from plangen.check.common import as_dict, blank
from plangen.check.paths import outside_hint, resolve_inside
from plangen.check.templates import check_template
from plangen.errors import Problems
from plangen.loading import Loaded

DOC_NUMBER_RE = re.compile(r"^(?P<prefix>[^〔〕]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
MAX_SEAL_BYTES = 10 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def check_notice(loaded: Loaded, problems: Problems) -> None:
    data = as_dict(loaded.data)
    notice = data.get("notice")
    if not isinstance(notice, dict):
        return
    plan = as_dict(data.get("plan"))
    year = plan.get("year") if isinstance(plan.get("year"), int) else None
    template = notice.get("template", "red-header")
    number = notice.get("number")
    if isinstance(number, str):
        _check_doc_number(loaded, problems, number, year)
    elif number is None and template == "red-header":
        problems.add(loaded.key_pos(("notice",)), "W307", "红头文件还没有写发文字号（number）",
                     f"印发前请补上，如 number: 岳云教体〔{year or 2024}〕4号", warning=True)
    if template == "upward" and blank(notice.get("signers")):
        problems.add(loaded.pos(("notice", "template")), "E206", "上行文须写签发人（signers）",
                     "例如 signers: [陈玲玲]")
    elif template != "upward" and not blank(notice.get("signers")):
        problems.add(loaded.key_pos(("notice", "signers")), "W309",
                     f"签发人（signers）只用于上行文，模板“{template}”不印签发人",
                     "上行文请写 template: upward；否则删除 signers", warning=True)
    _check_dates(loaded, problems, notice, year)
    _check_seal(loaded, problems, notice.get("seal"))
    if isinstance(template, str) and template.strip():
        check_template(loaded, problems, template)


def _check_dates(loaded: Loaded, problems: Problems, notice: dict[str, Any], year: int | None) -> None:
    date_pos = loaded.positions.get(("notice", "date"))
    date, printed = notice.get("date"), notice.get("printed_on")
    if date is None and not any(p.code == "E010" and p.pos == date_pos for p in problems):
        problems.add(loaded.pos(("notice",)), "W305", "通知还没有写成文日期（date）",
                     f"印发前请补上，如 date: {year or 2024}-02-20；未填写时文件中留空", warning=True)
    if type(date) is dt.date and type(printed) is dt.date and date > printed:  # noqa: E721 - not datetime
        problems.add(loaded.pos(("notice", "date")), "W308",
                     f"成文日期 {date} 晚于印发日期 {printed}",
                     "印发日期（printed_on）应在成文日期当天或之后，请核对两个日期", warning=True)


def _check_seal(loaded: Loaded, problems: Problems, seal: Any) -> None:
    if not isinstance(seal, str) or not seal.strip():
        return
    pos = loaded.pos(("notice", "seal"))
    target, inside = resolve_inside(loaded.path, seal)
    if not inside:
        problems.add(pos, "E214", f"印章图片“{seal}”不在计划文件夹之内", outside_hint(loaded.path))
        return
    try:
        st = target.stat()
    except OSError:
        problems.add(pos, "E207", f"找不到印章图片“{seal}”", "路径相对于本计划文件")
        return
    if not stat.S_ISREG(st.st_mode):
        problems.add(pos, "E207", f"印章图片“{seal}”不是文件", "请给出 PNG 或 JPEG 图片文件的路径")
        return
    if st.st_size > MAX_SEAL_BYTES:  # checked before anything is read
        problems.add(pos, "E213", f"印章图片“{seal}”过大（{st.st_size / 1024 / 1024:.0f} MB），"
                     f"上限 {MAX_SEAL_BYTES // 1024 // 1024} MB", "印章图片通常不到 1 MB，请检查是否选错了文件")
        return
    if _magic(target) is None:
        problems.add(pos, "E213", f"印章不是可用的图片文件：“{seal}”不是 PNG 或 JPEG 图片",
                     "请用 PNG（最好是透明背景）或 JPEG 格式的印章图片")


def _magic(path: Path) -> bytes | None:
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return None
    return next((m for m in _IMAGE_MAGIC if head.startswith(m)), None)


def _check_doc_number(loaded: Loaded, problems: Problems, number: str, year: int | None) -> None:
    pos = loaded.pos(("notice", "number"))
    m = DOC_NUMBER_RE.match(number)
    if m:
        if year is not None and int(m.group("year")) != year:
            problems.add(pos, "W304", f"发文字号的年份 {m.group('year')} 与计划年度 {year} 不一致",
                         "请确认发文字号", warning=True)
        return
    hint = "正确写法如 岳云教体〔2024〕4号：年份用六角括号〔〕，序号不加“第”、不编虚位"
    if re.search(r"[\[\]【】()（）［］]", number):
        msg = f"发文字号“{number}”的年份括号不对"
        hint = "年份须用六角括号〔〕，不能用 [ ]、( ) 或【】。" + hint
    elif re.search(r"〔\d{4}〕0\d*号", number):
        msg = f"发文字号“{number}”的序号有前导零"
    elif "第" in number:
        msg = f"发文字号“{number}”的序号前不加“第”"
    elif not number.endswith("号"):
        msg = f"发文字号“{number}”应以“号”结尾"
    else:
        msg = f"发文字号“{number}”格式不对"
    problems.add(pos, "E205", msg, hint)
