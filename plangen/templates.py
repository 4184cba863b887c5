"""One resolver for templates: NAME.docx (DOCX renderer) and NAME.html.j2 (PDF renderer).

Search order for a bare NAME (first hit wins): `<plan dir>/templates/` (a bureau's own
templates beside its plans), the repository's `templates/`, the packaged defaults in
`plangen/data/templates/`. A path (anything with a separator or a suffix) is used as given.
A miss lists every place looked at, in Chinese.
"""

from __future__ import annotations

import re
from pathlib import Path

from plangen.errors import PlangenError

REPO_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"
_NAME_RE = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]+$")


def search_dirs(plan_dir: Path | None) -> list[Path]:
    dirs = []
    if plan_dir is not None:
        dirs.append(plan_dir / "templates")
    dirs += [REPO_TEMPLATES, PACKAGE_TEMPLATES]
    return list(dict.fromkeys(d.resolve() for d in dirs))


def resolve_template(name_or_path: str | None, ext: str, *, plan_dir: Path | None = None,
                     default: str = "red-header") -> Path:
    """The template file for `name_or_path` with extension `ext` (".docx" or ".html.j2")."""
    name = name_or_path or default
    if not _NAME_RE.match(name):
        p = Path(name).expanduser()
        if not p.name or p.is_dir():  # ".", "..", "/", a folder
            raise PlangenError(f"模板“{name}”是一个文件夹，不是模板文件。请写模板名（red-header、upward、plain）"
                               f"或模板文件的路径（如 templates/本局{ext}）")
        if p.suffix == "" or not str(p).endswith(ext):
            p = p.with_name(p.name + ext) if not p.name.endswith(ext) else p
        if plan_dir is not None and not p.is_absolute() and not p.exists():
            p = plan_dir / p
        if p.is_file():
            return p.resolve()
        raise PlangenError(f"找不到模板文件：{p}")
    looked = []
    for d in search_dirs(plan_dir):
        candidate = d / f"{name}{ext}"
        looked.append(str(candidate))
        if candidate.is_file():
            return candidate
    raise PlangenError(
        f"找不到模板“{name}”（{ext}）。查找过：\n  " + "\n  ".join(looked)
        + "\n可用的模板：red-header（下行文）、upward（上行文）、plain（无版头）"
    )


def record_template(env: object, name: str) -> None:
    """Report (plangen.reads) the Jinja template `name` and every template it extends, includes
    or imports, transitively, as found by `env`'s loader: editing gongwen.css.j2 rebuilds the
    plans whose red-header.html.j2 includes it."""
    import jinja2
    from jinja2 import meta

    from plangen import reads

    if not reads.active():
        return
    assert isinstance(env, jinja2.Environment)
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source, filename, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
            refs = meta.find_referenced_templates(env.parse(source))
        except (jinja2.TemplateError, OSError):
            continue  # the render itself reports a missing or broken template
        reads.record(filename)
        todo += [r for r in refs if r is not None]  # None: a name computed at render time
