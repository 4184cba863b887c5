"""The build's inputs: which files are plans (`*.yaml`, `*.yml` — not rosters `*.roster.*`,
nor progress ledgers `*.progress.yaml` — one level of each folder given), and the previous
manifest, validated entry by entry (one that cannot be read or has the wrong shape is reported
and ignored, so every plan is built again and the manifest is written anew from the outputs)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from plangen.build.write import os_error_text
from plangen.errors import PlangenError, display_path

MANIFEST = "manifest.json"
PLAN_SUFFIXES = (".yaml", ".yml")
ROSTER_SUFFIXES = (".roster.yaml", ".roster.yml")
LEDGER_SUFFIXES = (".progress.yaml",)  # progress ledgers (plangen.progress) beside their plans


def plan_name(path: Path) -> str:
    for suffix in PLAN_SUFFIXES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


def is_plan_file(path: Path) -> bool:
    return path.name.endswith(PLAN_SUFFIXES) and not path.name.endswith(ROSTER_SUFFIXES + LEDGER_SUFFIXES)


def plan_files(inputs: Iterable[Path]) -> list[Path]:
    """The plan files named or found (one level) in folders, each once, in order."""
    files: dict[str, Path] = {}  # resolved → as given: a plan named twice is built once
    for p in inputs:
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if is_plan_file(f))
        elif p.exists() or p.is_symlink():
            found = [p] if not p.name.endswith(ROSTER_SUFFIXES + LEDGER_SUFFIXES) else []
        else:
            raise PlangenError(f"找不到 {p}", exit_code=2)
        for f in found:
            try:
                real = str(f.resolve(strict=True))
            except (OSError, RuntimeError):  # a symlink loop or a dangling link: fails alone
                real = str(f.absolute())
            files.setdefault(real, f)
    return list(files.values())


def load_manifest(outdir: Path, warn: Any) -> tuple[bytes | None, dict[str, Any]]:
    """(the manifest's bytes, its valid plan entries). A manifest that cannot be read or has
    the wrong shape is reported and ignored: every plan is then built and it is written anew."""
    path = outdir / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, {}
    except OSError as e:
        warn(f"{os_error_text(e, path)}；本次按输出重新生成清单")
        return None, {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("plans"), dict):
        warn(f"清单 {display_path(path)} 已损坏或格式不对，已忽略；本次重新生成全部计划并重写清单")
        return raw, {}
    plans: dict[str, Any] = {}
    for name, entry in data["plans"].items():
        files = entry.get("files") if isinstance(entry, dict) else None
        if isinstance(files, dict) and all(isinstance(v, dict) and isinstance(v.get("sha256"), str)
                                           for v in files.values()):
            plans[name] = entry
        else:
            warn(f"清单 {display_path(path)} 中计划“{name}”的记录格式不对，已忽略，该计划将重新生成")
    return raw, plans
