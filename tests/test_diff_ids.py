"""`plangen new --from` gives items stable ids where they have none (plangen.ids)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from plangen.view import load_view
from plangen.ids import ID_RE, stable_id

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", *args], capture_output=True, text=True,
                          timeout=300)


def test_stable_id_is_pure_and_valid() -> None:
    a = stable_id("深入学习贯彻党的二十大精神")
    assert a == stable_id(" 深入学习贯彻党的二十大精神。") and ID_RE.match(a)
    assert a != stable_id("不断加强基层党建工作")
    taken: set[str] = set()
    assert [stable_id("同题", taken) for _ in range(3)] == [stable_id("同题"), stable_id("同题") + "-2",
                                                          stable_id("同题") + "-3"]


def _without_ids(tmp_path: Path, keep: set[str]) -> Path:
    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(REPO / "plans" / f, tmp_path / f)
    src = tmp_path / "yunxi-2024.yaml"
    text = src.read_text(encoding="utf-8")
    text = re.sub(r"- id: ([\w-]+)\n\s+title:", lambda m: m.group(0) if m.group(1) in keep else "- title:",
                  text)
    src.write_text(text, encoding="utf-8")
    return src


def test_new_from_adds_ids_and_keeps_existing(tmp_path: Path) -> None:
    src = _without_ids(tmp_path, keep={"party-study", "finance"})
    assert [i.id for i in load_view(src).plan.items].count(None) == 21
    r = cli("new", "--from", str(src), "--year", "2025")
    assert r.returncode == 0, r.stdout + r.stderr
    new = load_view(tmp_path / "yunxi-2025.yaml")
    ids = [i.id for i in new.plan.items]
    assert None not in ids and len(set(ids)) == len(ids) and all(ID_RE.match(i) for i in ids)
    assert ids[0] == "party-study" and "finance" in ids
    assert ids[1] == stable_id(new.plan.items[1].title)
    text = (tmp_path / "yunxi-2025.yaml").read_text(encoding="utf-8")
    assert "# 原文此处以“，”接责任注释" in text  # comments survive
    # next year again: the same ids, nothing added
    r = cli("new", "--from", str(tmp_path / "yunxi-2025.yaml"), "--year", "2026")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [i.id for i in load_view(tmp_path / "yunxi-2026.yaml").plan.items] == ids
