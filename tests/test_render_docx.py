"""The DOCX, read back with python-docx, and converted by LibreOffice and measured."""

from __future__ import annotations

import collections
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from plangen.view import load_view
from plangen.fonts import load_profile
from plangen.render.docx import render_docx

REPO = Path(__file__).resolve().parents[1]
YUNXI = REPO / "plans" / "yunxi-2024.yaml"
MM = 72 / 25.4


def render(path: Path, **kw) -> bytes:  # type: ignore[no-untyped-def]
    return render_docx(load_view(path), profile=load_profile(), **kw)


@pytest.fixture(scope="module")
def yunxi_bytes() -> bytes:
    return render(YUNXI)


@pytest.fixture(scope="module")
def yunxi(yunxi_bytes: bytes):  # type: ignore[no-untyped-def]
    return docx.Document(io.BytesIO(yunxi_bytes))


def east_asia(el) -> str | None:  # type: ignore[no-untyped-def]
    rpr = el.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def style_of(d, sid: str):  # type: ignore[no-untyped-def]
    return next(s for s in d.styles if s.element.get(qn("w:styleId")) == sid)


def test_page_setup_and_grid(yunxi) -> None:  # type: ignore[no-untyped-def]
    s = yunxi.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    normal = yunxi.styles["Normal"].element
    sp = normal.find(qn("w:pPr")).find(qn("w:spacing"))
    assert sp.get(qn("w:line")) == "579" and sp.get(qn("w:lineRule")) == "exact"
    assert normal.find(qn("w:rPr")).find(qn("w:spacing")).get(qn("w:val")) == "-5"
    assert normal.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "32"
    lang = yunxi.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_fonts_per_role(yunxi) -> None:  # type: ignore[no-untyped-def]
    expect = {"GWBody": "仿宋_GB2312", "GWMark": "方正小标宋简体", "GWTitle": "方正小标宋简体",
              "GWHeading1": "黑体", "GWHeading2": "楷体_GB2312", "GWPageNumber": "宋体"}
    for sid, font in expect.items():
        assert east_asia(style_of(yunxi, sid).element) == font, sid
    assert style_of(yunxi, "GWTitle").element.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "44"


def paragraphs_with(d, sid: str):  # type: ignore[no-untyped-def]
    out = []
    for p in d.paragraphs:
        ps = p._p.pPr.pStyle if p._p.pPr is not None else None
        if ps is not None and ps.val == sid:
            out.append(p)
    return out


def test_red_mark_number_and_rule(yunxi) -> None:  # type: ignore[no-untyped-def]
    mark = paragraphs_with(yunxi, "GWMark")
    assert [p.text for p in mark] == ["岳阳市云溪区教育体育局文件"]
    color = style_of(yunxi, "GWMark").element.find(qn("w:rPr")).find(qn("w:color")).get(qn("w:val"))
    assert color.upper() == "FF0000"
    number = paragraphs_with(yunxi, "GWNumber")
    assert [p.text for p in number] == ["岳云教体〔2024〕4号"]
    bottom = style_of(yunxi, "GWNumber").element.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")).upper() == "FF0000" and bottom.get(qn("w:space")) == "4"  # 4 mm below the glyphs (LibreOffice test below)


def test_headings_and_all_items(yunxi) -> None:  # type: ignore[no-untyped-def]
    h1 = [p.text for p in paragraphs_with(yunxi, "GWHeading1")]
    assert h1[0] == "一、聚焦党建引领，落实党对教体工作的全面领导" and len(h1) == 5
    items = [p for p in paragraphs_with(yunxi, "GWBody") if re.match(r"^\d+\.", p.text)]
    assert [int(p.text.split(".")[0]) for p in items] == list(range(1, 24))
    view = load_view(YUNXI)
    for p, item in zip(items, view.plan.items, strict=True):
        assert p.runs[0].bold and p.runs[1].bold and not p.runs[2].bold  # label and title bold
        assert p.text == f"{item.number}.{item.title}。{item.text}{item.responsibility}"
    assert items[3].text.endswith("（责任领导：陈玲玲，责任股室：纪检监察室）")


def test_footers_and_imprint(yunxi) -> None:  # type: ignore[no-untyped-def]
    assert yunxi.settings.odd_and_even_pages_header_footer
    s = yunxi.sections[0]
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
    assert odd.text.startswith("— ") and odd.text.endswith(" —")
    assert odd.alignment == 2 and even.alignment == 0  # right / left
    assert odd._p.pPr.find(qn("w:ind")).get(qn("w:right")) == "280"  # one char in
    last = yunxi.sections[-1]
    assert len(yunxi.sections) == 2 and last.start_type == 3  # even page
    text = "".join(p.text for p in last.footer.paragraphs)
    assert "岳阳市云溪区教育体育局办公室" in text and "2024年2月22日印发" in text
    assert round(last.footer_distance.mm) == 35


def test_reproducible(yunxi_bytes: bytes) -> None:
    assert render(YUNXI) == yunxi_bytes
    z = zipfile.ZipFile(io.BytesIO(yunxi_bytes))
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())


HOSTILE = """\
roster: h.roster.yaml
notice:
  template: upward
  issuers: [岳阳市云溪区教育体育局, 共青团岳阳市云溪区委员会]
  number: 岳云教体〔2024〕9号
  signers: [陈玲玲, 李堃]
  title: 关于报送《A&B<c>》的请示
  to: 岳阳市教育体育局
  body: 现将《A&B<c>》报上 🎉，"请" 'x' 审批。
  date: 2024-03-01
  cc: [区委办, 区政府办]
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
          offices: [a/b, ../../etc]
        - title: 超长段落
          text: {long}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("hostile")
    (d / "h.roster.yaml").write_text("bureau: 测试局\noffices: [a/b, ../../etc]\n", encoding="utf-8")
    p = d / "hostile-2024.yaml"
    p.write_text(HOSTILE.format(long="全面贯彻党的教育方针，落实立德树人根本任务。" * 455), encoding="utf-8")
    return load_view(p), docx.Document(io.BytesIO(render(p)))


def test_hostile_text_round_trips(hostile) -> None:  # type: ignore[no-untyped-def]
    view, d = hostile
    texts = [p.text for p in d.paragraphs]
    for item in view.plan.items:
        assert any(t.endswith(item.text + item.responsibility) for t in texts), item.title
    assert "现将《A&B<c>》报上 🎉，\"请\" 'x' 审批。" in texts


def test_upward_and_joint(hostile) -> None:  # type: ignore[no-untyped-def]
    _, d = hostile
    number = paragraphs_with(d, "GWNumber")[0]
    assert number.text == "\t岳云教体〔2024〕9号\t签发人：陈玲玲　李堃"
    assert number._p.pPr.find(qn("w:ind")) is None  # the red rule keeps the full width
    assert east_asia(number.runs[-1]._r) == "楷体_GB2312"
    table = d.tables[0]
    names = [table.cell(i, 0).text for i in range(2)]
    assert names == ["岳阳市云溪区教育体育局", "共青团岳阳市云溪区委员会"]
    assert table.cell(0, 1).text == "文件" and table.cell(0, 1)._tc is table.cell(1, 1)._tc  # merged
    assert "<w:vAlign w:val=\"center\"/>" in table.cell(0, 1)._tc.xml
    cc = "".join(p.text for p in d.sections[-1].footer.paragraphs)
    assert "抄送：区委办，区政府办。" in cc


def joint_plan(d: Path) -> Path:
    """云溪's plan issued jointly, with 份号/密级/紧急程度, two attachments, 附注 and a long cc."""
    import yaml

    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(REPO / "plans" / f, d / f)
    data = yaml.safe_load((d / "yunxi-2024.yaml").read_text(encoding="utf-8"))
    n = data["notice"]
    n.pop("mark", None)
    n.update(issuers=["岳阳市云溪区教育体育局", "共青团岳阳市云溪区委员会"], copy_no="000123",
             secrecy="秘密★1年", urgency="特急", note="联系人：张三，电话：0730-1234567",
             attachments=["云溪区2024年教育体育工作要点任务分解表", "云溪区2024年教育体育重点项目清单"],
             cc=["区委办", "区政府办", "区人大办", "区政协办", "各乡镇人民政府、街道办事处"])
    p = d / "joint-2024.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def joint(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    p = joint_plan(tmp_path_factory.mktemp("joint"))
    data = render(p)
    return data, docx.Document(io.BytesIO(data))


# keep the blank page LibreOffice inserts before an even-page section (the 版记 page), as a
# printer would; by default its PDF export drops it and the 版记 lands on an odd page
LO_PDF = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


@pytest.fixture(scope="module")
def lo_pdfs(tmp_path_factory: pytest.TempPathFactory, yunxi_bytes: bytes, joint):  # type: ignore[no-untyped-def]
    """云溪 and the joint plan converted by LibreOffice (one run for both)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (make test installs it)")
    d = tmp_path_factory.mktemp("lo")
    (d / "yunxi.docx").write_bytes(yunxi_bytes)
    (d / "joint.docx").write_bytes(joint[0])
    r = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{d}/profile",
                        "--convert-to", LO_PDF, "--outdir", str(d), str(d / "yunxi.docx"), str(d / "joint.docx")],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    pdfs = {k: pdfplumber.open(d / f"{k}.pdf") for k in ("yunxi", "joint")}
    yield pdfs
    for pdf in pdfs.values():
        pdf.close()


@pytest.fixture(scope="module")
def converted(lo_pdfs):  # type: ignore[no-untyped-def]
    return lo_pdfs["yunxi"]


def body_lines(page) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    lines: dict[float, list] = collections.OrderedDict()
    for c in page.chars:
        if 15.5 < c["size"] < 16.5:
            lines.setdefault(round(c["top"], 0), []).append(c)
    return list(lines.values())


@pytest.mark.parametrize(("which", "full_page"), [("yunxi", 2), ("joint", 3)])
def test_libreoffice_grid_and_fonts(lo_pdfs, which: str, full_page: int) -> None:  # type: ignore[no-untyped-def]
    pdf = lo_pdfs[which]
    fonts = {c["fontname"].split("+")[1] for p in pdf.pages for c in p.chars}
    assert {"FandolFang-Regular", "FandolHei-Regular", "FandolSong-Bold"} <= fonts
    assert not any("Sans" in f or "DejaVu" in f for f in fonts), fonts
    page = pdf.pages[full_page]  # a full page of plan text (the joint notice takes two pages)
    lines = body_lines(page)
    assert len(lines) == 22
    pure = [v for v in lines if all(ord(c["text"]) > 0x2E80 for c in v)]
    assert max(len(v) for v in pure) == 28
    assert sum(len(v) == 28 for v in pure) >= len(pure) // 2
    assert abs(min(c["x0"] for v in lines for c in v) / MM - 28) < 0.6
    assert max(c["x1"] for v in lines for c in v) / MM < 184.3  # inside the 156 mm text block
    assert lines[0][0]["top"] / MM > 37 and lines[-1][0]["bottom"] / MM < 297 - 35 + 0.5
    pitch = (lines[-1][0]["top"] - lines[0][0]["top"]) / 21
    assert abs(pitch - 28.95) < 0.05


def test_libreoffice_joint_mark(lo_pdfs) -> None:  # type: ignore[no-untyped-def]
    """Joint issuers: one name per line, 文件 to their right and centred on them; 份号/密级/紧急
    on the first three lines; the mark still 35 mm below the text block's top."""
    p1 = lo_pdfs["joint"].pages[0]
    top3 = body_lines(p1)[:3]
    assert ["".join(c["text"] for c in v) for v in top3] == ["000123", "秘密★1年", "特急"]
    mark = [c for c in p1.chars if c["size"] > 24]
    assert all(tuple(c["non_stroking_color"]) == (1, 0, 0) for c in mark)
    rows: dict[float, list] = collections.OrderedDict()
    for c in mark:
        rows.setdefault(round(c["top"]), []).append(c)
    texts = ["".join(c["text"] for c in v) for v in rows.values()]
    names = [t for t in texts if t != "文件"]
    assert names == ["岳阳市云溪区教育体育局", "共青团岳阳市云溪区委员会"]
    suffix = next(v for v in rows.values() if "".join(c["text"] for c in v) == "文件")
    name_rows = [v for v in rows.values() if v is not suffix]
    names_mid = (name_rows[0][0]["top"] + name_rows[-1][0]["bottom"]) / 2
    assert abs((suffix[0]["top"] + suffix[0]["bottom"]) / 2 - names_mid) < 2 * MM
    assert suffix[0]["x0"] > max(c["x1"] for v in name_rows for c in v)
    assert abs(min(c["top"] for c in mark) / MM - 72) < 3
    assert min(c["x0"] for c in mark) / MM > 27.5 and max(c["x1"] for c in mark) / MM < 184.5


def test_libreoffice_mark_and_page_numbers(converted) -> None:  # type: ignore[no-untyped-def]
    p1 = converted.pages[0]
    mark = [c for c in p1.chars if c["size"] > 24]
    assert "".join(c["text"] for c in mark) == "岳阳市云溪区教育体育局文件"
    assert all(tuple(c["non_stroking_color"]) == (1, 0, 0) for c in mark)
    assert abs(min(c["top"] for c in mark) / MM - 72) < 3
    # the red rule: full text-block width, 4 mm below the document number
    rule = [r for r in p1.rects + p1.lines if r["top"] > min(c["top"] for c in mark)]
    assert rule and abs(rule[0]["x0"] / MM - 28) < 0.5 and abs(rule[0]["x1"] / MM - 184) < 0.5
    number = [c for c in p1.chars if c["text"] == "号"][0]
    assert abs((rule[0]["top"] - number["bottom"]) / MM - 4) < 0.6
    for pno in (0, 1):
        num = [c for c in converted.pages[pno].chars if abs(c["size"] - 14) < 0.2]
        assert "".join(c["text"] for c in num).replace(" ", "") == f"—{pno + 1}—"
        if pno == 0:
            assert num[-1]["x1"] / MM > 175
        else:
            assert num[0]["x0"] / MM < 40


def test_seal_floats_over_signature_and_date(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    from plangen.render.pdf import render_pdf

    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(REPO / "plans" / f, tmp_path / f)
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((5, 5, 195, 195), outline=(230, 0, 18, 255), width=10)
    im.save(tmp_path / "seal.png")
    plan = tmp_path / "yunxi-2024.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("  date: 2024-02-22\n", "  date: 2024-02-22\n  seal: seal.png\n", 1),
                    encoding="utf-8")
    d = docx.Document(io.BytesIO(render(plan)))
    date = next(p for p in d.paragraphs if p.text == "\t2024年2月22日")
    anchor = date._p.find(".//" + qn("wp:anchor"))
    assert anchor is not None and anchor.find(qn("wp:wrapNone")) is not None
    assert round(int(anchor.find(qn("wp:extent")).get("cx")) / 36000) == 42  # 42 mm
    with pdfplumber.open(io.BytesIO(render_pdf(load_view(plan), profile=load_profile()))) as pdf:
        images = pdf.pages[0].images
        assert len(images) == 1 and abs((images[0]["x1"] - images[0]["x0"]) / MM - 42) < 1


@pytest.mark.parametrize("kind", ["red-header", "upward", "plain"])
def test_templates_are_what_the_script_builds(kind: str) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_docx_templates", REPO / "scripts" / "make_docx_templates.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.build(kind) == (REPO / "templates" / f"{kind}.docx").read_bytes()
    d = docx.Document(str(REPO / "templates" / f"{kind}.docx"))
    assert d.core_properties.category == kind
    assert "{{p plan }}" in "".join(p.text for p in d.paragraphs)


def test_core_properties_in_the_right_namespace(yunxi_bytes: bytes) -> None:
    core = zipfile.ZipFile(io.BytesIO(yunxi_bytes)).read("docProps/core.xml").decode()
    assert "officeDocument/2006/custom-properties" not in core
    assert core.count("<cp:revision>") == 1 and core.count("cp:category") <= 2
    props = docx.Document(io.BytesIO(yunxi_bytes)).core_properties
    assert props.title == "关于印发《云溪区2024年教育体育工作要点》的通知"
    assert props.author == "岳阳市云溪区教育体育局" and props.keywords == "工作要点" and props.revision == 1


def test_plain_prints_the_plan_alone() -> None:
    """plain: no 版头, no notice, no 版记 — the plan alone; 六安's issuers stand above its title."""
    d = docx.Document(io.BytesIO(render(YUNXI, template="plain")))
    assert not paragraphs_with(d, "GWMark") and not paragraphs_with(d, "GWNumber") and not d.tables
    texts = [p.text for p in d.paragraphs if p.text]
    assert texts[0] == "云溪区2024年教育体育工作要点" and "关于印发" not in "".join(texts)
    assert "pageBreakBefore" not in d.element.body.xml and len(d.sections) == 1
    luan = load_view(REPO / "plans" / "luan-2024.yaml")
    d = docx.Document(io.BytesIO(render_docx(luan, profile=load_profile())))
    titles = [p.text for p in paragraphs_with(d, "GWTitle")]
    assert titles[: len(luan.plan.issuers)] == list(luan.plan.issuers)
    assert titles[len(luan.plan.issuers):] == list(luan.plan.title_lines)


def test_joint_docx(joint) -> None:  # type: ignore[no-untyped-def]
    _, d = joint
    table = d.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    size = int(table.cell(0, 0).paragraphs[0].runs[0]._r.rPr.find(qn("w:sz")).get(qn("w:val"))) / 2
    assert grid[0] >= 12 * size * 20 and sum(grid) <= round(156 / 25.4 * 1440)  # widest name fits
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    texts = [p.text for p in d.paragraphs]
    assert "附件：1.云溪区2024年教育体育工作要点任务分解表" in texts
    assert "2.云溪区2024年教育体育重点项目清单" in texts
    assert "（联系人：张三，电话：0730-1234567）" in texts
    imprint = [p.text for p in d.sections[-1].footer.paragraphs if p.text]
    assert imprint == ["抄送：区委办，区政府办，区人大办，区政协办，各乡镇人民政府、街道办事处。",
                       "\t岳阳市云溪区教育体育局办公室\t2024年2月22日印发"]
    assert [p.text for p in d.sections[-1].even_page_footer.paragraphs if p.text] == imprint
    for p in d.sections[-1].footer.paragraphs:  # ruled paragraphs have no indents: full-width rules
        if p._p.pPr.find(qn("w:pBdr")) is not None:
            ind = p._p.pPr.find(qn("w:ind"))
            assert ind.get(qn("w:left")) == "0" and ind.get(qn("w:right")) == "0"


# ECMA-376 Part 1 (§17.3.1.26 pPr, §17.3.2.28 rPr, §17.3.4 pBdr, §17.4.60 tblPr, §17.4.70 tcPr,
# §17.4.39 tblBorders, §17.4.42 tblCellMar): the order of the children, written out here on its own
# so the test does not trust the code's tables.
_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
           "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
           "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
           "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
           "rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
           "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
           "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "pBdr": "top left bottom right between bar",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
            "vAlign hideMark",
    "tblBorders": "top left bottom right insideH insideV",
    "tblCellMar": "top left bottom right",
}
_RANKS = {qn(f"w:{k}"): {qn(f"w:{t}"): i for i, t in enumerate(v.split())} for k, v in _ORDER.items()}


def test_property_elements_in_schema_order(yunxi_bytes: bytes, joint) -> None:  # type: ignore[no-untyped-def]
    """Word reports unreadable content for some out-of-order children: every pPr/rPr/tblPr/tcPr
    child is one the schema knows, in schema order."""
    from lxml import etree

    for data in (yunxi_bytes, joint[0]):
        z = zipfile.ZipFile(io.BytesIO(data))
        for name in z.namelist():
            if not name.startswith("word/") or not name.endswith(".xml"):
                continue
            root = etree.fromstring(z.read(name))
            for tag, rank in _RANKS.items():
                for el in root.iter(tag):
                    ranks = [rank.get(c.tag, -1) for c in el]
                    assert -1 not in ranks and ranks == sorted(ranks), (name, etree.tostring(el)[:300])


def test_hostile_notice_title_and_properties(hostile) -> None:  # type: ignore[no-untyped-def]
    view, d = hostile
    assert "".join(p.text for p in paragraphs_with(d, "GWTitle")).startswith("关于报送《A&B<c>》的请示")
    assert d.core_properties.title == "关于报送《A&B<c>》的请示"


def test_libreoffice_imprint(lo_pdfs) -> None:  # type: ignore[no-untyped-def]
    """版记 on the last (even) page: thick-thin-thick rules across the 156 mm text block, the last
    on its bottom edge (262 mm); cc and printer one character in, 4号."""
    pdf = lo_pdfs["joint"]
    assert len(pdf.pages) % 2 == 0
    if len(pdf.pages[-2].chars) == 0:  # the text ended on an even page: a blank page between, unnumbered
        assert pdf.pages[-3].chars
    page = pdf.pages[-1]
    rules = sorted({(round(r["top"] / MM, 1), round(r["x0"] / MM), round(r["x1"] / MM),
                     round(max(r["height"], r.get("linewidth") or 0) / MM, 2))
                    for r in page.rects + page.lines})
    assert [r[1:3] for r in rules] == [(28, 184)] * 3
    assert rules[0][3] > rules[1][3] < rules[2][3]  # thick, thin, thick
    assert abs(rules[-1][0] - 262) < 1
    chars = page.chars
    assert all(abs(c["size"] - 14) < 0.2 for c in chars)
    text = "".join(c["text"] for c in chars)
    assert text.startswith("抄送：区委办") and text.endswith("2024年2月22日印发")
    assert abs(min(c["x0"] for c in chars) / MM - 33) < 0.6 and abs(max(c["x1"] for c in chars) / MM - 179) < 0.6


def test_oxml_inserts_in_schema_order_whatever_the_call_order() -> None:
    """plangen.render.oxml creates every child at its schema place (python-docx element classes
    with successors), so calls in reverse schema order still give ordered XML — no re-sorting."""
    from plangen.render import oxml

    d = docx.Document()
    p = d.add_paragraph("x")
    ppr = p._p.get_or_add_pPr()
    oxml.set_outline_level(ppr, 0)
    oxml.set_jc(ppr, "center")
    oxml.set_indent(ppr, left=10)
    oxml.set_exact_spacing(ppr)
    oxml.set_snap_to_grid(ppr, False)
    oxml.set_auto_space(ppr, False)
    oxml.set_border(ppr, "bottom", size_eighths=8)
    oxml.set_border(ppr, "top", size_eighths=8)
    oxml.keep_next(p)
    oxml.set_style_id(p, "GWBody")
    rpr = p.runs[0]._r.get_or_add_rPr()
    oxml.set_size(rpr, 32)
    oxml.set_char_spacing(rpr)
    oxml.set_color(rpr, oxml.RED)
    oxml.set_run_fonts(rpr, "仿宋_GB2312")
    table = d.add_table(rows=1, cols=2)
    oxml.set_cell_vcenter(table.cell(0, 0))
    oxml.fix_table_widths(table, [100, 200])
    oxml.no_table_borders(table)
    for el in (ppr, ppr.find(qn("w:pBdr")), rpr, table._tbl.tblPr, table.cell(0, 0)._tc.tcPr,
               table._tbl.tblPr.find(qn("w:tblBorders")), table._tbl.tblPr.find(qn("w:tblCellMar"))):
        rank = _RANKS[el.tag]
        ranks = [rank.get(c.tag, -1) for c in el]
        assert -1 not in ranks and ranks == sorted(ranks), [c.tag.split("}")[1] for c in el]
    assert len(ppr) == 10
