"""`plangen import`: last year's plan as text (.txt) or Word (.docx) → a plan file and a roster.

Real sources are damaged: lines broken mid-sentence (text pulled out of PDFs), a whole page on
one line (web copies), blank lines anywhere, stray spaces (`云溪区 2024 年`), page numbers,
web-page menus and footers, mixed full/half-width punctuation. The stages:

- `reading`: decode (UTF-8 ± BOM, UTF-16, GB18030/GBK) or read .docx paragraphs through a
  hardened XML parser with caps on size, paragraphs and depth;
- `text`: cut one-line copies back into lines, normalise spaces and punctuation, numbering
  markers (一、 （一） 1. 1、 （1） ①), site debris;
- `notes`: the grammar of responsibility notes → leaders, lead/assisting/joint offices, due;
- `parser` + `body`: notice, title, preamble, sections, items;
- `writing`: YAML through ruamel, files through `plangen.outio`.

Names are matched against a roster when one is given; otherwise a roster is written beside the
plan and spellings that look like one office (纪监室 / 纪检监察室) are reported, never merged.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, display_path
from plangen.importer.body import all_items
from plangen.importer.notes import split_notes
from plangen.importer.parser import Report, parse_text
from plangen.importer.reading import decode, read_lines
from plangen.importer.text import normalise
from plangen.importer.writing import roster_yaml, to_yaml

__all__ = [
    "_all_items",
    "alias_suggestions",
    "all_items",
    "decode",
    "import_file",
    "normalise",
    "parse_text",
    "run_import",
    "split_notes",
]

_all_items = all_items


def alias_suggestions(names: list[str]) -> list[tuple[str, str]]:
    """Pairs (short, long) where `short` is a subsequence of `long` ending with the same
    character but not a substring of it: 纪监室 ~ 纪检监察室, but not 教育股 ~ 基础教育股."""
    out = []
    for a in names:
        for b in names:
            if len(a) < len(b) and a[-1] == b[-1] and a not in b and _subsequence(a, b):
                out.append((a, b))
    return out


def _subsequence(a: str, b: str) -> bool:
    it = iter(b)
    return all(c in it for c in a)


def _ids(items: list[dict[str, Any]]) -> None:
    from plangen.ids import stable_id

    taken: set[str] = set()
    for it in items:
        it["id"] = stable_id(it["title"], taken)


def import_file(source: Path, roster: Path | None = None) -> tuple[dict[str, Any], Report, dict[str, Any]]:
    """Parse `source`; returns (plan data, report, name info)."""
    from plangen.names import did_you_mean

    lines = read_lines(source, display_path(source))
    data, report = parse_text(lines, display_path(source))
    items = all_items(data["plan"])
    _ids(items)
    leaders = list(dict.fromkeys(n for it in items for n in it.get("leaders", [])))
    offices = list(dict.fromkeys(n for it in items for n in it.get("offices", [])))
    info: dict[str, Any] = {"leaders": leaders, "offices": offices, "unknown": [], "aliases": [],
                            "office_word": data.pop("office_word", None)}
    if roster is not None:
        from plangen.view import load_roster

        from plangen.loading import load_yaml

        idx = load_roster(roster)  # checked: a valid roster from here on
        loaded = load_yaml(roster).data
        word = (loaded.get("office_word") if isinstance(loaded, dict) else None) or "股室"
        if word and info["office_word"] and word != info["office_word"]:
            report.notes.append(f"名册 {display_path(roster)} 的 office_word 是“{word}”，计划中写的是"
                                f"“责任{info['office_word']}”；打印时用名册的“{word}”")
        info["office_word"] = word or info["office_word"]
        for it in items:
            for key, lookup, names in (("offices", idx.office, idx.offices), ("leaders", idx.leader, idx.leaders)):
                for name in it.get(key, []):
                    if lookup(name) is None:
                        info["unknown"].append(f"名册中没有“{name}”{did_you_mean(name, names)}")
        info["canonical_offices"] = list(dict.fromkeys(idx.office(n) or n for n in offices))
    else:
        info["aliases"] = alias_suggestions(offices)
    return data, report, info


def _bureau(data: dict[str, Any]) -> str:
    """The bureau for a new roster: the issuer, else the title's words before the year."""
    names = data.get("notice", {}).get("issuers") or data["plan"].get("issuers")
    if names:
        return str(names[0])
    m = re.search(r"\d{4}年", data["plan"]["title"])
    return data["plan"]["title"][:m.start()] if m else ""


def run_import(source: Path, *, out: Path | None, roster: Path | None) -> int:
    from plangen.outio import atomic_write

    data, report, info = import_file(source, roster)
    out = out or Path("plans") / f"{source.stem}.yaml"
    if out.exists():
        raise PlangenError(f"{display_path(out)} 已存在，没有覆盖。请用 -o 指定新的文件名。")
    roster_ref: str | None = None
    new_roster: Path | None = None
    if roster is not None:
        roster_ref = os.path.relpath(roster.resolve(), out.resolve().parent)
    elif info["leaders"] or info["offices"]:
        stem = re.sub(r"[-_]?\d{4}$", "", out.stem) or out.stem
        new_roster = out.parent / f"{stem}.roster.yaml"
        roster_ref = new_roster.name
        if new_roster.exists():
            raise PlangenError(f"{display_path(new_roster)} 已存在，没有覆盖。请用 --roster 指定它。")
    root = out.resolve().parent
    atomic_write(out, to_yaml(data, roster_ref).encode("utf-8"), root)
    word = info["office_word"] or "股室"
    if new_roster is not None:
        bureau = _bureau(data)
        if not bureau:
            report.notes.append(f"没有找到单位名称：请在 {display_path(new_roster)} 的 bureau 中填写")
        atomic_write(new_roster, roster_yaml(bureau, info["leaders"], info["offices"], info["office_word"])
                     .encode("utf-8"), root)
    plan = data["plan"]
    counts = {"部分": len(plan["sections"]),
              "小节": sum(len(s.get("subsections", [])) for s in plan["sections"]),
              "工作任务": len(all_items(plan)), "责任领导": len(info["leaders"]),
              f"责任{word}": len(info.get("canonical_offices", info["offices"]))}
    for short, long in info["aliases"]:
        report.notes.append(f"“{short}”和“{long}”可能是同一{word}：如是，请在名册中写 {{name: {long}, aliases: [{short}]}}")
    report.notes.extend(info["unknown"])
    sys.stdout.write(report.format(counts) + "\n")
    sys.stdout.write(f"已写出 {display_path(out)}" + (f" 和 {display_path(new_roster)}" if new_roster else "") + "\n")
    return _check_written(out)


def _check_written(out: Path) -> int:
    from plangen.view import load_checked

    try:
        load_checked(out)
    except PlangenError as e:
        errors = [p.format() for p in e.problems if p.severity == "error"]
        more = f"\n……另有 {len(errors) - 200} 个问题未列出" if len(errors) > 200 else ""
        sys.stdout.write("导入的文件还有问题，请修正：\n" + "\n".join(errors[:200]) + more + "\n")
        return 1
    return 0
