"""Write an OFD package (GB/T 33190-2016) from a PdfLayout.

Parts, in zip order (fixed timestamps, so the same layout gives the same bytes):

    OFD.xml                          DocBody: DocInfo, DocRoot
    Doc_0/Document.xml               CommonData (MaxUnitID, PageArea, PublicRes, DocumentRes), Pages, Outlines
    Doc_0/PublicRes.xml              Fonts (each with its embedded subset file)
    Doc_0/DocumentRes.xml            MultiMedias (PNG images), when there are any
    Doc_0/Pages/Page_N/Content.xml   one Layer of TextObject / PathObject / ImageObject
    Doc_0/Res/font_N.otf|ttf, image_N.png

Element order and required attributes follow the standard's schemas (OFD.xsd, Document.xsd,
Page.xsd, Res.xsd, Definitions.xsd); see docs/ofd.md. All lengths are millimetres.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plangen.ofd.fontmap import FontMap
from plangen.ofd.pdfread import ImageItem, PageContent, PathItem, TextItem

NS = "http://www.ofdspec.org/2016"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class OfdMeta:
    title: str
    author: str
    creation_date: str  # YYYY-MM-DD
    subject: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = "plangen"
    creator_version: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    outline: list[tuple[int, str, int, float]] = field(default_factory=list)  # level, title, page, top mm


def esc(text: str) -> str:
    text = _BAD_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    return esc(text).replace('"', "&quot;")


def num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def nums(values: list[float] | tuple[float, ...]) -> str:
    return " ".join(num(v) for v in values)


def deltas(values: list[float]) -> str:
    """A DeltaX array, runs of equal values written as `g N v` (GB/T 33190 §11.2)."""
    out: list[str] = []
    texts = [num(v) for v in values]
    i = 0
    while i < len(texts):
        j = i
        while j + 1 < len(texts) and texts[j + 1] == texts[i]:
            j += 1
        n = j - i + 1
        out.append(f"g {n} {texts[i]}" if n >= 3 else " ".join(texts[i:j + 1]))
        i = j + 1
    return " ".join(out)


def color(tag: str, rgb: tuple[int, int, int]) -> str:
    return f'<ofd:{tag} Value="{rgb[0]} {rgb[1]} {rgb[2]}"/>'


class _Ids:
    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


# --------------------------------------------------------------------------- page objects


def text_object(item: TextItem, oid: int, font_id: int, fmap: FontMap) -> str:
    glyphs = [g for g in item.glyphs if g.text]
    if not glyphs:
        return ""
    size = item.size
    bx = min(g.x for g in glyphs) - size * 0.5
    by = min(g.y for g in glyphs) - size * 1.2
    bw = max(g.x + g.advance for g in glyphs) + size * 0.5 - bx
    bh = max(g.y for g in glyphs) + size * 0.5 - by
    alpha = f' Alpha="{item.alpha}"' if item.alpha < 255 else ""
    head = (f'<ofd:TextObject ID="{oid}" Boundary="{nums((bx, by, bw, bh))}" Font="{font_id}" '
            f'Size="{num(size)}"{alpha}>')
    parts = [head, color("FillColor", item.color)]
    start = 0
    for k in range(1, len(glyphs) + 1):
        if k == len(glyphs) or abs(glyphs[k].y - glyphs[start].y) > 0.001:
            parts.append(_text_code(glyphs[start:k], bx, by, fmap))
            start = k
    parts.append("</ofd:TextObject>")
    return "".join(parts)


def _text_code(glyphs: list, bx: float, by: float, fmap: FontMap) -> str:  # type: ignore[type-arg]
    text: list[str] = []
    dx: list[float] = []
    transforms: list[str] = []
    for i, g in enumerate(glyphs):
        chars = list(_BAD_XML.sub("", g.text)) or ["\ufffd"]
        if fmap.needs_transform(g.gid, "".join(chars)):
            transforms.append(f'<ofd:CGTransform CodePosition="{len(text)}" CodeCount="{len(chars)}" '
                              f'GlyphCount="1"><ofd:Glyphs>{g.gid}</ofd:Glyphs></ofd:CGTransform>')
        text += chars
        if i + 1 < len(glyphs):
            dx += [0.0] * (len(chars) - 1) + [glyphs[i + 1].x - g.x]
    first = glyphs[0]
    d = f' DeltaX="{deltas(dx)}"' if dx else ""
    return ("".join(transforms) + f'<ofd:TextCode X="{num(first.x - bx)}" Y="{num(first.y - by)}"{d}>'
            + esc("".join(text)) + "</ofd:TextCode>")


def path_object(item: PathItem, oid: int) -> str:
    pts = [p for _, a in item.segments for p in zip(a[::2], a[1::2], strict=True)]
    pad = item.line_width / 2 if item.stroke else 0.0
    bx, by = min(p[0] for p in pts) - pad, min(p[1] for p in pts) - pad
    bw = max(max(p[0] for p in pts) + pad - bx, 0.001)
    bh = max(max(p[1] for p in pts) + pad - by, 0.001)
    data = []
    for op, a in item.segments:
        rel = [v - (bx if i % 2 == 0 else by) for i, v in enumerate(a)]
        data.append(op if op == "C" else f"{op} {nums(rel)}")
    attrs = [f'ID="{oid}"', f'Boundary="{nums((bx, by, bw, bh))}"']
    if item.stroke:
        attrs.append(f'LineWidth="{num(item.line_width)}"')
    if item.alpha < 255:
        attrs.append(f'Alpha="{item.alpha}"')
    attrs += [f'Stroke="{"true" if item.stroke else "false"}"',
              f'Fill="{"true" if item.fill else "false"}"']
    if item.fill and item.even_odd:
        attrs.append('Rule="Even-Odd"')
    body = (color("StrokeColor", item.stroke) if item.stroke else "") + \
        (color("FillColor", item.fill) if item.fill else "")
    return (f'<ofd:PathObject {" ".join(attrs)}>{body}'
            f'<ofd:AbbreviatedData>{" ".join(data)}</ofd:AbbreviatedData></ofd:PathObject>')


def image_object(item: ImageItem, oid: int, res_id: int) -> str:
    a, b, c, d, e, f = item.matrix
    corners = [(e, f), (a + e, b + f), (c + e, d + f), (a + c + e, b + d + f)]
    bx, by = min(p[0] for p in corners), min(p[1] for p in corners)
    bw = max(p[0] for p in corners) - bx
    bh = max(p[1] for p in corners) - by
    alpha = f' Alpha="{item.alpha}"' if item.alpha < 255 else ""
    return (f'<ofd:ImageObject ID="{oid}" Boundary="{nums((bx, by, bw, bh))}" '
            f'CTM="{nums((a, b, c, d, e - bx, f - by))}" ResourceID="{res_id}"{alpha}/>')


def page_xml(page: PageContent, ids: _Ids, font_ids: list[int], image_ids: list[int],
             fmaps: list[FontMap], area: tuple[float, float]) -> str:
    out = [HEAD, f'<ofd:Page xmlns:ofd="{NS}">']
    if (round(page.width, 3), round(page.height, 3)) != area:
        out.append(f"<ofd:Area><ofd:PhysicalBox>0 0 {num(page.width)} {num(page.height)}"
                   "</ofd:PhysicalBox></ofd:Area>")
    out.append(f'<ofd:Content><ofd:Layer ID="{ids.next()}" Type="Body">')
    for item in page.items:
        if isinstance(item, TextItem):
            if any(g.text for g in item.glyphs):
                out.append(text_object(item, ids.next(), font_ids[item.font], fmaps[item.font]))
        elif isinstance(item, PathItem):
            out.append(path_object(item, ids.next()))
        else:
            out.append(image_object(item, ids.next(), image_ids[item.image]))
    out.append("</ofd:Layer></ofd:Content></ofd:Page>")
    return "".join(out)
