"""The notice + plan as DOCX, from an editable Word template (templates/NAME.docx).

The template carries the page set-up (A4, 37/35/28/26 mm, lines-only grid of 28.95 pt), the
odd/even page-number footers and one named style per element (see scripts/make_docx_templates.py
and docs/templates.md); its body has docxtpl tags {{p header}}, {{p notice}}, {{p plan}}, which
are filled with paragraphs built here from the DocumentView, in those styles. Fonts are set
from the font profile on every style, East Asian attribute included. The 版记 goes into the
footer of a last section that starts on an even page. Output bytes are normalised (fixed zip
times and order, fixed core properties) so the same inputs give the same file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docxtpl.subdoc  # noqa: F401 - imports docxcompose, which must happen before the fix below
import jinja2
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap as _nsmap
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docxtpl import DocxTemplate
from lxml import etree

from plangen import reads
from plangen.errors import PlangenError, display_path
from plangen.fonts import FontProfile
from plangen.layout import NoticeLayout
from plangen.outio import document_bytes
from plangen.render import oxml
from plangen.render.seal import load_seal
from plangen.templates import resolve_template
from plangen.view import Block, DocumentView, NoticeView, mark_font_size, text_width

# docxcompose rebinds python-docx's "cp" prefix to the custom-properties namespace, after which
# python-docx writes core properties (category, revision, keywords…) in the wrong namespace and
# Word may report unreadable content. Bind it back; plangen uses no custom properties.
_nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

STYLE_ROLES = {
    "Normal": "body", "GWBody": "body", "GWFlush": "body", "GWTopLine": "heading1",
    "GWMark": "title", "GWNumber": "body", "GWTitle": "title", "GWHeading1": "heading1",
    "GWHeading2": "heading2", "GWSignature": "body", "GWImprint": "body", "GWPageNumber": "page_number",
}
LINE = oxml.LINE_PITCH_TWIPS
CHAR = oxml.CHAR_TWIPS
TEXT_WIDTH_TWIPS = round(156 / 25.4 * 1440)


def _apply_profile(doc: Any, profile: FontProfile) -> None:
    for style in doc.styles:
        sid = style.element.get(qn("w:styleId"))
        role = STYLE_ROLES.get(sid or "") or STYLE_ROLES.get(style.name or "")
        if role:
            oxml.set_run_fonts(oxml.style_rpr(style), profile.face(role).docx_name)


def _para(sd: Any, style: str, text: str = "", *, bold: bool = False) -> Any:
    p = sd.add_paragraph()
    oxml.set_style_id(p, style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
    return p


def _font(run: Any, name: str) -> None:
    oxml.set_run_fonts(run._r.get_or_add_rPr(), name)


def _header(tpl: Any, n: NoticeView, profile: FontProfile, layout: NoticeLayout) -> Any:
    """版头: the elements `layout.header` names, in its order."""
    sd = tpl.new_subdoc()
    tops = [(n.copy_no, "GWFlush", "copy_no"), (n.secrecy, "GWTopLine", "secrecy"),
            (n.urgency, "GWTopLine", "urgency")]
    tops = [(t, s, e) for t, s, e in tops if e in layout.header]
    for text, style, _ in tops:
        _para(sd, style, text)
    # the mark's upper edge 35 mm below the text block's upper edge
    gap = max(Mm(35).twips - len(tops) * LINE, 20)
    spacer = _para(sd, "GWFlush")
    oxml.set_exact_spacing(spacer._p.get_or_add_pPr(), line_twips=gap)
    oxml.set_snap_to_grid(spacer._p.get_or_add_pPr(), False)  # LibreOffice snaps it to one line otherwise
    _mark(sd, n)
    # document number two blank lines below the mark; the red rule is the paragraph's border
    p = _para(sd, "GWNumber")
    oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=None, before=2 * LINE)
    if "signers" in layout.header:
        # tab stops, not indents: the paragraph's bottom border (the red rule) follows indents
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.tab_stops.add_tab_stop(Twips(CHAR), WD_TAB_ALIGNMENT.LEFT)
        p.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH_TWIPS - CHAR), WD_TAB_ALIGNMENT.RIGHT)
        p.add_run("\t" + n.number + "\t签发人：")
        _font(p.add_run("　".join(n.signers)), profile.face("heading2").docx_name)
    else:
        p.add_run(n.number)
    return sd


def _mark(sd: Any, n: NoticeView) -> None:
    """发文机关标志: one line, or joint names one per line with 文件 to their right."""
    size = mark_font_size(n.mark_lines, n.mark_suffix)
    mark_line = round(size * 1.2 * 20)
    if len(n.mark_lines) > 1 and n.mark_suffix:
        # names in one column (justified to the widest), 文件 in a merged cell to their right
        names_w = round(max(text_width(x) for x in n.mark_lines) * size * 20) + 60
        suffix_w = round((text_width(n.mark_suffix) + 0.5) * size * 20)
        table = sd.add_table(rows=len(n.mark_lines), cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        oxml.no_table_borders(table)
        merged = table.cell(0, 1).merge(table.cell(len(n.mark_lines) - 1, 1))
        oxml.fix_table_widths(table, [names_w, suffix_w])
        for i, name in enumerate(n.mark_lines):
            cell = table.cell(i, 0)
            p = cell.paragraphs[0]
            oxml.set_style_id(p, "GWMark")
            p.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
            oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=mark_line)
            p.add_run(name).font.size = Pt(size)
        oxml.set_cell_vcenter(merged)
        p = merged.paragraphs[0]
        oxml.set_style_id(p, "GWMark")
        oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=mark_line)
        p.add_run(n.mark_suffix).font.size = Pt(size)
    else:
        for i, line in enumerate(n.mark_lines):
            p = _para(sd, "GWMark")
            oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=mark_line)
            p.add_run(line + (n.mark_suffix if i == len(n.mark_lines) - 1 else "")).font.size = Pt(size)


def _notice(tpl: Any, n: NoticeView) -> Any:
    sd = tpl.new_subdoc()
    for i, line in enumerate(n.title_lines):
        p = _para(sd, "GWTitle", line)
        oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=None, before=2 * LINE if i == 0 else 0)  # two blank lines below the red rule
    if n.to:
        oxml.set_exact_spacing(_para(sd, "GWFlush", n.to)._p.get_or_add_pPr(), line_twips=None, before=LINE)
    p = None
    for para in n.body:
        p = _para(sd, "GWBody", para)
    for k, (prefix, text) in enumerate(n.attachment_lines):
        if p is not None and k > 0:
            oxml.keep_next(p)  # 附件说明 in one piece
        p = _para(sd, "GWBody" if prefix else "GWFlush", prefix + text)
        if k == 0:
            oxml.set_exact_spacing(p._p.get_or_add_pPr(), line_twips=None, before=LINE)
        else:
            oxml.set_indent(p._p.get_or_add_pPr(), left=5 * CHAR)
    if p is not None:
        oxml.keep_next(p)  # the signature (and its seal) never stands on a page without text (7.3.5.1)
    last = _signature(sd, n)
    if n.seal is not None:
        _seal(last, n)
    if n.note:
        oxml.keep_next(last)  # 附注 on the line below the date, never alone on a page
        _para(sd, "GWBody", n.note)
    return sd


_TAB_ALIGN = {"left": WD_TAB_ALIGNMENT.LEFT, "right": WD_TAB_ALIGNMENT.RIGHT, "centre": WD_TAB_ALIGNMENT.CENTER}


def _signature(sd: Any, n: NoticeView) -> Any:
    """Signature and date (GB/T 9704 7.3.5) at the view's positions, each piece after a tab to
    its own tab stop: a centred stop centres the name on the date whatever width the word
    processor gives the digits (LibreOffice spaces them from CJK text regardless of autoSpaceDN)."""
    sl = n.signature_layout_autospaced
    p = None
    for i, line in enumerate(sl.lines):
        if p is not None:
            oxml.keep_next(p)
        p = _para(sd, "GWSignature")
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        ppr = p._p.get_or_add_pPr()
        oxml.set_indent(ppr, left=0, right=0)
        oxml.set_auto_space(ppr, True)  # Word spaces digits as LibreOffice does: the stops assume it
        if i == 0:
            oxml.set_exact_spacing(ppr, line_twips=None, before=sl.blank_lines_before * LINE)
        for piece in line:
            p.paragraph_format.tab_stops.add_tab_stop(Twips(round(piece.x * CHAR)), _TAB_ALIGN[piece.align])
        p.add_run("".join("\t" + piece.text for piece in line))
    return p


def _seal(date: Any, n: NoticeView) -> None:
    """The seal (42 mm) floats over the signature and the date, centred on the date."""
    sl = n.signature_layout_autospaced
    seal = load_seal(n.seal)
    assert seal is not None
    run = date.add_run()
    run.add_picture(io.BytesIO(seal.data), width=Mm(42), height=Mm(42))
    centre_y = LINE * (1 - len(sl.lines) / 2)  # twips from the date line's top to the block's middle
    oxml.float_picture(run, x_emu=round(sl.seal_x * CHAR * 635) - Mm(21), y_emu=round(centre_y * 635) - Mm(21))


def _block_paragraph(sd: Any, b: Block) -> Any:
    if b.kind in ("title", "issuers"):
        ps = [_para(sd, "GWTitle", s.text) for s in b.segments]
        if b.kind == "title":
            oxml.set_exact_spacing(ps[-1]._p.get_or_add_pPr(), line_twips=None, after=LINE)
        return ps[0]
    style = {"heading1": "GWHeading1", "heading2": "GWHeading2"}.get(b.kind, "GWBody")
    p = _para(sd, style)
    bold_label = b.kind in ("item", "item_title", "subitem")
    for s in b.segments:
        run = p.add_run(s.text)
        if s.role == "title" and bold_label or (s.role == "label" and bold_label):
            run.bold = True
    if b.kind in ("heading1", "heading2", "item_title"):
        oxml.keep_next(p)
    return p


def _plan(tpl: Any, view: DocumentView, *, new_page: bool) -> Any:
    sd = tpl.new_subdoc()
    for i, b in enumerate(view.plan.blocks):
        p = _block_paragraph(sd, b)
        if i == 0 and new_page:
            p.paragraph_format.page_break_before = True  # the plan starts on a new page; page numbers continue
    return sd


def _imprint(doc: Any, n: NoticeView) -> None:
    """版记 in the footer of a final section that starts on an even page (LibreOffice ignores
    floating frames, so the footer is the in-flow way to reach the page bottom)."""
    section = doc.add_section(WD_SECTION.EVEN_PAGE)
    section.footer_distance = Mm(35)  # the last rule on the text block's bottom edge
    for footer in (section.footer, section.even_page_footer):
        footer.is_linked_to_previous = False
        p0 = footer.paragraphs[0]
        for child in list(p0._p):
            if child.tag != qn("w:pPr"):
                p0._p.remove(child)
        # The rules span the full text-block width while the text sits one character in: a
        # paragraph border follows the paragraph's indents, so the ruled paragraphs have none
        # (the printed line reaches its place with tab stops) and the cc, which needs a hanging
        # indent, gets its top rule from an empty 1 pt paragraph above it.
        ppr = p0._p.get_or_add_pPr()
        oxml.set_style_id(p0, "GWImprint")
        oxml.set_indent(ppr, left=0, right=0)
        oxml.set_border(ppr, "bottom" if n.cc else "top", size_eighths=8)  # thick: 0.35 mm
        if n.cc:
            oxml.set_exact_spacing(ppr, line_twips=20)
            p = footer.add_paragraph()
            oxml.set_style_id(p, "GWImprint")
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            oxml.set_indent(p._p.get_or_add_pPr(), left=280 + 3 * 280, right=280, hanging=3 * 280)
            p.add_run(n.cc)
            p = footer.add_paragraph()
            ppr = p._p.get_or_add_pPr()
            oxml.set_style_id(p, "GWImprint")
            oxml.set_indent(ppr, left=0, right=0)
            oxml.set_border(ppr, "top", size_eighths=6)  # thin: 0.25 mm
        else:
            p = p0
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        oxml.set_border(p._p.get_or_add_pPr(), "bottom", size_eighths=8)  # thick, on the text block's bottom edge
        tabs = p.paragraph_format.tab_stops
        tabs.add_tab_stop(Twips(280), WD_TAB_ALIGNMENT.LEFT)  # printer one char from the left
        tabs.add_tab_stop(Twips(TEXT_WIDTH_TWIPS - 280), WD_TAB_ALIGNMENT.RIGHT)  # date one char from the right
        p.add_run(f"\t{n.printed_by}\t{n.printed_on}")


def _open_template(path: Path) -> tuple[Any, Any]:
    """The bureau's .docx template; a file Word could not open is the user's mistake."""
    tpl = DocxTemplate(str(path))
    try:
        return tpl, tpl.get_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise PlangenError(f"{display_path(path)}: 不是有效的 Word 模板（.docx 文件应是 zip 格式，且含 word/document.xml）。"
                           "请用 Word 或 WPS 打开后另存为 .docx，或从 templates/ 重新复制一份。") from None


def render_docx(view: DocumentView, *, template: str | None = None, profile: FontProfile,
                pdfa: bool = False) -> bytes:
    """The notice + plan as DOCX bytes (`pdfa` is part of the document renderers' common
    signature, see plangen.formats; it means nothing for a DOCX)."""
    path = resolve_template(template or view.template, ".docx", plan_dir=view.source.parent)
    reads.record(path)
    tpl, doc = _open_template(path)
    layout = view.layout_for(template)
    _apply_profile(doc, profile)
    # plain: no 版头 and no notice — the plan alone (its issuers above its title, as 六安's)
    n = view.notice if layout.notice else None
    context: dict[str, Any] = {
        "header": _header(tpl, n, profile, layout) if n else "",
        "notice": _notice(tpl, n) if n else "",
        "plan": _plan(tpl, view, new_page=n is not None),
        "view": view,
    }
    try:
        tpl.render(context, autoescape=True)
    except jinja2.TemplateError as e:
        raise PlangenError(f"{display_path(path)}: 模板里的标记有误（{e}）。请保留正文中的 {{{{p header }}}}、"
                           "{{p notice }}、{{p plan }} 三处标记，其余不要写 {{ }} 或 {% %}（见 docs/templates.md）。") from None
    doc = tpl.docx
    if n is not None and layout.imprint == "last-even-page":
        _imprint(doc, n)
    return document_bytes(doc, title=view.doc_title, author=view.author, subject=view.plan.title,
                          keywords="工作要点")
