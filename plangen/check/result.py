"""What `check_file` returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from plangen.errors import Problems
from plangen.loading import Loaded
from plangen.model import PlanFile, Roster
from plangen.names import RosterIndex


@dataclass
class CheckResult:
    path: Path
    kind: Literal["plan", "roster", "ledger"]
    loaded: Loaded
    problems: Problems
    plan: PlanFile | None = None
    roster: Roster | None = None
    roster_path: Path | None = None
    roster_index: RosterIndex | None = None

    @property
    def ok(self) -> bool:
        return not self.problems.errors
