"""Build templates/{red-header,upward,plain}.docx reproducibly (run: .venv/bin/python
scripts/make_docx_templates.py). The files are ordinary .docx documents a bureau can open in
Word/WPS and restyle: every element of the notice and the plan uses a named paragraph style
(发文机关标志, 发文字号, 公文标题, 公文正文, 一级标题, …; see docs/templates.md), the page setup and
the odd/even page-number footers live in the section. The body holds three docxtpl tags,
{{p header}}, {{p notice}} and {{p plan}}, which plangen fills with paragraphs in those styles.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Import the renderer's stack first: importing docxtpl (and docxcompose with it) changes the parts
# python-docx writes, so the templates must be built in the same state as documents are rendered.
import plangen.render.docx  # noqa: E402,F401
from plangen.outio import normalize_zip  # noqa: E402
from plangen.render import oxml  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "templates"

# style id, Chinese name, font role, size (half-points), extra
STYLES = [
    ("GWBody", "公文正文", "body", 32),
    ("GWFlush", "公文顶格", "body", 32),
    ("GWTopLine", "版头左上", "heading1", 32),
    ("GWMark", "发文机关标志", "title", 72),
    ("GWNumber", "发文字号", "body", 32),
    ("GWTitle", "公文标题", "title", 44),
    ("GWHeading1", "一级标题", "heading1", 32),
    ("GWHeading2", "二级标题", "heading2", 32),
    ("GWSignature", "落款", "body", 32),
    ("GWImprint", "版记", "body", 28),
    ("GWPageNumber", "页码", "page_number", 28),
]
DEFAULT_FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading1": "黑体",
                 "heading2": "楷体_GB2312", "page_number": "宋体"}


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    """Normal and the named styles of docs/templates.md."""
    # Normal: 3号仿宋, exact 28.95 pt lines, −0.25 pt character spacing, justified
    normal = doc.styles["Normal"]
    rpr = oxml.style_rpr(normal)
    oxml.set_run_fonts(rpr, DEFAULT_FONTS["body"])
    oxml.set_size(rpr, 32)
    oxml.set_char_spacing(rpr)
    ppr = oxml.style_ppr(normal)
    oxml.set_exact_spacing(ppr)
    oxml.set_jc(ppr, "both")
    oxml.set_auto_space(ppr, False)  # Word: no extra space around digits (LibreOffice adds it anyway)
    for sid, name, role, size in STYLES:
        style = oxml.add_paragraph_style(doc, sid, name, based_on="Normal")
        rpr = oxml.style_rpr(style)
        oxml.set_run_fonts(rpr, DEFAULT_FONTS[role])
        oxml.set_size(rpr, size)
        ppr = oxml.style_ppr(style)
        if sid in ("GWBody", "GWHeading1", "GWHeading2"):
            oxml.set_indent(ppr, first_chars=2)
        if sid == "GWMark":
            oxml.set_color(rpr, oxml.RED)
            oxml.set_char_spacing(rpr, 0)
            oxml.set_jc(ppr, "center")
            oxml.set_snap_to_grid(ppr, False)
        if sid == "GWNumber":
            oxml.set_jc(ppr, "center")
            oxml.set_border(ppr, "bottom", size_eighths=8, space_pt=4, color=oxml.RED)  # the red rule: 4 pt below the line box = 4 mm below the number's glyphs (measured in LibreOffice)
        if sid == "GWTitle":
            oxml.set_jc(ppr, "center")
            oxml.set_char_spacing(rpr, 0)
            oxml.set_snap_to_grid(ppr, False)
        if sid == "GWHeading1":
            oxml.set_outline_level(ppr, 0)
        if sid == "GWHeading2":
            oxml.set_outline_level(ppr, 1)
        if sid == "GWImprint":
            oxml.set_indent(ppr, left=280, right=280)
            oxml.set_char_spacing(rpr, 0)
            oxml.set_exact_spacing(ppr, line_twips=579)
        if sid == "GWPageNumber":
            oxml.set_char_spacing(rpr, 0)
            oxml.set_exact_spacing(ppr, line_twips=280)
        if sid == "GWSignature":
            oxml.set_jc(ppr, "right")


def _section(doc) -> None:  # type: ignore[no-untyped-def]
    """A4, GB/T 9704 margins and grid, odd/even page-number footers."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The footer's dash line sits 7 mm below the text block: 297 − 37 − 225 − 7 = 28 mm from the
    # page bottom, minus half the 14 pt footer line.
    section.footer_distance = Mm(25.5)
    oxml.set_doc_grid(section._sectPr)
    for footer, align, indent in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                  (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        oxml.set_style_id(p, "GWPageNumber")
        p.alignment = align
        ppr = p._p.get_or_add_pPr()
        oxml.set_indent(ppr, **{indent: 280})  # one character (14 pt) in
        p.add_run("— ")
        oxml.add_field(p, "PAGE")
        p.add_run(" —")



def build(kind: str) -> bytes:
    doc = Document()
    _styles(doc)
    oxml.set_theme_font_lang(doc.settings.element)
    doc.settings.odd_and_even_pages_header_footer = True

    _section(doc)
    if kind != "plain":
        doc.add_paragraph("{{p header }}")
    doc.add_paragraph("{{p notice }}")
    doc.add_paragraph("{{p plan }}")
    props = doc.core_properties
    props.title = f"plangen {kind}"
    props.category = kind
    props.author = "plangen"
    props.comments = "plangen 公文模板：可在 Word/WPS 中修改各样式（发文机关标志、公文正文等）；请保留正文中 header、notice、plan 三处标记。"
    props.revision = 1
    import io

    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for kind in ("red-header", "upward", "plain"):
        (OUT / f"{kind}.docx").write_bytes(build(kind))
        print(f"wrote templates/{kind}.docx")


if __name__ == "__main__":
    main()
