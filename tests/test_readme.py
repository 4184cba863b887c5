"""Every YAML example in the README loads and checks clean."""

from __future__ import annotations

import re
from pathlib import Path

from plangen.check import check_file

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_examples_check_clean(tmp_path: Path) -> None:
    found = blocks()
    assert len(found) >= 2
    rosters = [b for b in found if re.search(r"^bureau:", b, re.M)]
    plans = [b for b in found if re.search(r"^plan:", b, re.M)]
    assert rosters and plans
    roster = tmp_path / "yunxi.roster.yaml"
    # the README roster shows the shape; the plan example names a few more offices and leaders
    roster.write_text(rosters[0], encoding="utf-8")
    r = check_file(roster)
    assert r.ok, [p.format() for p in r.problems]
    for i, text in enumerate(plans):
        p = tmp_path / f"example-{i}.yaml"
        p.write_text(text, encoding="utf-8")
        r = check_file(p)
        assert r.ok, [p.format() for p in r.problems]
        assert r.plan is not None and r.plan.notice is not None
