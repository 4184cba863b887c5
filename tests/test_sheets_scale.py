"""Sheets that scale (issue 18.3): a big sheet's PDF reads as one document (page numbers running
on, every page inside its bounds, nothing lost or repeated, same bytes twice), drawn directly and
through the WeasyPrint fallback (laid out in parts joined into one file); the matrix prints in column groups in the DOCX and the PDF; `plangen sheets` on two
processes writes exactly what one process writes. Timing lives in benchmarks/bench_sheets.py."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest

from plangen.fonts import load_profile
from plangen.sheets import MATRIX_GROUP, list_sheets, render_sheets, run_sheets
from plangen.sheets import pdf as sheet_pdf
from plangen.view import load_view

ITEMS, OFFICES = 30, 45
REPO = Path(__file__).resolve().parents[1]


def _plan(tmp: Path) -> Path:
    offices = [f"第{k + 1}股室" for k in range(OFFICES)]
    (tmp / "big.roster.yaml").write_text("bureau: 局\nleaders: [甲, 乙]\noffices:\n" +
                                         "".join(f"  - {o}\n" for o in offices), encoding="utf-8")
    lines = ["roster: big.roster.yaml", "plan:", "  title: 大计划", "  year: 2024", "  sections:"]
    for s in range(3):
        lines += [f"    - title: 第{s + 1}部分", "      items:"]
        for k in range(s * ITEMS // 3, (s + 1) * ITEMS // 3):
            offs = ", ".join(dict.fromkeys(offices[(k * 3 + d) % OFFICES] for d in (0, 17, 31)))
            lines.append(f"        - {{title: 任务{k + 1}号, text: 落实第{k + 1}项工作。, leaders: [甲], offices: [{offs}]}}")
    p = tmp / "big-2024.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def big(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("big")
    view = load_view(_plan(tmp))
    return tmp, view


def _reads_as_one(data: bytes) -> None:
    """A big overall sheet's PDF: page numbers running on, every page inside its bounds and
    repeating its table head, every row once and in order, each matrix column group once."""
    groups = -(-OFFICES // MATRIX_GROUP)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
        for n, page in enumerate(pdf.pages, 1):
            assert re.search(rf"— {n} —\s*$", texts[n - 1]), (n, texts[n - 1][-40:])
            for o in page.chars + page.rects + page.lines:
                assert 0 <= o["x0"] and o["x1"] <= page.width and 0 <= o["top"] and o["bottom"] <= page.height
            assert "序号" in texts[n - 1] or "工作量" in texts[n - 1]  # every table page repeats its header
        assert pdf.metadata.get("Title") == "大计划任务分解表"
    whole = "\n".join(texts)
    main_end = whole.index("责任矩阵")
    titles = re.findall(r"任务(\d+)号", whole[:main_end])
    assert [int(t) for t in titles] == list(range(1, ITEMS + 1))  # every row once, in order
    for g in range(1, groups + 1):
        assert f"责任矩阵（{g}/{groups}：" in whole
    assert whole.count("牵头合计") == groups and "各股室工作量" in whole


def test_big_sheet_pdf_reads_as_one(big) -> None:  # type: ignore[no-untyped-def]
    _, view = big
    spec = [s for s in list_sheets(view) if s.kind == "overall"]
    data = render_sheets(view, spec, ("pdf",), load_profile())["sheets/总表-任务分解表.pdf"]
    assert data == render_sheets(view, spec, ("pdf",), load_profile())["sheets/总表-任务分解表.pdf"]
    _reads_as_one(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.metadata.get("Producer") == "plangen" and len(pdf.pages) >= 5  # drawn, not WeasyPrint


def test_weasyprint_fallback_in_parts_reads_as_one(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A plan folder with its own templates/sheet.html.j2 gets WeasyPrint; a big sheet is laid out
    in parts (forced small here) joined into one file that reads like one document."""
    (tmp_path / "templates").mkdir()
    shutil.copy(REPO / "templates" / "sheet.html.j2", tmp_path / "templates" / "sheet.html.j2")
    view = load_view(_plan(tmp_path))
    monkeypatch.setattr(sheet_pdf, "PART_UNITS", 25)
    spec = [s for s in list_sheets(view) if s.kind == "overall"]
    from plangen.sheets import build_sheet

    parts = sheet_pdf.plan_parts(build_sheet(view, spec[0]))
    assert len(parts) >= 6 and all(p.units <= 25 for p in parts)
    data = render_sheets(view, spec, ("pdf",), load_profile())["sheets/总表-任务分解表.pdf"]
    assert data == render_sheets(view, spec, ("pdf",), load_profile())["sheets/总表-任务分解表.pdf"]
    _reads_as_one(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.metadata.get("Producer", "").startswith("WeasyPrint")


def test_matrix_column_groups_in_docx_and_one_xlsx_sheet(big) -> None:  # type: ignore[no-untyped-def]
    _, view = big
    spec = [s for s in list_sheets(view) if s.kind == "overall"]
    files = render_sheets(view, spec, ("docx", "xlsx"), load_profile())
    d = docx.Document(io.BytesIO(files["sheets/总表-任务分解表.docx"]))
    widths = [len(t.columns) for t in d.tables[1:-1]]
    assert widths == [2 + MATRIX_GROUP, 2 + MATRIX_GROUP, 2 + OFFICES - 2 * MATRIX_GROUP]
    for t in d.tables[1:-1]:
        assert len(t.rows) == 1 + ITEMS + 2  # header, items, 牵头合计 and 配合合计
    heads = [c.text for t in d.tables[1:-1] for c in t.rows[0].cells[2:]]
    assert heads == [f"第{k + 1}股室" for k in range(OFFICES)]
    wb = openpyxl.load_workbook(io.BytesIO(files["sheets/总表-任务分解表.xlsx"]))
    ws = wb["责任矩阵"]
    assert ws.max_column == 2 + OFFICES and ws.page_setup.fitToWidth == 3 and ws.print_options.gridLines


def test_two_processes_write_what_one_writes(big) -> None:  # type: ignore[no-untyped-def]
    tmp, view = big
    out1, out2 = tmp / "one", tmp / "two"
    run_sheets(view.source, offices=(), leaders=(), formats=("xlsx", "docx"), fonts=None, outdir=out1, jobs=1)
    run_sheets(view.source, offices=(), leaders=(), formats=("xlsx", "docx"), fonts=None, outdir=out2, jobs=2)
    one = {p.relative_to(out1): p.read_bytes() for p in out1.rglob("*") if p.is_file()}
    two = {p.relative_to(out2): p.read_bytes() for p in out2.rglob("*") if p.is_file()}
    assert len(one) == 2 * (1 + OFFICES + 1) and one == two  # overall, every office, leader 甲
