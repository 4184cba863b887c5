"""progress forms: one protected XLSX per office, carrying its identity."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from progress_support import DATA, plan_copy, run


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("town")
    plan_copy(base)
    r = run("progress", "forms", "town-2024.yaml", "--period", "2024-06", cwd=base)
    assert r.returncode == 0, r.stderr
    return base / "output" / "town-2024" / "progress" / "2024-06" / "forms"


def test_one_form_per_office_default_path(forms: Path) -> None:
    assert sorted(f.name for f in forms.iterdir()) == sorted(
        f"{o}-2024-06.xlsx" for o in ("办公室", "教育股", "体育股", "信息中心"))


def test_rows_lead_then_assist_with_targets(forms: Path) -> None:
    ws = openpyxl.load_workbook(forms / "教育股-2024-06.xlsx")["进展填报"]
    head = [c.value for c in ws[3]]
    assert head == ["序号", "工作任务", "完成时限", "本期序时目标", "牵头/配合", "本期进展情况", "完成进度（%）",
                    "状态", "存在问题", "下步打算", "编号"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [(r[10], r[4]) for r in rows] == [("formula", "牵头"), ("school-check", "牵头"), ("curriculum", "牵头"),
                                            ("routine", "配合")]
    # 序时: 181 of 366 days of 2024 run to June 30 (Jan 1 → Dec 31 is 365 days of span)
    assert rows[0][3] == f"{round(181 / 365 * 100, 1):g}%"
    assert rows[1][3] == "100%"  # due 6月底前
    assert rows[2][3] == "60%（节点：6月底前完成改革方案）"  # the milestone
    assert rows[1][2] == "6月底前" and rows[3][2] == "长期"


def test_locked_and_fill_in_cells_protection(forms: Path) -> None:
    wb = openpyxl.load_workbook(forms / "办公室-2024-06.xlsx")
    ws = wb["进展填报"]
    assert ws.protection.sheet and ws.protection.password
    for r in range(4, ws.max_row + 1):
        for c in range(1, 12):
            locked = ws.cell(r, c).protection.locked
            assert locked == (c not in (6, 7, 8, 9, 10)), (r, c)
    assert ws.column_dimensions["K"].hidden
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].formula1 == '"未开始,推进中,已完成"' and "H4" in str(dv[0].sqref)
    assert wb.security.lockStructure


def test_identity_hidden(forms: Path) -> None:
    wb = openpyxl.load_workbook(forms / "体育股-2024-06.xlsx")
    ident = wb["_plangen"]
    assert ident.sheet_state == "hidden"
    values = {r[0]: r[1] for r in ident.iter_rows(values_only=True) if r[0] != "item"}
    assert values["plan"] == "town-2024" and values["period"] == "2024-06" and values["office"] == "体育股"
    assert len(values["digest"]) == 32
    assert [r[1] for r in ident.iter_rows(values_only=True) if r[0] == "item"] == ["games", "routine"]


def test_print_setup_a4_landscape_header(forms: Path) -> None:
    ws = openpyxl.load_workbook(forms / "教育股-2024-06.xlsx")["进展填报"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.oddHeader.left.text == "填报股室：教育股"
    assert ws.oddHeader.right.text == "报送截止：2024年6月25日"
    assert ws.print_title_rows == "$1:$3"


def test_formula_text_stays_text(forms: Path) -> None:
    """An item titled =HYPERLINK(…) is a string cell in the form, never a formula."""
    path = forms / "教育股-2024-06.xlsx"
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert 't="inlineStr"><is><t>=HYPERLINK' in sheet
    cell = openpyxl.load_workbook(path)["进展填报"]["B4"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix


def test_same_inputs_same_bytes(forms: Path, tmp_path: Path) -> None:
    plan_copy(tmp_path)
    r = run("progress", "forms", "town-2024.yaml", "--period", "2024-06", "-o", "again", cwd=tmp_path)
    assert r.returncode == 0
    for f in forms.iterdir():
        assert (tmp_path / "again" / f.name).read_bytes() == f.read_bytes()


def test_items_without_ids_refused(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    p = tmp_path / "town-2024.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("        - id: games\n          title", "        - title"),
                 encoding="utf-8")
    r = run("progress", "forms", "town-2024.yaml", "--period", "2024-06", cwd=tmp_path)
    assert r.returncode == 1
    assert "第4项“举办春季运动会”没有编号（id）" in r.stderr and "plangen ids town-2024.yaml" in r.stderr
    assert not (tmp_path / "output").exists()


def test_bad_period(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    r = run("progress", "forms", "town-2024.yaml", "--period", "2024-6", cwd=tmp_path)
    assert r.returncode == 1 and "期次“2024-6”写法不对（按月报送，期次写作 2024-06" in r.stderr
    r = run("progress", "forms", "town-2024.yaml", "--period", "2024-Q2", cwd=tmp_path)
    assert r.returncode == 1 and "按月报送" in r.stderr


def test_quarterly_cycle_from_roster(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    roster = tmp_path / "town.roster.yaml"
    roster.write_text(roster.read_text(encoding="utf-8") + "progress: {cycle: quarterly, due_day: 10}\n",
                      encoding="utf-8")
    r = run("progress", "forms", "town-2024.yaml", "--period", "2024-Q2", "-o", "q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(tmp_path / "q" / "教育股-2024-Q2.xlsx")["进展填报"]
    assert ws["A1"].value == "教育股2024年第二季度工作推进情况表"
    assert ws.oddHeader.right.text == "报送截止：2024年6月10日"
    assert (DATA / "town.roster.yaml").read_text(encoding="utf-8").count("progress") == 0
