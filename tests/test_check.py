"""`plangen check`: every kind of problem, with its message, position and exit status."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plangen.check import check_file, run_check

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"

ROSTER = """\
bureau: 岳阳市云溪区教育体育局
leaders:
  - 陈玲玲
  - {name: 陈丽, post: 副局长}
offices:
  - 办公室
  - 教育股
  - 基础教育股
  - {name: 纪检监察室, aliases: [纪监室]}
"""

GOOD = """\
roster: t.roster.yaml
notice:
  issuers: [岳阳市云溪区教育体育局]
  number: 岳云教体〔2024〕4号
  title: 关于印发《云溪区2024年教育体育工作要点》的通知
  to: 区直各中小学
  body: 现予以印发。
  date: 2024-02-22
plan:
  title: 云溪区2024年教育体育工作要点
  year: 2024
  sections:
    - title: 指导思想
      text: 坚持以习近平新时代中国特色社会主义思想为指导。
    - title: 重点工作
      items:
        - id: a
          title: 加强党建
          text: 加强党对教育工作的全面领导。
          leaders: [陈玲玲]
          offices: [办公室, 纪监室]
          due: 全年
        - title: 提升质量
          offices: [教育股]
          due: 2024-06-30
"""


def write(tmp_path: Path, text: str | bytes, name: str = "t.yaml", roster: bool = True) -> Path:
    if roster:
        (tmp_path / "t.roster.yaml").write_text(ROSTER, encoding="utf-8")
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems(path: Path) -> list[tuple[int, int, str, str]]:
    return [(p.pos.line, p.pos.col, p.code, p.message) for p in check_file(path).problems.sorted()]


def test_good_plan_is_clean(tmp_path: Path) -> None:
    r = check_file(write(tmp_path, GOOD))
    assert r.ok and not r.problems.items, [p.format() for p in r.problems]
    assert r.plan is not None and r.roster is not None


# what | text replaced | its replacement | line:col | code | message fragment  (⏎ newline, ⇥ tab,
# 长×501 a run of 501 长; the fields keep their leading spaces)
LOCATED_TABLE = r"""
YAML syntax |   body: 现予以印发。 |   body: 现予以印发。⏎  x: [1, 2 | 8:6 | E005 | 没有闭合
tab indent |       text: 坚持 | ⇥    text: 坚持 | 14:1 | E003 | 制表符
duplicate key |   year: 2024 |   year: 2024⏎  year: 2025 | 12:3 | E012 | 键“year”重复
unknown key |   year: 2024 |   year: 2024⏎  titel: x | 12:3 | E101 | 未知的键“titel”
wrong type |   year: 2024 |   year: 二〇二四 | 11:9 | E108 | 应为整数
missing key |   title: 云溪区2024年教育体育工作要点⏎ |  | 10:3 | E102 | 缺少必填项“title”
empty section |     - title: 指导思想⏎      text: 坚持以习近平新时代中国特色社会主义思想为指导。⏎ |     - title: 指导思想⏎ | 13:7 | E201 | 是空的
unknown office | offices: [教育股] | offices: [教育局] | 24:21 | E204 | 名册中没有股室“教育局”
unknown leader | leaders: [陈玲玲] | leaders: [陈琳琳] | 20:21 | E204 | 名册中没有责任领导“陈琳琳”
number brackets | 岳云教体〔2024〕4号 | 岳云教体[2024]4号 | 4:11 | E205 | 括号不对
number zero | 岳云教体〔2024〕4号 | 岳云教体〔2024〕04号 | 4:11 | E205 | 前导零
number 第 | 岳云教体〔2024〕4号 | 岳云教体〔2024〕第4号 | 4:11 | E205 | 不加“第”
invalid date | date: 2024-02-22 | date: 2024-02-30 | 8:9 | E010 | 日期无效
duplicate id |         - title: 提升质量 |         - id: a⏎          title: 提升质量 | 23:15 | E203 | 编号“a”重复
control char | text: 加强党对教育工作的全面领导。 | text: "加强\x01领导" | 19:17 | E004 | 控制字符
title > 500 |   title: 云溪区2024年教育体育工作要点 |   title: 长×501 | 10:10 | E103 | 上限 500
"""


def _field(text: str) -> str:
    text = text.replace("⏎", "\n").replace("⇥", "\t")
    return re.sub(r"(.)×(\d+)", lambda m: m.group(1) * int(m.group(2)), text)


LOCATED = [tuple(_field(f) for f in row.split(" | ")) for row in LOCATED_TABLE.strip("\n").split("\n")]


@pytest.mark.parametrize(("what", "old", "new", "at", "code", "fragment"), LOCATED,
                         ids=[c[0] for c in LOCATED])
def test_each_problem_is_located(tmp_path: Path, what: str, old: str, new: str, at: str,
                                 code: str, fragment: str) -> None:
    line, col = map(int, at.split(":"))
    assert old in GOOD
    found = problems(write(tmp_path, GOOD.replace(old, new, 1)))
    assert any(p[2] == code and fragment in p[3] for p in found), found
    hit = next(p for p in found if p[2] == code and fragment in p[3])
    assert (hit[0], hit[1]) == (line, col), found


def test_an_anchor_alone_is_harmless(tmp_path: Path) -> None:
    text = GOOD.replace("      items:\n        - id: a", "      items:\n        - &x\n          id: a", 1)
    assert text != GOOD and problems(write(tmp_path, text)) == []


def test_alias_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("offices: [教育股]", "offices: *o").replace("offices: [办公室, 纪监室]", "offices: &o [办公室]")
    found = problems(write(tmp_path, text))
    assert any(p[2] == "E006" and "别名" in p[3] for p in found), found


def test_alias_bomb_refused_fast(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    p = write(tmp_path, "\n".join(lines) + "\n")
    t = time.perf_counter()
    r = check_file(p)
    assert time.perf_counter() - t < 1.0
    assert not r.ok and any(x.code == "E006" for x in r.problems)


def test_huge_file_refused_fast(tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    with p.open("w") as f:
        f.write("plan:\n  title: " + "x" * (30 * 1024 * 1024) + "\n")
    t = time.perf_counter()
    r = check_file(p)
    assert time.perf_counter() - t < 1.0
    assert [x.code for x in r.problems] == ["E001"] and "上限为 5 MB" in r.problems.items[0].message


def test_gbk_file_refused_with_advice(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD.encode("gbk"))
    t = time.perf_counter()
    r = check_file(p)
    assert time.perf_counter() - t < 1.0
    assert [x.code for x in r.problems] == ["E002"]
    assert "UTF-8" in r.problems.items[0].message and "另存为" in r.problems.items[0].hint


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    assert check_file(write(tmp_path, "\ufeff".encode() + GOOD.encode("utf-8"))).ok
    assert check_file(write(tmp_path, GOOD.encode("utf-16"))).ok


def test_alias_folds_but_similar_names_stay_distinct(tmp_path: Path) -> None:
    # 基础教育股 and 教育股 are two offices; 纪监室 is 纪检监察室
    r = check_file(write(tmp_path, GOOD.replace("offices: [教育股]", "offices: [基础教育股, 教育股]")))
    assert r.ok
    idx = r.roster_index
    assert idx is not None
    assert idx.office("纪监室") == "纪检监察室"
    assert idx.office("基础教育股") == "基础教育股" and idx.office("教育股") == "教育股"


def test_long_paragraph_passes_but_absurd_one_fails(tmp_path: Path) -> None:
    ok = GOOD.replace("加强党对教育工作的全面领导。", "长" * 10_000)
    assert check_file(write(tmp_path, ok)).ok
    bad = GOOD.replace("加强党对教育工作的全面领导。", "长" * 20_001)
    found = problems(write(tmp_path, bad))
    assert any(c == "E103" and "段落过长" in m for _, _, c, m in found), found


def test_outside_gb2312_is_a_warning_at_the_character(tmp_path: Path) -> None:
    r = check_file(write(tmp_path, GOOD.replace("提升质量", "提升質量")))
    assert r.ok  # a warning, not an error
    w = [p for p in r.problems if p.code == "W301"]
    assert len(w) == 1 and "質" in w[0].message
    assert (w[0].pos.line, w[0].pos.col) == (23, 20)


def test_all_problems_at_once_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (GOOD.replace("  year: 2024", "  year: 2024\n  titel: x")
            .replace("offices: [教育股]", "offices: [教育局]")
            .replace("岳云教体〔2024〕4号", "岳云教体(2024)4号"))
    p = write(tmp_path, text)
    assert run_check([p]) == 1
    out = capsys.readouterr().out
    assert out.count("错误") >= 3
    assert f"{p}:12:3:" in out or "t.yaml:12:3:" in out
    assert run_check([write(tmp_path, GOOD)]) == 0


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, GOOD.replace("offices: [教育股]", "offices: [教育局]"))
    assert run_check([p], as_json=True) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["errors"] == 1
    prob = data["problems"][0]
    assert prob["code"] == "E204" and prob["pos"]["line"] == 24 and prob["pos"]["col"] == 21


def test_roster_checked_as_roster(tmp_path: Path) -> None:
    p = tmp_path / "x.roster.yaml"
    p.write_text(ROSTER + "  - 办公室\n  - {name: 督导室, alias: [督导]}\n", encoding="utf-8")
    found = problems(p)
    assert any(c == "E211" and "办公室" in m for _, _, c, m in found), found
    assert any(c == "E101" and "alias" in m for _, _, c, m in found), found


def test_missing_roster_is_located(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD.replace("roster: t.roster.yaml", "roster: nowhere.roster.yaml"), roster=False)
    found = problems(p)
    assert (1, 9, "E208") in [(a, b, c) for a, b, c, _ in found], found


@pytest.mark.parametrize("payload", [
    b"", b"\x00\x01\x02binary\xff\xfe", b"- just\n- a list\n", b"plan: 1\n", b"plan:\n  sections: {}\n",
    "plan:\n  title: [\n".encode(), b"\xef\xbb\xbf", "a: b: c\n".encode(), b"!!python/object:os.system x\n",
    "plan:\n  title: x\n  year: 2024\n  sections:\n    - title: a\n      items:\n        - null\n".encode(),
])
def test_garbage_never_crashes_cli(tmp_path: Path, payload: bytes) -> None:
    p = tmp_path / "g.yaml"
    p.write_bytes(payload)
    r = subprocess.run([sys.executable, "-m", "plangen", "check", str(p)], capture_output=True, text=True)
    assert r.returncode == 1, r
    assert re.search(r"g\.yaml(:\d+:\d+)?: 错误 E\d{3}: ", r.stdout), r.stdout  # a located Chinese message
    assert "内部错误" not in r.stderr + r.stdout and r.stderr == ""


def test_shipped_plans_are_clean() -> None:
    files = sorted(PLANS.glob("*.yaml"))
    assert any(f.name == "yunxi-2024.yaml" for f in files)
    for f in files:
        r = check_file(f)
        assert r.ok, [p.format() for p in r.problems.errors]
