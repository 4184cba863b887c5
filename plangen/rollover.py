"""`plangen new --from plans/x-2024.yaml --year 2025`: next year's plan from last year's.

ruamel.yaml's round-trip mode keeps comments and key order. What changes: plan.year; the year
in the plan and notice titles; the document number's year, with its sequence number cleared
(the key becomes empty, a comment shows the new year's form); the notice's dates cleared
(check warns until they are filled); item and milestone due dates moved by the same number of
years (a due written in words, 2024年底前, gets the new year too); items without an id get a stable one (plangen.ids); relative paths (roster, seal,
template) rewritten when the new plan is written into another folder. Items, ids, leaders and
offices stay. Body text — item titles and texts, the notice body — is never changed: every
line that still names the old year is listed, with its key, for review.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, display_path
from plangen.loading import round_trip_yaml
from plangen.model import MAX_YEAR, MIN_YEAR
from plangen.view import load_checked

EXCERPT_CHARS = 60  # listing: a longer line shows its key, then the text around the year
_KEY_RE = re.compile(r"^(-\s+)?([A-Za-z_][A-Za-z0-9_]*:\s*)")


def _yaml() -> Any:
    """The round-trip set-up `new` uses (plangen.ids imports it)."""
    return round_trip_yaml(preserve_quotes=True)


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


def _carry(items: list[Any], carry: dict[str, str] | None) -> None:
    """Items whose id is in `carry` (unfinished in the ledger's latest period) are marked
    `carried: true` (续办), with the standing as a comment."""
    if carry is None:
        return
    for item in items:
        if str(item.get("id")) in carry:
            item["carried"] = True
            item.yaml_add_eol_comment(f"续办：{carry[str(item.get('id'))]}", "carried")
        elif "carried" in item:
            del item["carried"]  # carried last year, finished this year


def _roll_due(due: Any, old: int, new_year: int) -> Any:
    if isinstance(due, dt.date):
        return _shift(due, new_year - old)
    if isinstance(due, str) and str(old) in due:  # 2024年12月底前: a deadline, like a date
        return due.replace(str(old), str(new_year))
    return due


def _shift_dues(items: list[Any], old: int, new_year: int) -> None:
    for item in items:
        if item.get("due") is not None:
            item["due"] = _roll_due(item["due"], old, new_year)
        for ms in item.get("milestones") or []:
            if ms.get("due") is not None:
                ms["due"] = _roll_due(ms["due"], old, new_year)


def _roll_notice(notice: Any, old: int, new_year: int) -> list[str]:
    """Roll the notice over; what was cleared, in words."""
    cleared = []
    notice["title"] = str(notice["title"]).replace(str(old), str(new_year))
    if notice.get("number"):
        m = re.match(r"^(.*?)〔(\d{4})〕", str(notice["number"]))
        prefix = m.group(1) if m else ""
        notice["number"] = None
        notice.yaml_add_eol_comment(f"发文字号待编：{prefix}〔{new_year}〕X号", "number")
        cleared.append("发文字号")
    for key, words in (("date", "成文日期"), ("printed_on", "印发日期")):
        if notice.get(key) is not None:
            notice[key] = None
            notice.yaml_add_eol_comment("待填写", key)
            cleared.append(words)
    return cleared


def _move_paths(data: Any, source_dir: Path, out_dir: Path) -> None:
    """Relative roster/seal/template paths, rewritten to point at the same files from out_dir."""
    if source_dir.resolve() == out_dir.resolve():
        return
    notice = data.get("notice") or {}
    places = [(data, "roster"), (notice, "seal")]
    template = notice.get("template")
    if isinstance(template, str) and ("/" in template or "." in template):
        places.append((notice, "template"))  # a path, not a template name
    for mapping, key in places:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip() and not Path(value).is_absolute():
            target = (source_dir / value).resolve()
            mapping[key] = Path(os.path.relpath(target, out_dir.resolve())).as_posix()


def roll(text: str, new_year: int, carry: dict[str, str] | None = None, *,
         source_dir: Path | None = None, out_dir: Path | None = None) -> tuple[str, int, list[str]]:
    """The new plan's YAML text, the old year, and what was cleared (in words). Items whose id
    is in `carry` are marked 续办 (see `_carry`)."""
    y = _yaml()
    data = y.load(text)
    plan = data["plan"]
    old = int(plan["year"])
    plan["year"] = new_year
    plan["title"] = str(plan["title"]).replace(str(old), str(new_year))
    notice = data.get("notice")
    cleared = _roll_notice(notice, old, new_year) if notice is not None else []
    _give_ids(_items(plan))
    _carry(_items(plan), carry)
    _shift_dues(_items(plan), old, new_year)
    if source_dir is not None and out_dir is not None:
        _move_paths(data, source_dir, out_dir)
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue(), old, cleared


def _excerpt(line: str, at: int) -> str:
    stripped = line.strip()
    if len(stripped) <= EXCERPT_CHARS:
        return stripped
    m = _KEY_RE.match(stripped)
    key = m.group(0) if m else ""
    at = max(at - (len(line) - len(line.lstrip())), len(key))
    start = max(len(key), at - 20)
    text = stripped[start: at + 30]
    return key + ("…" if start > len(key) else "") + text + ("…" if at + 30 < len(stripped) else "")


def old_year_lines(text: str, old: int) -> list[tuple[int, str]]:
    """Lines that still name the old year, each with its key. Comment lines and ids are left
    out (an id is the same in every year; a generated one is hex and may hold "2024")."""
    out = []
    for no, line in enumerate(text.split("\n"), 1):
        i = line.find(str(old))
        stripped = line.strip().removeprefix("- ")
        if i >= 0 and not stripped.startswith(("#", "id:")):
            out.append((no, _excerpt(line, i)))
    return out


def _target(source: Path, year: int, old: int, out: Path | None) -> Path:
    if out is not None:
        return out
    name = (source.name.replace(str(old), str(year)) if str(old) in source.name
            else f"{source.stem}-{year}.yaml")
    return source.with_name(name)


def run_new(source: Path, *, year: int, out: Path | None, carry_unfinished: bool = False) -> int:
    from plangen.outio import atomic_write

    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PlangenError(f"新年度 {year} 不对：年度写作四位数字，在 {MIN_YEAR} 到 {MAX_YEAR} 之间，如 --year 2025。")
    try:
        checked = load_checked(source)
    except PlangenError as e:
        raise PlangenError(f"{display_path(source)} 有错误，请先修正（plangen check）。", e.problems) from None
    old = checked.plan.plan.year if checked.plan is not None else year
    if year == old:
        raise PlangenError(f"新年度 {year} 与原计划年度相同。")
    out = _target(source, year, old, out)
    if out.exists():
        raise PlangenError(f"{display_path(out)} 已存在，没有覆盖。请用 -o 指定新的文件名。")
    rows = None
    if carry_unfinished:
        from plangen.progress import unfinished

        rows = unfinished(source)
    carry = {ident: note for ident, _, note in rows} if rows is not None else None
    new_text, old, cleared = roll(checked.loaded.text, year, carry, source_dir=source.parent,
                                  out_dir=out.parent)
    atomic_write(out, new_text.encode("utf-8"), out.parent.resolve())
    done = f"，{'、'.join(cleared)}已清空待填" if cleared else ""
    sys.stdout.write(f"已写出 {display_path(out)}：年度 {old} → {year}{done}。\n")
    if rows is not None:
        sys.stdout.write(f"上年度未完成、标为“续办”的工作任务 {len(rows)} 项（编号不变）：\n" if rows
                         else "台账最新一期所有工作任务均已完成，没有续办事项。\n")
        for ident, title, note in rows:
            sys.stdout.write(f"  {ident}  {title}（{note}）\n")
    _report(out, new_text, old)
    try:
        load_checked(out)
    except PlangenError as e:
        sys.stdout.write("\n".join(p.format() for p in e.problems if p.severity == "error") + "\n")
        return 1
    return 0


def _report(out: Path, new_text: str, old: int) -> None:
    lines = old_year_lines(new_text, old)
    if lines:
        sys.stdout.write(f"以下各行仍写着 {old} 年，请逐条核对（未自动修改）：\n")
        for no, excerpt in lines:
            sys.stdout.write(f"  {display_path(out)}:{no}: {excerpt}\n")
