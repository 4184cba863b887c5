"""`check_file`: load a plan or roster file and check it. Never raises for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from plangen.check.naming import check_names, plan_names
from plangen.check.notice import check_notice
from plangen.check.plan import check_plan
from plangen.check.result import CheckResult
from plangen.check.roster import check_roster_data, looks_like_roster, plan_roster, roster_index
from plangen.check.templates import check_sheet_look
from plangen.check.text import check_strings
from plangen.check.vocab import PLAN_WORDS
from plangen.errors import display_path
from plangen.loading import load_yaml
from plangen.model import PlanFile
from plangen.names import is_roster_path
from plangen.validate import validate


def check_file(path: Path, display: str | None = None) -> CheckResult:
    """Load and check a plan or roster file: every problem, in Chinese, with file:line:col."""
    path = Path(path)
    loaded = load_yaml(path, display or display_path(path))
    problems = loaded.problems
    kind: Literal["plan", "roster"] = "roster" if is_roster_path(path) else "plan"
    if looks_like_roster(loaded.data):
        kind = "roster"
    result = CheckResult(path=path, kind=kind, loaded=loaded, problems=problems)
    if path.name.endswith(".progress.yaml"):  # a progress ledger (plangen.progress.ledger)
        from plangen.progress.ledger import validate_ledger

        result.kind = "ledger"
        if loaded.data is not None:
            validate_ledger(loaded, problems)
        return result
    if loaded.data is None:
        return result
    if kind == "roster":
        result.roster = check_roster_data(loaded, problems)
        return result
    roster, rpath = plan_roster(loaded, problems)
    result.roster, result.roster_path, result.roster_index = roster, rpath, roster_index(roster)
    result.plan = validate(PlanFile, loaded, problems, PLAN_WORDS)
    check_plan(loaded, problems, result.roster_index)
    check_notice(loaded, problems)
    check_sheet_look(loaded, problems)
    if isinstance(loaded.data, dict):
        check_names(loaded, problems, plan_names(loaded.data))
    check_strings(loaded, problems)
    return result
