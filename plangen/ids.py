"""Stable item ids: an item's title → an id that stays the same across years.

Pure (no I/O, no randomness): the same title always gives the same id, so `plangen new --from`
run twice, or by two people, writes the same ids, and next year's `plangen diff` matches items by
id exactly. The id matches the plan format's pattern `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`:
`t-` + the first 10 hex digits of the SHA-1 of the normalised title (NFKC, no spaces, no final
punctuation). Two items with the same title get `-2`, `-3`… in plan order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def normalise_title(title: str) -> str:
    s = unicodedata.normalize("NFKC", title)
    s = re.sub(r"\s+", "", s)
    return s.rstrip("。.;；:：!！?？")


def stable_id(title: str, taken: set[str] | None = None) -> str:
    """The id for an item titled `title`; unique within `taken` (to which it is added)."""
    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:10]
    base = f"t-{digest}"
    ident, n = base, 2
    if taken is not None:
        while ident in taken:
            ident = f"{base}-{n}"
            n += 1
        taken.add(ident)
    return ident


def add_ids(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`plangen ids`: the plan's YAML text with a stable id on every item that lacks one (first
    key of the item), comments and order kept (ruamel.yaml round trip); and the (id, title)
    pairs added. Text with nothing to add is returned unchanged."""
    from plangen.loading import round_trip_yaml
    from plangen.rollover import _items

    y = round_trip_yaml(preserve_quotes=True)
    data = y.load(text)
    plan = data.get("plan") if isinstance(data, dict) else None
    items = _items(plan) if isinstance(plan, dict) else []
    taken = {str(i["id"]) for i in items if isinstance(i, dict) and i.get("id")}
    added: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict) and not item.get("id"):
            if "id" in item:
                del item["id"]
            ident = stable_id(str(item.get("title", "")), taken)
            item.insert(0, "id", ident)
            added.append((ident, str(item.get("title", ""))))
    if not added:
        return text, []
    import io

    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue(), added


def run_ids(path: Path) -> int:
    """Add stable ids in place to a checked plan's items that lack one; list them."""
    import sys

    from plangen.errors import PlangenError, display_path
    from plangen.outio import atomic_write
    from plangen.view import load_checked

    try:
        load_checked(path)
    except PlangenError as e:
        raise PlangenError(f"{display_path(path)} 有错误，请先修正（plangen check）后再加编号。", e.problems) from None
    text = path.read_text(encoding="utf-8")
    new_text, added = add_ids(text)
    if not added:
        sys.stdout.write(f"{display_path(path)}：每个工作任务都已有编号（id），没有改动。\n")
        return 0
    atomic_write(path, new_text.encode("utf-8"), path.parent)
    sys.stdout.write(f"{display_path(path)}：为 {len(added)} 个工作任务加上了编号（注释和顺序不变）：\n")
    for ident, title in added:
        sys.stdout.write(f"  {ident}  {title}\n")
    return 0
