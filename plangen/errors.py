"""Positions, problems and the one exception type users see.

Every message a user reads is Chinese and carries file:line:col where there is one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Pos:
    """1-based line and column in a file."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Problem:
    pos: Pos
    code: str  # e.g. E201; W for warnings
    message: str  # Chinese, what is wrong
    hint: str = ""  # Chinese, what to do
    severity: Severity = "error"

    def format(self) -> str:
        label = "错误" if self.severity == "error" else "警告"
        text = f"{self.pos}: {label} {self.code}: {self.message}"
        if self.hint:
            text += f"（{self.hint}）"
        return text

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["pos"] = {"file": self.pos.file, "line": self.pos.line, "col": self.pos.col}
        return d


@dataclass
class Problems:
    """An ordered collection of problems; `check` returns all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, pos: Pos, code: str, message: str, hint: str = "", *, warning: bool = False) -> None:
        self.items.append(Problem(pos, code, message, hint, "warning" if warning else "error"))

    def extend(self, other: Iterable[Problem]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.pos.file, p.pos.line, p.pos.col, p.code))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)


class PlangenError(Exception):
    """An error with a Chinese message for the user; the CLI prints it and exits 1 (no traceback)."""

    def __init__(self, message: str, problems: Iterable[Problem] = (), exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.exit_code = exit_code

    def format(self) -> str:
        lines = [p.format() for p in self.problems]
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


def problems_json(problems: Iterable[Problem]) -> str:
    return json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2)


def display_path(path: Path) -> str:
    """The path as the user should read it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel
