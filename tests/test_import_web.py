"""Issue 12: plans as other bureaus and web pages write them — one-line copies, other titles,
numbering per section, site debris, the 附注 `（此件主动公开）`, no invented issuer, and names that
YAML would misread."""

from __future__ import annotations

import io
import re
import unicodedata
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from plangen.check import check_file
from plangen.importer import all_items, import_file, run_import
from plangen.importer.writing import roster_yaml, to_yaml
from plangen.view import load_view

TESTS = Path(__file__).resolve().parent
LEGACY = TESTS / "data" / "legacy"
DATA = TESTS / "data" / "import"
REPO = TESTS.parent


def fold(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def structure(data: dict) -> dict:  # type: ignore[type-arg]
    """Everything imported, texts compared without white space and across widths."""
    def item(it: dict) -> tuple:  # type: ignore[type-arg]
        return (fold(it["title"]), fold(it.get("text", "")), it.get("leaders"), [fold(o) for o in it.get("offices", [])],
                it.get("joint"), it.get("due"), [(fold(s.get("title", "")), fold(s["text"])) for s in it.get("subitems", [])])

    p = data["plan"]
    out = {"title": fold(p["title"]), "year": p["year"], "issuers": p.get("issuers"), "options": p.get("options"),
           "preamble": fold(p.get("preamble", "")),
           "sections": [(fold(s["title"]), fold(s.get("text", "")), [item(i) for i in s.get("items", [])],
                         [(fold(u["title"]), fold(u.get("text", "")), [item(i) for i in u["items"]])
                          for u in s.get("subsections", [])]) for s in p["sections"]]}
    if "notice" in data:
        out["notice"] = {k: fold(v) if isinstance(v, str) else v for k, v in data["notice"].items()}
    return out


@pytest.mark.parametrize("name", ["jishou-2023", "yunxi-2024", "luan-2024"])
@pytest.mark.parametrize("sep", [" ", "  \t"])
def test_one_line_copy_imports_like_the_lines(name: str, sep: str, tmp_path: Path) -> None:
    lines = (LEGACY / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    one = tmp_path / f"{name}.txt"
    one.write_text(sep.join(lines), encoding="utf-8")
    assert one.read_text(encoding="utf-8").count("\n") == 0
    a, _, _ = import_file(LEGACY / f"{name}.txt")
    b, _, _ = import_file(one)
    assert structure(b) == structure(a)
    assert [it["id"] for it in all_items(b["plan"])] == [it["id"] for it in all_items(a["plan"])]


def test_provincial_notice_copied_on_one_line(tmp_path: Path) -> None:
    """Modelled on a provincial 教育厅 page (see docs/import.md): mark, number glued to the notice
    title, 附件 naming the plan, 处室 with 牵头/配合, all on one line."""
    src = DATA / "province-one-line.txt"
    assert src.read_text(encoding="utf-8").count("\n") == 0
    data, report, info = import_file(src)
    n = data["notice"]
    assert (n["mark"], n["number"], n["issuers"], n["date"].isoformat()) == (
        "松江省教育厅文件", "松教发〔2025〕1号", ["松江省教育厅"], "2025-03-10")
    assert n["title"] == "关于印发《松江省教育厅2025年工作要点》的通知"
    assert n["attachments"] == ["松江省教育厅2025年工作要点"] and n["to"].endswith("直属单位")
    assert data["plan"]["title"] == "松江省教育厅2025年工作要点"
    assert data["plan"]["preamble"].startswith("2025年全省教育工作")
    items = all_items(data["plan"])
    assert [it["offices"] for it in items] == [["宣传处", "高教处"], ["组织处"], ["基教处", "发展规划处", "财务处"]]
    assert info["office_word"] == "处室" and [t for _, t in report.unplaced] == ["附件"]
    out = tmp_path / "sj-2025.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        assert run_import(src, out=out, roster=None) == 0, buf.getvalue()
    view = load_view(out)
    assert view.notice is not None and view.plan.office_word == "处室"


def test_inline_items_after_full_stops_without_blanks(tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_text("东湖区教育局2025年工作要点\n一、抓党建\n1.学理论。开展学习。(责任单位:办公室)2.强组织。建强支部。"
                   "（责任单位：组织股）\n二、抓质量\n3.提质量。（1）抓课堂；（2）抓教研。", encoding="utf-8")
    data, _, _ = import_file(src)
    items = all_items(data["plan"])
    assert [it["title"] for it in items] == ["学理论", "强组织", "提质量"]
    assert [it.get("offices") for it in items] == [["办公室"], ["组织股"], None]
    assert [s["text"] for s in items[2]["subitems"]] == ["抓课堂；", "抓教研。"]


def test_restart_inside_a_section_is_reported_and_site_numerals_kept(tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_text("东湖区教育局2025年工作要点\n一、抓党建\n（一）学习\n1.学理论。办好第拾玖届读书节。\n"
                   "（二）组织\n1.建队伍。选好叁名干部。\n", encoding="utf-8")
    data, report, _ = import_file(src)
    items = all_items(data["plan"])
    assert [it["title"] for it in items] == ["学理论", "建队伍"]
    assert data["plan"]["options"] == {"numbering": "per-section"}
    assert any("x.txt:6:" in n and "小节" in n for n in report.notes)
    assert items[0]["text"] == "办好第拾玖届读书节。" and items[1]["text"] == "选好叁名干部。"


def test_subsection_entries_that_are_tasks_become_items(tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_text("东湖区教育局2025年工作要点\n一、指导思想\n（一）总体要求\n坚持立德树人。\n二、抓党建\n"
                   "（一）学理论。开展学习。（责任单位：办公室）\n（二）建队伍。选好干部。\n（责任单位：组织股、人事股）\n"
                   "三、抓质量\n（一）课堂。深化改革。\n1.推进大单元教学。开展研讨。\n", encoding="utf-8")
    data, report, _ = import_file(src)
    one, two, three = data["plan"]["sections"]
    assert one["subsections"] == [{"title": "总体要求", "text": "坚持立德树人。", "items": []}]
    assert [(it["title"], it.get("offices"), it.get("joint", False)) for it in two["items"]] == [
        ("学理论", ["办公室"], False), ("建队伍", ["组织股", "人事股"], True)]
    assert "subsections" not in two and any("x.txt:6:" in n and "按工作任务导入" in n for n in report.notes)
    assert three["subsections"][0]["title"] == "课堂" and three["subsections"][0]["text"] == "深化改革。"
    assert [it["title"] for it in three["subsections"][0]["items"]] == ["推进大单元教学"]


def test_work_plan_numbered_per_section_checks_clean(tmp_path: Path) -> None:
    src = DATA / "jihua-per-section.txt"
    text = src.read_text(encoding="utf-8")
    starts = [int(m.group(1)) for m in re.finditer(r"^(\d+)、", text, re.MULTILINE)]
    out = tmp_path / "qh-2025.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        code = run_import(src, out=out, roster=None)
    assert code == 0, buf.getvalue()
    result = check_file(out)
    assert result.ok and not result.problems.warnings, [p.format() for p in result.problems]
    view = load_view(out)
    assert view.plan.title == text.split("\n", 1)[0]  # as printed, issuer and all
    assert not view.plan.issuers
    assert starts.count(1) == len(view.plan.sections) and len(view.plan.items) == len(starts)
    assert [i.number for i in view.plan.items] == starts  # numbering: per-section reproduces the source
    item = next(i for i in view.plan.items if i.title == "深化课堂改革")
    assert len(item.subitems) == 2


@pytest.mark.parametrize("title", ["青禾县教育局2025年工作要点", "2025年工作计划", "青禾县教育局2025年工作安排",
                                   "2025年重点工作", "2025年要点", "青禾县教育局2025年教育工作计划"])
def test_titles_other_than_yaodian_are_kept_as_printed(title: str, tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(f"{title}\n一、抓党建\n1.学理论。开展学习。\n", encoding="utf-8")
    data, _, _ = import_file(src)
    assert data["plan"]["title"] == title and "issuers" not in data["plan"]
    assert data["plan"]["year"] == 2025


def test_issuers_only_from_a_line_of_their_own(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text("中共青禾县教育局委员会 青禾县教育局\n2025年工作要点\n一、抓党建\n1.学理论。开展学习。\n",
                   encoding="utf-8")
    data, report, _ = import_file(src)
    assert data["plan"]["issuers"] == ["中共青禾县教育局委员会", "青禾县教育局"]
    assert data["plan"]["title"] == "2025年工作要点" and not report.unplaced


def test_site_debris_reported_and_kept_out(tmp_path: Path) -> None:
    src = DATA / "web-debris.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    data, report, _ = import_file(src)
    plan = data["plan"]
    assert plan["title"] == lines[0] and "issuers" not in plan
    assert plan["preamble"].startswith("2022年是全面实施")
    debris = {k: line for k, line in enumerate(lines, 1) if k in range(2, 10) or line.startswith(("分享", "上一篇", "下一篇", "网站地图"))}
    assert {no for no, _, _ in report.dropped} == set(debris)
    dumped = fold(repr(data))
    assert dumped.count(fold(lines[0])) == 1  # the repeated title once, as the title
    for word in ("VIP", "999+", "KB", "海报", "侵权投诉", "分享到", "上一篇", "下一篇", "网站地图"):
        assert word not in dumped
    out = tmp_path / "w-2022.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        run_import(src, out=out, roster=None)
    for k in debris:
        assert re.search(rf"web-debris\.txt:{k}: 未导入", buf.getvalue()), k


def test_breadcrumbs_buttons_and_download_links(tmp_path: Path) -> None:
    src = DATA / "web-crumbs.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    data, report, _ = import_file(src)
    assert data["plan"]["title"] == lines[2]
    debris = {1, 2, 4, 9, 10}
    assert {no for no, _, _ in report.dropped} == debris and not report.unplaced
    dumped = fold(repr(data))
    for k in debris:
        assert fold(lines[k - 1])[:6] not in dumped, lines[k - 1]


def test_site_debris_in_a_one_line_copy(tmp_path: Path) -> None:
    src = DATA / "web-debris.txt"
    one = tmp_path / "one.txt"
    one.write_text(" ".join(src.read_text(encoding="utf-8").split("\n")), encoding="utf-8")
    a, _, _ = import_file(src)
    b, report, _ = import_file(one)
    assert structure(b) == structure(a)
    dumped = repr(b)
    for word in ("VIP", "999+", "KB", "海报", "侵权投诉", "分享到", "上一篇", "下一篇", "网站地图", "联系我们"):
        assert word not in dumped
    assert len(report.dropped) >= 5 and {no for no, _, _ in report.dropped} == {1}


def test_public_note_from_text_and_no_invented_issuer(tmp_path: Path) -> None:
    data, report, _ = import_file(DATA / "notice-public.txt")
    n = data["notice"]
    assert n["note"] == "（此件主动公开）"
    assert "issuers" not in n and "（发文机关）" not in repr(data)
    assert any("发文机关" in note and "芜湖湾区教育局" in note for note in report.notes)
    assert n["to"] == "各中小学、幼儿园，机关各科室"
    out = tmp_path / "wh-2024.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        code = run_import(DATA / "notice-public.txt", out=out, roster=None)
    assert code == 1 and "issuers" in buf.getvalue()  # check tells what to fill in; nothing invented


def test_joint_issuers_from_blanks_in_the_notice(tmp_path: Path) -> None:
    src = DATA / "joint-notice.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    data, report, info = import_file(src)
    n = data["notice"]
    assert n["issuers"] == lines[2].split("关于")[0].split()
    assert "signature" not in n and n["note"] == "（此件主动公开）" and n["date"].isoformat() == "2025-03-03"
    assert data["plan"]["title"] == lines[8] and "issuers" not in data["plan"]
    assert info["office_word"] == "处室"
    assert [no for no, _, _ in report.dropped] == [2] and [no for no, _ in report.unplaced] == [1]
    out = tmp_path / "jh-2025.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        assert run_import(src, out=out, roster=None) == 0, buf.getvalue()
    view = load_view(out)
    assert view.notice is not None and list(view.notice.mark_lines) == n["issuers"]


def test_public_note_from_our_own_docx(tmp_path: Path) -> None:
    from plangen.fonts import load_profile
    from plangen.render.docx import render_docx

    src = tmp_path / "yunxi-2024.yaml"
    text = (REPO / "plans" / "yunxi-2024.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  date: .*)$", r"\1\n  note: （此件主动公开）", text, count=1)
    src.write_text(text, encoding="utf-8")
    (tmp_path / "yunxi.roster.yaml").write_bytes((REPO / "plans" / "yunxi.roster.yaml").read_bytes())
    view = load_view(src)
    assert view.notice is not None and view.notice.note == "（此件主动公开）"
    docx = tmp_path / "yx.docx"
    docx.write_bytes(render_docx(view, profile=load_profile()))
    data, _, _ = import_file(docx)
    assert data["notice"]["note"] == "（此件主动公开）"
    assert "此件主动公开" not in repr(data["plan"])


def names(entries: list) -> list[str]:  # type: ignore[type-arg]
    return [e if isinstance(e, str) else e.name for e in entries]


NAMES = ["*团委", "&工会", "体育: 卫生股", "- 办公室", "'引号'股", "#井号股", "null", "2024", "yes", "[方括号]"]


def test_names_yaml_would_misread_load_back(tmp_path: Path) -> None:
    leaders = ["*陈丽", "&林海", "王: 五"]
    data = {"plan": {"title": "2025年工作要点", "year": 2025, "sections": [{"title": "抓党建", "items": [
        {"id": "t-1", "title": "学理论", "leaders": leaders, "offices": NAMES}]}]}}
    (tmp_path / "x-2025.yaml").write_text(to_yaml(data, "x.roster.yaml"), encoding="utf-8")
    (tmp_path / "x.roster.yaml").write_text(roster_yaml("*教育局", leaders, NAMES, "科室"), encoding="utf-8")
    r = check_file(tmp_path / "x.roster.yaml")
    assert r.ok and r.roster is not None, [p.format() for p in r.problems]
    assert r.roster.bureau == "*教育局" and names(r.roster.offices) == NAMES and names(r.roster.leaders) == leaders
    p = check_file(tmp_path / "x-2025.yaml")
    assert p.ok and p.plan is not None, [x.format() for x in p.problems]
    item = p.plan.plan.sections[0].items[0]
    assert item.offices == NAMES and item.leaders == leaders


def test_import_of_star_and_ampersand_names_end_to_end(tmp_path: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text("星城区教育局2025年工作要点\n一、抓党建\n1.学理论。开展学习。（责任领导：*陈丽、&林海，责任股室：*团委、&工会）\n",
                   encoding="utf-8")
    out = tmp_path / "s-2025.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        code = run_import(src, out=out, roster=None)
    assert code == 0, buf.getvalue()
    roster = check_file(tmp_path / "s.roster.yaml")
    assert roster.ok and roster.roster is not None
    assert names(roster.roster.offices) == ["*团委", "&工会"] and names(roster.roster.leaders) == ["*陈丽", "&林海"]
    item = load_view(out).plan.items[0]
    assert list(item.offices) == ["*团委", "&工会"] and list(item.leaders) == ["*陈丽", "&林海"]
