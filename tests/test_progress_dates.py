"""plangen.dates: the day due words name, and the view exposing it."""

from __future__ import annotations

import datetime as dt

import pytest

from plangen.dates import due_date

D = dt.date


@pytest.mark.parametrize("words, expected", [
    ("2025年12月底前", D(2025, 12, 31)),
    ("6月底前", D(2024, 6, 30)),
    ("2月底", D(2024, 2, 29)),
    ("六月底前", D(2024, 6, 30)),
    ("9月前", D(2024, 8, 31)),
    ("6月15日前", D(2024, 6, 15)),
    ("年底前", D(2024, 12, 31)),
    ("全年", D(2024, 12, 31)),
    ("上半年", D(2024, 6, 30)),
    ("第三季度", D(2024, 9, 30)),
    ("2024-07-01", D(2024, 7, 1)),
    (D(2024, 5, 4), D(2024, 5, 4)),
    ("长期", None),
    ("每学期", None),
    ("", None),
    (None, None),
    ("13月底前", None),
    ("2月30日前", None),
])
def test_due_words(words, expected) -> None:  # type: ignore[no-untyped-def]
    assert due_date(words, 2024) == expected


def test_view_exposes_due_date_and_milestones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from plangen.view import load_view

    p = tmp_path / "x-2024.yaml"
    p.write_text(
        "plan:\n  title: 某局2024年工作要点\n  year: 2024\n  sections:\n    - title: 一部分\n      items:\n"
        "        - {id: a, title: 甲, due: 6月底前, milestones: [{due: 3月底前, target: 完成方案, percent: 40}]}\n"
        "        - {id: b, title: 乙, due: 长期}\n",
        encoding="utf-8")
    view = load_view(p)
    a, b = view.plan.items
    assert a.due == "6月底前" and a.due_date == D(2024, 6, 30)
    assert a.milestones[0].due_date == D(2024, 3, 31) and a.milestones[0].percent == 40
    assert b.due_date is None
    assert view.progress.cycle == "monthly" and view.progress.red == 30
