"""Draw an OFD page to a Pillow image, independently of plangen's writer: every TextCode's
characters at X/Y + DeltaX (as GB/T 33190 defines them) in the OFD's embedded fonts (FreeType
through Pillow); path and image objects parsed from Content.xml with lxml.

Used by tests (ink overlap with poppler's rendering of the PDF) and by hand:
    python tests/ofd_draw.py file.ofd OUTDIR [dpi]
"""

from __future__ import annotations

import io
import posixpath
import re
import sys
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw, ImageFont

NS = {"ofd": "http://www.ofdspec.org/2016"}


def parse_deltas(value: str | None) -> list[float]:
    if not value:
        return []
    tokens, out, i = value.split(), [], 0
    while i < len(tokens):
        if tokens[i] == "g":
            out += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def box(value: str) -> list[float]:
    return [float(v) for v in value.split()]


class OfdFile:
    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        root = self.xml("OFD.xml")
        self.doc_path = root.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS).strip()
        self.doc_dir = posixpath.dirname(self.doc_path)
        self.document = self.xml(self.doc_path)
        self.fonts: dict[str, bytes] = {}
        self.images: dict[str, bytes] = {}
        for tag in ("PublicRes", "DocumentRes"):
            for loc in self.document.findall(f"ofd:CommonData/ofd:{tag}", NS):
                self._res(posixpath.join(self.doc_dir, loc.text.strip()))
        self.pages = [posixpath.join(self.doc_dir, p.get("BaseLoc"))
                      for p in self.document.findall("ofd:Pages/ofd:Page", NS)]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def _res(self, path: str) -> None:
        res = self.xml(path)
        base = posixpath.join(posixpath.dirname(path), res.get("BaseLoc", ""))
        for f in res.findall("ofd:Fonts/ofd:Font", NS):
            self.fonts[f.get("ID")] = self.zip.read(posixpath.join(base, f.findtext("ofd:FontFile", namespaces=NS)))
        for m in res.findall("ofd:MultiMedias/ofd:MultiMedia", NS):
            self.images[m.get("ID")] = self.zip.read(posixpath.join(base, m.findtext("ofd:MediaFile", namespaces=NS)))


def draw_page(ofd: OfdFile, index: int, dpi: float = 60) -> Image.Image:
    k = dpi / 25.4
    page = ofd.xml(ofd.pages[index])
    pb = page.findtext("ofd:Area/ofd:PhysicalBox", namespaces=NS) or \
        ofd.document.findtext("ofd:CommonData/ofd:PageArea/ofd:PhysicalBox", namespaces=NS)
    w, h = box(pb)[2:]
    img = Image.new("RGB", (round(w * k), round(h * k)), "white")
    d = ImageDraw.Draw(img)
    fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
    ns = NS["ofd"]
    for obj in page.iter(f"{{{ns}}}TextObject", f"{{{ns}}}PathObject", f"{{{ns}}}ImageObject"):
        bx, by, _, _ = box(obj.get("Boundary"))
        tag = etree.QName(obj).localname
        if tag == "TextObject":
            size = float(obj.get("Size"))
            key = (obj.get("Font"), round(size * k))
            if key not in fonts:
                fonts[key] = ImageFont.truetype(io.BytesIO(ofd.fonts[key[0]]), max(1, key[1]))
            fc = obj.find("ofd:FillColor", NS)
            rgb = tuple(int(v) for v in fc.get("Value").split()) if fc is not None else (0, 0, 0)
            for code in obj.findall("ofd:TextCode", NS):
                x, y = float(code.get("X")), float(code.get("Y"))
                dx = parse_deltas(code.get("DeltaX"))
                for i, ch in enumerate(code.text or ""):
                    d.text(((bx + x) * k, (by + y) * k), ch, font=fonts[key], fill=rgb, anchor="ls")
                    x += dx[i] if i < len(dx) else 0
        elif tag == "PathObject":
            _draw_path(d, obj, bx, by, k)
        else:
            a, _b, _c, dd, e, f = (float(v) for v in obj.get("CTM").split())
            pic = Image.open(io.BytesIO(ofd.images[obj.get("ResourceID")])).convert("RGBA")
            size = (max(1, round(abs(a) * k)), max(1, round(abs(dd) * k)))
            pic = pic.resize(size)
            img.paste(pic, (round((bx + e) * k), round((by + f) * k)), pic)
    return img


def _draw_path(d: ImageDraw.ImageDraw, obj: etree._Element, bx: float, by: float, k: float) -> None:
    tokens = (obj.findtext("ofd:AbbreviatedData", namespaces=NS) or "").split()
    polys: list[list[tuple[float, float]]] = []
    i = 0
    while i < len(tokens):
        op = tokens[i]
        n = {"M": 2, "L": 2, "B": 6, "C": 0}.get(op, 0)
        vals = [float(v) for v in tokens[i + 1:i + 1 + n]]
        if op == "M":
            polys.append([])
        if vals and polys:
            polys[-1].append(((bx + vals[-2]) * k, (by + vals[-1]) * k))
        i += 1 + n
    fill = obj.find("ofd:FillColor", NS)
    stroke = obj.find("ofd:StrokeColor", NS)
    for poly in polys:
        if len(poly) < 2:
            continue
        if obj.get("Fill") == "true" and fill is not None:
            d.polygon(poly, fill=tuple(int(v) for v in fill.get("Value").split()))
        if obj.get("Stroke") == "true" and stroke is not None:
            lw = max(1, round(float(obj.get("LineWidth", "0.353")) * k))
            d.line(poly, fill=tuple(int(v) for v in stroke.get("Value").split()), width=lw)


if __name__ == "__main__":
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    dpi = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    out.mkdir(parents=True, exist_ok=True)
    f = OfdFile(src.read_bytes())
    for n in range(len(f.pages)):
        stem = re.sub(r"[^\w-]", "_", src.stem)
        draw_page(f, n, dpi).save(out / f"{stem}-{n + 1}.png")
