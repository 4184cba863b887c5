"""Cells plangen writes from user text are string cells, never formulas (issue 19, item 2).

openpyxl turns any string starting with `=` into a formula. `text` stores the value as a
shared string with the quote prefix set, so Excel, WPS and LibreOffice show `=HYPERLINK(…)`,
`+1`, `-x` or `@x` as the text it is and never evaluate it.
"""

from __future__ import annotations

from typing import Any

RISKY = ("=", "+", "-", "@")


def text(ws: Any, row: int, col: int, value: object) -> Any:
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        cell.value = None
        return cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        return cell
    s = str(value)
    cell.value = s
    cell.data_type = "s"
    if s.startswith(RISKY):
        cell.quotePrefix = True
    return cell
