"""Checks on `notice.template`: it must name a template both renderers can use (issue 19.10:
`template: .` passed check, then render crashed), found through plangen.templates, and a
template given as a path must lie inside the plan's folder or an allowed folder (issue 19.1)."""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

from plangen import templates as tpl
from plangen.check.paths import outside_hint, resolve_inside
from plangen.errors import PlangenError, Pos, Problems, display_path
from plangen.loading import Loaded

KINDS = ((".docx", "DOCX"), (".html.j2", "PDF"))
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
_USAGE = ("写内置模板名 red-header（下行文）、upward（上行文）、plain（无版头），或本单位模板的路径"
          "（不写扩展名，同一处放 NAME.docx 和 NAME.html.j2）")


def check_template(loaded: Loaded, problems: Problems, name: str) -> None:
    pos = loaded.pos(("notice", "template"))
    found: dict[str, Path] = {}
    for ext, kind in KINDS:
        try:
            found[kind] = tpl.resolve_template(name, ext, plan_dir=loaded.path.parent)
        except (PlangenError, ValueError, OSError):
            continue
    if not found:
        problems.add(pos, "E215", f"模板“{name}”不是可用的模板", _USAGE)
        return
    builtin = tuple(tpl.search_dirs(None))
    for kind, path in found.items():
        _, inside = resolve_inside(loaded.path, str(path), builtin)
        if not inside:
            problems.add(pos, "E214", f"模板文件 {path} 不在计划文件夹之内", outside_hint(loaded.path))
            return
        reason = _unusable(path, kind)
        if reason:
            problems.add(reason[1] or pos, "E215", f"模板文件 {display_path(path)} {reason[0]}",
                         "请换用能打开的模板，或重新生成（scripts/make_docx_templates.py）")
    missing = [kind for _, kind in KINDS if kind not in found]
    if missing:
        problems.add(pos, "W310", f"模板“{name}”没有 {missing[0]} 版，只能生成 {'、'.join(found)}",
                     "两种格式都要时，请在同一处放 NAME.docx 和 NAME.html.j2", warning=True)


def _unusable(path: Path, kind: str) -> tuple[str, Pos | None] | None:
    """Why a template file cannot be used (and where, for a Jinja syntax error), or None."""
    try:
        size = path.stat().st_size
    except OSError:
        return "无法读取", None
    if size > MAX_TEMPLATE_BYTES:
        return f"过大（上限 {MAX_TEMPLATE_BYTES // 1024 // 1024} MB）", None
    if kind == "DOCX":
        try:
            with zipfile.ZipFile(path) as z:
                ok = "word/document.xml" in z.namelist()
        except (zipfile.BadZipFile, OSError):
            ok = False
        return None if ok else ("不是有效的 Word 模板（.docx）", None)  # render's words
    if any(path.is_relative_to(d) for d in (tpl.PACKAGE_TEMPLATES, tpl.REPO_TEMPLATES)):
        return None  # shipped with the code and tested with it (render reports any later edit)
    st = path.stat()
    return _jinja_problem(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=32)
def _jinja_problem(name: str, _mtime_ns: int, _size: int) -> tuple[str, Pos | None] | None:
    import jinja2

    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "不是 UTF-8 文本", None
    try:
        jinja2.Environment().parse(text)
    except jinja2.TemplateSyntaxError as e:
        return f"有模板语法错误：{e.message}", Pos(display_path(path), e.lineno or 1, 1)
    return None


def check_sheet_look(loaded: Loaded, problems: Problems) -> None:
    """A plan folder's templates/sheet.yaml (the look of its sheet PDFs) must be usable."""
    path = loaded.path.parent / "templates" / "sheet.yaml"
    if path.is_file():
        from plangen.sheets.look import look_problems

        problems.extend(look_problems(path))
