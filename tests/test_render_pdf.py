"""The PDF, measured: page size, text block, 28 × 22 grid, red mark and rule, fonts, page
numbers, punctuation, text, metadata, outline, byte identity. Read back with pdfplumber
(glyph boxes, colours, font names) and pypdf (metadata, outline)."""

from __future__ import annotations

import collections
import io
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from plangen.view import load_view
from plangen.fonts import load_profile
from plangen.render.pdf import render_pdf

REPO = Path(__file__).resolve().parents[1]
YUNXI = REPO / "plans" / "yunxi-2024.yaml"
MM = 72 / 25.4
CLOSING = "，。、；：？！）》」"


def render(path: Path, **kw) -> bytes:  # type: ignore[no-untyped-def]
    return render_pdf(load_view(path), profile=load_profile(), **kw)


@pytest.fixture(scope="module")
def yunxi_bytes() -> bytes:
    return render(YUNXI)


@pytest.fixture(scope="module")
def yunxi(yunxi_bytes: bytes):  # type: ignore[no-untyped-def]
    with pdfplumber.open(io.BytesIO(yunxi_bytes)) as pdf:
        yield pdf


def body_lines(page) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    lines: dict[float, list[dict]] = collections.OrderedDict()
    for c in page.chars:
        # the spaces plangen.render.justify puts between CJK characters are not characters of the text
        if 15.5 < c["size"] < 16.5 and c["text"].strip():
            lines.setdefault(round(c["top"], 1), []).append(c)
    return list(lines.values())


def test_page_size_and_text_block(yunxi) -> None:  # type: ignore[no-untyped-def]
    for page in yunxi.pages:
        assert abs(page.width / MM - 210) < 0.5 and abs(page.height / MM - 297) < 0.5
    lines = body_lines(yunxi.pages[2])  # a full body page of the plan
    xs = [c["x0"] for line in lines for c in line]
    assert abs(min(xs) / MM - 28) < 0.5  # left margin 28 mm
    right = max(c["x1"] for line in lines for c in line) / MM
    assert 183 < right <= 184 + 1.25 / MM  # right edge of the 156 mm block (a glyph's advance is 0.25 pt wider than its cell)
    first_top = lines[0][0]["top"] / MM
    # 37 mm + half-leading of a 16 pt glyph in a 28.95 pt line
    assert abs(first_top - (37 + (28.95 - 16) / 2 / MM)) < 0.3


def test_grid_22_lines_28_chars(yunxi) -> None:  # type: ignore[no-untyped-def]
    for pno in (2, 3):
        lines = body_lines(yunxi.pages[pno])
        assert len(lines) == 22
        tops = [line[0]["top"] for line in lines]
        pitches = {round(b - a, 1) for a, b in zip(tops, tops[1:], strict=False)}
        assert pitches == {28.9} or pitches == {29.0} or pitches <= {28.9, 29.0}
    pairs = [(a, b) for p in yunxi.pages[2:6] for a, b in zip(body_lines(p), body_lines(p)[1:], strict=False)]
    full = [(a, b) for a, b in pairs if all(ord(c["text"]) > 0x2E80 for c in a) and len(a) >= 27]
    assert len(full) > 20, "no full pure-CJK lines found"
    for a, b in full:
        if len(a) == 27:
            # the 28th character went down: it may not end a line (opening punctuation) or it
            # went with the punctuation that follows it (UAX 14: no break before closing marks or quotes)
            assert b[0]["text"] in "（《「“‘" or (len(b) > 1 and b[1]["text"] in CLOSING + ",.;:?!)“”‘’"), \
                "".join(c["text"] for c in a)
        else:
            assert len(a) == 28
            assert a[-1]["x1"] / MM > 184 - 0.5  # ends within 0.5 mm of the right edge
    assert sum(len(a) == 28 for a, _ in full) > len(full) * 0.7


def test_issuer_mark_and_red_rule(yunxi) -> None:  # type: ignore[no-untyped-def]
    p1 = yunxi.pages[0]
    mark = [c for c in p1.chars if c["size"] > 24]
    assert "".join(c["text"] for c in mark) == "岳阳市云溪区教育体育局文件"
    assert all(tuple(c["non_stroking_color"]) == (1.0, 0.0, 0.0) for c in mark)
    assert abs(mark[0]["top"] / MM - (37 + 35)) < 1.0
    centre = (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2 / MM
    assert abs(centre - (28 + 78)) < 1.0
    rules = [r for r in p1.rects + p1.lines if tuple(r.get("non_stroking_color") or ()) == (1.0, 0.0, 0.0)
             or tuple(r.get("stroking_color") or ()) == (1.0, 0.0, 0.0)]
    assert len(rules) == 1
    rule = rules[0]
    assert abs((rule["x1"] - rule["x0"]) / MM - 156) < 0.5 and abs(rule["x0"] / MM - 28) < 0.5
    number = [c for c in p1.chars if c["text"] == "〔"][0]
    gap = (rule["top"] - number["bottom"]) / MM
    assert 2.5 < gap < 5.5  # 4 mm below the document number's line


def test_fonts_embedded_subset_and_per_level(yunxi) -> None:  # type: ignore[no-untyped-def]
    names = {c["fontname"] for p in yunxi.pages for c in p.chars}
    assert all(re.match(r"^[A-Z]{6}\+", n) for n in names), names  # every font subset
    reader = pypdf.PdfReader(io.BytesIO(render(YUNXI)))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))

    def font_of(text: str) -> str:
        for p in yunxi.pages:
            chars = [c for c in p.chars if c["text"].strip()]
            s = "".join(c["text"] for c in chars)
            i = s.find(text)
            if i >= 0:
                return chars[i]["fontname"].split("+")[1]
        raise AssertionError(text)

    assert font_of("一、聚焦党建引领") == "plangen-heading1"
    assert font_of("深入学习贯彻党的二十大精神") == "plangen-body-Bold"  # bold item title
    assert font_of("以习近平新时代中国特色社会主义思想为指导，认真") == "plangen-body"
    assert font_of("关于印发") == "plangen-title-Bold"


def test_page_numbers(yunxi) -> None:  # type: ignore[no-untyped-def]
    for pno, side in ((0, "right"), (1, "left")):
        page = yunxi.pages[pno]
        num = [c for c in page.chars if abs(c["size"] - 14) < 0.1]
        text = "".join(c["text"] for c in num)
        assert text.replace(" ", "") == f"—{pno + 1}—"
        top = num[0]["top"] / MM
        assert 262 + 3 < top < 262 + 7  # the dash line 7 mm below the 262 mm block bottom
        if side == "right":
            assert abs(num[-1]["x1"] / MM - (184 - 14 / MM)) < 0.5
        else:
            assert abs(num[0]["x0"] / MM - (28 + 14 / MM)) < 0.5


def test_imprint_on_last_even_page(yunxi) -> None:  # type: ignore[no-untyped-def]
    last = yunxi.pages[-1]
    assert len(yunxi.pages) % 2 == 0
    text = "".join(c["text"] for c in last.chars)
    assert "2024年2月22日印发" in text and "岳阳市云溪区教育体育局办公室" in text
    assert not [c for c in last.chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]
    rules = [r for r in last.rects + last.lines if (r["x1"] - r["x0"]) / MM > 150]
    assert len(rules) >= 2
    bottom = max(r["bottom"] for r in rules) / MM
    assert abs(bottom - 262) < 1.5  # last rule on the text block's bottom edge


def test_no_line_starts_with_closing_punctuation(yunxi) -> None:  # type: ignore[no-untyped-def]
    for page in yunxi.pages:
        for line in body_lines(page):
            assert line[0]["text"] not in CLOSING, "".join(c["text"] for c in line)
            assert line[-1]["text"] not in "（《「“"


def body_text(pdf) -> str:  # type: ignore[no-untyped-def]
    """The text of every page without page numbers and white space."""
    pages = [p.filter(lambda o: o.get("object_type") != "char" or abs(o["size"] - 14) > 0.1)
             for p in pdf.pages]
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pages))


def test_all_item_text_extractable(yunxi) -> None:  # type: ignore[no-untyped-def]
    view = load_view(YUNXI)
    text = body_text(yunxi)
    for item in view.plan.items:
        assert re.sub(r"\s+", "", item.text) in text, item.number
        assert f"{item.number}.{item.title}。" in text


def test_metadata_outline_and_reproducible(yunxi_bytes: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(yunxi_bytes))
    meta = reader.metadata
    assert meta.title == "关于印发《云溪区2024年教育体育工作要点》的通知"
    assert meta.author == "岳阳市云溪区教育体育局"
    assert "2024" in str(meta.get("/CreationDate"))
    assert reader.trailer["/Root"].get("/Lang") == "zh-CN"
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[0].startswith("关于印发") and "云溪区2024年教育体育工作要点" in titles
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert nested and any(x.title.startswith("一、") for x in nested[-1])
    assert render(YUNXI) == yunxi_bytes


HOSTILE = """\
notice:
  issuers: [岳阳市云溪区教育体育局, 共青团岳阳市云溪区委员会]
  number: 岳云教体〔2024〕9号
  title: {title}
  to: 各中小学
  body: 现将《A&B<c>》印发给你们 🎉，"请" 'x' 遵照执行。
  date: 2024-03-01
  cc: [区委办, 区政府办, 区教育督导室]
  printed_by: 岳阳市云溪区教育体育局办公室
  printed_on: 2024-03-01
plan:
  title: 2024年青少年工作要点
  year: 2024
  sections:
    - title: 工作任务
      items:
        - title: 关心堃昇珺鸚四位同学
          text: A&B<c> 👍🏽 "quotes" 'apostrophes'。
        - title: 超长段落
          text: {long}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("hostile")
    p = d / "hostile-2024.yaml"
    long = "全面贯彻党的教育方针，落实立德树人根本任务。" * 455  # 10,010 characters
    title = "关于印发" + "《岳阳市云溪区教育体育局与共青团岳阳市云溪区委员会联合开展青少年思想道德建设》" * 9 + "的通知"
    p.write_text(HOSTILE.format(title=title[:300], long=long), encoding="utf-8")
    data = render(p)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        yield load_view(p), pdf


def test_hostile_text_reads_back(hostile) -> None:  # type: ignore[no-untyped-def]
    view, pdf = hostile
    text = body_text(pdf)
    for item in view.plan.items:
        assert re.sub(r"\s+", "", item.text) in text
    assert "A&B<c>" in text
    assert re.sub(r"\s+", "", view.notice.title) in text


def test_rare_characters_in_serif_face(hostile) -> None:  # type: ignore[no-untyped-def]
    _, pdf = hostile
    chars = [c for p in pdf.pages for c in p.chars if c["text"] in "堃昇珺鸚"]
    assert {c["text"] for c in chars} == set("堃昇珺鸚")
    for c in chars:
        assert "Sans" not in c["fontname"] and c["width"] > 10  # drawn (not tofu), not a sans face


def test_joint_issuers_one_per_line(hostile) -> None:  # type: ignore[no-untyped-def]
    _, pdf = hostile
    p1 = pdf.pages[0]
    mark = [c for c in p1.chars if c["size"] > 20 and tuple(c["non_stroking_color"] or ()) == (1.0, 0.0, 0.0)]
    rows: dict[int, str] = collections.defaultdict(str)
    for c in mark:
        rows[round(c["top"])] += c["text"]
    names = [v for v in rows.values() if v != "文件"]
    assert names == ["岳阳市云溪区教育体育局", "共青团岳阳市云溪区委员会"]
    suffix = [c for c in mark if c["text"] in "文件"]
    lines_top = sorted({round(c["top"]) for c in mark if c["text"] not in "文件"})
    middle = (min(c["top"] for c in mark) + max(c["bottom"] for c in mark)) / 2
    assert abs((suffix[0]["top"] + suffix[0]["bottom"]) / 2 - middle) < 3
    assert len(lines_top) == 2


def test_render_command_writes_pdf(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "plangen", "render", str(YUNXI), "--formats", "pdf",
                        "-o", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "yunxi-2024" / "yunxi-2024.pdf"
    assert out.read_bytes().startswith(b"%PDF")


def test_rule_keeps_its_place_without_a_number(yunxi) -> None:  # type: ignore[no-untyped-def]
    def gap(page) -> float:  # type: ignore[no-untyped-def]
        mark = [c for c in page.chars if c["size"] > 24]
        rule = [r for r in page.rects + page.lines if (r["x1"] - r["x0"]) / MM > 150][0]
        return (rule["top"] - max(c["bottom"] for c in mark)) / MM

    with pdfplumber.open(io.BytesIO(render(REPO / "plans" / "jishou-2023.yaml"))) as jishou:
        assert "〔" not in "".join(c["text"] for c in jishou.pages[0].chars)
        assert abs(gap(jishou.pages[0]) - gap(yunxi.pages[0])) < 2.0


def test_pdfa_option() -> None:
    data = render(YUNXI, pdfa=True)
    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"2" in xmp.split(b"pdfaid:part")[1][:20]
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_plain_template_prints_the_plan_alone() -> None:
    with pdfplumber.open(io.BytesIO(render(YUNXI, template="plain"))) as pdf:
        first = "".join(c["text"] for c in pdf.pages[0].chars)
        assert first.startswith("云溪区2024年教育体育工作要点")
        assert not any(tuple(c.get("non_stroking_color") or ()) == (1.0, 0.0, 0.0) for c in pdf.pages[0].chars)
        assert "印发" not in "".join(c["text"] for c in pdf.pages[-1].chars)[-20:]
