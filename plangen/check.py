"""Semantic checks: a file → every problem at once, in Chinese, with file:line:col.

`check_file` is the one entry point the other stages use: it loads (loading.py), validates the
structure (model.py, pydantic errors translated here), then checks meaning on the raw data —
roster names, document numbers, empty sections, duplicate ids, sizes, characters — so that one
run reports structural and semantic problems together.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from plangen.errors import display_path, PlangenError, Pos, Problems, problems_json
from plangen.loading import Loaded, PathT, load_yaml
from plangen.model import MAX_PARAGRAPH_CHARS, PlanFile, Roster
from plangen.names import RosterIndex, did_you_mean, is_roster_path

DOC_NUMBER_RE = re.compile(r"^(?P<prefix>[^〔〕]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")




# --------------------------------------------------------------------------- results


@dataclass
class CheckResult:
    path: Path
    kind: Literal["plan", "roster", "ledger"]
    loaded: Loaded
    problems: Problems
    plan: PlanFile | None = None
    roster: Roster | None = None
    roster_path: Path | None = None
    roster_index: RosterIndex | None = None

    @property
    def ok(self) -> bool:
        return not self.problems.errors


# --------------------------------------------------------------------------- pydantic → Chinese

_TYPE_WORDS = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为键值对（如 title: …）",
    "model_type": "应为键值对（如 title: …）",
    "model_attributes_type": "应为键值对（如 title: …）",
    "date_type": "应为日期，如 2024-02-22",
    "date_from_datetime_parsing": "应为日期，如 2024-02-22",
    "date_from_datetime_inexact": "应为日期（不含时间），如 2024-02-22",
    "date_parsing": "应为日期，如 2024-02-22",
    "bool_type": "应为 true 或 false",
}

_FIELD_WORDS = {
    "title": "标题", "year": "年度", "sections": "各部分（sections）", "plan": "plan（工作要点）",
    "issuers": "发文机关", "body": "正文", "date": "成文日期", "bureau": "单位名称", "name": "名称",
    "due": "完成时限", "offices": "责任股室", "leaders": "责任领导", "number": "发文字号",
    "text": "正文", "items": "工作任务（items）", "targets": "量化目标", "to": "主送机关",
    "printed_on": "印发日期", "printed_by": "印发机关", "cc": "抄送机关", "signers": "签发人",
    "mark": "发文机关标志", "preamble": "导语", "subsections": "小节", "attachments": "附件",
}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete member types of an annotation (Optional/Union/Annotated unwrapped)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(tp):
            out.extend(_unwrap(arg))
        return out
    return [tp]


def _model_at(root: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at `path` (to list its allowed keys)."""
    current: Any = root
    for part in path:
        candidates = _unwrap(current)
        nxt: Any = None
        for c in candidates:
            if isinstance(part, int) and typing.get_origin(c) is list:
                nxt = typing.get_args(c)[0]
                break
            if isinstance(part, str) and isinstance(c, type) and issubclass(c, BaseModel):
                f = c.model_fields.get(part)
                if f is not None:
                    nxt = f.annotation
                    break
        if nxt is None:
            return None
        current = nxt
    for c in _unwrap(current):
        if isinstance(c, type) and issubclass(c, BaseModel):
            return c
    return None


def _data_path(loc: Sequence[str | int], loaded: Loaded) -> PathT:
    """Strip pydantic's union-branch labels from a loc, keeping the path into the data."""
    path: list[str | int] = []
    node: Any = loaded.data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not path_is_branch(part):
            path.append(part)  # a missing or unknown key
            node = None
        else:
            continue
    return tuple(path)


def path_is_branch(part: str) -> bool:
    # pydantic labels union members by type/model name: 'str', 'date', 'list[str]', 'Office'…
    return part[:1].isupper() or part in {"str", "date", "int", "function-after"} or "[" in part


def _translate(e: ValidationError, loaded: Loaded, root: type[BaseModel], problems: Problems,
               data: Any) -> None:
    # places the loader already reported (e.g. an invalid date read as null) get no second message
    seen: set[PathT] = {p for p, pos in loaded.positions.items()
                        if any(q.pos == pos for q in loaded.problems if q.code == "E010")}
    for err in e.errors(include_url=False):
        etype = err["type"]
        loc = err["loc"]
        path = _data_path(loc, loaded)
        value = _get(data, path)
        if etype == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            model = _model_at(root, path[:-1])
            allowed = list(model.model_fields) if model else []
            hint = did_you_mean(key, allowed) or (f"可用的键：{'、'.join(allowed)}" if allowed else "")
            problems.add(loaded.key_pos(path), "E101", f"未知的键“{key}”", hint)
            continue
        if path in seen:
            continue  # one message per place (unions report once per branch)
        seen.add(path)
        pos = loaded.pos(path)
        field_name = str(path[-1]) if path and isinstance(path[-1], str) else ""
        what = _FIELD_WORDS.get(field_name, field_name)
        ctx = err.get("ctx") or {}
        if etype == "missing":
            problems.add(pos, "E102", f"缺少必填项“{field_name}”（{what}）",
                         f"请在此处补上 {field_name}: …")
        elif etype == "string_too_long":
            n = len(value) if isinstance(value, str) else 0
            problems.add(pos, "E103", f"{what or '文字'}过长：{n} 个字符，上限 {ctx.get('max_length')} 个",
                         "请精简，或把长段落拆开")
        elif etype == "string_too_short":
            problems.add(pos, "E104", f"{what or '此项'}不能为空", "请填写内容，或删除这一项")
        elif etype == "too_short":
            problems.add(pos, "E104", f"{what or '列表'}至少需要 {ctx.get('min_length', 1)} 项",
                         "请补充内容")
        elif etype == "literal_error":
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            problems.add(pos, "E105", f"{what}取值“{value}”无效，应为 {'、'.join(choices)} 之一",
                         did_you_mean(str(value), choices))
        elif etype == "string_pattern_mismatch":
            if field_name == "id":
                msg, hint = f"编号“{value}”格式不对", "只能用英文字母、数字和 - _ .，以字母或数字开头，最长 64 个字符"
            elif field_name == "copy_no":
                msg, hint = f"份号“{value}”格式不对", "份号是 6 位阿拉伯数字，如 000123（请加引号）"
            else:
                msg, hint = f"“{value}”格式不对", ""
            problems.add(pos, "E106", msg, hint)
        elif etype in ("greater_than_equal", "less_than_equal"):
            problems.add(pos, "E107", f"{what}“{value}”超出范围", "年度写作四位数字，如 2024")
        elif etype in _TYPE_WORDS or etype.endswith("_type") or etype.endswith("_parsing"):
            word = _TYPE_WORDS.get(etype, "类型不对")
            if isinstance(value, (int, float)) and word == "应为文字":
                word += "（数字请加引号，如 \"2024\"）"
            if len([x for x in e.errors() if _data_path(x["loc"], loaded) == path]) > 1:
                word = _union_words(root, path) or word
            problems.add(pos, "E108", f"{what or '此项'}{word}，现在是 {_describe(value)}")
        else:  # pragma: no cover - a pydantic error type this table does not know yet
            problems.add(pos, "E199", f"{what or '此项'}无效：{err['msg']}")


def _union_words(root: type[BaseModel], path: PathT) -> str:
    if path and path[-1] == "due":
        return "应为日期（如 2024-12-31）或文字（如 全年、6月底前）"
    if path and path[-1] == "mark":
        return "应为文字，或文字列表（联合行文每行一个机关）"
    return ""


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, str):
        return f"文字“{value[:20]}”"
    return type(value).__name__


def _get(data: Any, path: PathT) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _validate(model: type[BaseModel], data: Any, loaded: Loaded, problems: Problems) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        _translate(e, loaded, model, problems, data)
        return None


# --------------------------------------------------------------------------- text checks


def _walk_strings(data: Any, path: PathT = ()) -> Iterable[tuple[PathT, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _walk_strings(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_strings(v, (*path, i))


def _check_strings(loaded: Loaded, problems: Problems) -> None:
    """Control characters (from escapes), paragraph sizes, characters outside GB2312."""
    outside: dict[str, list[Pos]] = {}
    for path, s in _walk_strings(loaded.data):
        for m in _CONTROL_RE.finditer(s):
            problems.add(loaded.pos(path), "E004", f"含有不可见的控制字符 U+{ord(m.group()):04X}",
                         "Word 无法打开含这种字符的文件，请删除它（常见于转义写法 \\x01）")
            break
        for para in s.split("\n"):
            if len(para) > MAX_PARAGRAPH_CHARS:
                problems.add(loaded.pos(path), "E103",
                             f"段落过长：{len(para)} 个字符，上限 {MAX_PARAGRAPH_CHARS} 个",
                             "请把它拆成几段（空一行分段）")
        try:
            s.encode("gb2312")
        except UnicodeEncodeError:
            counts: dict[str, int] = {}
            for ch in s:
                if ch in "\n\t" or ord(ch) < 0x80:
                    continue
                try:
                    ch.encode("gb2312")
                except UnicodeEncodeError:
                    n = counts.get(ch, 0)
                    counts[ch] = n + 1
                    if len(outside.setdefault(ch, [])) < 3:
                        outside[ch].append(loaded.char_pos(path, n, ch))
    for ch, where in outside.items():
        for pos in where:
            problems.add(pos, "W301", f"“{ch}”（U+{ord(ch):04X}）不在 GB2312 字符集内",
                         "Word 中的仿宋_GB2312 等字体无法显示它；PDF 会用备用字体。"
                         "如是繁体或异体字，请确认是否改为规范字", warning=True)


# --------------------------------------------------------------------------- plan checks


def _items_with_paths(plan: dict[str, Any]) -> Iterable[tuple[PathT, dict[str, Any]]]:
    sections = plan.get("sections") if isinstance(plan, dict) else None
    for si, sec in enumerate(sections if isinstance(sections, list) else []):
        if not isinstance(sec, dict):
            continue
        base: PathT = ("plan", "sections", si)
        for ii, item in enumerate(_as_list(sec.get("items"))):
            if isinstance(item, dict):
                yield (*base, "items", ii), item
        for ui, sub in enumerate(_as_list(sec.get("subsections"))):
            if isinstance(sub, dict):
                for ii, item in enumerate(_as_list(sub.get("items"))):
                    if isinstance(item, dict):
                        yield (*base, "subsections", ui, "items", ii), item


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or v == []


def _check_plan_semantics(loaded: Loaded, problems: Problems, index: RosterIndex | None) -> None:
    data = loaded.data if isinstance(loaded.data, dict) else {}
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    for si, sec in enumerate(_as_list(plan.get("sections"))):
        if not isinstance(sec, dict):
            continue
        path: PathT = ("plan", "sections", si)
        title = sec.get("title", "")
        if _blank(sec.get("text")) and _blank(sec.get("items")) and _blank(sec.get("subsections")):
            problems.add(loaded.pos(path), "E201", f"第 {si + 1} 部分“{title}”是空的",
                         "请写上 text（纯文字部分）、items（工作任务）或 subsections（小节），或删除这一部分")
        if not _blank(sec.get("items")) and not _blank(sec.get("subsections")):
            problems.add(loaded.key_pos((*path, "subsections")), "E202",
                         f"第 {si + 1} 部分同时有 items 和 subsections",
                         "请把直属的工作任务也放进一个小节，或去掉小节")
        for ui, sub in enumerate(_as_list(sec.get("subsections"))):
            if isinstance(sub, dict) and _blank(sub.get("items")) and _blank(sub.get("text")):
                problems.add(loaded.pos((*path, "subsections", ui)), "E201",
                             f"小节“{sub.get('title', '')}”是空的", "请写上 items 或 text，或删除这个小节")

    ids: dict[str, Pos] = {}
    for ipath, item in _items_with_paths(plan):
        item_id = item.get("id")
        if isinstance(item_id, str):
            if item_id in ids:
                first = ids[item_id]
                problems.add(loaded.pos((*ipath, "id")), "E203",
                             f"编号“{item_id}”重复（第一次出现在第 {first.line} 行）", "每个工作任务的 id 必须唯一")
            else:
                ids[item_id] = loaded.pos((*ipath, "id"))
        if index is not None:
            _check_names(loaded, problems, ipath, item, "offices", index.office, index.offices, "股室")
            _check_names(loaded, problems, ipath, item, "leaders", index.leader, index.leaders, "责任领导")

    names_used = any(not _blank(item.get("offices")) or not _blank(item.get("leaders"))
                     for _, item in _items_with_paths(plan))
    if names_used and index is None and "roster" not in data:
        problems.add(loaded.pos(("plan",)), "W302", "计划写了责任股室或责任领导，但没有指定名册（roster）",
                     "建议在文件开头写 roster: <单位>.roster.yaml，才能检查名称写法并合并别名", warning=True)

    notice = data.get("notice") if isinstance(data.get("notice"), dict) else None
    year = plan.get("year") if isinstance(plan.get("year"), int) else None
    if notice is not None:
        number = notice.get("number")
        if isinstance(number, str):
            _check_doc_number(loaded, problems, number, year)
        if notice.get("template") == "upward" and _blank(notice.get("signers")):
            problems.add(loaded.pos(("notice", "template")), "E206", "上行文须写签发人（signers）",
                         "例如 signers: [陈玲玲]")
        date_pos = loaded.positions.get(("notice", "date"))
        if notice.get("date") is None and not any(p.code == "E010" and p.pos == date_pos for p in problems):
            problems.add(loaded.pos(("notice",)), "W305", "通知还没有写成文日期（date）",
                         "印发前请补上，如 date: 2025-02-20；未填写时文件中留空", warning=True)
        seal = notice.get("seal")
        if isinstance(seal, str) and not (loaded.path.parent / seal).is_file():
            problems.add(loaded.pos(("notice", "seal")), "E207", f"找不到印章图片“{seal}”",
                         "路径相对于本计划文件")


def _check_names(loaded: Loaded, problems: Problems, ipath: PathT, item: dict[str, Any], key: str,
                 lookup: Any, canonical: list[str], what: str) -> None:
    seen: dict[str, int] = {}
    for ni, name in enumerate(_as_list(item.get(key))):
        if not isinstance(name, str):
            continue
        found = lookup(name)
        pos = loaded.pos((*ipath, key, ni))
        if found is None:
            problems.add(pos, "E204", f"名册中没有{what}“{name}”",
                         did_you_mean(name, canonical) or f"请检查写法，或把“{name}”加入名册")
        elif found in seen:
            problems.add(pos, "W303", f"{what}“{name}”与本项第 {seen[found] + 1} 个重复（同为“{found}”）",
                         "删除重复的名称", warning=True)
        else:
            seen[found] = ni


def _check_doc_number(loaded: Loaded, problems: Problems, number: str, year: int | None) -> None:
    pos = loaded.pos(("notice", "number"))
    if DOC_NUMBER_RE.match(number):
        m = DOC_NUMBER_RE.match(number)
        assert m is not None
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


# --------------------------------------------------------------------------- roster checks

_roster_cache: dict[tuple[str, int, int], CheckResult] = {}


def _check_roster_semantics(loaded: Loaded, problems: Problems) -> None:
    data = loaded.data if isinstance(loaded.data, dict) else {}
    for key, what in (("offices", "股室"), ("leaders", "领导")):
        seen: dict[str, Pos] = {}
        for i, entry in enumerate(_as_list(data.get(key))):
            if isinstance(entry, str):
                spellings = [((key, i), entry)]
            elif isinstance(entry, dict):
                spellings = [((key, i, "name"), entry.get("name"))]
                spellings += [((key, i, "aliases", j), a) for j, a in enumerate(_as_list(entry.get("aliases")))]
            else:
                continue
            for path, name in spellings:
                if not isinstance(name, str):
                    continue
                if name in seen:
                    problems.add(loaded.pos(path), "E211",
                                 f"{what}名称“{name}”重复（第一次出现在第 {seen[name].line} 行）",
                                 "每个名称（含别名）只能出现一次")
                else:
                    seen[name] = loaded.pos(path)


def _normalise_roster(data: Any) -> Any:
    """Bare names in a roster are shorthand for {name: …}; validate them as such."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key in ("offices", "leaders"):
        if isinstance(out.get(key), list):
            out[key] = [{"name": e} if isinstance(e, str) else e for e in out[key]]
    return out


# --------------------------------------------------------------------------- entry points


def check_file(path: Path, display: str | None = None) -> CheckResult:
    """Load and check a plan or roster file. Never raises for bad input."""
    path = Path(path)
    loaded = load_yaml(path, display or display_path(path))
    problems = loaded.problems
    data = loaded.data
    kind: Literal["plan", "roster"] = "roster" if is_roster_path(path) else "plan"
    if isinstance(data, dict) and "bureau" in data and "plan" not in data:
        kind = "roster"
    result = CheckResult(path=path, kind=kind, loaded=loaded, problems=problems)
    if path.name.endswith(".progress.yaml"):  # a progress ledger (plangen.progress.ledger)
        from plangen.progress.ledger import validate_ledger

        result.kind = "ledger"
        if loaded.data is not None:
            validate_ledger(loaded, problems)
        return result
    if loaded.data is None:
        return result
    if kind == "roster":
        result.roster = _validate(Roster, _normalise_roster(data), loaded, problems)
        _check_roster_semantics(loaded, problems)
        _check_strings(loaded, problems)
        return result

    index: RosterIndex | None = None
    roster_name = data.get("roster") if isinstance(data, dict) else None
    if isinstance(roster_name, str) and roster_name.strip():
        rpath = (path.parent / roster_name).resolve()
        rresult = _roster_result(rpath)
        if rresult.loaded.data is None and any(p.code == "E001" for p in rresult.problems):
            problems.add(loaded.pos(("roster",)), "E208", f"找不到名册文件“{roster_name}”",
                         f"名册路径相对于本文件，应位于 {display_path(rpath)}")
        else:
            problems.extend(p for p in rresult.problems if p.severity == "error")
            if rresult.roster is not None:
                index = RosterIndex.from_roster(rresult.roster)
                result.roster = rresult.roster
                result.roster_path = rpath
                result.roster_index = index
    result.plan = _validate(PlanFile, data, loaded, problems)
    _check_plan_semantics(loaded, problems, index)
    _check_strings(loaded, problems)
    return result


def _roster_result(rpath: Path) -> CheckResult:
    try:
        st = rpath.stat()
        key = (str(rpath), st.st_mtime_ns, st.st_size)
    except OSError:
        return check_file(rpath)
    if key not in _roster_cache:
        _roster_cache[key] = check_file(rpath)
    return _roster_cache[key]


def _expand(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        else:
            out.append(p)
    return out


def run_check(paths: Sequence[Path], *, as_json: bool = False, strict: bool = False) -> int:
    files = _expand(paths)
    all_problems: list[Any] = []
    summary = []
    for f in files:
        r = check_file(f)
        probs = r.problems.sorted()
        all_problems.extend(probs)
        summary.append((display_path(f), r.kind, len(r.problems.errors), len(r.problems.warnings)))
    errors = sum(s[2] for s in summary)
    warnings = sum(s[3] for s in summary)
    if as_json:
        out = {
            "files": [{"file": s[0], "kind": s[1], "errors": s[2], "warnings": s[3]} for s in summary],
            "problems": json.loads(problems_json(all_problems)),
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        for p in all_problems:
            sys.stdout.write(p.format() + "\n")
        if not files:
            sys.stdout.write("没有找到要检查的 .yaml 文件。\n")
        elif errors or warnings:
            sys.stdout.write(f"共检查 {len(files)} 个文件：{errors} 个错误，{warnings} 个警告。\n")
        else:
            sys.stdout.write(f"共检查 {len(files)} 个文件，没有发现问题。\n")
    if not files:
        return 1
    return 1 if errors or (strict and warnings) else 0
