"""Task breakdown sheets, read back: XLSX (openpyxl), DOCX (python-docx), PDF (pdfplumber)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
from docx.oxml.ns import qn

from plangen.errors import PlangenError
from plangen.fonts import load_profile
from plangen.sheets import NO_OFFICES_NOTE, list_sheets, render_sheets
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
YUNXI = REPO / "plans" / "yunxi-2024.yaml"


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    return load_view(YUNXI)


@pytest.fixture(scope="module")
def files(view):  # type: ignore[no-untyped-def]
    specs = list_sheets(view)
    return render_sheets(view, specs, ("xlsx", "docx", "pdf"), load_profile())


def xlsx_rows(data: bytes, sheet: str | None = None) -> list[list]:  # type: ignore[type-arg]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_one_sheet_per_office_and_leader(view, files) -> None:  # type: ignore[no-untyped-def]
    offices = [k for k in files if k.startswith("sheets/股室-") and k.endswith(".xlsx")]
    leaders = [k for k in files if k.startswith("sheets/领导-") and k.endswith(".xlsx")]
    assert len(offices) == 20 and len(leaders) == 5
    assert "sheets/股室-纪检监察室.xlsx" in files and not any("纪监室" in k for k in files)
    for fmt in ("xlsx", "docx", "pdf"):
        assert len([k for k in files if k.endswith(fmt)]) == 26


def test_office_rows_lead_then_assist(view, files) -> None:  # type: ignore[no-untyped-def]
    rows = xlsx_rows(files["sheets/股室-办公室.xlsx"])
    assert rows[0][0] == "办公室2024年工作任务清单" and rows[1][0] == "云溪区2024年教育体育工作要点"
    header = rows[2]
    assert header[:3] == ["序号", "工作任务", "具体内容"] and "进展情况" in header
    body = [(r[0], r[header.index("责任类型")]) for r in rows[3:] if r[0]]
    assert body == [(1, "牵头"), (3, "牵头"), (16, "配合")]  # 序号 is a number in a continuous plan
    for office in view.plan.offices:
        rows = xlsx_rows(files[f"sheets/股室-{office.name}.xlsx"])
        nums = [int(r[0]) for r in rows[3:] if r[0]]
        expect = [i.number for i in view.plan.items if i.lead_office == office.name] + \
                 [i.number for i in view.plan.items if office.name in i.assist_offices]
        assert nums == expect, office.name


def test_leader_sheets_grouped_by_section(view, files) -> None:  # type: ignore[no-untyped-def]
    for leader in view.plan.leaders:
        rows = xlsx_rows(files[f"sheets/领导-{leader.name}.xlsx"])
        nums = [int(r[0]) for r in rows[3:] if r[0] and str(r[0]).isdigit()]
        assert nums == [i.number for i in view.plan.items if leader.name in i.leaders]
        groups = [r[0] for r in rows[3:] if r[0] and not str(r[0]).isdigit()]
        assert groups and all(g[1] == "、" or g[2] == "、" for g in groups)


def test_matrix_totals(view, files) -> None:  # type: ignore[no-untyped-def]
    rows = xlsx_rows(files["sheets/总表-任务分解表.xlsx"], "责任矩阵")
    header = rows[0]
    lead = next(r for r in rows if r[1] == "牵头合计")
    assist = next(r for r in rows if r[1] == "配合合计")
    for c, office in enumerate(header[2:], 2):
        assert lead[c] == sum(i.lead_office == office for i in view.plan.items)
        assert assist[c] == sum(office in i.assist_offices for i in view.plan.items)
    assert all(type(x) is int for x in lead[2:] + assist[2:])  # numbers, so Excel can sum them
    assert sum(lead[2:]) == 23
    assert [r[0] for r in rows[1:24]] == list(range(1, 24))
    workload = xlsx_rows(files["sheets/总表-任务分解表.xlsx"], "工作量")
    assert workload[0] == ["股室", "牵头", "配合"] and all(type(x) is int for r in workload[1:] for x in r[1:])
    wb = openpyxl.load_workbook(io.BytesIO(files["sheets/总表-任务分解表.xlsx"]))
    chart = wb["工作量"]._charts[0]
    assert len(wb["工作量"]._charts) == 1 and chart.grouping == "clustered" and len(chart.series) == 2


def test_xlsx_print_setup(files) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(io.BytesIO(files["sheets/股室-教育股.xlsx"]))
    ws = wb.active
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows.replace("$", "") == "1:3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    dv = ws.data_validations.dataValidation[0]
    assert dv.formula1 == '"未开始,推进中,已完成,滞后"'
    assert ws["A4"].font.name == "仿宋_GB2312" and ws["C4"].alignment.wrap_text


def test_docx_and_pdf_repeat_header(files) -> None:  # type: ignore[no-untyped-def]
    d = docx.Document(io.BytesIO(files["sheets/总表-任务分解表.docx"]))
    assert d.sections[0].page_width > d.sections[0].page_height  # landscape
    first = d.tables[0].rows[0]
    assert first._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in first.cells][:2] == ["序号", "工作任务"]
    with pdfplumber.open(io.BytesIO(files["sheets/总表-任务分解表.pdf"])) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages[:2]:
            assert page.width > page.height
            text = page.extract_text()
            assert "序号" in text and "工作任务" in text and "具体内容" in text


def test_reproducible(view, files) -> None:  # type: ignore[no-untyped-def]
    specs = [s for s in list_sheets(view) if s.stem in ("总表-任务分解表", "股室-办公室")]
    again = render_sheets(view, specs, ("xlsx", "docx", "pdf"), load_profile())
    for k, v in again.items():
        assert files[k] == v, k


def test_filters_and_unknown_names(view) -> None:  # type: ignore[no-untyped-def]
    assert [s.name for s in list_sheets(view, offices=["纪监室"])] == ["纪检监察室"]
    assert [s.name for s in list_sheets(view, leaders=["陈丽"])] == ["陈丽"]
    with pytest.raises(PlangenError, match="是否为“教育股”"):
        list_sheets(view, offices=["教育局"])


def test_plan_without_offices(tmp_path: Path) -> None:
    p = tmp_path / "x-2023.yaml"
    p.write_text("plan:\n  title: 2023年全市教育和体育工作要点\n  year: 2023\n  sections:\n"
                 "    - title: 重点工作\n      items:\n        - {title: 甲, text: 乙。}\n", encoding="utf-8")
    v = load_view(p)
    specs = list_sheets(v)
    assert [s.kind for s in specs] == ["overall"]
    out = render_sheets(v, specs, ("xlsx",), load_profile())
    rows = xlsx_rows(out["sheets/总表-任务分解表.xlsx"])
    assert rows[1][0] == NO_OFFICES_NOTE
    r = subprocess.run([sys.executable, "-m", "plangen", "sheets", str(p), "--formats", "xlsx", "-o",
                        str(tmp_path / "out")], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and NO_OFFICES_NOTE in r.stdout
    assert [f.name for f in (tmp_path / "out" / "x-2023" / "sheets").iterdir()] == ["总表-任务分解表.xlsx"]


def test_hostile_office_names_stay_inside(tmp_path: Path) -> None:
    (tmp_path / "h.roster.yaml").write_text("bureau: 局\noffices: [../../etc, a/b, a\\b, ..]\n", encoding="utf-8")
    p = tmp_path / "h-2024.yaml"
    p.write_text("roster: h.roster.yaml\nplan:\n  title: 要点\n  year: 2024\n  sections:\n    - title: 一\n      items:\n"
                 "        - {title: 甲, offices: [../../etc, a/b]}\n        - {title: 乙, offices: [a\\b, ..]}\n",
                 encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "plangen", "sheets", str(p), "--formats", "xlsx", "-o", str(out)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    made = sorted(f.relative_to(tmp_path) for f in tmp_path.rglob("*.xlsx"))
    assert all(str(f).startswith("out/h-2024/sheets/") for f in made), made
    assert len(made) == 5  # overall + 4 distinct offices, none overwriting another


PAGE_MARGIN_PT = 15 / 25.4 * 72  # templates/sheet.html.j2: 15 mm left and right


def test_every_sheet_pdf_stays_inside_its_page(files) -> None:  # type: ignore[no-untyped-def]
    """Issue 13.4: every char, rule and box of every sheet PDF inside the page, and the tables
    inside the margins (the office sheets' 备注 border was at 844.75 pt on an 841.89 pt page)."""
    pdfs = [k for k in files if k.endswith(".pdf")]
    assert len(pdfs) == 26
    for k in pdfs:
        with pdfplumber.open(io.BytesIO(files[k])) as pdf:
            for page in pdf.pages:
                objs = page.chars + page.rects + page.lines + page.curves
                assert objs, k
                for o in objs:
                    assert 0 <= o["x0"] and o["x1"] <= page.width and 0 <= o["top"] and o["bottom"] <= page.height, \
                        (k, page.page_number, o["object_type"], o["x0"], o["x1"])
                edges = page.rects + page.lines
                assert max(o["x1"] for o in edges) <= page.width - PAGE_MARGIN_PT + 0.5, (k, page.page_number)
                assert min(o["x0"] for o in edges) >= PAGE_MARGIN_PT - 0.5, (k, page.page_number)


def test_sheet_docx_grid_equals_cell_widths(files) -> None:  # type: ignore[no-untyped-def]
    """Issue 13.5: each table's w:gridCol widths are its cells' w:tcW widths (WPS and LibreOffice
    size columns from the grid), fixed layout, and the columns fill the text width."""
    docs = [k for k in files if k.endswith(".docx")]
    assert len(docs) == 26
    for k in docs:
        d = docx.Document(io.BytesIO(files[k]))
        for t in d.tables:
            tbl = t._tbl
            grid = [int(g.get(qn("w:w"))) for g in tbl.tblGrid.findall(qn("w:gridCol"))]
            assert len(set(grid)) > 1 or len(grid) == 1, k  # not the equal default grid
            assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
            assert sum(grid) == int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
            for tr in tbl.findall(qn("w:tr")):
                tcs = tr.findall(qn("w:tc"))
                widths = [int(tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w"))) for tc in tcs]
                if len(tcs) == len(grid):
                    assert widths == grid, k
                else:  # a group heading across the table
                    assert len(tcs) == 1 and widths == [sum(grid)], k
