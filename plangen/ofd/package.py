"""Assemble the OFD parts (OFD.xml, Document.xml, resources, pages) and zip them with fixed
timestamps in a fixed order."""

from __future__ import annotations

import hashlib
import io
import zipfile

from plangen.ofd.fontmap import font_map
from plangen.ofd.pdfread import PdfLayout
from plangen.ofd.writer import HEAD, NS, OfdMeta, _Ids, attr, esc, num, page_xml

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOC = "Doc_0"


def _public_res(layout: PdfLayout, font_ids: list[int], fmaps: list) -> str:  # type: ignore[type-arg]
    out = [HEAD, f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">']
    if layout.fonts:
        out.append("<ofd:Fonts>")
        for i, (info, fm) in enumerate(zip(layout.fonts, fmaps, strict=True)):
            flags = "".join(f' {k}="true"' for k, v in (("Italic", info.italic), ("Bold", info.bold),
                                                        ("Serif", fm.serif), ("FixedWidth", fm.fixed)) if v)
            out.append(f'<ofd:Font ID="{font_ids[i]}" FontName="{attr(fm.font_name)}" '
                       f'FamilyName="{attr(fm.family)}"{flags}>'
                       f"<ofd:FontFile>font_{i + 1}.{info.ext}</ofd:FontFile></ofd:Font>")
        out.append("</ofd:Fonts>")
    out.append("</ofd:Res>")
    return "".join(out)


def _document_res(image_ids: list[int]) -> str:
    out = [HEAD, f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias>']
    for i, rid in enumerate(image_ids):
        out.append(f'<ofd:MultiMedia ID="{rid}" Type="Image" Format="PNG">'
                   f"<ofd:MediaFile>image_{i + 1}.png</ofd:MediaFile></ofd:MultiMedia>")
    out.append("</ofd:MultiMedias></ofd:Res>")
    return "".join(out)


def _document(meta: OfdMeta, max_id: int, page_ids: list[int], area: tuple[float, float],
              has_images: bool) -> str:
    out = [HEAD, f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>',
           f"<ofd:MaxUnitID>{max_id}</ofd:MaxUnitID>",
           f"<ofd:PageArea><ofd:PhysicalBox>0 0 {num(area[0])} {num(area[1])}</ofd:PhysicalBox></ofd:PageArea>",
           "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"]
    if has_images:
        out.append("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>")
    out.append("</ofd:CommonData><ofd:Pages>")
    for n, pid in enumerate(page_ids):
        out.append(f'<ofd:Page ID="{pid}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    out.append("</ofd:Pages>")
    if meta.outline:
        out.append(_outlines(meta.outline, page_ids))
    out.append("</ofd:Document>")
    return "".join(out)


def _outlines(entries: list[tuple[int, str, int, float]], page_ids: list[int]) -> str:
    out = ["<ofd:Outlines>"]
    depth = 0
    for level, title, page, top in entries:
        level = max(1, min(level, depth + 1))
        while depth >= level:
            out.append("</ofd:OutlineElem>")
            depth -= 1
        pid = page_ids[min(max(page, 0), len(page_ids) - 1)]
        out.append(f'<ofd:OutlineElem Title="{attr(title)}"><ofd:Actions><ofd:Action Event="CLICK">'
                   f'<ofd:Goto><ofd:Dest Type="XYZ" PageID="{pid}" Left="0" Top="{num(top)}"/>'
                   "</ofd:Goto></ofd:Action></ofd:Actions>")
        depth = level
    out += ["</ofd:OutlineElem>"] * depth + ["</ofd:Outlines>"]
    return "".join(out)


def _ofd_xml(meta: OfdMeta, doc_id: str) -> str:
    info = [f"<ofd:DocID>{doc_id}</ofd:DocID>", f"<ofd:Title>{esc(meta.title)}</ofd:Title>",
            f"<ofd:Author>{esc(meta.author)}</ofd:Author>"]
    if meta.subject:
        info.append(f"<ofd:Subject>{esc(meta.subject)}</ofd:Subject>")
    info.append(f"<ofd:CreationDate>{meta.creation_date}</ofd:CreationDate>")
    info.append(f"<ofd:ModDate>{meta.creation_date}</ofd:ModDate>")
    if meta.keywords:
        info.append("<ofd:Keywords>" + "".join(f"<ofd:Keyword>{esc(k)}</ofd:Keyword>"
                                               for k in meta.keywords) + "</ofd:Keywords>")
    info.append(f"<ofd:Creator>{esc(meta.creator)}</ofd:Creator>")
    if meta.creator_version:
        info.append(f"<ofd:CreatorVersion>{esc(meta.creator_version)}</ofd:CreatorVersion>")
    if meta.custom:
        info.append("<ofd:CustomDatas>" + "".join(
            f'<ofd:CustomData Name="{attr(k)}">{esc(v)}</ofd:CustomData>'
            for k, v in meta.custom.items()) + "</ofd:CustomDatas>")
    return (HEAD + f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
            f"<ofd:DocInfo>{''.join(info)}</ofd:DocInfo><ofd:DocRoot>{DOC}/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>")


def build_ofd(layout: PdfLayout, meta: OfdMeta) -> bytes:
    """The OFD file for a layout read from the PDF. IDs: fonts, images, then per page the page,
    its layer and its objects, in drawing order (so the same layout numbers the same way)."""
    ids = _Ids()
    fmaps = [font_map(f) for f in layout.fonts]
    font_ids = [ids.next() for _ in layout.fonts]
    image_ids = [ids.next() for _ in layout.images]
    page_ids = [ids.next() for _ in layout.pages]
    first = layout.pages[0] if layout.pages else None
    area = (round(first.width, 3), round(first.height, 3)) if first else (210.0, 297.0)
    parts: list[tuple[str, bytes]] = []
    for n, page in enumerate(layout.pages):
        xml = page_xml(page, ids, font_ids, image_ids, fmaps, area)
        parts.append((f"{DOC}/Pages/Page_{n}/Content.xml", xml.encode("utf-8")))
    head = [(f"{DOC}/Document.xml", _document(meta, ids.last, page_ids, area,
                                              bool(layout.images)).encode("utf-8")),
            (f"{DOC}/PublicRes.xml", _public_res(layout, font_ids, fmaps).encode("utf-8"))]
    if layout.images:
        head.append((f"{DOC}/DocumentRes.xml", _document_res(image_ids).encode("utf-8")))
    files = [(f"{DOC}/Res/font_{i + 1}.{f.ext}", f.data) for i, f in enumerate(layout.fonts)]
    files += [(f"{DOC}/Res/image_{i + 1}.png", png) for i, png in enumerate(layout.images)]
    body = head + parts + files
    digest = hashlib.sha256(_ofd_xml(meta, "").encode("utf-8"))
    for name, blob in body:
        digest.update(name.encode() + b"\0" + hashlib.sha256(blob).digest())
    doc_id = digest.hexdigest()[:32]
    return _zip([("OFD.xml", _ofd_xml(meta, doc_id).encode("utf-8")), *body])


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, blob, compresslevel=6)
    return out.getvalue()
