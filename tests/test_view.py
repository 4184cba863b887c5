"""The layout view, on the real 云溪 2024 plan and on plans that name no one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from plangen.view import load_view
from plangen.layout import text_width
from plangen.text import balanced_lines, chinese_numeral, gongwen_date

REPO = Path(__file__).resolve().parents[1]
LEGACY = REPO / "tests" / "data" / "legacy" / "yunxi-2024.txt"


@pytest.fixture(scope="module")
def yunxi():  # type: ignore[no-untyped-def]
    return load_view(REPO / "plans" / "yunxi-2024.yaml")


def legacy_items() -> dict[int, tuple[list[str], list[str]]]:
    """Item number → (leaders, offices) as written in the legacy text's notes."""
    text = re.sub(r"\s+", "", LEGACY.read_text(encoding="utf-8"))
    out: dict[int, tuple[list[str], list[str]]] = {}
    for m in re.finditer(r"(\d+)\.(?:(?!\d+\.[^\d]).)*?[（(]责任领导[:：](.*?)[,，]责任股室[:：](.*?)[)）]", text):
        out[int(m.group(1))] = (re.split("[、]", m.group(2)), re.split("[、]", m.group(3)))
    return out


def test_yunxi_structure(yunxi) -> None:  # type: ignore[no-untyped-def]
    plan = yunxi.plan
    assert len(plan.sections) == 5
    assert [s.label for s in plan.sections] == ["一、", "二、", "三、", "四、", "五、"]
    assert [i.number for i in plan.items] == list(range(1, 24))
    assert [i.label for i in plan.items][:3] == ["1.", "2.", "3."]
    assert yunxi.notice is not None
    assert yunxi.notice.date == "2024年2月22日"
    assert yunxi.notice.number == "岳云教体〔2024〕4号"


def test_yunxi_responsibility_matches_legacy_text(yunxi) -> None:  # type: ignore[no-untyped-def]
    written = legacy_items()
    assert len(written) == 23
    for item in yunxi.plan.items:
        leaders, offices = written[item.number]
        assert list(item.leaders) == leaders, item.number
        # the roster folds 纪监室 into 纪检监察室; everything else is printed as written
        assert list(item.offices) == [("纪检监察室" if o == "纪监室" else o) for o in offices], item.number


def test_yunxi_offices_and_leaders(yunxi) -> None:  # type: ignore[no-untyped-def]
    plan = yunxi.plan
    offices = {o.name: o for o in plan.offices}
    assert len(offices) == 20
    assert "纪监室" not in offices and "纪检监察室" in offices
    assert "基础教育股" in offices and "教育股" in offices
    office = offices["办公室"]
    assert [i.number for i in office.lead] == [1, 3]
    assert [i.number for i in office.assist] == [16]
    assert [kind for _, kind in office.rows] == ["牵头", "牵头", "配合"]
    assert {i.number for i in offices["纪检监察室"].lead} == {4}
    assert {i.number for i in offices["纪检监察室"].assist} == {7, 21}
    assert len(plan.leaders) == 5
    by_name = {leader.name: leader for leader in plan.leaders}
    assert {i.number for i in by_name["杨建波"].items} == {10}
    # every item a leader answers for, grouped by section in plan order
    for leader in plan.leaders:
        nums = [i.number for i in leader.items]
        assert nums == sorted(nums)
        assert all(leader.name in i.leaders for i in leader.items)
        assert len(nums) == sum(leader.name in i.leaders for i in plan.items)


def test_yunxi_blocks(yunxi) -> None:  # type: ignore[no-untyped-def]
    blocks = yunxi.plan.blocks
    assert blocks[0].kind == "title" and blocks[0].text == "云溪区2024年教育体育工作要点"
    heads = [b.text for b in blocks if b.kind == "heading1"]
    assert heads[0] == "一、聚焦党建引领，落实党对教体工作的全面领导"
    items = [b for b in blocks if b.kind == "item"]
    assert len(items) == 23
    four = next(b for b in items if b.item == 4)
    assert four.text.startswith("4.持续深化党风廉政建设。落实党风廉政建设“一岗双责”")
    assert four.text.endswith("（责任领导：陈玲玲，责任股室：纪检监察室）")
    assert [s.role for s in four.segments] == ["label", "title", "text", "resp"]


def test_plan_without_names(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_text(
        """plan:
  title: 2023年全市教育和体育工作要点
  year: 2023
  options: {numbering: per-section, item_title: block, responsibility: inline}
  sections:
    - title: 指导思想
      text: 坚持以习近平新时代中国特色社会主义思想为指导。
    - title: 重点工作
      subsections:
        - title: 做好党建工作
          items:
            - {title: 加强基层党组织建设, text: 甲。}
            - {title: 坚守意识形态阵地, text: 乙。}
        - title: 实施素质教育
          items:
            - {title: 加强思想政治教育, text: 丙。}
    - title: 保障
      items:
        - {title: 优化投入, text: 丁。, due: 2023-06-30}
""",
        encoding="utf-8",
    )
    v = load_view(p)
    assert v.notice is None and v.template == "plain"
    assert v.plan.offices == () and v.plan.leaders == () and not v.plan.has_responsibility
    assert [(i.section_number, i.number) for i in v.plan.items] == [(2, 1), (2, 2), (2, 3), (3, 1)]
    assert [i.index for i in v.plan.items] == [1, 2, 3, 4]
    assert v.plan.sections[1].subsections[1].label == "（二）"
    assert v.plan.items[3].due == "2023年6月30日"
    kinds = [b.kind for b in v.plan.blocks]
    assert kinds.count("item_title") == 4 and "item" not in kinds
    assert not any(s.role == "resp" for b in v.plan.blocks for s in b.segments)
    assert v.plan.sections[0].text == ("坚持以习近平新时代中国特色社会主义思想为指导。",)


def test_numerals_and_dates() -> None:
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 19, 20, 35, 100, 101, 110)] == [
        "一", "九", "十", "十一", "十九", "二十", "三十五", "一百", "一百零一", "一百一十"]
    assert gongwen_date(dt.date(2024, 2, 2)) == "2024年2月2日"
    assert gongwen_date(dt.date(2023, 12, 31)) == "2023年12月31日"


@pytest.mark.parametrize("title", [
    "关于印发《云溪区2024年教育体育工作要点》的通知",
    "吉首市教育和体育局关于印发《2023年全市教育和体育工作要点》的通知",
    "关于印发《岳阳市云溪区教育体育局与共青团岳阳市云溪区委员会2024年青少年思想道德建设工作要点》的联合通知",
])
def test_balanced_title_lines(title: str) -> None:
    lines = balanced_lines(title)
    assert "".join(lines) == title
    assert all(text_width(line) <= 20 for line in lines)
    widths = [text_width(line) for line in lines]
    assert max(widths) - min(widths) <= 6
    for a, b in zip(lines, lines[1:], strict=False):
        assert b[0] not in "，。、》）"
        assert not (a[-1].isdigit() and b[0].isdigit())
        assert not (a[-1].isdigit() and b[0] in "年月日号")
