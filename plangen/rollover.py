"""`plangen new --from plans/x-2024.yaml --year 2025`: next year's plan from last year's.

ruamel.yaml's round-trip mode keeps comments and key order. What changes: plan.year; the year
in the plan and notice titles; the document number's year, with its sequence number cleared
(the key becomes empty, a comment shows the new year's form); the notice's dates cleared
(check warns until they are filled); item due dates moved by the same number of years; items
without an id get a stable one (plangen.ids). Items, ids, leaders, offices and the roster
reference stay. Body text is never changed: every line that still names the old year is listed
for the secretary to review.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

from plangen.errors import display_path
from plangen.view import load_checked
from plangen.errors import PlangenError

_KEYS_CHANGED = ("year:", "title:", "number:", "date:", "printed_on:", "due:")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML()
    y.width = 1_000_000
    y.allow_unicode = True
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _shift(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _items(plan: Any) -> list[Any]:
    out = []
    for sec in plan.get("sections") or []:
        out.extend(sec.get("items") or [])
        for sub in sec.get("subsections") or []:
            out.extend(sub.get("items") or [])
    return out


def _give_ids(items: list[Any]) -> None:
    """Items without an id get a stable one (plangen.ids), first key, so next year's diff
    matches them exactly."""
    from plangen.ids import stable_id

    taken = {str(i["id"]) for i in items if i.get("id")}
    for item in items:
        if not item.get("id"):
            if "id" in item:
                del item["id"]
            item.insert(0, "id", stable_id(str(item.get("title", "")), taken))


def roll(text: str, new_year: int, carry: dict[str, str] | None = None) -> tuple[str, int]:
    """The new plan's YAML text and the old year. Items whose id is in `carry` (unfinished in
    the ledger's latest period) are marked `carried: true` (续办), with the standing as a comment."""
    y = _yaml()
    data = y.load(text)
    plan = data["plan"]
    old = int(plan["year"])
    years = new_year - old
    plan["year"] = new_year
    plan["title"] = str(plan["title"]).replace(str(old), str(new_year))
    notice = data.get("notice")
    if notice is not None:
        notice["title"] = str(notice["title"]).replace(str(old), str(new_year))
        number = notice.get("number")
        if number:
            m = re.match(r"^(.*?)〔(\d{4})〕", str(number))
            prefix = m.group(1) if m else ""
            notice["number"] = None
            notice.yaml_add_eol_comment(f"发文字号待编：{prefix}〔{new_year}〕X号", "number")
        for key in ("date", "printed_on"):
            if key in notice:
                notice[key] = None
                notice.yaml_add_eol_comment("待填写", key)
    _give_ids(_items(plan))
    for item in _items(plan):
        if carry is not None and str(item.get("id")) in carry:
            item["carried"] = True
            item.yaml_add_eol_comment(f"续办：{carry[str(item.get('id'))]}", "carried")
        elif carry is not None and "carried" in item:
            del item["carried"]  # carried last year, finished this year
        due = item.get("due")
        if isinstance(due, dt.date):
            item["due"] = _shift(due, years)
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue(), old


def old_year_lines(text: str, old: int) -> list[tuple[int, str]]:
    """Lines of body text that still name the old year (keys the rollover changed excluded)."""
    out = []
    for no, line in enumerate(text.split("\n"), 1):
        stripped = line.strip().lstrip("- ")
        if str(old) in line and not stripped.startswith(_KEYS_CHANGED) and not stripped.startswith("#"):
            i = line.find(str(old))
            out.append((no, line[max(0, i - 12): i + 24].strip()))
    return out


def run_new(source: Path, *, year: int, out: Path | None, carry_unfinished: bool = False) -> int:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PlangenError(f"无法读取 {source}：{e}") from None
    try:
        load_checked(source)
    except PlangenError as e:
        raise PlangenError(f"{display_path(source)} 有错误，请先修正（plangen check）。", e.problems) from None
    carry: dict[str, str] | None = None
    if carry_unfinished:
        from plangen.progress import unfinished

        carry = {ident: note for ident, _, note in unfinished(source)}
    new_text, old = roll(text, year, carry)
    if year == old:
        raise PlangenError(f"新年度 {year} 与原计划年度相同。")
    out = out or source.with_name(source.name.replace(str(old), str(year)) if str(old) in source.name
                                  else f"{source.stem}-{year}.yaml")
    if out.exists():
        raise PlangenError(f"{display_path(out)} 已存在，没有覆盖。请用 -o 指定新的文件名。")
    out.write_text(new_text, encoding="utf-8")
    sys.stdout.write(f"已写出 {display_path(out)}：年度 {old} → {year}，发文字号序号和成文日期已清空待填。\n")
    if carry_unfinished:
        from plangen.progress import unfinished

        rows = unfinished(source)
        sys.stdout.write(f"上年度未完成、标为“续办”的工作任务 {len(rows)} 项（编号不变）：\n" if rows
                         else "台账最新一期所有工作任务均已完成，没有续办事项。\n")
        for ident, title, note in rows:
            sys.stdout.write(f"  {ident}  {title}（{note}）\n")
    lines = old_year_lines(new_text, old)
    if lines:
        sys.stdout.write(f"以下正文仍写着 {old} 年，请逐条核对（未自动修改）：\n")
        for no, excerpt in lines:
            sys.stdout.write(f"  {display_path(out)}:{no}: {excerpt}\n")
    try:
        load_checked(out)
    except PlangenError as e:
        sys.stdout.write("\n".join(p.format() for p in e.problems if p.severity == "error") + "\n")
        return 1
    return 0
