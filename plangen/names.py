"""Names as a bureau writes them: the roster's index of offices and leaders (aliases folded to
the canonical name) and did-you-mean hints. Light (no pydantic): check, view, sheets and the
importer share it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plangen.model import Roster

ROSTER_SUFFIX = ".roster.yaml"


def is_roster_path(path: Path) -> bool:
    return path.name.endswith(ROSTER_SUFFIX)


@dataclass
class RosterIndex:
    """Names as written → canonical roster names, for offices and leaders."""

    bureau: str
    offices: list[str] = field(default_factory=list)  # canonical, roster order
    leaders: list[str] = field(default_factory=list)
    office_names: dict[str, str] = field(default_factory=dict)  # spelling → canonical
    leader_names: dict[str, str] = field(default_factory=dict)
    leader_posts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_roster(cls, roster: Roster) -> RosterIndex:
        idx = cls(bureau=roster.bureau)
        for entry in roster.offices:
            name, aliases = (entry, []) if isinstance(entry, str) else (entry.name, entry.aliases)
            idx.offices.append(name)
            for spelling in (name, *aliases):
                idx.office_names.setdefault(spelling, name)
        for entry in roster.leaders:
            if isinstance(entry, str):
                name, aliases, post = entry, [], None
            else:
                name, aliases, post = entry.name, entry.aliases, entry.post
            idx.leaders.append(name)
            if post:
                idx.leader_posts[name] = post
            for spelling in (name, *aliases):
                idx.leader_names.setdefault(spelling, name)
        return idx

    def office(self, name: str) -> str | None:
        return self.office_names.get(name)

    def leader(self, name: str) -> str | None:
        return self.leader_names.get(name)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return f"是否为“{match[0]}”？" if match else ""
