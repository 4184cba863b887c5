"""`plangen schema`: the committed JSON Schemas equal what the models produce, and they
describe the files (required keys, enums, descriptions in Chinese)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from plangen.schema import SCHEMA_DIR, schema_text


@pytest.mark.parametrize("kind", ["plan", "roster", "fonts"])
def test_committed_schema_is_current(kind: str) -> None:
    committed = (SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(kind), "run: .venv/bin/python -m plangen.schema"
    r = subprocess.run([sys.executable, "-m", "plangen", "schema", kind], capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout) == json.loads(committed)


def test_plan_schema_describes_the_file() -> None:
    s = json.loads(schema_text("plan"))
    assert s["required"] == ["plan"] and s["additionalProperties"] is False
    item = s["$defs"]["Item"]
    assert "责任股室" in item["properties"]["offices"]["description"]
    opts = s["$defs"]["PlanOptions"]["properties"]
    assert opts["item_title"]["enum"] == ["inline", "block"]
