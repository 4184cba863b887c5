"""How plans and rosters name their places in messages (for plangen.validate)."""

from __future__ import annotations

from typing import Any

from plangen.loading import PathT
from plangen.validate import Vocabulary

FIELD_WORDS = {
    "title": "标题", "year": "年度", "sections": "各部分（sections）", "plan": "plan（工作要点）",
    "issuers": "发文机关", "body": "正文", "date": "成文日期", "bureau": "单位名称", "name": "名称",
    "due": "完成时限", "offices": "责任股室", "leaders": "责任领导", "number": "发文字号",
    "text": "正文", "items": "工作任务（items）", "targets": "量化目标", "to": "主送机关",
    "printed_on": "印发日期", "printed_by": "印发机关", "cc": "抄送机关", "signers": "签发人",
    "mark": "发文机关标志", "preamble": "导语", "subsections": "小节", "attachments": "附件",
    "signature": "落款", "seal": "印章图片", "roster": "名册", "template": "模板",
    "aliases": "别名", "post": "职务", "due_day": "报送截止日", "near_days": "临近天数",
    "yellow": "黄灯阈值", "red": "红灯阈值", "percent": "进度", "cycle": "报送周期",
}

_RANGE_HINTS = {
    "year": "年度写作四位数字，如 2024",
    "due_day": "应在 1 到 31 之间",
    "percent": "应在 0 到 100 之间",
    "yellow": "应在 0 到 100 之间",
    "red": "应在 0 到 100 之间",
    "near_days": "应在 0 到 366 之间",
}


def label(path: PathT) -> str:
    """The Chinese name of the value at `path`: its key's word (a list entry: its list's)."""
    for part in reversed(path):
        if isinstance(part, str):
            return FIELD_WORDS.get(part, part)
    return ""


def _union_words(path: PathT) -> str:
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if key == "due":
        return "应为日期（如 2024-12-31）或文字（如 全年、6月底前）"
    if key == "mark":
        return "应为文字，或文字列表（联合行文每行一个机关）"
    if key in ("offices", "leaders") and path and isinstance(path[-1], int):
        return "应为名称，或 {name: 名称, aliases: [别名]}"
    return ""


def _pattern_words(path: PathT, value: Any) -> tuple[str, str]:
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if key == "id":
        return (f"编号“{value}”格式不对",
                "只能用英文字母、数字和 - _ .，以字母或数字开头，最长 64 个字符")
    if key == "copy_no":
        return f"份号“{value}”格式不对", "份号是 6 位阿拉伯数字，如 000123（请加引号）"
    return f"“{value}”格式不对", ""


PLAN_WORDS = Vocabulary(label=label, range_hints=_RANGE_HINTS, union_words=_union_words,
                        pattern_words=_pattern_words)
