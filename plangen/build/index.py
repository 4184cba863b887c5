"""output/index.html: the manifest turned into a page. This module only computes what the page
shows (links, labels, groups, in the registry's order); the HTML is the Jinja template
plangen/data/build/index.html.j2. Documents and sheets are told apart, ordered and labelled by
plangen.formats (`kind_of`, table order, extension), so a new format needs nothing here.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from plangen import formats as fmts

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "data" / "build"
TEMPLATE = "index.html.j2"
STATUS = {"ok": "已生成", "failed": "失败", "missing": "计划文件已不存在"}
KINDS = (("overall", "总表"), ("office", "各股室"), ("leader", "各分管领导"), ("other", "其他"))
_ORDER = {(f.target, f.ext): i for i, f in enumerate(fmts.FORMATS)}


def _href(name: str, rel: str) -> str:
    return "/".join(urllib.parse.quote(part) for part in (name, *rel.split("/")))


def _links(name: str, files: Sequence[str]) -> list[dict[str, str]]:
    """Links to `files` in the registry's format order, each labelled by its extension."""
    def order(rel: str) -> tuple[int, str]:
        return _ORDER.get(fmts.kind_of(rel), len(_ORDER)), rel  # type: ignore[arg-type]

    return [{"href": _href(name, f), "label": fmts.kind_of(f)[1].upper()} for f in sorted(files, key=order)]


def _sheet_groups(name: str, entry: dict[str, Any], sheet_files: list[str]) -> list[dict[str, Any]]:
    """[{heading, sheets: [{who, files}]}] in the plan's own order (the roster's), by kind."""
    by_stem: dict[str, list[str]] = {}
    for f in sorted(sheet_files):
        by_stem.setdefault(Path(f).name.rsplit(".", 1)[0], []).append(f)
    specs = [tuple(s) for s in entry.get("sheets", []) if isinstance(s, list) and len(s) == 3]
    listed = {s[2] for s in specs}
    for stem in by_stem:  # a manifest without sheet names: fall back on the file names
        if stem not in listed:
            label, _, who = stem.partition("-")
            kind = {"股室": "office", "领导": "leader", "总表": "overall"}.get(label, "other")
            specs.append((kind, who or stem, stem))
    groups = []
    for kind, heading in KINDS:
        items = [{"who": who, "files": _links(name, by_stem[stem])}
                 for k, who, stem in specs if k == kind and stem in by_stem]
        if items:
            groups.append({"heading": f"{heading}（{len(items)}）" if kind in ("office", "leader") else heading,
                           "sheets": items})
    return groups


def _plan(i: int, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    status = str(entry.get("status", "ok"))
    files = list(entry.get("files", {}))
    return {
        "anchor": f"plan-{i + 1}", "name": name, "title": str(entry.get("title") or name),
        "status": status, "status_label": STATUS.get(status, status),
        "changed": str(entry.get("changed") or "—"), "fingerprint": str(entry.get("fingerprint") or "—"),
        "source": str(entry.get("source", "")), "roster": str(entry.get("roster") or ""),
        "n_files": len(files), "problems": [str(p) for p in entry.get("problems") or []],
        "documents": _links(name, [f for f in files if fmts.kind_of(f)[0] == "document"]),
        "groups": _sheet_groups(name, entry, [f for f in files if fmts.kind_of(f)[0] == "sheet"]),
        **_progress(name, entry, files),
    }


def _progress(name: str, entry: dict[str, Any], files: list[str]) -> dict[str, Any]:
    """督查通报 and 台账 by period, and the latest lights (plangen.progress.build.summary)."""
    periods = []
    for p in _progress_links(files):
        periods.append({"period": p["period"], "files": [
            {"href": _href(name, f), "label": ("督查通报 " if not f.endswith(".xlsx") else "台账 ")
             + f.rsplit(".", 1)[-1].upper()} for f in p["files"]]})
    lights = entry.get("progress") if isinstance(entry.get("progress"), dict) else None
    return {"progress_periods": periods, "lights": lights}


def _progress_links(files: list[str]) -> list[dict[str, Any]]:
    """The progress files (progress/<P>/…) by period, newest first (no import: the no-op build
    stays light)."""
    by: dict[str, list[str]] = {}
    for rel in files:
        parts = rel.split("/")
        if len(parts) == 3 and parts[0] == "progress":
            by.setdefault(parts[1], []).append(rel)
    order = {"docx": 0, "pdf": 1, "xlsx": 2}
    return [{"period": p, "files": sorted(by[p], key=lambda r: order.get(r.rsplit(".", 1)[-1], 9))}
            for p in sorted(by, reverse=True)]


def render_index(manifest: dict[str, Any]) -> str:
    import jinja2

    plans = manifest["plans"]
    counts = {k: sum(1 for x in plans.values() if x.get("status", "ok") == k) for k in STATUS}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template(TEMPLATE).render(
        plans=[_plan(i, name, entry) for i, (name, entry) in enumerate(plans.items())],
        summary="，".join(f"{STATUS[k]} {n} 个" for k, n in counts.items() if n),
        version=str(manifest.get("plangen", "")))
