"""progress report: the 督查通报 read back from DOCX and PDF, and the 台账 XLSX, against counts
and lights the test computes on its own (progress_support.light)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from progress_support import (
    FILLS,
    LEAD,
    STANDING,
    fill,
    fill_all,
    light,
    make_forms,
    plan_copy,
    run,
)

JUNE = dt.date(2024, 6, 30)
MAY = dt.date(2024, 5, 31)
ITEMS = ["ledger", "formula", "school-check", "games", "curriculum", "routine", "digital", "safety"]
TITLES = {"ledger": "建立工作台账", "formula": '=HYPERLINK("http://example.com/x","点击查看")',
          "school-check": "完成校舍安全排查", "games": "举办春季运动会", "curriculum": "推进课程改革",
          "routine": "加强体育常规管理", "digital": "推进教育信息化建设", "safety": "开展安全教育"}
LEADERS = {"ledger": "张三", "formula": "李四", "school-check": "李四", "games": "李四", "curriculum": "张三、李四",
           "routine": "李四", "digital": "张三", "safety": "张三"}
MAY_FILLS = {"办公室": {"ledger": ("五月", 45, "推进中", ""), "safety": ("五月", 40, "推进中", "")}}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report")
    plan_copy(base)
    make_forms(base, "2024-05")
    may = fill(base / "forms" / "办公室-2024-05.xlsx", base / "办公室-2024-05.xlsx", MAY_FILLS["办公室"])
    assert run("progress", "collect", "town-2024.yaml", str(may), cwd=base).returncode == 0
    make_forms(base, "2024-06")
    files = fill_all(base, base / "forms", base / "back")
    assert run("progress", "collect", "town-2024.yaml", *map(str, files), cwd=base).returncode == 0
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", "--number", "镇教督〔2024〕6号", cwd=base)
    assert r.returncode == 0, r.stderr
    return base / "output" / "town-2024" / "progress" / "2024-06"


def counts() -> Counter[str]:
    return Counter(STANDING[light(i, JUNE)] for i in ITEMS)


def sentence() -> str:
    c = counts()
    return (f"共{len(ITEMS)}项：已完成{c['已完成']}项，按序时推进{c['按序时推进']}项，滞后{c['滞后']}项，"
            f"未报送{c['未报送']}项")


def office_rows() -> dict[str, list[str]]:
    rows = {}
    for office in ("办公室", "教育股", "体育股", "信息中心"):
        led = [i for i in ITEMS if LEAD[i] == office]
        c = Counter(STANDING[light(i, JUNE)] for i in led)
        rate = f"{c['已完成'] / len(led) * 100:.1f}%"
        rows[office] = [str(len(led)), str(c["已完成"]), str(c["按序时推进"]), str(c["滞后"]), str(c["未报送"]), rate]
    return rows


def lagging() -> list[str]:
    lag = [i for i in ITEMS if STANDING[light(i, JUNE)] == "滞后"]
    overdue = {"games"}
    return sorted(lag, key=lambda i: (light(i, JUNE) != "red", i not in overdue, ITEMS.index(i)))


def test_counts_are_what_the_test_expects() -> None:
    # a guard on the fixture itself: every kind of standing occurs
    assert counts() == Counter({"滞后": 4, "按序时推进": 2, "已完成": 1, "未报送": 1})


def test_docx_read_back(out: Path) -> None:
    import docx

    d = docx.Document(str(out / "督查通报-2024-06.docx"))
    texts = [p.text for p in d.paragraphs]
    assert "某镇教育办督查通报" in texts and "镇教督〔2024〕6号" in texts
    assert any(sentence() in t for t in texts), texts
    table = next(t for t in d.tables if t.cell(0, 0).text == "股室")
    got = {row.cells[0].text: [c.text for c in row.cells[1:7]] for row in table.rows[1:]}
    for office, want in office_rows().items():
        assert got[office] == want, office
    assert got["合计"][:5] == [str(len(ITEMS)), *(str(counts()[k]) for k in ("已完成", "按序时推进", "滞后", "未报送"))]
    start = texts.index(next(t for t in texts if t.endswith("滞后和逾期事项")))
    items = texts[start + 1:start + 1 + len(lagging())]
    for k, (text, item) in enumerate(zip(items, lagging(), strict=True), 1):
        assert text.startswith(f"{k}.{TITLES[item]}（牵头股室：{LEAD[item]}；责任领导：{LEADERS[item]}）"), text
    assert "已超过完成时限（2024年4月30日）" in items[0]
    assert "附件1" in texts and "附件2" in texts
    on_track = next(t for t in d.tables if t.cell(0, 7).text == "本期进展情况")
    assert [r.cells[1].text for r in on_track.rows[1:]] == [TITLES[i] for i in ITEMS if STANDING[light(i, JUNE)] == "按序时推进"]
    lag_table = next(t for t in d.tables if t.cell(0, 7).text == "落后")
    assert [r.cells[1].text for r in lag_table.rows[1:]] == [TITLES[i] for i in lagging()]
    assert lag_table.rows[1].cells[2].text == LEAD[lagging()[0]]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_pdf_read_back(out: Path) -> None:
    import pdfplumber

    with pdfplumber.open(out / "督查通报-2024-06.pdf") as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        tables = [t for p in pdf.pages for t in p.extract_tables()]
    text = _flat("".join(pages))
    assert sentence() in text
    assert "某镇教育办督查通报" in text and "镇教督〔2024〕6号" in text
    # the office table may run over a page: its header repeats, its rows continue
    office = [r for t in tables if t[0][0] == "股室" for r in t[1:]]
    got = {_flat(r[0]): [_flat(c or "") for c in r[1:7]] for r in office}
    for name, want in office_rows().items():
        assert got[name] == want, name
    for k, item in enumerate(lagging(), 1):
        assert _flat(f"{k}.{TITLES[item]}（牵头股室：{LEAD[item]}；责任领导：{LEADERS[item]}）") in text
    attach = [p for p in pages if _flat(p).startswith("附件")]
    assert len(attach) == 2 and "按序时推进事项清单" in _flat(attach[0]) and "滞后事项清单" in _flat(attach[1])
    lag = [r for t in tables if _flat(t[0][-2] or "") == "落后" for r in t[1:]]
    assert [_flat(r[1]) for r in lag] == [_flat(TITLES[i]) for i in lagging()]
    track = [r for t in tables if _flat(t[0][-1] or "") == "本期进展情况" for r in t[1:]]
    assert [_flat(r[1]) for r in track] == [_flat(TITLES[i]) for i in ITEMS if STANDING[light(i, JUNE)] == "按序时推进"]


def test_tally_fills_are_the_lights(out: Path) -> None:
    from plangen.progress.schedule import LIGHT_COLOURS

    assert len(set(LIGHT_COLOURS.values())) == len(LIGHT_COLOURS)
    wb = openpyxl.load_workbook(out / "台账-2024-06.xlsx")
    ws = wb["台账"]
    assert ws["G3"].value == "2024年6月" and ws["K3"].value == "2024年5月"  # newest period first
    assert [ws.cell(4, c).value for c in range(7, 11)] == ["序时进度", "完成进度", "状态", "配合股室报送"]
    assert ws.auto_filter.ref.startswith("A4:") and ws.print_title_rows == "$3:$4"
    may_fills = {**{o: {} for o in FILLS}, **MAY_FILLS}
    for r, item in enumerate(ITEMS, 5):
        assert ws.cell(r, 2).value == TITLES[item]
        june, may = ws.cell(r, 9), ws.cell(r, 13)
        assert june.fill.fgColor.rgb[-6:] == LIGHT_COLOURS[light(item, JUNE)], item
        assert may.fill.fgColor.rgb[-6:] == LIGHT_COLOURS[light(item, MAY, may_fills)], item
        assert june.value.startswith(STANDING[light(item, JUNE)])
    school = ws.cell(5 + ITEMS.index("school-check"), 10).value
    assert school == "办公室：90%推进中"  # the assisting office's return beside the lead's
    assert ws.cell(5 + ITEMS.index("formula"), 2).data_type == "s"
    leaders = {r[0]: r[2:7] for r in wb["领导汇总"].iter_rows(min_row=3, values_only=True)}
    mine = [i for i in ITEMS if "张三" in LEADERS[i]]
    c = Counter(STANDING[light(i, JUNE)] for i in mine)
    assert leaders["张三"] == (len(mine), c["已完成"], c["按序时推进"], c["滞后"], c["未报送"])
    assert len(wb["股室完成情况"]._charts) == 1


def test_report_png_renders(out: Path, tmp_path: Path) -> None:
    """The first page rasterises (the report is looked at as PNG; see docs/progress.md)."""
    import subprocess

    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(out / "督查通报-2024-06.pdf"),
                    str(tmp_path / "p")], check=True, timeout=120)
    assert any(tmp_path.glob("p*.png"))


def test_report_without_returns_for_period(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", cwd=tmp_path)
    assert r.returncode == 1 and "还没有台账" in r.stderr and "plangen progress collect" in r.stderr


def test_same_inputs_same_bytes_and_ledger_header(out: Path) -> None:
    base = out.parents[3]
    ledger = base / "town-2024.progress.yaml"
    text = ledger.read_text(encoding="utf-8")
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", "--number", "镇教督〔2024〕6号",
            "-o", "again", cwd=base)
    assert r.returncode == 0, r.stderr
    for name in ("督查通报-2024-06.docx", "督查通报-2024-06.pdf", "台账-2024-06.xlsx"):
        assert (base / "again" / name).read_bytes() == (out / name).read_bytes(), name
    # the report header written by hand in the ledger; a later collect keeps it and its comment
    ledger.write_text(text.replace("report: {}", "report:  # 手工填写\n  title: 关于上半年重点工作推进情况的通报\n"
                                   "  number: 镇教督〔2024〕7号\n  to: 各股室"), encoding="utf-8")
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", "--formats", "docx", "-o", "hdr", cwd=base)
    assert r.returncode == 0, r.stderr
    import docx

    texts = [p.text for p in docx.Document(str(base / "hdr" / "督查通报-2024-06.docx")).paragraphs]
    assert "关于上半年重点工作推进情况的通报" in texts and "镇教督〔2024〕7号" in texts and "各股室：" in texts
    again = fill(base / "forms" / "办公室-2024-06.xlsx", base / "办公室-2024-06.xlsx",
                 {**FILLS["办公室"], "ledger": ("台账已更新", 55, "推进中", "")})
    assert run("progress", "collect", "town-2024.yaml", str(again), cwd=base).returncode == 0
    after = ledger.read_text(encoding="utf-8")
    assert "report:  # 手工填写" in after and "title: 关于上半年重点工作推进情况的通报" in after
    assert "# plangen 督查台账" in after and "period: 2024-05" in after
