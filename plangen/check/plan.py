"""Checks on a plan's body: empty sections, items beside subsections, duplicate ids, names that
are not in the roster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plangen.check.common import as_dict, as_list, blank, items_with_paths
from plangen.errors import Pos, Problems
from plangen.loading import Loaded, PathT
from plangen.names import RosterIndex, did_you_mean


def check_plan(loaded: Loaded, problems: Problems, index: RosterIndex | None) -> None:
    data = as_dict(loaded.data)
    plan = as_dict(data.get("plan"))
    _check_sections(loaded, problems, plan)
    _check_items(loaded, problems, plan, index)
    names_used = any(not blank(item.get("offices")) or not blank(item.get("leaders"))
                     for _, item in items_with_paths(plan))
    if names_used and index is None and "roster" not in data:
        problems.add(loaded.pos(("plan",)), "W302", "计划写了责任股室或责任领导，但没有指定名册（roster）",
                     "建议在文件开头写 roster: <单位>.roster.yaml，才能检查名称写法并合并别名",
                     warning=True)


def _check_sections(loaded: Loaded, problems: Problems, plan: dict[str, Any]) -> None:
    for si, sec in enumerate(as_list(plan.get("sections"))):
        if not isinstance(sec, dict):
            continue
        path: PathT = ("plan", "sections", si)
        title = sec.get("title", "")
        if blank(sec.get("text")) and blank(sec.get("items")) and blank(sec.get("subsections")):
            problems.add(loaded.pos(path), "E201", f"第 {si + 1} 部分“{title}”是空的",
                         "请写上 text（纯文字部分）、items（工作任务）或 subsections（小节），或删除这一部分")
        if not blank(sec.get("items")) and not blank(sec.get("subsections")):
            problems.add(loaded.key_pos((*path, "subsections")), "E202",
                         f"第 {si + 1} 部分同时有 items 和 subsections",
                         "请把直属的工作任务也放进一个小节，或去掉小节")
        for ui, sub in enumerate(as_list(sec.get("subsections"))):
            if isinstance(sub, dict) and blank(sub.get("items")) and blank(sub.get("text")):
                problems.add(loaded.pos((*path, "subsections", ui)), "E201",
                             f"小节“{sub.get('title', '')}”是空的", "请写上 items 或 text，或删除这个小节")


def _check_items(loaded: Loaded, problems: Problems, plan: dict[str, Any],
                 index: RosterIndex | None) -> None:
    ids: dict[str, Pos] = {}
    for ipath, item in items_with_paths(plan):
        item_id = item.get("id")
        if isinstance(item_id, str):
            if item_id in ids:
                problems.add(loaded.pos((*ipath, "id")), "E203",
                             f"编号“{item_id}”重复（第一次出现在第 {ids[item_id].line} 行）",
                             "每个工作任务的 id 必须唯一")
            else:
                ids[item_id] = loaded.pos((*ipath, "id"))
        if index is not None:
            _check_names(loaded, problems, (*ipath, "offices"), item.get("offices"), index.office,
                         index.offices, "股室")
            _check_names(loaded, problems, (*ipath, "leaders"), item.get("leaders"), index.leader,
                         index.leaders, "责任领导")


def _check_names(loaded: Loaded, problems: Problems, path: PathT, names: Any,
                 lookup: Callable[[str], str | None], canonical: list[str], what: str) -> None:
    seen: dict[str, int] = {}
    for ni, name in enumerate(as_list(names)):
        if not isinstance(name, str) or not name.strip():
            continue
        found = lookup(name)
        pos = loaded.pos((*path, ni))
        if found is None:
            problems.add(pos, "E204", f"名册中没有{what}“{name}”",
                         did_you_mean(name, canonical) or f"请检查写法，或把“{name}”加入名册")
        elif found in seen:
            problems.add(pos, "W303", f"{what}“{name}”与本项第 {seen[found] + 1} 个重复（同为“{found}”）",
                         "删除重复的名称", warning=True)
        else:
            seen[found] = ni
