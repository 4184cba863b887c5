"""changes.xlsx: one row per changed item (added, removed, reworded, responsibility, due date,
moved), old and new side by side, for the office that keeps the list of changes. A second
sheet lists what each office gains and loses."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from plangen.diff.match import ItemPair, Matching
from plangen.diff.summary import KIND_WORDS, Summary, kinds
from plangen.outio import workbook_bytes

COLUMNS = (("序号", 6), ("变化", 16), ("原编号", 8), ("新编号", 8), ("原所在部分", 24),
           ("新所在部分", 24), ("工作任务", 30), ("原责任领导", 14), ("新责任领导", 14),
           ("原责任股室", 20), ("新责任股室", 20), ("原完成时限", 14), ("新完成时限", 14),
           ("匹配依据", 12))


def _row(n: int, p: ItemPair) -> list[object]:
    o, w = p.old, p.new
    how = {"id": "编号 id", "similarity": f"相似度 {p.score:.2f}"}.get(p.how, "")
    return [
        n, "、".join(KIND_WORDS[k] for k in kinds(p)),
        o.label if o else "", w.label if w else "",
        (o.section_label + o.section_title) if o else "", (w.section_label + w.section_title) if w else "",
        (w or o).title,  # type: ignore[union-attr]
        "、".join(o.leaders) if o else "", "、".join(w.leaders) if w else "",
        "、".join(o.offices) if o else "", "、".join(w.offices) if w else "",
        o.due if o else "", w.due if w else "", how,
    ]


def changes_xlsx(m: Matching, summary: Summary, *, date: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "变化清单"
    ws.append([c for c, _ in COLUMNS])
    for k, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + k)].width = width
        ws.cell(row=1, column=k + 1).font = Font(bold=True)
    n = 0
    for p in m.items:
        if kinds(p):
            n += 1
            ws.append(_row(n, p))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wo = wb.create_sheet("按股室")
    wo.append(["股室", "增加", "减少", "改变"])
    for col, width in zip("ABCD", (16, 40, 40, 40), strict=True):
        wo.column_dimensions[col].width = width
    for oc in summary.by_office:
        wo.append([oc.office,
                   "\n".join(f"{(p.new or p.old).label}{(p.new or p.old).title}（{r}）" for p, r in oc.gains),  # type: ignore[union-attr]
                   "\n".join(f"原{p.old.label}{p.old.title}（{r}）" for p, r in oc.losses),  # type: ignore[union-attr]
                   "\n".join(f"{(p.new or p.old).label}{(p.new or p.old).title}（{a}→{b}）"  # type: ignore[union-attr]
                             for p, a, b in oc.role_changes)])
    fixed = dt.datetime.fromisoformat(date.replace("Z", "+00:00")).replace(tzinfo=None)
    return workbook_bytes(wb, f"变化清单：{m.old.name} → {m.new.name}", fixed)
