"""Sheet PDFs drawn directly (plangen.sheets.drawn, issue 18): no WeasyPrint on the way, few
fonts, all embedded and subset, lines broken by the 禁则 rules, rows taller than a page split
instead of running off it, characters missing from a face drawn in the fallback, and the look
read from templates/sheet.yaml (a bureau's own overrides it; mistakes are refused at line:col)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
import yaml
from pypdf import PdfReader

from plangen.errors import PlangenError
from plangen.fonts import load_profile
from plangen.sheets import list_sheets, render_sheets
from plangen.sheets.linebreak import NO_END, NO_START, wrap
from plangen.sheets.look import DEFAULTS, load_look
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
YUNXI = REPO / "plans" / "yunxi-2024.yaml"


@pytest.fixture(scope="module")
def yunxi_pdfs():  # type: ignore[no-untyped-def]
    view = load_view(YUNXI)
    return render_sheets(view, list_sheets(view), ("pdf",), load_profile())


def _plan(tmp: Path, text: str, title: str = "落实任务") -> Path:
    (tmp / "t.roster.yaml").write_text("bureau: 局\nleaders: [甲]\noffices: [办公室, 教育股]\n", encoding="utf-8")
    p = tmp / "t-2024.yaml"
    p.write_text("roster: t.roster.yaml\nplan:\n  title: 要点\n  year: 2024\n  sections:\n    - title: 一\n      items:\n"
                 f"        - {{title: {title}, text: {text}, leaders: [甲], offices: [办公室, 教育股]}}\n",
                 encoding="utf-8")
    return p


def test_no_weasyprint_on_the_way(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import weasyprint

    def refuse(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("WeasyPrint used for a sheet")

    monkeypatch.setattr(weasyprint, "HTML", refuse)
    view = load_view(_plan(tmp_path, "做好工作。"))
    files = render_sheets(view, list_sheets(view), ("pdf",), load_profile())
    assert len(files) == 4  # overall, two offices, one leader


def test_fonts_few_embedded_and_subset(yunxi_pdfs) -> None:  # type: ignore[no-untyped-def]
    """At most the four roles a sheet uses plus the fallback; each embedded (FontFile3 or 2), named
    ABCDEF+Name, with a ToUnicode map; two renders give the same bytes."""
    assert len(yunxi_pdfs) == 26
    for k, data in yunxi_pdfs.items():
        reader = PdfReader(io.BytesIO(data))
        fonts = {}
        for page in reader.pages:
            for f in page["/Resources"]["/Font"].values():
                f = f.get_object()
                fonts[f["/BaseFont"]] = f
        assert 3 <= len(fonts) <= 5, (k, list(fonts))
        for name, f in fonts.items():
            assert re.fullmatch(r"/[A-Z]{6}\+[\w-]+", name), name
            desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile3" in desc or "/FontFile2" in desc, (k, name)
            assert "/ToUnicode" in f
        assert len(data) < 700_000, (k, len(data))  # subset: the full faces are 5–7 MB each


def _column_lines(page, lo: float, hi: float) -> list[str]:  # type: ignore[no-untyped-def]
    rows: dict[float, list] = {}  # type: ignore[type-arg]
    for c in page.chars:
        if lo < c["x0"] < hi and 80 < c["top"] < page.height - 50:  # not the page number
            rows.setdefault(round(c["top"], 1), []).append(c)
    return ["".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"])) for _, cs in sorted(rows.items())]


def test_kinsoku_in_the_content_column(yunxi_pdfs) -> None:  # type: ignore[no-untyped-def]
    """No line of 具体内容 starts with a closing mark or ends with an opening one."""
    data = yunxi_pdfs["sheets/总表-任务分解表.pdf"]
    checked = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:6]:
            head = next(w for w in page.extract_words() if w["text"] == "具体内容")
            edges = sorted({round(e["x0"], 1) for e in page.lines if e["x0"] == e["x1"]})
            lo = max(x for x in edges if x < head["x0"])
            hi = min(x for x in edges if x > head["x1"])
            for line in _column_lines(page, lo, hi):
                assert line[0] not in NO_START and line[-1] not in NO_END, line
                checked += 1
    assert checked > 100


def test_wrap_rules() -> None:
    def w(s: str) -> float:
        return float(len(s))

    assert wrap("一二三四。五六", 4, w) == ["一二三", "四。五六"]  # 。 never starts a line
    assert wrap("一二三（四五", 4, w) == ["一二三", "（四五"]  # （ never ends one
    assert wrap("第一2024年", 5, w) == ["第一", "2024年"]  # a number stays whole
    assert wrap("ab" * 6, 4, w) == ["abab", "abab", "abab"]  # wider than the line: split
    assert wrap("甲\n乙", 9, w) == ["甲", "乙"] and wrap("", 3, w) == [""]


def test_row_taller_than_a_page_is_split(tmp_path: Path) -> None:
    text = "落实各项工作任务，" * 420  # ≈ 3800 characters: several pages in the 具体内容 column
    view = load_view(_plan(tmp_path, text))
    data = render_sheets(view, [s for s in list_sheets(view) if s.kind == "overall"], ("pdf",),
                         load_profile())["sheets/总表-任务分解表.pdf"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 3
        chars = 0
        for page in pdf.pages:
            for o in page.chars + page.lines:
                assert 0 <= o["x0"] and o["x1"] <= page.width and 0 <= o["top"] and o["bottom"] <= page.height
            body = [c for c in page.chars if "FandolFang" in c["fontname"]]  # not the page number
            assert max(c["bottom"] for c in body) < page.height - 18 * 72 / 25.4  # above the bottom margin
            chars += sum(c["text"] == "务" for c in body)
    assert chars == 420 + 2  # every 务 of the text once, and the item title 落实任务 in the table and the matrix


def test_missing_character_drawn_in_the_fallback(tmp_path: Path) -> None:
    view = load_view(_plan(tmp_path, "做好鸚鹉螺工作。", title="堃昇计划"))
    data = render_sheets(view, [s for s in list_sheets(view) if s.kind == "overall"], ("pdf",),
                         load_profile())["sheets/总表-任务分解表.pdf"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = pdf.pages[0].extract_text()
        fonts = {c["fontname"].split("+")[1] for c in pdf.pages[0].chars if c["text"] in "鸚堃昇"}
    assert "鸚鹉螺" in text and "堃昇计划" in text
    assert fonts and all(f.startswith("NotoSerifCJK") for f in fonts)


def test_look_file_is_the_defaults() -> None:
    assert yaml.safe_load((REPO / "templates" / "sheet.yaml").read_text(encoding="utf-8")) == DEFAULTS


def test_bureau_look_overrides(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "sheet.yaml").write_text("cell: {size_pt: 12}\nhead: {fill: '#ff0000'}\n", encoding="utf-8")
    view = load_view(_plan(tmp_path, "做好工作。"))
    data = render_sheets(view, [s for s in list_sheets(view) if s.kind == "overall"], ("pdf",),
                         load_profile())["sheets/总表-任务分解表.pdf"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        body = next(c for c in page.chars if c["text"] == "做")
        assert round(body["size"], 1) == 12.0
        assert any(r.get("non_stroking_color") == (1, 0, 0) for r in page.rects)


@pytest.mark.parametrize(("text", "code", "where"), [
    ("cell: {size: 12}\n", "E701", ":1:8"),
    ("head:\n  fill: red\n", "E703", ":2:9"),
    ("line_height: 大\n", "E702", ":1:14"),
    ("title: {font: 仿宋}\n", "E704", ":1:15"),
])
def test_bureau_look_mistakes(tmp_path: Path, text: str, code: str, where: str) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "sheet.yaml").write_text(text, encoding="utf-8")
    plan = _plan(tmp_path, "做好工作。")
    with pytest.raises(PlangenError) as e:  # the check refuses the plan (plangen check, load_view)
        load_view(plan)
    with pytest.raises(PlangenError) as at_render:  # and the renderer, for a file changed since
        load_look(tmp_path)
    for msg in (e.value.format(), at_render.value.format()):
        assert code in msg and f"sheet.yaml{where}" in msg, msg


def test_own_html_template_still_used(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    src = (REPO / "templates" / "sheet.html.j2").read_text(encoding="utf-8")
    (tmp_path / "templates" / "sheet.html.j2").write_text(src.replace("<h1>", "<h1>本局："), encoding="utf-8")
    shutil.copy(REPO / "templates" / "sheet.yaml", tmp_path / "templates" / "sheet.yaml")
    view = load_view(_plan(tmp_path, "做好工作。"))
    data = render_sheets(view, list_sheets(view)[:1], ("pdf",), load_profile())["sheets/总表-任务分解表.pdf"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].extract_text().startswith("本局：")


def test_check_reports_a_bad_look_file(tmp_path: Path) -> None:
    from plangen.check import check_file

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "sheet.yaml").write_text("marks:\n  牵头: orange\n", encoding="utf-8")
    result = check_file(_plan(tmp_path, "做好工作。"))
    found = [p for p in result.problems.items if p.code == "E703"]
    assert found and str(found[0].pos).endswith("sheet.yaml:2:7"), [p.format() for p in result.problems.items]


def test_group_heading_never_last_on_a_page(yunxi_pdfs) -> None:  # type: ignore[no-untyped-def]
    """A leader sheet's section heading row stays with its first item (WeasyPrint left
    “二、聚焦全面发展…” alone at the bottom of 陈玲玲's page 2)."""
    view = load_view(YUNXI)
    headings = {f"{s.label}{s.title}" for x in view.plan.leaders for s, _ in x.groups}
    seen = 0
    for k, data in yunxi_pdfs.items():
        if not k.startswith("sheets/领导-"):
            continue
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                lines = [x for x in (page.extract_text() or "").splitlines() if not re.fullmatch(r"— \d+ —", x)]
                seen += sum(x in headings for x in lines)
                assert lines[-1] not in headings, (k, page.page_number, lines[-1])
    assert seen >= len(view.plan.leaders)
