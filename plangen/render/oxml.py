"""All raw WordprocessingML the DOCX renderer and the template builder need, in one place:
East Asian fonts, the document grid, exact line spacing, character spacing, borders, fields,
style ids. python-docx's proxies do not cover these (e.g. `font.name` sets only w:ascii)."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# GB/T 9704 grid in OOXML units
LINE_PITCH_TWIPS = 579  # 28.95 pt × 20
CHAR_SPACING_TWENTIETHS = -5  # −0.25 pt: 28 characters of 16 pt on 156 mm (LibreOffice and Word)
BODY_HALF_POINTS = 32  # 3号 = 16 pt
CHAR_TWIPS = 315  # one character of 16 pt with −0.25 pt spacing, in twips (15.75 pt)
RED = "FF0000"


def _child(parent, tag: str):  # type: ignore[no-untyped-def]
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    return el


def set_run_fonts(rpr, east_asia: str, latin: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """w:rFonts with the East Asian font set (and ascii/hAnsi to the same face unless given)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    latin = latin or east_asia
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def style_rpr(style):  # type: ignore[no-untyped-def]
    return style.element.get_or_add_rPr()


def style_ppr(style):  # type: ignore[no-untyped-def]
    return style.element.get_or_add_pPr()


def set_char_spacing(rpr, twentieths: int = CHAR_SPACING_TWENTIETHS) -> None:  # type: ignore[no-untyped-def]
    sp = _child(rpr, "w:spacing")
    sp.set(qn("w:val"), str(twentieths))


def set_size(rpr, half_points: int) -> None:  # type: ignore[no-untyped-def]
    _child(rpr, "w:sz").set(qn("w:val"), str(half_points))
    _child(rpr, "w:szCs").set(qn("w:val"), str(half_points))


def set_color(rpr, rgb: str) -> None:  # type: ignore[no-untyped-def]
    _child(rpr, "w:color").set(qn("w:val"), rgb)


def set_exact_spacing(ppr, line_twips: int | None = LINE_PITCH_TWIPS, before: int = 0, after: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Space before/after in twips and, unless `line_twips` is None (the style's), an exact line height."""
    sp = _child(ppr, "w:spacing")
    sp.set(qn("w:before"), str(before))
    sp.set(qn("w:after"), str(after))
    if line_twips is not None:
        sp.set(qn("w:line"), str(line_twips))
        sp.set(qn("w:lineRule"), "exact")


def set_indent(ppr, *, first_chars: int | None = None, left: int | None = None,  # type: ignore[no-untyped-def]
               right: int | None = None, hanging: int | None = None) -> None:
    ind = _child(ppr, "w:ind")
    if first_chars is not None:
        ind.set(qn("w:firstLineChars"), str(first_chars * 100))
        ind.set(qn("w:firstLine"), str(first_chars * CHAR_TWIPS))
    if left is not None:
        ind.set(qn("w:left"), str(left))
    if right is not None:
        ind.set(qn("w:right"), str(right))
    if hanging is not None:
        ind.set(qn("w:hanging"), str(hanging))


def set_auto_space(ppr, on: bool) -> None:  # type: ignore[no-untyped-def]
    """w:autoSpaceDE / w:autoSpaceDN: Word's extra space between CJK and Latin text / digits."""
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _child(ppr, tag).set(qn("w:val"), "1" if on else "0")


def set_jc(ppr, value: str) -> None:  # type: ignore[no-untyped-def]
    _child(ppr, "w:jc").set(qn("w:val"), value)


def set_outline_level(ppr, level: int) -> None:  # type: ignore[no-untyped-def]
    _child(ppr, "w:outlineLvl").set(qn("w:val"), str(level))


def set_border(ppr, side: str, *, size_eighths: int, space_pt: int = 0, color: str = "000000") -> None:  # type: ignore[no-untyped-def]
    """A single-line paragraph border on `side` (top/bottom), `size_eighths` of a point thick."""
    el = _child(_child(ppr, "w:pBdr"), f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space_pt))
    el.set(qn("w:color"), color)


def set_snap_to_grid(ppr, on: bool) -> None:  # type: ignore[no-untyped-def]
    _child(ppr, "w:snapToGrid").set(qn("w:val"), "1" if on else "0")


def set_style_id(paragraph, style_id: str) -> None:  # type: ignore[no-untyped-def]
    """Reference a style by id (the style lives in the template, not in a subdocument)."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.get_or_add_pStyle().val = style_id


def add_paragraph_style(doc, style_id: str, name: str, based_on: str | None = None):  # type: ignore[no-untyped-def]
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    if based_on:
        style.base_style = doc.styles[based_on]
    style.quick_style = True
    return style


def set_doc_grid(sect_pr, line_pitch: int = LINE_PITCH_TWIPS) -> None:  # type: ignore[no-untyped-def]
    """A lines-only grid (a linesAndChars grid renders 14 characters a line in LibreOffice)."""
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch))


def set_theme_font_lang(settings_element) -> None:  # type: ignore[no-untyped-def]
    lang = settings_element.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings_element.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def add_field(paragraph, instr: str, placeholder: str = "1") -> None:  # type: ignore[no-untyped-def]
    """A complex field (e.g. PAGE) in its own runs, keeping the paragraph's run formatting."""
    def run_with(el):  # type: ignore[no-untyped-def]
        r = OxmlElement("w:r")
        r.append(el)
        paragraph._p.append(r)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    t = OxmlElement("w:t")
    t.text = placeholder
    run_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def page_break_before(paragraph) -> None:  # type: ignore[no-untyped-def]
    _child(paragraph._p.get_or_add_pPr(), "w:pageBreakBefore")


def keep_next(paragraph) -> None:  # type: ignore[no-untyped-def]
    _child(paragraph._p.get_or_add_pPr(), "w:keepNext")


def no_table_borders(table) -> None:  # type: ignore[no-untyped-def]
    tbl_pr = table._tbl.tblPr
    borders = _child(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = _child(borders, f"w:{side}")
        el.set(qn("w:val"), "nil")


def fix_table_widths(table, widths: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Fixed column widths in twips everywhere LibreOffice and Word look (tblW, tblLayout,
    tblGrid, every tcW), no cell margins left/right: python-docx leaves a 4320-twip grid that
    LibreOffice uses as is."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = _child(tbl_pr, "w:tblW")
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    _child(tbl_pr, "w:tblLayout").set(qn("w:type"), "fixed")
    mar = _child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        el = _child(mar, f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(w))
    for tr in tbl.findall(qn("w:tr")):
        for tc, w in zip(tr.findall(qn("w:tc")), widths, strict=False):
            tc_pr = tc.get_or_add_tcPr()
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is None:
                tc_w = OxmlElement("w:tcW")
                tc_pr.insert(0, tc_w)
            tc_w.set(qn("w:type"), "dxa")
            tc_w.set(qn("w:w"), str(w))


_TBL_PR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                 "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                 "shd", "tblLayout", "tblCellMar", "tblLook"]


def set_cell_vcenter(cell) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    _child(tc_pr, "w:vAlign").set(qn("w:val"), "center")


def repeat_table_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    _child(tr_pr, "w:tblHeader").set(qn("w:val"), "true")


def float_picture(run, x_emu: int, y_emu: int) -> None:  # type: ignore[no-untyped-def]
    """Turn the run's inline picture into a floating one (wrap none, in front of the text),
    positioned from the left margin and from the paragraph — for a seal over signature and date."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    inline = run._r.find(".//" + qn("wp:inline"))
    if inline is None:
        return
    extent = inline.find(qn("wp:extent"))
    doc_pr = inline.find(qn("wp:docPr"))
    graphic = inline.find(qn("a:graphic"))
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp", "a")} distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x_emu}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y_emu}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{extent.get("cx")}" cy="{extent.get("cy")}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/></wp:anchor>')
    anchor.append(doc_pr)
    anchor.append(parse_xml(f'<wp:cNvGraphicFramePr {nsdecls("wp")}/>'))
    anchor.append(graphic)
    inline.getparent().replace(inline, anchor)


# Schema order of the children of the property elements this module writes to (Word reports
# "unreadable content" for some out-of-order children; _child() appends, so order at the end).
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
    "tblPr": " ".join(_TBL_PR_ORDER),
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
            "vAlign hideMark",
    "tblBorders": "top left bottom right insideH insideV",
    "tblCellMar": "top left bottom right",
}
_RANKS = {qn(f"w:{k}"): {qn(f"w:{t}"): i for i, t in enumerate(v.split())} for k, v in _ORDER.items()}


def canonical_order(root) -> None:  # type: ignore[no-untyped-def]
    """Put the children of every pPr/rPr/pBdr/tblPr/tcPr under `root` in schema order (stable)."""
    for tag, rank in _RANKS.items():
        for el in root.iter(tag):
            children = list(el)
            ordered = sorted(children, key=lambda c: rank.get(c.tag, len(rank)))
            if ordered != children:
                for c in ordered:
                    el.append(c)
