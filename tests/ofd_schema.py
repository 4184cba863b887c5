"""The parts of the GB/T 33190-2016 schemas (OFD.xsd, Document.xsd, Page.xsd, Res.xsd,
Definitions.xsd) that plangen's OFD uses, written down from the XSDs as content models over
child element names (regex syntax: ? * + | and groups), required attributes and attribute
types. `check_part(root)` returns every violation in one XML part."""

from __future__ import annotations

import re

from lxml import etree

NS = "http://www.ofdspec.org/2016"

# element (or "parent>element" where a name means two things) → (content model, required attrs)
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "OFD": ("DocBody+", ("Version", "DocType")),
    "DocBody": ("DocInfo DocRoot Versions? Signatures?", ()),
    "DocInfo": (("DocID Title? Author? Subject? Abstract? CreationDate? ModDate? DocUsage? Cover? "
                 "Keywords? Creator? CreatorVersion? CustomDatas?"), ()),
    "Keywords": ("Keyword+", ()),
    "CustomDatas": ("CustomData+", ()),
    "CustomData": ("", ("Name",)),
    "Document": (("CommonData Pages Outlines? Permissions? Actions? VPreferences? Bookmarks? "
                  "Annotations? CustomTags? Attachments? Extensions?"), ()),
    "CommonData": ("MaxUnitID PageArea PublicRes* DocumentRes* TemplatePage* DefaultCS?", ()),
    "PageArea": ("PhysicalBox ApplicationBox? ContentBox? BleedBox?", ()),
    "Page>Area": ("PhysicalBox ApplicationBox? ContentBox? BleedBox?", ()),
    "Pages": ("Page+", ()),
    "Pages>Page": ("", ("ID", "BaseLoc")),
    "Outlines": ("OutlineElem+", ()),
    "OutlineElem": ("Actions? OutlineElem*", ("Title",)),
    "Actions": ("Action+", ()),
    "Action": ("Region? (Goto|URI|GotoA|Sound|Movie)", ("Event",)),
    "Goto": ("(Dest|Bookmark)", ()),
    "Dest": ("", ("Type", "PageID")),
    "Res": ("(ColorSpaces|DrawParams|Fonts|MultiMedias|CompositeGraphicUnits)*", ("BaseLoc",)),
    "Fonts": ("Font+", ()),
    "Font": ("FontFile?", ("ID", "FontName")),
    "MultiMedias": ("MultiMedia+", ()),
    "MultiMedia": ("MediaFile", ("ID", "Type")),
    "Page": ("Template* PageRes* Area? Content? Actions?", ()),
    "Content": ("Layer+", ()),
    "Layer": ("(TextObject|PathObject|ImageObject|CompositeObject|PageBlock)*", ("ID",)),
    "TextObject": ("Actions? Clips? FillColor? StrokeColor? (CGTransform* TextCode)+",
                   ("ID", "Boundary", "Font", "Size")),
    "CGTransform": ("Glyphs?", ("CodePosition",)),
    "PathObject": ("Actions? Clips? StrokeColor? FillColor? AbbreviatedData", ("ID", "Boundary")),
    "ImageObject": ("Actions? Clips? Border?", ("ID", "Boundary", "ResourceID")),
    "FillColor": ("", ()),
    "StrokeColor": ("", ()),
}
LEAVES = {"DocID", "Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "Creator",
          "CreatorVersion", "Keyword", "DocRoot", "MaxUnitID", "PhysicalBox", "PublicRes",
          "DocumentRes", "FontFile", "MediaFile", "TextCode", "AbbreviatedData", "Glyphs"}

_UINT = r"\d+"
_NUM = r"-?\d+(\.\d+)?"
_BOX = rf"{_NUM} {_NUM} {_NUM} {_NUM}"
_BOOL = r"true|false"
ATTR_TYPES: dict[str, str] = {  # attribute (on any element) → regex of its value
    "ID": _UINT, "Font": _UINT, "ResourceID": _UINT, "PageID": _UINT, "CodePosition": _UINT,
    "CodeCount": _UINT, "GlyphCount": _UINT, "Size": _NUM, "LineWidth": _NUM, "Boundary": _BOX,
    "Alpha": _UINT, "Stroke": _BOOL, "Fill": _BOOL, "Bold": _BOOL, "Italic": _BOOL,
    "Serif": _BOOL, "FixedWidth": _BOOL, "Version": r"1\.0", "DocType": "OFD",
    "Rule": "NonZero|Even-Odd", "Event": "DO|PO|CLICK", "Type@Dest": "XYZ|Fit|FitH|FitV|FitR",
    "Type@Layer": "Body|Background|Foreground|Custom", "Type@MultiMedia": "Image|Audio|Video",
    "Weight": "0|100|200|300|400|500|600|700|800|900|1000", "Top": _NUM, "Left": _NUM,
    "CTM": rf"{_NUM}( {_NUM}){{5}}", "Value": r"\d+ \d+ \d+",
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _regex(model: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\b(\w+)\b", r"(?:\1;)", model).replace(" ", ""))


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def check_part(root: etree._Element, part: str) -> list[str]:
    problems: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        where = f"{part}: <{q.localname}>"
        if q.namespace != NS:
            problems.append(f"{where} not in the OFD namespace")
            continue
        name = q.localname
        parent = el.getparent()
        key = f"{local(parent)}>{name}" if parent is not None and \
            f"{local(parent)}>{name}" in MODELS else name
        if name in LEAVES:
            if len(el):
                problems.append(f"{where} should hold text only")
        elif key not in MODELS:
            problems.append(f"{where} is not an element plangen's schema subset knows")
        else:
            model, required = MODELS[key]
            seq = "".join(f"{local(c)};" for c in el if isinstance(c.tag, str))
            if not _regex(model).fullmatch(seq):
                problems.append(f"{where} children {seq!r} do not match {model!r}")
            for a in required:
                if a not in el.attrib:
                    problems.append(f"{where} lacks required attribute {a}")
        for a, v in el.attrib.items():
            pattern = ATTR_TYPES.get(f"{a}@{name}") or ATTR_TYPES.get(a)
            if pattern and not re.fullmatch(pattern, v):
                problems.append(f"{where} {a}={v!r} is not of its type")
        if name in ("CreationDate", "ModDate") and not DATE.fullmatch(el.text or ""):
            problems.append(f"{where} is not an xs:date")
    return problems
