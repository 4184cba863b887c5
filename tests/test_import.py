"""`plangen import` on the three legacy plans, on messy input, and the DOCX round trip;
`plangen new --from` rollover."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from plangen.check import check_file
from plangen.fonts import load_profile
from plangen.importer import _all_items, alias_suggestions, import_file
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
LEGACY = REPO / "tests" / "data" / "legacy"
ROSTER = REPO / "plans" / "yunxi.roster.yaml"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, check=False)


def fold(s: str) -> str:
    """Compare texts across width and white space: full/half-width punctuation, spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def legacy_notes(text: str) -> dict[int, tuple[list[str], list[str]]]:
    flat = re.sub(r"\s+", "", text)
    out = {}
    for m in re.finditer(r"(\d+)\.(?:(?!\d+\.[^\d]).)*?[（(]责任领导[:：](.*?)[,，]责任股室[:：](.*?)[)）]", flat):
        out[int(m.group(1))] = (m.group(2).split("、"), m.group(3).split("、"))
    return out


def legacy_counts(text: str) -> dict[str, int]:
    """Sections, subsections and items counted from the legacy text itself, line by line:
    an item is a line starting with the next number (or 1) and a full stop; "2.0版" is not."""
    sections = subsections = items = 0
    expected = 1
    for line in text.split("\n"):
        s = line.strip()
        if re.match(r"[一二三四五六七八九十]+、", s):
            sections += 1
        elif re.match(r"[（(][一二三四五六七八九十]+[）)]", s):
            subsections += 1
        else:
            m = re.match(r"(\d{1,3})\s*[.．、]\s*(?!\d)", s)
            if m and int(m.group(1)) == expected:
                items, expected = items + 1, expected + 1
    return {"sections": sections, "subsections": subsections, "items": items}


def test_jishou() -> None:
    text = (LEGACY / "jishou-2023.txt").read_text(encoding="utf-8")
    counts = legacy_counts(text)
    data, _, info = import_file(LEGACY / "jishou-2023.txt")
    n, plan = data["notice"], data["plan"]
    assert "number" not in n and n["date"] == dt.date(2023, 3, 21)
    assert n["issuers"] == ["吉首市教育和体育局"]
    assert len(plan["sections"]) == counts["sections"]
    assert "text" in plan["sections"][0] and "items" not in plan["sections"][0]
    assert len(plan["sections"][1]["subsections"]) == counts["subsections"]
    assert len(_all_items(plan)) == counts["items"]
    assert "责任领导" not in text and info["leaders"] == [] and info["offices"] == []
    assert "options" not in plan  # continuous numbering, titles inline


def test_yunxi_without_roster() -> None:
    text = (LEGACY / "yunxi-2024.txt").read_text(encoding="utf-8")
    counts = legacy_counts(text)
    data, _, info = import_file(LEGACY / "yunxi-2024.txt")
    n, plan = data["notice"], data["plan"]
    assert n["number"] == "岳云教体〔2024〕4号" and n["date"] == dt.date(2024, 2, 22)
    assert plan["title"] == "云溪区2024年教育体育工作要点"
    assert len(plan["sections"]) == counts["sections"]
    items = _all_items(plan)
    assert len(items) == counts["items"]
    notes = legacy_notes(text)
    for k, item in enumerate(items, 1):
        assert item["leaders"] == notes[k][0], k
        assert [fold(o) for o in item["offices"]] == [fold(o) for o in notes[k][1]], k
        assert "joint" not in item  # 责任股室: the first leads
    assert len(info["leaders"]) == len({x for v in notes.values() for x in v[0]})
    assert len(info["offices"]) == len({fold(x) for v in notes.values() for x in v[1]})
    assert info["office_word"] == "股室"
    assert ("纪监室", "纪检监察室") in info["aliases"]
    assert items[0]["title"] == "深入学习贯彻党的二十大精神"
    assert items[0]["text"].endswith("集中学法机关干部全年不少于两次。")  # the stray ， before the note
    ids = [it["id"] for it in items]
    assert len(set(ids)) == len(ids)
    assert ids == [it["id"] for it in _all_items(import_file(LEGACY / "yunxi-2024.txt")[0]["plan"])]


def test_yunxi_with_roster() -> None:
    _, _, info = import_file(LEGACY / "yunxi-2024.txt", ROSTER)
    assert len(info["canonical_offices"]) == 20 and info["unknown"] == []


def test_luan() -> None:
    text = (LEGACY / "luan-2024.txt").read_text(encoding="utf-8")
    counts = legacy_counts(text)
    data, report, info = import_file(LEGACY / "luan-2024.txt")
    plan = data["plan"]
    assert "notice" not in data
    # the first line: the issuing bodies separated by a blank, then the title
    head = text.split("\n", 1)[0]
    assert plan["issuers"] == [fold(x).replace("(", "（").replace(")", "）") for x in
                               re.split(r"\s+", head[:head.index("2024")].strip())]
    assert plan["title"] == "2024年工作要点"
    assert len(plan["sections"]) == counts["sections"]
    items = _all_items(plan)
    assert len(items) == counts["items"]
    assert plan["options"] == {"item_title": "block"}
    assert items[0]["title"] == "深入学习贯彻党的创新理论"
    assert items[0]["text"].startswith("巩固拓展学习贯彻")
    assert all("。" not in it["title"] and len(it["title"]) < 30 for it in items)
    assert info["leaders"] == [] and info["offices"] == []
    dumped = repr(data)
    for debris in ("智能问答", "皖公网安备", "政务资讯", "首页"):
        assert debris not in dumped
    lines = text.split("\n")
    debris_lines = {k for k, line in enumerate(lines, 1) if line.strip() in ("智能问答", "首页", "政务资讯")
                    or "公网安备" in line}
    assert debris_lines and {no for no, _, _ in report.dropped} >= debris_lines


def test_alias_rule() -> None:
    assert alias_suggestions(["纪监室", "纪检监察室", "教育股", "基础教育股"]) == [("纪监室", "纪检监察室")]


def test_cli_writes_checked_plan_and_roster(tmp_path: Path) -> None:
    r = cli("import", str(LEGACY / "yunxi-2024.txt"), "-o", str(tmp_path / "yx-2024.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "纪监室" in r.stdout and "纪检监察室" in r.stdout
    assert (tmp_path / "yx.roster.yaml").is_file()
    assert check_file(tmp_path / "yx-2024.yaml").ok
    again = cli("import", str(LEGACY / "yunxi-2024.txt"), "-o", str(tmp_path / "yx-2024.yaml"))
    assert again.returncode == 1 and "已存在" in again.stderr


@pytest.fixture(scope="module")
def luan_pdf_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict]]:  # type: ignore[type-arg]
    from plangen.render.pdf import render_pdf

    d = tmp_path_factory.mktemp("luan")
    assert cli("import", str(LEGACY / "luan-2024.txt"), "-o", str(d / "luan-2024.yaml")).returncode == 0
    pdf = render_pdf(load_view(d / "luan-2024.yaml"), profile=load_profile())
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "".join((p.filter(lambda o: o.get("object_type") != "char" or abs(o["size"] - 14) > 0.1)
                        .extract_text() or "") for p in doc.pages)
    data, _, _ = import_file(LEGACY / "luan-2024.txt")
    return fold(text), _all_items(data["plan"])


def test_pdf_text_equals_legacy_text(luan_pdf_text) -> None:  # type: ignore[no-untyped-def]
    text, items = luan_pdf_text
    legacy = fold((LEGACY / "luan-2024.txt").read_text(encoding="utf-8"))
    equal = sum(fold(it["text"]) in text and fold(it["text"]) in legacy for it in items)
    print(f"六安：{equal}/{len(items)} 项正文与原文一致（忽略空白与全半角）")
    assert equal == len(items)


def test_docx_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("render", str(REPO / "plans" / "yunxi-2024.yaml"), "--formats", "docx", "-o", str(out)).returncode == 0
    back = tmp_path / "back-2024.yaml"
    roster = shutil.copy(ROSTER, tmp_path)  # a plan's roster lies in its folder (plangen.check.paths)
    r = cli("import", str(out / "yunxi-2024" / "yunxi-2024.docx"), "-o", str(back), "--roster", str(roster))
    assert r.returncode == 0, r.stdout + r.stderr
    a, b = load_view(REPO / "plans" / "yunxi-2024.yaml"), load_view(back)
    assert b.notice is not None and a.notice is not None
    assert (b.notice.number, b.notice.title, b.notice.date, b.notice.printed_on) == \
           (a.notice.number, a.notice.title, a.notice.date, a.notice.printed_on)
    assert [s.title for s in b.plan.sections] == [s.title for s in a.plan.sections]
    for x, y in zip(a.plan.items, b.plan.items, strict=True):
        assert (fold(x.title), fold(x.text), x.leaders, x.offices) == (fold(y.title), fold(y.text), y.leaders, y.offices)


MESSY_BASE = (LEGACY / "yunxi-2024.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "content", "code", "says"), [
    ("empty.txt", b"", 1, "没有找到任何文字"),
    ("binary.txt", bytes(range(256)) * 20, 1, "不是文本文件"),
    ("gbk.txt", MESSY_BASE.encode("gbk", errors="replace"), 0, "已写出"),
    ("big.txt", b"x" * (5 * 1024 * 1024 + 10), 1, "文件过大"),
    ("bracket.txt", MESSY_BASE.replace("责任股室：人事股）", "责任股室：人事股").encode(), 0, "已写出"),
    ("shuffled.txt", MESSY_BASE.replace("四、聚焦综合改革", "这是一行随便插进来的文字\n四、聚焦综合改革").encode(), 0,
     "已写出"),
    ("noitems.txt", MESSY_BASE.replace("五、聚焦要素保障，全面提升教体服务能力",
                                       "五、聚焦要素保障，全面提升教体服务能力\n六、空的部分").encode(), 1, "空的部分"),
])
def test_messy_input_never_crashes(tmp_path: Path, name: str, content: bytes, code: int, says: str) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    r = cli("import", str(src), "-o", str(tmp_path / "out" / "x-2024.yaml"))
    assert "内部错误" not in r.stderr, r.stderr  # the CLI's last line of defence never fires
    assert r.returncode == code, r.stdout + r.stderr
    assert says in r.stdout + r.stderr, r.stdout + r.stderr
    if code == 1 and name != "noitems.txt":
        assert name in r.stderr  # the message names the file
    if name == "bracket.txt":
        assert check_file(tmp_path / "out" / "x-2024.yaml").ok


def test_new_from_keeps_comments_and_lists_old_year(tmp_path: Path) -> None:
    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(REPO / "plans" / f, tmp_path / f)
    src = tmp_path / "yunxi-2024.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace(
        "plan:\n", "plan:  # 本年度计划，由办公室维护\n", 1), encoding="utf-8")
    r = cli("new", "--from", str(src), "--year", "2025")
    assert r.returncode == 0, r.stdout + r.stderr
    new = tmp_path / "yunxi-2025.yaml"
    text = new.read_text(encoding="utf-8")
    assert "# 本年度计划，由办公室维护" in text
    v = load_view(new)
    assert v.plan.year == 2025 and v.plan.title == "云溪区2025年教育体育工作要点"
    assert v.notice is not None and "2025" in v.notice.title and v.notice.number == "" and v.notice.date_value is None
    assert [i.id for i in v.plan.items] == [i.id for i in load_view(src).plan.items]
    listed = re.findall(r"yunxi-2025\.yaml:(\d+):", r.stdout)
    lines = text.split("\n")
    assert listed and all("2024" in lines[int(n) - 1] for n in listed)
    assert any("preamble" in lines[int(n) - 1] for n in listed)
    assert cli("new", "--from", str(src), "--year", "2025").returncode == 1  # never overwrites
