"""The nightly build's hook into progress (plangen.build calls these; nothing else here runs).

- The ledger beside a plan is part of the plan's build key (plangen.build.run hashes it), so
  collecting returns rebuilds the reports.
- `periods`: the periods with returns, newest first; the build renders a report for each.
- `render_period`: one period's 督查通报 and 台账 in the build's formats, as files relative to
  output/<plan>/ (progress/<P>/督查通报-<P>.docx|pdf, progress/<P>/台账-<P>.xlsx).
- `summary`: the latest period's lights for index.html (counts, and a small table by office).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from plangen.progress.ledger import ledger_path

PROGRESS_DIR = "progress"
# build format → report format: docx/pdf are the 督查通报, xlsx the 台账
BUILD_FORMATS = {"docx": "docx", "pdf": "pdf", "xlsx": "xlsx"}


def _ledger(view: Any) -> Any:
    from plangen.progress.ledger import load_ledger

    path = ledger_path(view.source)
    return load_ledger(path, view.name) if path.exists() else None


def periods(view: Any) -> list[str]:
    """Periods with returns in the plan's ledger, newest first ([] without a ledger). A broken
    ledger raises PlangenError (the plan then fails in the build, with the ledger's problems)."""
    ledger = _ledger(view)
    return ledger.periods() if ledger is not None else []


def render_period(view: Any, period: str, formats: Sequence[str], profile: Any) -> dict[str, bytes]:
    from plangen import reads
    from plangen.progress.report import build_report, render_report, report_paths
    from plangen.progress.schedule import parse_period

    reads.record(ledger_path(view.source))
    ledger = _ledger(view)
    p = parse_period(period, view.progress)
    report = build_report(view, ledger, p)
    _, paths = report_paths(Path("."), view.name, p.key)
    out = {}
    for fmt in formats:
        rel = f"{PROGRESS_DIR}/{p.key}/{paths[BUILD_FORMATS[fmt]].name}"
        out[rel] = render_report(report, ledger, BUILD_FORMATS[fmt], profile)
    return out


def summary(view: Any, warn: Callable[[str], None] | None = None) -> dict[str, Any] | None:
    """The latest period's lights, JSON-ready, or None without returns. `warn` gets each place
    where the ledger no longer matches the plan (plangen.progress.returns; never a failure)."""
    from plangen.progress.report import build_report
    from plangen.progress.returns import ledger_warnings
    from plangen.progress.schedule import parse_period

    ledger = _ledger(view)
    if ledger is None or not ledger.periods():
        return None
    for w in ledger_warnings(view, ledger, ledger_path(view.source)) if warn else ():
        warn(w.format())
    p = parse_period(ledger.periods()[0], view.progress)
    rep = build_report(view, ledger, p)
    t = rep.overall
    return {"period": p.key, "label": p.label,
            "counts": {"已完成": t.done, "按序时推进": t.on_track, "滞后": t.lagging, "未报送": t.missing,
                       "共": t.total},
            "offices": [[o.name, o.total, o.done, o.on_track, o.lagging, o.missing, o.rate]
                        for o in rep.offices if o.total]}
