"""`plangen schema`: JSON Schema of the plan, roster and font-profile files.

The schemas are generated from the pydantic models (model.py, fonts.py); copies are committed
in plangen/data/schema/ so editors can point at them (`# yaml-language-server: $schema=…`), and
a test keeps the copies equal to what the models produce.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).parent / "data" / "schema"


def schema_for(kind: str) -> dict[str, Any]:
    if kind == "plan":
        from plangen.model import PlanFile as model
    elif kind == "roster":
        from plangen.model import Roster as model  # type: ignore[assignment]
    elif kind == "fonts":
        from plangen.fonts import ProfileFile as model  # type: ignore[assignment]
    else:
        raise ValueError(kind)
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    titles = {"plan": "plangen 计划文件", "roster": "plangen 名册文件", "fonts": "plangen 字体方案"}
    schema["title"] = titles[kind]
    return schema


def schema_text(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"


def write_schema_files() -> None:
    """Regenerate the committed copies (used by `make schema`)."""
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for kind in ("plan", "roster", "fonts"):
        (SCHEMA_DIR / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")


def run_schema(kind: str) -> int:
    sys.stdout.write(schema_text(kind))
    return 0


if __name__ == "__main__":
    write_schema_files()
