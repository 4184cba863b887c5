"""SOURCE_DATE_EPOCH, parsed once for everyone (https://reproducible-builds.org/specs/source-date-epoch/).

A value that is not a non-negative integer of seconds up to the end of year 9999 is ignored
(as if unset) and `epoch_warning()` says so in Chinese; nothing crashes on it. The build warns
and goes on (one bad variable must not stop an archive); `plangen render`, which makes one
document on request, refuses it with `require_valid()` (exit 1).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

VAR = "SOURCE_DATE_EPOCH"
MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC


def _raw(environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(VAR, "").strip()


def source_date_epoch(environ: Mapping[str, str] | None = None) -> int | None:
    """The epoch in seconds, or None when unset or invalid."""
    raw = _raw(environ)
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= MAX_EPOCH else None


def source_date(environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """The epoch as an aware UTC datetime, or None."""
    value = source_date_epoch(environ)
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


def epoch_warning(environ: Mapping[str, str] | None = None) -> str:
    """A Chinese warning when the variable is set but unusable, else ""."""
    raw = _raw(environ)
    if not raw or source_date_epoch(environ) is not None:
        return ""
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    return (f"环境变量 {VAR}={shown!r} 无效（应为 0 到 {MAX_EPOCH} 之间的整数秒），已忽略，"
            "按未设置处理")


def require_valid(environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """`source_date()`, or a PlangenError (exit 1) when the variable is set but unusable."""
    from plangen.errors import PlangenError

    raw = _raw(environ)
    if raw and source_date_epoch(environ) is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise PlangenError(f"环境变量 {VAR}={shown!r} 无效：应为 0 到 {MAX_EPOCH}（9999 年底）之间的整数秒。"
                           f"请改正或取消设置（unset {VAR}）后重试。")
    return source_date(environ)
