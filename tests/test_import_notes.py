"""Issue 12: every way real plans write responsibility becomes structured fields (lead first,
assisting offices, joint units, leaders, due) and nothing of the note stays in the text.

Each input in tests/data/import/notes/ is one notation with names of its own; the expected
fields below are read off those files by hand."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from plangen.check import check_file
from plangen.importer import all_items, import_file, run_import
from plangen.importer.notes import LABEL_RE, split_notes

NOTES = Path(__file__).resolve().parent / "data" / "import" / "notes"

# file → (office word, [(leaders, offices with the lead first, joint, due) per item])
EXPECTED = {
    "line-unit.txt": ("单位", [([], ["组织人事科", "机关党委"], True, None),
                             ([], ["纪检监察室"], False, None)]),
    "bracket-unit.txt": ("单位", [([], ["宣传科"], False, None),
                                ([], ["计划财务科", "基建办"], True, None)]),
    "lead-assist.txt": ("单位", [([], ["基础教育科", "教研室", "督导室"], False, None),
                               ([], ["招生考试中心", "学籍管理站"], False, None)]),
    "square.txt": ("股室", [(["周启明"], ["安全股", "后勤服务中心"], False, None),
                          (["吴婉清"], ["勤管中心"], False, None)]),
    "keshi-due.txt": ("科室", [([], ["基教科"], False, "2025年6月底前"),
                             ([], ["人事科"], False, "年底前")]),
    "lead-leader.txt": ("股室", [(["郑秋实"], ["师训股", "人事股", "教研室"], False, None),
                               (["韩立新"], ["人事股", "纪检组"], False, None)]),
    "due-line.txt": ("股室", [([], ["学前股"], False, "2025年8月底前"),
                            ([], ["体卫艺股"], False, "长期")]),
    "two-brackets.txt": ("股室", [(["何慧", "陶然"], ["教育股", "少年宫"], False, None),
                                (["陶然"], ["勤管中心"], False, "每学期")]),
    "other-words.txt": ("处室", [([], ["机关党委", "组织处", "宣传处"], False, "2025年9月"),
                               ([], ["科技处", "电教馆"], False, "全年"),
                               ([], ["督导办", "政策法规处"], False, None)]),
}


def test_every_form_has_a_file() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in NOTES.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_note_form_becomes_fields(name: str) -> None:
    word, expected = EXPECTED[name]
    data, report, info = import_file(NOTES / name)
    items = all_items(data["plan"])
    got = [(it.get("leaders", []), it.get("offices", []), it.get("joint", False), it.get("due"))
           for it in items]
    assert got == expected
    assert info["office_word"] == word
    for it, (leaders, offices, _joint, due) in zip(items, expected, strict=True):
        printed = it["title"] + it.get("text", "")
        assert LABEL_RE.search(printed) is None, printed
        for word_ in (*leaders, *offices, *([due] if due else [])):
            assert word_ not in printed, (word_, printed)
        assert not re.search(r"[（(【\[][^）)】\]]*$", printed), printed  # no unclosed bracket left
    assert not report.unplaced


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_imported_plan_checks_clean(name: str, tmp_path: Path) -> None:
    out = tmp_path / "x-2025.yaml"
    with redirect_stdout(io.StringIO()) as buf:
        code = run_import(NOTES / name, out=out, roster=None)
    assert code == 0, buf.getvalue()
    roster = tmp_path / "x.roster.yaml"
    r = check_file(roster)
    assert r.ok and r.roster is not None
    assert r.roster.office_word == EXPECTED[name][0]
    assert check_file(out).ok


@pytest.mark.parametrize(("text", "body", "fields"), [
    ("开展培训。（责任领导：A；责任股室：X、Y）", "开展培训。", {"leaders": ["A"], "offices": ["X", "Y"]}),
    ("开展培训，(责任单位:X)", "开展培训。", {"offices": ["X"]}),
    ("开展培训。【牵头：X；配合：Y】", "开展培训。", {"offices": ["X", "Y"]}),
    ("开展培训。（责任单位：X、Y（牵头）、Z）", "开展培训。", {"offices": ["Y", "X", "Z"]}),
    ("开展培训。（责任人：A，完成时间：2025年3月）", "开展培训。", {"leaders": ["A"], "due": "2025年3月"}),
    ("开展培训。（分管领导：A，承办单位：X、Y）", "开展培训。", {"leaders": ["A"], "offices": ["X", "Y"], "joint": True}),
    ("开展培训。〔责任单位∶X、Y〕", "开展培训。", {"offices": ["X", "Y"], "joint": True}),
    ("开展培训（试行）。", "开展培训（试行）。", {}),  # a bracket that is no note stays
    ("明确责任单位：各学校要按时完成。", "明确责任单位：各学校要按时完成。", {}),  # prose with a colon stays
    ("开展培训。（责任单位：X）要求各校落实", "开展培训。（责任单位：X）要求各校落实", {}),  # not at the end
])
def test_grammar(text: str, body: str, fields: dict) -> None:  # type: ignore[type-arg]
    got_body, note = split_notes(text)
    assert (got_body, note.fields()) == (body, fields)


def test_roster_word_wins_and_a_difference_is_reported(tmp_path: Path) -> None:
    roster = tmp_path / "k.roster.yaml"
    roster.write_text("bureau: 南浔市教育局\noffice_word: 单位\noffices: [基教科, 人事科]\n", encoding="utf-8")
    _, report, info = import_file(NOTES / "keshi-due.txt", roster)
    assert info["office_word"] == "单位" and info["unknown"] == []
    assert any("单位" in n and "责任科室" in n for n in report.notes)
