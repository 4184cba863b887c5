"""`plangen new --from`: what issue 13.12 and 19.10 found wrong with the rollover."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plangen.check import check_file
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "plangen", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


@pytest.fixture
def yunxi(tmp_path: Path) -> Path:
    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(REPO / "plans" / f, tmp_path / f)
    return tmp_path / "yunxi-2024.yaml"


PLAIN = """\
plan:
  title: 某局2024年工作要点
  year: 2024
  sections:
    - title: 重点工作
      items:
        - title: 完成2024年度校舍维修
          text: 对照2024年清单逐项完成。
          due: 2024-06-30
          milestones:
            - due: 2024-03-31
              target: 完成招标
"""


def listed(stdout: str, name: str) -> dict[int, str]:
    return {int(n): t for n, t in re.findall(rf"{re.escape(name)}:(\d+): (.*)", stdout)}


def test_item_titles_naming_the_old_year_are_listed_and_due_words_roll(tmp_path: Path) -> None:
    src = tmp_path / "a-2024.yaml"
    src.write_text(PLAIN.replace("due: 2024-06-30", "due: 2024年底前"), encoding="utf-8")
    r = cli("new", "--from", str(src), "--year", "2025")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = (tmp_path / "a-2025.yaml").read_text(encoding="utf-8").split("\n")
    got = listed(r.stdout, "a-2025.yaml")
    title_line = next(n for n, t in enumerate(lines, 1) if "完成2024年度" in t)
    assert got[title_line].startswith("title: 完成2024年度"), got
    assert all("2024" in lines[n - 1] for n in got)
    assert any("due: 2025年底前" in t for t in lines) and not any("2024年底前" in t for t in lines)


def test_milestone_dates_move_with_the_year(tmp_path: Path) -> None:
    src = tmp_path / "a-2024.yaml"
    src.write_text(PLAIN, encoding="utf-8")
    assert cli("new", "--from", str(src), "--year", "2026").returncode == 0
    text = (tmp_path / "a-2026.yaml").read_text(encoding="utf-8")
    assert "due: 2026-03-31" in text and "due: 2026-06-30" in text
    assert load_view(tmp_path / "a-2026.yaml").plan.year == 2026


def test_long_lines_are_listed_with_their_key_not_clipped(yunxi: Path) -> None:
    text = yunxi.read_text(encoding="utf-8")
    long = "为深入贯彻落实党的二十大精神和全国教育大会精神，结合实际，现将2024年教育体育重点工作安排如下，请认真贯彻执行。"
    yunxi.write_text(re.sub(r"(?m)^(  preamble: ).*$", lambda m: m.group(1) + long, text, count=1),
                     encoding="utf-8")
    r = cli("new", "--from", str(yunxi), "--year", "2025")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = (yunxi.parent / "yunxi-2025.yaml").read_text(encoding="utf-8").split("\n")
    got = listed(r.stdout, "yunxi-2025.yaml")
    assert got
    for n, excerpt in got.items():
        key = re.match(r"\s*(?:- )?([a-z_]+):", lines[n - 1])
        if key:  # the listing names the key the line holds (body:, preamble:, title:)
            assert excerpt.startswith(key.group(1) + ":"), (lines[n - 1], excerpt)
        assert "2024" in excerpt
    assert any(e.startswith("preamble: ") and "现将2024年" in e for e in got.values()), got


def test_plan_without_notice_does_not_claim_number_and_date_were_cleared(tmp_path: Path) -> None:
    src = tmp_path / "a-2024.yaml"
    src.write_text(PLAIN, encoding="utf-8")
    r = cli("new", "--from", str(src), "--year", "2025")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "发文字号" not in r.stdout and "成文日期" not in r.stdout
    assert "年度 2024 → 2025。" in r.stdout


def test_notice_plan_says_what_was_cleared(yunxi: Path) -> None:
    r = cli("new", "--from", str(yunxi), "--year", "2025")
    assert "发文字号、成文日期、印发日期已清空待填" in r.stdout, r.stdout


def test_w305_example_uses_the_plan_year(yunxi: Path) -> None:
    assert cli("new", "--from", str(yunxi), "--year", "2031").returncode == 0
    w = [p for p in check_file(yunxi.parent / "yunxi-2031.yaml").problems if p.code == "W305"]
    assert len(w) == 1 and "date: 2031-" in w[0].hint, w


def test_new_into_another_folder_rewrites_the_roster_path(yunxi: Path, tmp_path: Path) -> None:
    out = tmp_path / "next" / "yunxi-2025.yaml"
    r = cli("new", "--from", str(yunxi), "--year", "2025", "-o", str(out),
            env={"PLANGEN_ALLOWED_DIRS": str(yunxi.parent)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "roster: ../yunxi.roster.yaml" in out.read_text(encoding="utf-8")
    import os

    os.environ["PLANGEN_ALLOWED_DIRS"] = str(yunxi.parent)
    try:
        r2 = check_file(out)
    finally:
        del os.environ["PLANGEN_ALLOWED_DIRS"]
    assert r2.ok and r2.roster_index is not None, [p.format() for p in r2.problems]
    assert r2.roster_path == yunxi.parent / "yunxi.roster.yaml"


def test_utf16_plan_rolls_over(tmp_path: Path) -> None:
    src = tmp_path / "a-2024.yaml"
    src.write_bytes(PLAIN.encode("utf-16"))
    assert check_file(src).ok
    r = cli("new", "--from", str(src), "--year", "2025")
    assert r.returncode == 0, r.stdout + r.stderr
    assert load_view(tmp_path / "a-2025.yaml").plan.year == 2025


@pytest.mark.parametrize("year", ["20000", "-1", "0", "1800"])
def test_absurd_years_are_refused_with_a_message(tmp_path: Path, year: str) -> None:
    src = tmp_path / "a-2024.yaml"
    src.write_text(PLAIN, encoding="utf-8")
    r = cli("new", "--from", str(src), "--year", year)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"新年度 {year} 不对" in r.stderr and "内部错误" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2024.yaml"]
