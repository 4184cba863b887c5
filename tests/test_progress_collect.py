"""progress forms → filled the way offices fill them → collect → the ledger."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from progress_support import (
    DATA_ROW,
    FILLS,
    LEAD,
    STANDING,
    fill,
    fill_all,
    libreoffice_resave,
    light,
    make_forms,
    plan_copy,
    run,
)

JUNE = dt.date(2024, 6, 30)


@pytest.fixture(scope="module")
def june_forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("forms")
    plan_copy(base)
    return make_forms(base)


@pytest.fixture()
def town(tmp_path: Path, june_forms: Path) -> Path:
    plan_copy(tmp_path)
    shutil.copytree(june_forms, tmp_path / "forms")
    return tmp_path


def ledger(tmp: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((tmp / "town-2024.progress.yaml").read_text(encoding="utf-8"))


def assert_ledger_matches_fills(data: dict) -> None:  # type: ignore[type-arg]
    got = {(e["item"], e["office"]): e for e in data["entries"] if e["period"] == "2024-06"}
    want = {(item, office): v for office, rows in FILLS.items() for item, v in rows.items()}
    assert set(got) == set(want)
    for (item, office), (progress, pct, status, problems) in want.items():
        e = got[(item, office)]
        assert e["percent"] == float(str(pct).replace("约", "").replace("%", ""))
        assert e["status"] == status and e["progress"] == progress
        assert e.get("problems", "") == problems
        assert e["role"] == ("牵头" if LEAD[item] == office else "配合")


def test_collect_openpyxl_fills(town: Path) -> None:
    files = fill_all(town, town / "forms", town / "back")
    r = run("progress", "collect", "town-2024.yaml", *map(str, files), cwd=town)
    assert r.returncode == 0, r.stderr
    data = ledger(town)
    assert_ledger_matches_fills(data)
    assert {(x["office"], x["period"]) for x in data["returns"]} == {(o, "2024-06") for o in FILLS}
    # collecting the same files again changes nothing, byte for byte
    before = (town / "town-2024.progress.yaml").read_bytes()
    r = run("progress", "collect", "town-2024.yaml", *map(str, files), cwd=town)
    assert r.returncode == 0 and "未改动" in r.stdout and "没有变化" in r.stdout
    assert (town / "town-2024.progress.yaml").read_bytes() == before


def test_collect_after_libreoffice_save(town: Path) -> None:
    files = fill_all(town, town / "forms", town / "back")
    saved = libreoffice_resave(files, town / "lo")
    wb = openpyxl.load_workbook(saved[0])
    assert wb["_plangen"].sheet_state == "hidden" and wb["进展填报"].protection.sheet
    r = run("progress", "collect", "town-2024.yaml", *map(str, saved), cwd=town)
    assert r.returncode == 0, r.stderr
    assert_ledger_matches_fills(ledger(town))


def test_rows_resorted_do_not_matter(town: Path) -> None:
    form = fill(town / "forms" / "教育股-2024-06.xlsx", town / "教育股-2024-06.xlsx", FILLS["教育股"])
    wb = openpyxl.load_workbook(form)
    ws = wb["进展填报"]
    rows = [[ws.cell(r, c).value for c in range(1, 12)] for r in range(DATA_ROW, ws.max_row + 1)]
    for r, values in enumerate(reversed(rows), DATA_ROW):
        for c, v in enumerate(values, 1):
            ws.cell(r, c).value = v
    assert ws.cell(DATA_ROW, 11).value != rows[0][10]  # really re-sorted
    wb.save(form)
    r = run("progress", "collect", "town-2024.yaml", str(form), cwd=town)
    assert r.returncode == 0, r.stderr
    got = {e["item"]: e["percent"] for e in ledger(town)["entries"]}
    assert got == {"formula": 45, "school-check": 100, "curriculum": 30}


def test_second_return_replaces_and_says_so(town: Path) -> None:
    (town / "a").mkdir()
    first = fill(town / "forms" / "体育股-2024-06.xlsx", town / "a" / "体育股-2024-06.xlsx", FILLS["体育股"])
    run("progress", "collect", "town-2024.yaml", str(first), cwd=town)
    changed = dict(FILLS["体育股"], games=("运动会已举办", 100, "已完成", ""))
    (town / "b").mkdir()
    second = fill(town / "forms" / "体育股-2024-06.xlsx", town / "b" / "体育股-2024-06.xlsx", changed)
    r = run("progress", "collect", "town-2024.yaml", str(second), cwd=town)
    assert r.returncode == 0
    assert "替换了此前收录的同期报送" in r.stdout
    entries = [e for e in ledger(town)["entries"] if e["office"] == "体育股"]
    assert {e["item"]: e["status"] for e in entries} == {"games": "已完成", "routine": "推进中"}


def test_earlier_periods_kept(town: Path) -> None:
    make_forms(town, "2024-05")
    may = fill(town / "forms" / "办公室-2024-05.xlsx", town / "办公室-2024-05.xlsx",
               {"ledger": ("五月进展", 40, "推进中", ""), "safety": ("五月", 30, "推进中", "")})
    run("progress", "collect", "town-2024.yaml", str(may), cwd=town)
    june = fill_all(town, town / "forms", town / "back")
    r = run("progress", "collect", "town-2024.yaml", *map(str, june), cwd=town)
    assert r.returncode == 0, r.stderr
    data = ledger(town)
    assert {e["period"] for e in data["entries"]} == {"2024-05", "2024-06"}
    assert [e["percent"] for e in data["entries"] if e["period"] == "2024-05"] == [40, 30]
    # entries in a fixed order: period, then plan order
    keys = [(e["period"], e["item"]) for e in data["entries"]]
    assert keys[0] == ("2024-05", "ledger") and keys[-1][0] == "2024-06"


def test_lights_and_check_of_ledger(town: Path) -> None:
    """Standing is computed from the lead office's return; the test's own computation agrees."""
    from plangen.progress.ledger import load_ledger
    from plangen.progress.report import build_report
    from plangen.progress.schedule import parse_period
    from plangen.view import load_view

    run("progress", "collect", "town-2024.yaml", *map(str, fill_all(town, town / "forms", town / "back")), cwd=town)
    view = load_view(town / "town-2024.yaml")
    rep = build_report(view, load_ledger(town / "town-2024.progress.yaml", view.name), parse_period("2024-06"))
    for s in rep.standings:
        assert s.light == light(s.item.id, JUNE), s.item.id
        assert s.standing == STANDING[light(s.item.id, JUNE)]
    r = run("check", "town-2024.progress.yaml", cwd=town)
    assert r.returncode == 0, r.stdout + r.stderr


# --------------------------------------------------------------------------- bad returns


def _edit(src: Path, dst: Path, fn) -> Path:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(src)
    fn(wb["进展填报"])
    wb.save(dst)
    return dst


def _collect_bad(town: Path, bad: Path, *extra: str) -> tuple[str, dict]:  # type: ignore[type-arg]
    """Collect `bad` together with a good 办公室 return: the good one merges, the bad one not."""
    good = fill(town / "forms" / "办公室-2024-06.xlsx", town / "good-办公室-2024-06.xlsx", FILLS["办公室"])
    r = run("progress", "collect", "town-2024.yaml", str(good), str(bad), *extra, cwd=town)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
    data = ledger(town)
    assert {e["office"] for e in data["entries"]} == {"办公室"}
    assert {x["office"] for x in data["returns"]} == {"办公室"}
    return r.stderr, data


def _filled(town: Path, office: str = "教育股") -> Path:
    (town / "in").mkdir(exist_ok=True)
    return fill(town / "forms" / f"{office}-2024-06.xlsx", town / "in" / f"{office}-2024-06.xlsx", FILLS[office])


BAD_CELLS = [
    # (what the clerk did, edit, expected line on stderr)
    ("percent in words", lambda ws: setattr(ws["G5"], "value", "过半"),
     "教育股-2024-06.xlsx!进展填报!G5: 错误 E631: 完成进度“过半”不是 0～100 之间的数字"),
    ("percent over 100", lambda ws: setattr(ws["G4"], "value", 120),
     "教育股-2024-06.xlsx!进展填报!G4: 错误 E631: 完成进度“120”不是 0～100 之间的数字"),
    ("status not in list", lambda ws: setattr(ws["H4"], "value", "基本完成"),
     "教育股-2024-06.xlsx!进展填报!H4: 错误 E632: 状态“基本完成”不在列表中（请从“未开始、推进中、已完成”中选择）"),
    ("done at 40%", lambda ws: (setattr(ws["H6"], "value", "已完成"), setattr(ws["G6"], "value", 40)),
     "教育股-2024-06.xlsx!进展填报!H6: 错误 E633: 状态为“已完成”，完成进度却是 40%"),
    ("done without progress", lambda ws: setattr(ws["F5"], "value", None),
     "教育股-2024-06.xlsx!进展填报!F5: 错误 E634: 状态为“已完成”，但没有填写本期进展情况"),
    ("locked title changed", lambda ws: setattr(ws["B6"], "value", "推进课程改革（已调整）"),
     "教育股-2024-06.xlsx!进展填报!B6: 错误 E621: “工作任务”是锁定内容，不能修改：应为“推进课程改革”，现为“推进课程改革（已调整）”"),
    ("locked target changed", lambda ws: setattr(ws["D4"], "value", "0%"),
     "教育股-2024-06.xlsx!进展填报!D4: 错误 E621: “本期序时目标”是锁定内容，不能修改：应为“49.6%”，现为“0%”"),
    ("row deleted", lambda ws: ws.delete_rows(6),
     "教育股-2024-06.xlsx: 错误 E624: 第5项“推进课程改革”所在的行被删除了"),
    ("row added", lambda ws: [setattr(ws.cell(8, c), "value", v) for c, v in ((1, "9"), (2, "新增工作"), (7, 50))],
     "教育股-2024-06.xlsx!进展填报!A8: 错误 E623: 第 8 行“新增工作”是新增的行（原表格中没有这一行）"),
]


@pytest.mark.parametrize("what, edit, message", BAD_CELLS, ids=[b[0] for b in BAD_CELLS])
def test_bad_cells(town: Path, what: str, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    src = _filled(town)
    bad = _edit(src, town / "教育股-2024-06.xlsx", edit)
    err, _ = _collect_bad(town, bad)
    assert message in err, err


def test_all_problems_at_once(town: Path) -> None:
    def edits(ws) -> None:  # type: ignore[no-untyped-def]
        ws["G4"].value = "过半"
        ws["H5"].value = "完成"
        ws["B6"].value = "改"

    bad = _edit(_filled(town), town / "教育股-2024-06.xlsx", edits)
    err, _ = _collect_bad(town, bad)
    assert "!进展填报!G4: 错误 E631" in err and "!进展填报!H5: 错误 E632" in err and "!进展填报!B6: 错误 E621" in err
    assert "1 个文件有问题，未收录：教育股-2024-06.xlsx；其余文件已收录" in err


def test_form_of_another_office(town: Path) -> None:
    bad = shutil.copy(_filled(town), town / "体育股-2024-06.xlsx")
    err, _ = _collect_bad(town, Path(bad))
    assert "体育股-2024-06.xlsx: 错误 E613: 文件名写的是“体育股”，表格却是“教育股”的" in err


def test_form_of_another_period(town: Path) -> None:
    make_forms(town, "2024-05")
    bad = fill(town / "forms" / "教育股-2024-05.xlsx", town / "教育股-2024-05.xlsx", FILLS["教育股"])
    err, _ = _collect_bad(town, bad, "--period", "2024-06")
    assert "教育股-2024-05.xlsx: 错误 E612: 这是 2024-05 期的表格，不是本次收录的 2024-06 期" in err


def test_form_of_another_plan(town: Path) -> None:
    other = town / "other"
    other.mkdir()
    plan_copy(other)
    (other / "town-2024.yaml").rename(other / "city-2024.yaml")
    r = run("progress", "forms", "city-2024.yaml", "--period", "2024-06", "-o", "f", cwd=other)
    assert r.returncode == 0, r.stderr
    bad = fill(other / "f" / "教育股-2024-06.xlsx", town / "教育股-2024-06.xlsx", FILLS["教育股"])
    err, _ = _collect_bad(town, bad)
    assert "教育股-2024-06.xlsx: 错误 E611: 这是计划“city-2024”的表格，不是“town-2024”的" in err


def test_plan_changed_since_forms_and_locked_cell_changed(town: Path) -> None:
    """A form of an earlier plan version whose locked cells were also edited cannot be matched
    (a form of an earlier version alone is collected: test_progress_planedit.py)."""
    bad = _edit(_filled(town), town / "in" / "教育股-2024-06.xlsx", lambda ws: setattr(ws["C4"], "value", "6月底前"))
    plan = town / "town-2024.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("推进课程改革", "深化课程改革"), encoding="utf-8")
    good = fill(town / "forms" / "办公室-2024-06.xlsx", town / "办公室-2024-06.xlsx", FILLS["办公室"])
    r = run("progress", "collect", "town-2024.yaml", str(good), str(bad), cwd=town)
    assert r.returncode == 1
    assert ("教育股-2024-06.xlsx: 错误 E614: 生成这份表格之后计划已经修改，表中的锁定内容或行也被改动过，无法与计划逐行对应"
            "（请运行 plangen progress forms --period 2024-06 重新生成表格，并请该股室重新填报）") in r.stderr
    assert "办公室-2024-06.xlsx：已收录" in r.stdout


def _zip_bomb(path: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", b"\0" * (30 * 1024 * 1024))
    path.write_bytes(buf.getvalue())
    return path


def _encrypted(src: Path, path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with src.open("rb") as f, path.open("wb") as out:
        OOXMLFile(f).encrypt("123456", out)
    return path


BAD_FILES = [
    ("csv", lambda t: (t / "教育股-2024-06.csv").write_text("序号,工作任务\n1,甲\n", encoding="utf-8") and t / "教育股-2024-06.csv",
     "教育股-2024-06.csv: 错误 E601: 这不是 .xlsx 表格（看起来是 CSV 或其他文本/二进制文件）"),
    ("renamed pdf", lambda t: (t / "教育股-2024-06.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n") and t / "教育股-2024-06.xlsx",
     "教育股-2024-06.xlsx: 错误 E601: 这是 PDF 文件，不是 .xlsx 表格"),
    ("zip bomb", lambda t: _zip_bomb(t / "教育股-2024-06.xlsx"),
     "教育股-2024-06.xlsx: 错误 E604: 文件解压后过大"),
    ("docx renamed", lambda t: shutil.copy(Path(__file__).parents[1] / "templates" / "plain.docx", t / "教育股-2024-06.xlsx") and t / "教育股-2024-06.xlsx",
     "教育股-2024-06.xlsx: 错误 E601: 这是其他格式的压缩文件（如 .docx），不是 .xlsx 表格"),
    ("password", lambda t: _encrypted(_filled(t), t / "教育股-2024-06.xlsx"),
     "教育股-2024-06.xlsx: 错误 E602: 文件设置了打开密码，无法读取"),
    ("plain workbook", lambda t: (openpyxl.Workbook().save(t / "教育股-2024-06.xlsx")) or t / "教育股-2024-06.xlsx",
     "教育股-2024-06.xlsx: 错误 E605: 这不是 plangen 生成的推进情况表"),
]


@pytest.mark.parametrize("what, make, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files(town: Path, what: str, make, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = Path(make(town))
    err, _ = _collect_bad(town, bad)
    assert message in err, err


def test_old_formats_saved_by_libreoffice(town: Path) -> None:
    """A form saved as .xls by another program, and the same file as WPS's .et."""
    src = _filled(town)
    out = town / "xls"
    out.mkdir()
    import subprocess

    subprocess.run(["soffice", f"-env:UserInstallation=file://{town / 'lo-profile'}", "--headless",
                    "--convert-to", "xls", "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=240)
    xls = out / "教育股-2024-06.xls"
    et = Path(shutil.copy(xls, town / "教育股-2024-06.et"))
    for bad in (xls, et):
        err, _ = _collect_bad(town, bad)
        assert f"{bad.name}: 错误 E601: 这是旧版 Excel（.xls）或 WPS（.et）格式，不是 .xlsx" in err


def test_broken_ledger_is_reported_with_positions(tmp_path: Path) -> None:
    plan_copy(tmp_path)
    (tmp_path / "town-2024.progress.yaml").write_text(
        "plan: town-2024\nentries:\n  - period: 2024-06\n    item: ledger\n    office: 办公室\n"
        "    role: 牵头\n    percent: 150\n    colour: red\n", encoding="utf-8")
    r = run("check", "town-2024.progress.yaml", cwd=tmp_path)
    assert r.returncode == 1
    assert "town-2024.progress.yaml:7:14: 错误" in r.stdout and "town-2024.progress.yaml:8:5: 错误 E101" in r.stdout
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", cwd=tmp_path)
    assert r.returncode == 1 and "台账 town-2024.progress.yaml 有错误" in r.stderr and ":7:14:" in r.stderr


def test_collect_a_folder(town: Path) -> None:
    back = town / "back"
    fill_all(town, town / "forms", back)
    (back / "~$教育股-2024-06.xlsx").write_bytes(b"lock")  # Excel's lock file is skipped
    r = run("progress", "collect", "town-2024.yaml", "back", cwd=town)
    assert r.returncode == 0, r.stderr
    assert_ledger_matches_fills(ledger(town))


@pytest.mark.parametrize("value, fmt, expected", [
    (50, "General", (50.0, True)), ("50%", "General", (50.0, True)), ("约50%", "General", (50.0, True)),
    ("５０％", "General", (50.0, True)), (0.5, "0%", (50.0, True)), ("过半", "General", (None, False)),
    (101, "General", (None, False)), ("-5", "General", (None, False)), ("=50", "General", (None, False)),
    (None, "General", (None, True)), ("  ", "General", (None, True)), (True, "General", (None, False)),
])
def test_percent_forms(value, fmt, expected) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from plangen.progress.collect import _percent

    assert _percent(SimpleNamespace(value=value, number_format=fmt)) == expected
