"""The plan edited in the middle of the year (an item removed, an id changed, a lead office
changed, a title renamed, an item added) against a ledger and forms made before, and returns
that arrive after the due day (逾期报送). Real files: forms filled with openpyxl, the ledger read
back as YAML, the 督查通报 DOCX with python-docx, the 台账 XLSX with openpyxl."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from progress_support import FILLS, fill, make_forms, plan_copy, run

GAMES = """        - id: games
          title: 举办春季运动会
          leaders: [李四]
          offices: [体育股]
          due: 2024-04-30
"""
NEW = """        - id: newone
          title: 新增任务
          leaders: [张三]
          offices: [办公室]
          due: 年底前
"""


def edit_plan(plan: Path) -> None:
    """What the secretary does in July: games removed, safety's id changed, routine given to
    教育股, ledger renamed, a new item led by 办公室."""
    t = plan.read_text(encoding="utf-8")
    for old, new in ((GAMES, ""), ("id: safety", "id: safety-edu"), ("offices: [体育股, 教育股]", "offices: [教育股, 体育股]"),
                     ("title: 建立工作台账", "title: 建立健全工作台账"), ("        - id: ledger\n", NEW + "        - id: ledger\n")):
        assert old in t
        t = t.replace(old, new)
    plan.write_text(t, encoding="utf-8")


def collect(tmp: Path, *files: Path, received: str) -> tuple[int, str, str]:
    r = run("progress", "collect", "town-2024.yaml", *map(str, files), "--received", received, cwd=tmp)
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr, r.stderr
    return r.returncode, r.stdout, r.stderr


def ledger(tmp: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((tmp / "town-2024.progress.yaml").read_text(encoding="utf-8"))


def entry_pos(tmp: Path, item: str) -> str:
    """file:line:col of the ledger entry for `item`, found in the text (the `- period:` line)."""
    lines = (tmp / "town-2024.progress.yaml").read_text(encoding="utf-8").splitlines()
    at = lines.index(f"    item: {item}")
    start = max(k for k in range(at) if lines[k].startswith("  - period:"))
    return f"town-2024.progress.yaml:{start + 1}:5"


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """June: 教育股 returns late (6-28) before the edit; the plan is edited; 体育股 and 办公室
    return their June forms (made from the old plan) on time (6-24); 信息中心 never returns."""
    base = tmp_path_factory.mktemp("edited")
    plan_copy(base)
    forms = make_forms(base)
    (base / "back").mkdir()
    back = {o: fill(forms / f"{o}-2024-06.xlsx", base / "back" / f"{o}-2024-06.xlsx", FILLS[o]) for o in FILLS}
    rc, out, _ = collect(base, back["教育股"], received="2024-06-28")
    assert rc == 0 and "教育股-2024-06.xlsx：已收录（教育股 2024-06 期，3 项，逾期报送：收到 2024-06-28，报送截止 2024-06-25）。" in out
    edit_plan(base / "town-2024.yaml")
    rc, out, err = collect(base, back["体育股"], back["办公室"], received="2024-06-24")
    (base / "collect.out").write_text(out, encoding="utf-8")
    (base / "collect.err").write_text(err, encoding="utf-8")
    assert rc == 0, err
    return base


def test_old_forms_collected_row_by_row(edited: Path) -> None:
    err = (edited / "collect.err").read_text(encoding="utf-8").splitlines()
    assert ("体育股-2024-06.xlsx: 警告 W615: 这份表格是按修改前的计划生成的（之后计划有改动）：已按任务编号逐行核对收录"
            "（以后各期请用按现在的计划生成的表格（plangen progress forms））") in err
    assert ("体育股-2024-06.xlsx!进展填报!A4: 警告 W616: 第 4 行“举办春季运动会”（任务编号 games）在现在的计划中没有"
            "（已删除，或改了编号）：这一行已记入台账，但不计入督查通报（如是改了编号，请在 town-2024.yaml 中把该项的 id "
            "改回“games”，再运行 plangen progress report；如确已删除，不必处理）") in err
    assert ("体育股-2024-06.xlsx!进展填报!E5: 警告 W617: 第 5 行“加强体育常规管理”：表中体育股为牵头，现在为配合"
            "（本期按表中的“牵头”记入台账；下期请用新生成的表格）") in err
    assert any(line.startswith("办公室-2024-06.xlsx!进展填报!A5: 警告 W616: 第 5 行“开展安全教育”（任务编号 safety）")
               for line in err), err
    # a renamed title (ledger) is no problem: the row is matched by its id
    assert not any("建立" in line for line in err), err
    assert len(err) == 5, err  # W615 twice, W616 twice, W617 once: nothing else
    data = ledger(edited)
    got = {(e["item"], e["office"]): (e["role"], e["percent"]) for e in data["entries"]}
    # nothing lost: the rows of the removed item and of the old id are in the ledger
    assert got[("games", "体育股")] == ("牵头", 80) and got[("safety", "办公室")] == ("牵头", 20)
    assert got[("routine", "体育股")] == ("牵头", 10) and got[("ledger", "办公室")] == ("牵头", 50)
    rets = {r["office"]: r for r in data["returns"]}
    assert rets["体育股"]["led"] == ["games", "routine"] and rets["办公室"]["led"] == ["ledger", "safety"]
    assert str(rets["体育股"]["received"]) == "2024-06-24" and str(rets["教育股"]["received"]) == "2024-06-28"


@pytest.fixture(scope="module")
def june(edited: Path) -> tuple[Path, str]:
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", cwd=edited)
    assert r.returncode == 0, r.stderr
    return edited / "output" / "town-2024" / "progress" / "2024-06", r.stderr + "\n" + r.stdout


def test_report_warns_about_ledger_rows_not_in_plan(edited: Path, june: tuple[Path, str]) -> None:
    _, log = june
    lines = log.splitlines()
    assert (f"{entry_pos(edited, 'games')}: 警告 W641: 台账中 2024-06 期 体育股 对任务编号“games”的 1 条报送，"
            "在现在的计划中找不到这项任务（已删除，或改了编号）：报送保留在台账中，但不计入督查通报"
            "（如是改了编号，请在 town-2024.yaml 中把该项的 id 改回“games”（plangen ids 只给没有编号的任务加编号，"
            "不改已有编号）；如确已删除，不必处理）") in lines
    assert any(line.startswith(f"{entry_pos(edited, 'safety')}: 警告 W641: 台账中 2024-06 期 办公室 对任务编号“safety”")
               for line in lines), log
    # counted: ledger, formula, school-check, curriculum, routine (体育股 led it on its June form),
    # digital (未报送); newone and safety-edu were not on 办公室's June form: not counted, not blamed
    assert "2024年6月：共6项：已完成1项，按序时推进2项，滞后2项，未报送1项。" in lines


def test_report_docx_counts_and_submissions(june: tuple[Path, str]) -> None:
    out, _ = june
    d = docx.Document(str(out / "督查通报-2024-06.docx"))
    texts = [p.text for p in d.paragraphs]
    table = next(t for t in d.tables if t.cell(0, 0).text == "股室")
    assert [c.text for c in table.rows[0].cells][-1] == "报送情况"
    got = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}
    assert got["体育股"] == ["1", "0", "0", "1", "0", "0.0%", "1", "按时报送"]  # routine, red: as 体育股 led it then
    assert got["教育股"] == ["3", "1", "1", "1", "0", "33.3%", "0", "逾期报送"]  # assists nothing now
    assert got["办公室"] == ["1", "0", "1", "0", "0", "0.0%", "1", "按时报送"]
    assert got["信息中心"] == ["1", "0", "0", "0", "1", "0.0%", "0", "未报送"]
    start = texts.index(next(t for t in texts if t.endswith("、报送情况")))
    assert texts[start + 1:start + 4] == [
        "信息中心未报送本期推进情况，其牵头事项按“未报送”统计。",
        "教育股（6月28日报送）逾期报送（报送截止时间为2024年6月25日），报送内容已收录，照常统计。",
        "“新增任务”、“开展安全教育”共2项为本期推进情况表生成后新增或调整了牵头股室，本期不作统计。"]
    lag = [t for t in texts if t.startswith("1.加强体育常规管理")]
    assert lag and "牵头股室：体育股" in lag[0]


def test_report_pdf_submissions(june: tuple[Path, str]) -> None:
    import pdfplumber

    out, _ = june
    with pdfplumber.open(out / "督查通报-2024-06.pdf") as pdf:
        text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pdf.pages))
        tables = [t for p in pdf.pages for t in p.extract_tables()]
    assert "教育股（6月28日报送）逾期报送（报送截止时间为2024年6月25日），报送内容已收录，照常统计。" in text
    assert "“新增任务”、“开展安全教育”共2项为本期推进情况表生成后新增或调整了牵头股室，本期不作统计。" in text
    office = {re.sub(r"\s+", "", r[0]): r[-1] for t in tables if t[0][0] == "股室" for r in t[1:]}
    assert office["教育股"] == "逾期报送" and office["信息中心"] == "未报送" and office["体育股"] == "按时报送"


def test_tally_marks_unlisted_and_late(june: tuple[Path, str]) -> None:
    out, _ = june
    wb = openpyxl.load_workbook(out / "台账-2024-06.xlsx")
    ws = wb["台账"]
    rows = {ws.cell(r, 2).value: ws.cell(r, 9) for r in range(5, ws.max_row + 1)}
    assert rows["新增任务"].value == "本期未列入" and rows["新增任务"].fill.fill_type is None
    assert rows["开展安全教育"].value == "本期未列入"
    assert rows["推进课程改革"].value == "滞后（黄灯）（逾期报送）"  # 教育股 returned on 6-28
    assert rows["建立健全工作台账"].value == "按序时推进"  # renamed: matched by id, on time
    assert rows["推进教育信息化建设"].value == "未报送"
    assert "举办春季运动会" not in rows
    offices = {r[0]: r[-1] for r in wb["股室完成情况"].iter_rows(min_row=3, values_only=True)}
    assert offices == {"办公室": "按时报送", "教育股": "逾期报送（6月28日）", "体育股": "按时报送", "信息中心": "未报送"}


def test_new_item_counts_from_the_next_period(edited: Path) -> None:
    """July's forms come from the edited plan: newone is on 办公室's form, so without a return
    it is 未报送 in July (while June left it out)."""
    base = edited.parent / "july"
    shutil.copytree(edited, base)
    forms = make_forms(base, "2024-07")
    info = fill(forms / "信息中心-2024-07.xlsx", base / "信息中心-2024-07.xlsx", {"digital": ("七月", 70, "推进中", "")})
    rc, _, err = collect(base, info, received="2024-07-20")
    assert rc == 0 and err == "", err
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-07", "--formats", "docx", cwd=base)
    assert r.returncode == 0, r.stderr
    d = docx.Document(str(base / "output" / "town-2024" / "progress" / "2024-07" / "督查通报-2024-07.docx"))
    texts = [p.text for p in d.paragraphs]
    start = texts.index(next(t for t in texts if t.endswith("、报送情况")))
    assert texts[start + 1] == "办公室、教育股未报送本期推进情况，其牵头事项按“未报送”统计。"
    assert "2024年7月：共8项：已完成0项，按序时推进0项，滞后1项，未报送7项。" in r.stdout


def test_nightly_build_warns_but_does_not_fail(edited: Path, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in ("town-2024.yaml", "town.roster.yaml", "town-2024.progress.yaml"):
        shutil.copy(edited / f, plans / f)
    r = run("build", "plans", "-o", "out", "-j1", "--formats", "xlsx", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    log = r.stderr.splitlines()
    w641 = [line for line in log if "警告 W641" in line]
    # cron mail lines: a timestamp, then the warning at the ledger's line
    assert len(w641) == 2 and all(" plans/town-2024.progress.yaml:" in line for line in w641), log
    assert "失败 0 个" in r.stdout + r.stderr
    assert (tmp_path / "out" / "town-2024" / "progress" / "2024-06" / "台账-2024-06.xlsx").is_file()


def test_late_return_replaced_keeps_first_day(tmp_path: Path) -> None:
    """A correction after the due day does not make an on-time return late; a bad date is an
    error at once."""
    plan_copy(tmp_path)
    forms = make_forms(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = fill(forms / "体育股-2024-06.xlsx", tmp_path / "a" / "体育股-2024-06.xlsx", FILLS["体育股"])
    assert collect(tmp_path, first, received="2024-06-25")[0] == 0  # on the due day: on time
    fixed = dict(FILLS["体育股"], games=("运动会已举办", 100, "已完成", ""))
    second = fill(forms / "体育股-2024-06.xlsx", tmp_path / "b" / "体育股-2024-06.xlsx", fixed)
    rc, out, _ = collect(tmp_path, second, received="2024-07-02")
    assert rc == 0 and "逾期" not in out and "替换了此前收录的同期报送" in out
    assert [str(r["received"]) for r in ledger(tmp_path)["returns"]] == ["2024-06-25"]
    rc, _, err = collect(tmp_path, second, received="6月28日")
    assert rc == 1 and "--received “6月28日”不是日期：请写作 2024-06-28（收到表格的日期，省略时为今天）。" in err


def test_carry_unfinished_includes_unlisted(edited: Path, tmp_path: Path) -> None:
    """An item 未列入 in the last period (added after its forms) is unfinished: it is carried."""
    for f in ("town-2024.yaml", "town.roster.yaml", "town-2024.progress.yaml"):
        shutil.copy(edited / f, tmp_path / f)
    r = run("new", "--from", "town-2024.yaml", "--year", "2025", "--carry-unfinished", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    new = (tmp_path / "town-2025.yaml").read_text(encoding="utf-8")
    items = {i["id"]: i for s in yaml.safe_load(new)["plan"]["sections"] for i in s["items"]}
    assert items["newone"].get("carried") is True and items["safety-edu"].get("carried") is True
    assert "上年度6月未列入推进情况表" in new
    assert not items["school-check"].get("carried")  # 已完成


def test_two_lead_returns_after_a_lead_change(edited: Path) -> None:
    """routine went to 教育股 in June; 教育股 returns a June form of the edited plan too: the
    current lead's return counts, 体育股's stays in the ledger, and the report says so (W642)."""
    base = edited.parent / "twice"
    shutil.copytree(edited, base)
    forms = make_forms(base)
    again = fill(forms / "教育股-2024-06.xlsx", base / "教育股-2024-06.xlsx",
                 {**FILLS["教育股"], "routine": ("教育股接手后修订制度", 55, "推进中", "")})
    rc, out, err = collect(base, again, received="2024-06-25")
    assert rc == 0 and err == "" and "替换了此前收录的同期报送" in out, err
    r = run("progress", "report", "town-2024.yaml", "--period", "2024-06", "--formats", "docx", cwd=base)
    assert r.returncode == 0, r.stderr
    lines = (base / "town-2024.progress.yaml").read_text(encoding="utf-8").splitlines()
    at = next(k for k, line in enumerate(lines) if line == "    item: routine" and lines[k + 1] == "    office: 体育股")
    start = max(k for k in range(at) if lines[k].startswith("  - period:"))
    assert (f"town-2024.progress.yaml:{start + 1}:5: 警告 W642: 2024-06 期“加强体育常规管理”有两份牵头报送（教育股、体育股）："
            "按教育股的报送计，体育股的保留在台账中（牵头股室以计划为准（现为教育股）；如需改按另一份计，请修改计划的 offices）"
            ) in r.stderr.splitlines(), r.stderr
    d = docx.Document(str(base / "output" / "town-2024" / "progress" / "2024-06" / "督查通报-2024-06.docx"))
    table = next(t for t in d.tables if t.cell(0, 0).text == "股室")
    got = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}
    assert got["教育股"][0] == "4" and got["体育股"][0] == "0"  # routine now counted under 教育股
    assert got["教育股"][-1] == "按时报送"  # the first 教育股 return came on 6-28, this one on 6-25


def test_old_form_still_checked_cell_by_cell(tmp_path: Path) -> None:
    """A form of an earlier plan version gets the same checks of what the office filled in;
    with an error nothing of it reaches the ledger (exit 1), the warnings are listed too."""
    plan_copy(tmp_path)
    forms = make_forms(tmp_path)
    edit_plan(tmp_path / "town-2024.yaml")
    bad = fill(forms / "体育股-2024-06.xlsx", tmp_path / "体育股-2024-06.xlsx",
               {**FILLS["体育股"], "routine": ("制度修订中", "过半", "推进中", "")})
    rc, _, err = collect(tmp_path, bad, received="2024-06-24")
    assert rc == 1
    lines = err.splitlines()
    assert "体育股-2024-06.xlsx!进展填报!G5: 错误 E631: 完成进度“过半”不是 0～100 之间的数字（请填写数字，如 50 或 50%（“约50%”也可以），不要写“过半”等文字）" in lines
    assert any(line.startswith("体育股-2024-06.xlsx: 警告 W615:") for line in lines)
    assert "1 个文件有问题，未收录：体育股-2024-06.xlsx。请按上面的提示修改后重新报送。" in lines
    assert not (tmp_path / "town-2024.progress.yaml").exists() or not ledger(tmp_path)["entries"]


def test_ledger_written_before_received_and_led(tmp_path: Path) -> None:
    """A ledger of the earlier format (returns without received and led) reads as before:
    nothing late, nothing 未列入, items without a lead return 未报送."""
    from plangen.progress.ledger import load_ledger
    from plangen.progress.report import build_report, submission_lines
    from plangen.progress.schedule import parse_period
    from plangen.view import load_view

    plan_copy(tmp_path)
    sha = "0" * 64
    (tmp_path / "town-2024.progress.yaml").write_text(
        "plan: town-2024\nreport: {}\nreturns:\n"
        f"  - {{period: 2024-06, office: 体育股, file: 体育股-2024-06.xlsx, sha256: '{sha}'}}\n"
        "entries:\n  - {period: 2024-06, item: games, office: 体育股, role: 牵头, percent: 80, status: 推进中}\n",
        encoding="utf-8")
    view = load_view(tmp_path / "town-2024.yaml")
    rep = build_report(view, load_ledger(tmp_path / "town-2024.progress.yaml", view.name), parse_period("2024-06"))
    assert rep.unlisted == () and rep.late_offices == ()
    assert rep.submitted["体育股"] == "按时报送" and rep.submitted["教育股"] == "未报送"
    assert rep.counts_sentence == "共8项：已完成0项，按序时推进0项，滞后1项，未报送7项"
    assert submission_lines(rep) == ["办公室、教育股、体育股、信息中心未报送本期推进情况，其牵头事项按“未报送”统计。"]
