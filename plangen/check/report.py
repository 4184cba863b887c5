"""`plangen check FILES…`: the report on screen (bounded) or as JSON, and the exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from plangen.check.files import check_file
from plangen.errors import Problem, display_path, problems_json

MAX_PRINTED = 200  # problems printed on screen; --json carries them all


def _expand(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        else:
            out.append(p)
    return out


def run_check(paths: Sequence[Path], *, as_json: bool = False, strict: bool = False) -> int:
    files = _expand(paths)
    all_problems: list[Problem] = []
    summary = []
    for f in files:
        r = check_file(f)
        all_problems.extend(r.problems.sorted())
        summary.append((display_path(f), r.kind, len(r.problems.errors), len(r.problems.warnings)))
    errors = sum(s[2] for s in summary)
    warnings = sum(s[3] for s in summary)
    if as_json:
        out = {
            "files": [{"file": s[0], "kind": s[1], "errors": s[2], "warnings": s[3]} for s in summary],
            "problems": json.loads(problems_json(all_problems)),
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        _print(all_problems, len(files), errors, warnings)
    if not files:
        return 1
    return 1 if errors or (strict and warnings) else 0


def _print(problems: list[Problem], files: int, errors: int, warnings: int) -> None:
    w = sys.stdout.write
    for p in problems[:MAX_PRINTED]:
        w(p.format() + "\n")
    if len(problems) > MAX_PRINTED:
        w(f"……另有 {len(problems) - MAX_PRINTED} 个问题未列出（只列出前 {MAX_PRINTED} 个；"
          "先改正上面的，或用 --json 查看全部）。\n")
    if not files:
        w("没有找到要检查的 .yaml 文件。\n")
    elif errors or warnings:
        w(f"共检查 {files} 个文件：{errors} 个错误，{warnings} 个警告。\n")
    else:
        w(f"共检查 {files} 个文件，没有发现问题。\n")
