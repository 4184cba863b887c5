"""PDF/A-2b fix-ups for what WeasyPrint's pdf/a-2b variant leaves out (measured on WeasyPrint 70):

- images carry `/Interpolate true` (ISO 19005-2 §6.2.8: Interpolate shall be false);
- pages that use transparency (the seal's 0.85 opacity, colour emoji with soft masks) carry no
  page `/Group`; each such page gets a transparency group with an explicit `/CS /DeviceRGB`
  (required by §6.2.10 when there is no PDF/A output intent; added here anyway, so the page's
  blending colour space never depends on the reader).

The file is re-saved by qpdf (pikepdf) with a document ID derived from its content, so the same
input still gives the same bytes. What the tests check is listed in docs/archive.md.
"""

from __future__ import annotations

import io
from typing import Any

import pikepdf

MAX_DEPTH = 16


def _ext_transparent(g: Any) -> bool:
    smask = g.get("/SMask")
    return (float(g.get("/ca", 1)) < 1 or float(g.get("/CA", 1)) < 1
            or (smask is not None and smask != "/None")
            or g.get("/BM", "/Normal") not in ("/Normal", "/Compatible"))


def _uses_transparency(stream: Any, resources: Any, depth: int = 0) -> bool:
    """Whether the content actually paints with transparency (not only lists it)."""
    if resources is None or depth > MAX_DEPTH:
        return False
    states = resources.get("/ExtGState", {})
    xobjects = resources.get("/XObject", {})
    for operands, op in pikepdf.parse_content_stream(stream, "gs Do"):
        name = str(operands[0]) if operands else ""
        if str(op) == "gs" and name in states and _ext_transparent(states[name]):
            return True
        if str(op) == "Do" and name in xobjects:
            x = xobjects[name]
            if x.get("/Subtype") == "/Image" and "/SMask" in x:
                return True
            if x.get("/Subtype") == "/Form" and (
                    "/Group" in x or _uses_transparency(x, x.get("/Resources", resources), depth + 1)):
                return True
    return False


def _no_interpolation(pdf: pikepdf.Pdf) -> None:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" \
                and obj.get("/Interpolate") is not None:
            obj.Interpolate = False


def fix_pdfa(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _no_interpolation(pdf)
        for page in pdf.pages:
            if "/Group" not in page.obj and _uses_transparency(page, page.get("/Resources")):
                page.obj.Group = pikepdf.Dictionary(Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency,
                                                    CS=pikepdf.Name.DeviceRGB)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
