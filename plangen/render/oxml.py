"""All raw WordprocessingML the DOCX renderer and the template builder need, in one place:
East Asian fonts, the document grid, exact line spacing, character spacing, borders, fields,
style ids. python-docx's proxies do not cover these (e.g. `font.name` sets only w:ascii)."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import register_element_cls
from docx.oxml.section import CT_SectPr
from docx.oxml.settings import CT_Settings
from docx.oxml.table import CT_TblPr, CT_TrPr
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.oxml.xmlchemy import BaseOxmlElement, ZeroOrOne

# GB/T 9704 grid in OOXML units
LINE_PITCH_TWIPS = 579  # 28.95 pt × 20
CHAR_SPACING_TWENTIETHS = -5  # −0.25 pt: 28 characters of 16 pt on 156 mm (LibreOffice and Word)
CHAR_TWIPS = 315  # one character of 16 pt with −0.25 pt spacing, in twips (15.75 pt)
RED = "FF0000"

# --------------------------------------------------------------------------- element classes
# python-docx's element classes insert children in schema order (`ZeroOrOne(tag, successors=…)`
# gives each a `get_or_add_<tag>()`), but declare only the children python-docx itself uses.
# The subclasses below declare the others this module writes, with the successors from
# ECMA-376 (the same sequences python-docx's classes are built from), and are registered for
# their tags, so every element is created at its place — nothing is appended and re-sorted.


def _after(seq: str, tag: str) -> tuple[str, ...]:
    tags = tuple(f"w:{t}" if ":" not in t else t for t in seq.split())
    return tags[tags.index(f"w:{tag}") + 1:]


_PPR = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
        "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
        "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange")
_RPR = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
        "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
        "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath")
_TBLPR = ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
          "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange")
_TRPR = "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden ins del trPrChange"
_SECTPR = ("footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols formProt vAlign "
           "noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange")
_SETTINGS_TAIL = ("themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade "
                  "captions readModeInkLockDown smartTagType sl:schemaLibrary shapeDefaults doNotEmbedSmartTags "
                  "decimalSymbol listSeparator")


class PPr(CT_PPr):
    pBdr = ZeroOrOne("w:pBdr", successors=_after(_PPR, "pBdr"))
    autoSpaceDE = ZeroOrOne("w:autoSpaceDE", successors=_after(_PPR, "autoSpaceDE"))
    autoSpaceDN = ZeroOrOne("w:autoSpaceDN", successors=_after(_PPR, "autoSpaceDN"))
    snapToGrid = ZeroOrOne("w:snapToGrid", successors=_after(_PPR, "snapToGrid"))


class RPr(CT_RPr):
    spacing = ZeroOrOne("w:spacing", successors=_after(_RPR, "spacing"))
    szCs = ZeroOrOne("w:szCs", successors=_after(_RPR, "szCs"))


class TblPr(CT_TblPr):
    tblW = ZeroOrOne("w:tblW", successors=_after(_TBLPR, "tblW"))
    tblBorders = ZeroOrOne("w:tblBorders", successors=_after(_TBLPR, "tblBorders"))
    tblCellMar = ZeroOrOne("w:tblCellMar", successors=_after(_TBLPR, "tblCellMar"))


class TrPr(CT_TrPr):
    tblHeader = ZeroOrOne("w:tblHeader", successors=_after(_TRPR, "tblHeader"))


class SectPr(CT_SectPr):
    docGrid = ZeroOrOne("w:docGrid", successors=_after(_SECTPR, "docGrid"))


class Settings(CT_Settings):
    themeFontLang = ZeroOrOne("w:themeFontLang", successors=_after(_SETTINGS_TAIL, "themeFontLang"))


_SIDES = "top left bottom right"


class PBdr(BaseOxmlElement):
    """w:pBdr: top left bottom right between bar."""

    top = ZeroOrOne("w:top", successors=_after(_SIDES + " between bar", "top"))
    left = ZeroOrOne("w:left", successors=_after(_SIDES + " between bar", "left"))
    bottom = ZeroOrOne("w:bottom", successors=_after(_SIDES + " between bar", "bottom"))
    right = ZeroOrOne("w:right", successors=_after(_SIDES + " between bar", "right"))


class TblBorders(BaseOxmlElement):
    """w:tblBorders: top left bottom right insideH insideV."""

    top = ZeroOrOne("w:top", successors=_after(_SIDES + " insideH insideV", "top"))
    left = ZeroOrOne("w:left", successors=_after(_SIDES + " insideH insideV", "left"))
    bottom = ZeroOrOne("w:bottom", successors=_after(_SIDES + " insideH insideV", "bottom"))
    right = ZeroOrOne("w:right", successors=_after(_SIDES + " insideH insideV", "right"))
    insideH = ZeroOrOne("w:insideH", successors=("w:insideV",))
    insideV = ZeroOrOne("w:insideV", successors=())


class TblCellMar(BaseOxmlElement):
    """w:tblCellMar: top left bottom right."""

    top = ZeroOrOne("w:top", successors=_after(_SIDES, "top"))
    left = ZeroOrOne("w:left", successors=_after(_SIDES, "left"))
    bottom = ZeroOrOne("w:bottom", successors=_after(_SIDES, "bottom"))
    right = ZeroOrOne("w:right", successors=())


for _tag, _cls in (("w:pPr", PPr), ("w:rPr", RPr), ("w:tblPr", TblPr), ("w:trPr", TrPr), ("w:sectPr", SectPr),
                   ("w:settings", Settings), ("w:pBdr", PBdr), ("w:tblBorders", TblBorders),
                   ("w:tblCellMar", TblCellMar)):
    register_element_cls(_tag, _cls)


def _child(parent, name: str):  # type: ignore[no-untyped-def]
    """The child `name` of `parent`, created at its schema place when missing."""
    return getattr(parent, f"get_or_add_{name}")()


def set_run_fonts(rpr, east_asia: str, latin: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """w:rFonts with the East Asian font set (and ascii/hAnsi to the same face unless given)."""
    fonts = rpr.get_or_add_rFonts()
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
    sp = _child(rpr, "spacing")
    sp.set(qn("w:val"), str(twentieths))


def set_size(rpr, half_points: int) -> None:  # type: ignore[no-untyped-def]
    _child(rpr, "sz").set(qn("w:val"), str(half_points))
    _child(rpr, "szCs").set(qn("w:val"), str(half_points))


def set_color(rpr, rgb: str) -> None:  # type: ignore[no-untyped-def]
    _child(rpr, "color").set(qn("w:val"), rgb)


def set_exact_spacing(ppr, line_twips: int | None = LINE_PITCH_TWIPS, before: int = 0, after: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Space before/after in twips and, unless `line_twips` is None (the style's), an exact line height."""
    sp = _child(ppr, "spacing")
    sp.set(qn("w:before"), str(before))
    sp.set(qn("w:after"), str(after))
    if line_twips is not None:
        sp.set(qn("w:line"), str(line_twips))
        sp.set(qn("w:lineRule"), "exact")


def set_indent(ppr, *, first_chars: int | None = None, left: int | None = None,  # type: ignore[no-untyped-def]
               right: int | None = None, hanging: int | None = None) -> None:
    ind = _child(ppr, "ind")
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
    for tag in ("autoSpaceDE", "autoSpaceDN"):
        _child(ppr, tag).set(qn("w:val"), "1" if on else "0")


def set_jc(ppr, value: str) -> None:  # type: ignore[no-untyped-def]
    _child(ppr, "jc").set(qn("w:val"), value)


def set_outline_level(ppr, level: int) -> None:  # type: ignore[no-untyped-def]
    _child(ppr, "outlineLvl").set(qn("w:val"), str(level))


def set_border(ppr, side: str, *, size_eighths: int, space_pt: int = 0, color: str = "000000") -> None:  # type: ignore[no-untyped-def]
    """A single-line paragraph border on `side` (top/bottom), `size_eighths` of a point thick."""
    el = _child(_child(ppr, "pBdr"), side)
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space_pt))
    el.set(qn("w:color"), color)


def set_snap_to_grid(ppr, on: bool) -> None:  # type: ignore[no-untyped-def]
    _child(ppr, "snapToGrid").set(qn("w:val"), "1" if on else "0")


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
    grid = sect_pr.get_or_add_docGrid()
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch))


def set_theme_font_lang(settings_element) -> None:  # type: ignore[no-untyped-def]
    lang = settings_element.get_or_add_themeFontLang()
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


def keep_next(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Keep with the next paragraph (python-docx's own property; one way to write w:keepNext)."""
    paragraph.paragraph_format.keep_with_next = True


def no_table_borders(table) -> None:  # type: ignore[no-untyped-def]
    tbl_pr = table._tbl.tblPr
    borders = _child(tbl_pr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = _child(borders, side)
        el.set(qn("w:val"), "nil")


def fix_table_widths(table, widths: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Fixed column widths in twips everywhere LibreOffice and Word look (tblW, tblLayout,
    tblGrid, every tcW), no cell margins left/right: python-docx leaves a 4320-twip grid that
    LibreOffice uses as is."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = _child(tbl_pr, "tblW")
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    _child(tbl_pr, "tblLayout").set(qn("w:type"), "fixed")
    mar = _child(tbl_pr, "tblCellMar")
    for side in ("left", "right"):
        el = _child(mar, side)
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(w))
    for tr in tbl.findall(qn("w:tr")):
        for tc, w in zip(tr.findall(qn("w:tc")), widths, strict=False):
            tc_w = tc.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:type"), "dxa")
            tc_w.set(qn("w:w"), str(w))


def set_cell_vcenter(cell) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    _child(tc_pr, "vAlign").set(qn("w:val"), "center")


def repeat_table_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    _child(tr_pr, "tblHeader").set(qn("w:val"), "true")


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
