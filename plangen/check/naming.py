"""Checks on the places where a name belongs (issuers, signature, signers, offices, leaders,
roster names): blank-only names, placeholders and bracketed stand-ins (`（发文机关）`, `XXX`,
`某某局`, issue 12), and invisible format characters such as U+202E, which would reach file names
and turn `…fdp.xlsx` around (issue 19.4)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from plangen.check.common import as_dict, as_list, items_with_paths
from plangen.check.vocab import label
from plangen.errors import Problems
from plangen.loading import Loaded, PathT

_PLACEHOLDER_RE = re.compile(
    # the whole name in brackets around a generic word: （发文机关）, [单位名称], 【印发机关】
    r"^\s*[（(【\[〔［<＜《「『{｛][^）)】\]〕］>＞》」』}｝]*(机关|单位|名称|姓名|落款|签发人|填写|股室|科室|部门)"
    r"[^（(【\[〔［<＜《「『{｛]*[）)】\]〕］>＞》」』}｝]\s*$"
    r"|[XxＸｘ×✕╳*＊○◯□■△?？_＿]{2,}"  # XXX, ××, ○○, ＿＿
    r"|某{2,}|^某.{0,3}(局|单位|部门|机关|委员会|政府|学校|股|科|室|处)$"
    r"|^(发文机关|发文单位|机关名称|单位名称|落款|签发人|姓名|名称|待定|待填写?|暂无)$"
    r"|(请|待)填写|此处填"
)
_BIDI_NAMES = {
    0x200E: "从左到右标记", 0x200F: "从右到左标记", 0x202A: "从左到右嵌入", 0x202B: "从右到左嵌入",
    0x202C: "方向格式结束", 0x202D: "从左到右覆盖", 0x202E: "从右到左覆盖", 0x2066: "从左到右隔离",
    0x2067: "从右到左隔离", 0x2068: "方向隔离", 0x2069: "方向隔离结束", 0x061C: "阿拉伯字母标记",
    0x200B: "零宽空格", 0x200D: "零宽连接符", 0xFEFF: "零宽不换行空格",
}


def _strings(data: Any, path: PathT) -> Iterable[tuple[PathT, str]]:
    """The names at `path`: a name, or a list of names."""
    value = data
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str):
                yield (*path, i), v


def plan_names(data: dict[str, Any]) -> Iterable[tuple[PathT, str]]:
    plan, notice = as_dict(data.get("plan")), as_dict(data.get("notice"))
    yield from _strings(plan.get("issuers"), ("plan", "issuers"))
    for key in ("issuers", "signers", "signature", "printed_by", "mark", "cc"):
        yield from _strings(notice.get(key), ("notice", key))
    for ipath, item in items_with_paths(plan):
        for key in ("offices", "leaders"):
            yield from _strings(item.get(key), (*ipath, key))


def roster_names(data: dict[str, Any]) -> Iterable[tuple[PathT, str]]:
    yield from _strings(data.get("bureau"), ("bureau",))
    for key in ("offices", "leaders"):
        for i, entry in enumerate(as_list(data.get(key))):
            if isinstance(entry, str):
                yield (key, i), entry
            elif isinstance(entry, dict):
                yield from _strings(entry.get("name"), (key, i, "name"))
                yield from _strings(entry.get("aliases"), (key, i, "aliases"))


def check_names(loaded: Loaded, problems: Problems, names: Iterable[tuple[PathT, str]]) -> None:
    for path, name in names:
        what = label(path)
        pos = loaded.pos(path)
        if name and not name.strip():
            problems.add(pos, "E104", f"{what}不能只有空格", "请写上名称，或删除这一项")
            continue
        if _PLACEHOLDER_RE.search(name):
            problems.add(pos, "E212", f"{what}“{name}”像是占位符，不是真实的名称",
                         "请写上实际的名称（机关全称或姓名），印发前不能留占位符")
        marks = [ch for ch in name if unicodedata.category(ch) == "Cf"]
        if marks:
            cp = ord(marks[0])
            problems.add(pos, "W306",
                         f"{what}含有不可见的格式字符 U+{cp:04X}（{_BIDI_NAMES.get(cp, '格式字符')}）",
                         "这类字符会改变文字的显示方向或顺序，名称还会用于分解表的文件名，"
                         "可能让文件名看起来像另一种文件；请删除它", warning=True)
