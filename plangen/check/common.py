"""Walking the raw data of a plan (positions live in `Loaded`, keyed by these paths)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plangen.loading import PathT


def as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def as_dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or v == []


def walk_strings(data: Any, path: PathT = ()) -> Iterable[tuple[PathT, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from walk_strings(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk_strings(v, (*path, i))


def items_with_paths(plan: Any) -> Iterable[tuple[PathT, dict[str, Any]]]:
    """Every item of a plan (raw data) with its path, in plan order."""
    for si, sec in enumerate(as_list(as_dict(plan).get("sections"))):
        if not isinstance(sec, dict):
            continue
        base: PathT = ("plan", "sections", si)
        for ii, item in enumerate(as_list(sec.get("items"))):
            if isinstance(item, dict):
                yield (*base, "items", ii), item
        for ui, sub in enumerate(as_list(sec.get("subsections"))):
            if isinstance(sub, dict):
                for ii, item in enumerate(as_list(sub.get("items"))):
                    if isinstance(item, dict):
                        yield (*base, "subsections", ui, "items", ii), item
