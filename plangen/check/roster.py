"""Rosters: checks on a roster file, and the roster a plan names (`roster:`).

A plan's roster must be a roster (issue 19.1): a mapping with `bureau` and no `plan`. Anything
else — another plan, the plan itself, /etc/passwd through a link — is one located error that
quotes nothing from that file, and it is never followed further (two plans naming each other
gave RecursionError)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plangen.check.common import as_dict
from plangen.check.naming import check_names, roster_names
from plangen.check.paths import outside_hint, resolve_inside
from plangen.check.text import check_strings
from plangen.check.vocab import PLAN_WORDS
from plangen.errors import Pos, Problem, Problems, display_path
from plangen.loading import Loaded, load_yaml
from plangen.model import Roster
from plangen.names import ROSTER_SUFFIX, RosterIndex
from plangen.validate import validate

_cache: dict[tuple[str, int, int], tuple[Roster | None, list[Problem]]] = {}


def looks_like_roster(data: Any) -> bool:
    return isinstance(data, dict) and "bureau" in data and "plan" not in data


def check_roster_data(loaded: Loaded, problems: Problems) -> Roster | None:
    """Validate and check a loaded roster file; its problems go to `problems`."""
    roster = validate(Roster, loaded, problems, PLAN_WORDS)
    data = as_dict(loaded.data)
    for key, what in (("offices", "股室"), ("leaders", "领导")):
        seen: dict[str, Pos] = {}
        for path, name in roster_names({key: data.get(key)}):
            if name in seen:
                problems.add(loaded.pos(path), "E211",
                             f"{what}名称“{name}”重复（第一次出现在第 {seen[name].line} 行）",
                             "每个名称（含别名）只能出现一次")
            else:
                seen[name] = loaded.pos(path)
    check_names(loaded, problems, roster_names(data))
    check_strings(loaded, problems)
    return roster


def _load_roster(path: Path) -> tuple[Roster | None, list[Problem], bool]:
    """(roster, its problems, whether it is a roster at all), memoised on mtime and size."""
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _cache:
        return (*_cache[key], True)
    loaded = load_yaml(path, display_path(path))
    if not looks_like_roster(loaded.data):
        intended = path.name.endswith(ROSTER_SUFFIX) and loaded.data is None
        return None, list(loaded.problems) if intended else [], intended
    problems = Problems(list(loaded.problems))
    roster = check_roster_data(loaded, problems)
    if key is not None:
        _cache[key] = (roster, list(problems))
    return roster, list(problems), True


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a name longer than the file system allows
        return False


def plan_roster(loaded: Loaded, problems: Problems) -> tuple[Roster | None, Path | None]:
    """The roster a plan names, checked; its errors join the plan's problems."""
    written = as_dict(loaded.data).get("roster")
    if not isinstance(written, str):
        return None, None
    pos = loaded.pos(("roster",))
    if not written.strip():
        problems.add(pos, "E104", "名册（roster）不能只有空格",
                     "请写上名册文件名，如 roster: yunxi.roster.yaml；不用名册时删除这一行")
        return None, None
    rpath, inside = resolve_inside(loaded.path, written)
    if not inside:
        problems.add(pos, "E214", f"名册“{written}”不在计划文件夹之内", outside_hint(loaded.path))
        return None, None
    if rpath == loaded.path.resolve():
        problems.add(pos, "E210", "计划不能把自己当作名册", "请写上本单位名册文件，如 yunxi.roster.yaml")
        return None, None
    if not _exists(rpath):
        problems.add(pos, "E208", f"找不到名册文件“{written}”",
                     f"名册路径相对于本文件，应位于 {display_path(rpath)}")
        return None, None
    roster, found, is_roster = _load_roster(rpath)
    if not is_roster:
        problems.add(pos, "E209", f"“{written}”不是名册文件",
                     "名册是写有 bureau:（单位名称）和 offices:、leaders: 的 .roster.yaml 文件；"
                     "请检查 roster: 写的文件名")
        return None, None
    problems.extend(p for p in found if p.severity == "error")
    return roster, rpath if roster is not None else None


def roster_index(roster: Roster | None) -> RosterIndex | None:
    return RosterIndex.from_roster(roster) if roster is not None else None

