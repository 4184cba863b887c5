"""`plangen ids` and `plangen new --from … --carry-unfinished` on a two-period ledger."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from progress_support import FILLS, fill, fill_all, make_forms, plan_copy, run


def test_carry_unfinished_two_periods(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    make_forms(tmp_path, "2024-05")
    may = [fill(tmp_path / "forms" / "教育股-2024-05.xlsx", tmp_path / "教育股-2024-05.xlsx",
                {"formula": ("五月", 30, "推进中", ""), "school-check": ("五月", 50, "推进中", ""),
                 "curriculum": ("五月", 20, "推进中", "")}),
           fill(tmp_path / "forms" / "信息中心-2024-05.xlsx", tmp_path / "信息中心-2024-05.xlsx",
                {"digital": ("已建成", 100, "已完成", "")})]
    assert run("progress", "collect", "town-2024.yaml", *map(str, may), cwd=tmp_path).returncode == 0
    make_forms(tmp_path, "2024-06")
    june = fill_all(tmp_path, tmp_path / "forms", tmp_path / "back")
    assert run("progress", "collect", "town-2024.yaml", *map(str, june), cwd=tmp_path).returncode == 0
    r = run("new", "--from", "town-2024.yaml", "--year", "2025", "--carry-unfinished", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    new = yaml.safe_load((tmp_path / "town-2025.yaml").read_text(encoding="utf-8"))
    items = [i for s in new["plan"]["sections"] for i in s["items"]]
    carried = {i["id"] for i in items if i.get("carried")}
    # the latest period (2024-06) decides: only school-check is 已完成 there; digital was done in
    # May but its office sent no return in June (未报送), so it is carried too
    done_in_june = {item for office, rows in FILLS.items() for item, v in rows.items() if v[2] == "已完成"}
    assert done_in_june == {"school-check"}
    assert carried == {i["id"] for i in items} - done_in_june
    assert [i["id"] for i in items] == ["ledger", "formula", "school-check", "games", "curriculum", "routine",
                                        "digital", "safety"]  # ids kept, order kept
    assert "上年度未完成、标为“续办”的工作任务 7 项（编号不变）" in r.stdout
    assert "digital  推进教育信息化建设（上年度6月未报送）" in r.stdout
    assert "curriculum  推进课程改革（上年度6月滞后，完成进度30%）" in r.stdout
    assert "仍写着 2024 年" not in r.stdout
    text = (tmp_path / "town-2025.yaml").read_text(encoding="utf-8")
    assert "# 测试用计划" in text and "# 续办：上年度6月滞后，完成进度30%" in text
    assert run("check", "town-2025.yaml", cwd=tmp_path).returncode == 0


def test_carry_unfinished_needs_a_ledger(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    r = run("new", "--from", "town-2024.yaml", "--year", "2025", "--carry-unfinished", cwd=tmp_path)
    assert r.returncode == 1 and "--carry-unfinished 需要台账" in r.stderr
    assert not (tmp_path / "town-2025.yaml").exists()


def test_ids_in_place_keeps_comments(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    p = tmp_path / "town-2024.yaml"
    text = p.read_text(encoding="utf-8")
    text = text.replace("        - id: games\n          title", "        # 运动会：每年春季\n        - title")
    text = text.replace("        - id: safety\n          title", "        - title")
    p.write_text(text, encoding="utf-8")
    r = run("ids", "town-2024.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "为 2 个工作任务加上了编号" in r.stdout
    new = p.read_text(encoding="utf-8")
    assert "# 运动会：每年春季" in new and "# 测试用计划" in new
    data = yaml.safe_load(new)
    items = [i for s in data["plan"]["sections"] for i in s["items"]]
    assert all(i.get("id") for i in items)
    from plangen.ids import stable_id

    assert items[3]["id"] == stable_id("举办春季运动会") and items[3]["title"] == "举办春季运动会"
    # the rest of the file is as it was, line for line: drop the added id lines (and put the
    # list dash back on the item's next key) and the old text comes back exactly
    back, dash = [], None
    for line in new.splitlines(keepends=True):
        m = re.match(r"^(\s*)- id: t-[0-9a-f]{10}\n$", line)
        if m:
            dash = len(m.group(1))
            continue
        if dash is not None:
            line, dash = line[:dash] + "- " + line[dash + 2:], None
        back.append(line)
    assert "".join(back) == text
    r = run("ids", "town-2024.yaml", cwd=tmp_path)
    assert r.returncode == 0 and "没有改动" in r.stdout and p.read_text(encoding="utf-8") == new
    assert run("progress", "forms", "town-2024.yaml", "--period", "2024-06", cwd=tmp_path).returncode == 0
