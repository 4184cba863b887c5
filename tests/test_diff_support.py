"""Shared by the diff tests (no tests here): OLD/NEW plans built from yunxi-2024 by concrete
edits, and an independent accept-all / reject-all of tracked changes in WordprocessingML."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]

REWORD_OLD = "党性教育提升培训"  # in item 2 (party-building), mid-sentence
REWORD_NEW = "专题研修班"  # no character in common with REWORD_OLD
NEW_ITEM = {
    "id": "arts-immersion",
    "title": "实施学校美育浸润行动",
    "text": "开齐开足美育课程，每所学校建成至少一个艺术社团，举办全区中小学生合唱节。",
    "leaders": ["陈丽"],
    "offices": ["教育股"],
}
RENAMED_FROM = "聚焦要素保障，全面提升教体服务能力"
RENAMED_TO = "强化条件支撑，办好人民满意教育"


def _items(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for s in plan["sections"] for i in s.get("items", [])]


def _by_id(plan: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(i for i in _items(plan) if i.get("id") == ident)


def load_yunxi() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "plans" / "yunxi-2024.yaml").read_text(encoding="utf-8"))
    _by_id(data["plan"], "exams")["due"] = __import__("datetime").date(2024, 6, 30)
    return data


def edit(data: dict[str, Any]) -> dict[str, Any]:
    """The seven edits of issue 17."""
    new = copy.deepcopy(data)
    plan = new["plan"]
    secs = plan["sections"]
    # 1. delete an item (19. 深入开展三年集中攻坚行动, section 5)
    secs[4]["items"] = [i for i in secs[4]["items"] if i["id"] != "three-year-drive"]
    # 2. add one at the end of section 2
    secs[1]["items"].append(dict(NEW_ITEM))
    # 3. reword a sentence in the middle of item 2
    pb = _by_id(plan, "party-building")
    assert REWORD_OLD in pb["text"]
    pb["text"] = pb["text"].replace(REWORD_OLD, REWORD_NEW)
    # 4. move 21. 大力规范财务管理 from section 5 to the end of section 1
    fin = _by_id(plan, "finance")
    secs[4]["items"].remove(fin)
    secs[0]["items"].append(fin)
    # 5. another lead office: 师德师风 led by 教培中心, 人事股 assists
    _by_id(plan, "teacher-ethics")["offices"] = ["教培中心", "人事股"]
    # 6. another due date
    _by_id(plan, "exams")["due"] = __import__("datetime").date(2024, 9, 30)
    # 7. rename section 5
    assert secs[4]["title"] == RENAMED_FROM
    secs[4]["title"] = RENAMED_TO
    return new


def strip_ids(data: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for i in _items(out["plan"]):
        i.pop("id", None)
    return out


def write_plan(path: Path, data: dict[str, Any]) -> Path:
    if not (path.parent / "yunxi.roster.yaml").exists():
        shutil.copy(REPO / "plans" / "yunxi.roster.yaml", path.parent / "yunxi.roster.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_pair(tmp: Path, *, ids: bool = True) -> tuple[Path, Path]:
    old = load_yunxi()
    new = edit(old)
    if not ids:
        old, new = strip_ids(old), strip_ids(new)
    return write_plan(tmp / "yunxi-2024.yaml", old), write_plan(tmp / "yunxi-2025.yaml", new)


# --------------------------------------------------------------------------- accept / reject
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def resolve(root: Any, accept: bool) -> Any:
    """A copy of a w:body / w:ftr with every tracked change accepted (or rejected): written from
    the OOXML rules, independently of plangen's writer."""
    root = copy.deepcopy(root)
    gone = (W + "del", W + "moveFrom") if accept else (W + "ins", W + "moveTo")
    kept = (W + "ins", W + "moveTo") if accept else (W + "del", W + "moveFrom")
    for el in list(root.iter(*gone)):
        parent = el.getparent()
        if parent.tag == W + "rPr" and parent.getparent().tag == W + "pPr":
            continue  # paragraph marks below
        parent.remove(el)
    for el in list(root.iter(*kept)):
        parent = el.getparent()
        if parent.tag == W + "rPr" and parent.getparent().tag == W + "pPr":
            parent.remove(el)
            continue
        idx = parent.index(el)
        for child in list(el):
            parent.insert(idx, child)
            idx += 1
        parent.remove(el)
    for el in list(root.iter(W + "delText")):
        el.tag = W + "t"  # only the kept side is left
    for tag in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"):
        for el in list(root.iter(W + tag)):
            el.getparent().remove(el)
    # a paragraph whose mark is gone joins the next paragraph
    for p in list(root.iter(W + "p")):
        mark = p.find(f"{W}pPr/{W}rPr")
        if mark is None or not any(c.tag in gone for c in mark):
            continue
        nxt = p.getnext()
        content = [c for c in p if c.tag != W + "pPr"]
        if nxt is not None and nxt.tag == W + "p":
            anchor = nxt.find(W + "pPr")
            pos = 0 if anchor is None else nxt.index(anchor) + 1
            for c in content:
                nxt.insert(pos, c)
                pos += 1
        p.getparent().remove(p)
    return root


def para_texts(root: Any) -> list[str]:
    out = []
    for p in root.iter(W + "p"):
        out.append("".join(t.text or "" for t in p.iter(W + "t", W + "delText", W + "tab")
                           if t.tag != W + "tab") )
    return out
