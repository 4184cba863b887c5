"""The nightly build renders the progress reports where returns exist, and not elsewhere; the
ledger is part of the key; index.html shows the latest lights."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

from progress_support import DATA, LEAD, STANDING, fill, fill_all, light, make_forms, run

JUNE = dt.date(2024, 6, 30)


def _plans(tmp: Path) -> Path:
    plans = tmp / "plans"
    plans.mkdir()
    for f in ("town-2024.yaml", "town.roster.yaml"):
        shutil.copy(DATA / f, plans / f)
    shutil.copy(DATA / "town-2024.yaml", plans / "village-2024.yaml")  # no returns
    return plans


def test_build_reports_where_returns_exist(tmp_path: Path) -> None:
    plans = _plans(tmp_path)
    r = run("build", "plans", "-o", "out", "-j1", "--formats", "xlsx", cwd=tmp_path)
    assert r.returncode == 0 and not (tmp_path / "out" / "town-2024" / "progress").exists()
    make_forms(plans, "2024-06")
    files = fill_all(plans, plans / "forms", tmp_path / "back")
    assert run("progress", "collect", "town-2024.yaml", *map(str, files), cwd=plans).returncode == 0
    shutil.rmtree(plans / "forms")
    # the first returns: the ledger appears, so town's key changes (village's does not)
    r = run("build", "plans", "-o", "out", "-j1", "--formats", "xlsx", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "重建 1 个" in r.stderr + r.stdout
    out = tmp_path / "out"
    assert (out / "town-2024" / "progress" / "2024-06" / "台账-2024-06.xlsx").is_file()
    assert not (out / "village-2024" / "progress").exists()
    assert not (out / "town-2024.progress").exists()  # the ledger is not a plan
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["plans"]) == {"town-2024", "village-2024"}
    assert "progress/2024-06/台账-2024-06.xlsx" in manifest["plans"]["town-2024"]["files"]
    # index.html: the latest lights, counted here independently
    html = (out / "index.html").read_text(encoding="utf-8")
    c = Counter(STANDING[light(i, JUNE)] for i in LEAD)
    assert "督查督办（2024年6月）" in html
    text = re.sub(r"<[^>]+>", "", html)
    assert f"共 {len(LEAD)} 项：已完成 {c['已完成']}按序时推进 {c['按序时推进']}滞后 {c['滞后']}未报送 {c['未报送']}" in text
    sport = [i for i in LEAD if LEAD[i] == "体育股"]
    lag = sum(STANDING[light(i, JUNE)] == "滞后" for i in sport)
    row = re.search(r"<tr><td class=\"name\">体育股</td>(.*?)</tr>", html).group(1)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", " ", row).split() == [str(len(sport)), "0", "0", str(lag), "0", "0.0%"]
    assert 'class="l-red">2<' in row
    assert html.count("督查督办（") == 1  # village has none

    # nothing changed: nothing rebuilt
    r = run("build", "plans", "-o", "out", "-j1", "--formats", "xlsx", cwd=tmp_path)
    assert "重建 0 个" in r.stderr + r.stdout
    # a new period's return changes the ledger, so the key: town rebuilds, village does not
    make_forms(plans, "2024-07")
    july = fill(plans / "forms" / "办公室-2024-07.xlsx", tmp_path / "办公室-2024-07.xlsx",
                {"ledger": ("七月", 60, "推进中", ""), "safety": ("七月", 40, "推进中", ""),
                 "school-check": ("", None, None, "")})
    shutil.rmtree(plans / "forms")
    assert run("progress", "collect", "town-2024.yaml", str(july), cwd=plans).returncode == 0
    r = run("build", "plans", "-o", "out", "-j1", "--formats", "xlsx", cwd=tmp_path)
    log = r.stderr + r.stdout
    assert "重建 1 个" in log and "已生成：plans/town-2024.yaml" in log and "village" not in log.split("构建完成")[0]
    assert (out / "town-2024" / "progress" / "2024-07" / "台账-2024-07.xlsx").is_file()
    assert (out / "town-2024" / "progress" / "2024-06" / "台账-2024-06.xlsx").is_file()
    assert "督查督办（2024年7月）" in (out / "index.html").read_text(encoding="utf-8")
    r = run("check", "plans", cwd=tmp_path)
    assert r.returncode == 0, r.stdout
