"""The look of the sheet PDFs that plangen draws itself: every number in one editable file.

`templates/sheet.yaml` (the repository's) holds the defaults, the same as `DEFAULTS` here (a
test compares them); a bureau changes its own look with a `templates/sheet.yaml` beside its plans
that names only what it changes. Lengths are in mm (`_mm`) or points (`_pt`), colours `#rrggbb`,
fonts are font-profile roles. Unknown keys, wrong types, bad colours and unknown roles are
refused in Chinese at file:line:col (E701–E704).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangen import reads
from plangen.errors import PlangenError, Pos, Problem, Problems
from plangen.templates import REPO_TEMPLATES

MM = 72 / 25.4
FONT_ROLES = ("title", "body", "heading1", "heading2", "page_number", "bold")
DEFAULTS: dict[str, Any] = {
    "page": {"width_mm": 297, "height_mm": 210, "margin_top_mm": 15, "margin_right_mm": 15,
             "margin_bottom_mm": 18, "margin_left_mm": 15},
    "line_height": 1.45,
    "rule_pt": 0.5,
    "title": {"font": "title", "size_pt": 18, "after_mm": 2},
    "subtitle": {"font": "body", "size_pt": 10.5, "after_mm": 4},
    "note": {"font": "body", "size_pt": 10.5, "before_mm": 2, "after_mm": 2},
    "heading": {"font": "heading1", "size_pt": 13, "after_mm": 2},
    "page_number": {"font": "page_number", "size_pt": 10.5, "text": "— {n} —"},
    "cell": {"font": "body", "size_pt": 10.5, "pad_x_mm": 1.5, "pad_y_mm": 1.2},
    "head": {"font": "heading1", "fill": "#d9d9d9"},
    "group": {"font": "heading1", "fill": "#f2f2f2"},
    "matrix": {"size_pt": 9, "pad_x_mm": 0.5, "pad_y_mm": 0.8},
    "marks": {"牵头": "#f4b183", "责任": "#f8cbad", "配合": "#deebf7"},
    "bars": {"height_mm": 3.5, "牵头": "#c55a11", "责任": "#ed7d31", "配合": "#9dc3e6"},
    "columns": {"num": 5, "title": 15, "content": 36, "leaders": 8, "lead": 8, "assist": 9, "kind": 5,
                "due": 8, "progress": 6, "remark": 6},
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class TextStyle:
    font: str  # font-profile role
    size: float  # pt
    before: float = 0.0  # pt
    after: float = 0.0  # pt


@dataclass(frozen=True)
class Look:
    width: float  # page, pt
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left, pt
    line_height: float  # × font size
    rule: float  # pt
    title: TextStyle
    subtitle: TextStyle
    note: TextStyle
    heading: TextStyle
    page_number: TextStyle
    page_text: str  # "— {n} —"
    cell: TextStyle
    pad: tuple[float, float]  # cell padding x, y, pt
    head_font: str
    head_fill: tuple[float, float, float]
    group_font: str
    group_fill: tuple[float, float, float]
    matrix_size: float
    matrix_pad: tuple[float, float]
    marks: dict[str, tuple[float, float, float]]
    bars: dict[str, tuple[float, float, float]]
    bar_height: float
    columns: dict[str, float]

    def fonts(self) -> set[str]:
        return {self.title.font, self.subtitle.font, self.note.font, self.heading.font, self.page_number.font,
                self.cell.font, self.head_font, self.group_font}


def rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5))  # type: ignore[return-value]


def _style(d: Mapping[str, Any]) -> TextStyle:
    return TextStyle(d["font"], float(d["size_pt"]), d.get("before_mm", 0) * MM, d.get("after_mm", 0) * MM)


def make_look(d: Mapping[str, Any]) -> Look:
    p, c, m = d["page"], d["cell"], d["matrix"]
    bars = {k: rgb(v) for k, v in d["bars"].items() if k != "height_mm"}
    return Look(
        p["width_mm"] * MM, p["height_mm"] * MM,
        tuple(p[f"margin_{k}_mm"] * MM for k in ("top", "right", "bottom", "left")),  # type: ignore[arg-type]
        float(d["line_height"]), float(d["rule_pt"]), _style(d["title"]), _style(d["subtitle"]),
        _style(d["note"]), _style(d["heading"]), _style(d["page_number"]), d["page_number"]["text"],
        _style(c), (c["pad_x_mm"] * MM, c["pad_y_mm"] * MM), d["head"]["font"], rgb(d["head"]["fill"]),
        d["group"]["font"], rgb(d["group"]["fill"]), float(m["size_pt"]), (m["pad_x_mm"] * MM, m["pad_y_mm"] * MM),
        {k: rgb(v) for k, v in d["marks"].items()}, bars, d["bars"]["height_mm"] * MM,
        {k: float(v) for k, v in d["columns"].items()})


def load_look(plan_dir: Path | None) -> tuple[Look, list[Path]]:
    """The look for a plan: DEFAULTS, the repository's templates/sheet.yaml, then the plan
    folder's templates/sheet.yaml; and the files read (for the build's key)."""
    merged = _copy(DEFAULTS)
    files = [REPO_TEMPLATES / "sheet.yaml"]
    if plan_dir is not None:
        files.append(plan_dir / "templates" / "sheet.yaml")
    used = []
    for path in dict.fromkeys(f.resolve() for f in files if f.is_file()):
        _overlay(merged, path)
        used.append(path)
    reads.record(*used)
    return make_look(merged), used


def _copy(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in d.items()}


def _overlay(merged: dict[str, Any], path: Path) -> None:
    problems = look_problems(path, merged)
    if problems:
        raise PlangenError(f"分解表版式文件 {path} 有误，请按上面的提示修改", problems)


def look_problems(path: Path, merged: dict[str, Any] | None = None) -> list[Problem]:
    """Every mistake in a sheet look file, at file:line:col (`plangen check` reports them for a
    plan folder's templates/sheet.yaml); its values go into `merged` when given."""
    from plangen.loading import load_yaml

    loaded = load_yaml(path)
    problems = Problems()
    problems.extend(loaded.problems.items)
    if loaded.data is not None and not isinstance(loaded.data, Mapping):
        problems.add(loaded.pos(()), "E701", "分解表版式文件应是“键: 值”的映射", "参照 templates/sheet.yaml")
    elif loaded.data is not None:
        _merge(_copy(DEFAULTS) if merged is None else merged, loaded.data, DEFAULTS, (), loaded, problems)
    return problems.items


def _merge(into: dict[str, Any], data: Mapping[str, Any], schema: Mapping[str, Any], at: tuple[str, ...],
           loaded: Any, problems: Problems) -> None:
    for key, value in data.items():
        where: Pos = loaded.pos((*at, key))
        name = ".".join((*at, str(key)))
        if key not in schema:
            problems.add(loaded.key_pos((*at, key)), "E701", f"未知的版式项“{name}”", "可用的项：" + "、".join(map(str, schema)))
        elif isinstance(schema[key], Mapping):
            if not isinstance(value, Mapping):
                problems.add(where, "E702", f"版式项“{name}”应是映射（下面再写各项）")
            else:
                _merge(into[key], value, schema[key], (*at, key), loaded, problems)
        else:
            problem = _bad_value(key, value, schema[key])
            if problem:
                problems.add(where, problem[0], f"版式项“{name}”{problem[1]}")
            else:
                into[key] = value


def _bad_value(key: str, value: Any, default: Any) -> tuple[str, str] | None:
    """(code, what is wrong) or None: E702 not a number, E703 not a colour, E704 other text."""
    if isinstance(default, str):
        if not isinstance(value, str):
            return "E704", "应是文字"
        if default.startswith("#") and not _COLOUR.match(value):
            return "E703", f"的颜色“{value}”应写成 #rrggbb（如 #d9d9d9）"
        if key == "font" and value not in FONT_ROLES:
            return "E704", f"的字体“{value}”不是字体方案的角色（可用：{'、'.join(FONT_ROLES)}）"
        if key == "text" and "{n}" not in value:
            return "E704", "应含 {n}（页码的位置）"
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "E702", "应是数"
    if value < 0 or (value == 0 and key in ("size_pt", "line_height", "width_mm", "height_mm")):
        return "E702", "应是正数"
    return None
