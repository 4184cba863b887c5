"""PDF/A-2b output, checked with pikepdf for the rules listed in docs/archive.md (not a full
conformance check): fonts embedded (and their widths agree with the font programs), a PDF/A
output intent with an ICC profile, XMP identification and XMP = document info, allowed blend
modes and no transfer functions, a page /Group with a colour space wherever a page paints with
transparency, no Interpolate, no encryption, a document ID, no JavaScript or embedded files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from plangen.fonts import load_profile
from plangen.render.pdf import render_pdf
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
PLANS = {"yunxi": REPO / "plans" / "yunxi-2024.yaml",
         "joint": REPO / "tests" / "data" / "ofd" / "joint-2024.yaml",
         "hostile": REPO / "tests" / "data" / "ofd" / "hostile-2024.yaml"}
BLEND = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten",
         "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion",
         "/Hue", "/Saturation", "/Color", "/Luminosity"}


@pytest.fixture(scope="module", params=list(PLANS))
def pdf(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    data = render_pdf(load_view(PLANS[request.param]), profile=load_profile(), pdfa=True)
    with pikepdf.open(io.BytesIO(data)) as doc:
        yield request.param, doc


def _resources(pdf: pikepdf.Pdf):  # type: ignore[no-untyped-def]
    """(page index, resources) for every page and every form XObject in it."""
    for n, page in enumerate(pdf.pages):
        stack = [page.get("/Resources")]
        seen = set()
        while stack:
            res = stack.pop()
            if res is None or (res.is_indirect and res.objgen in seen):
                continue
            if res.is_indirect:
                seen.add(res.objgen)
            yield n, res
            for x in res.get("/XObject", {}).values():
                if x.get("/Subtype") == "/Form":
                    stack.append(x.get("/Resources"))


def test_fonts_embedded_with_matching_widths(pdf) -> None:  # type: ignore[no-untyped-def]
    _, doc = pdf
    checked = 0
    for _, res in _resources(doc):
        for font in res.get("/Font", {}).values():
            assert font.Subtype in ("/Type0", "/Type3"), font.get("/BaseFont")
            if font.Subtype == "/Type3":
                continue  # glyphs are content streams: nothing to embed
            cid = font.DescendantFonts[0]
            fd = cid.FontDescriptor
            stream = fd.get("/FontFile2") or fd.get("/FontFile3") or fd.get("/FontFile")
            assert stream is not None, f"{font.BaseFont} not embedded"
            if cid.Subtype == "/CIDFontType2":
                assert "/CIDToGIDMap" in cid
            ttf = TTFont(io.BytesIO(stream.read_bytes()), lazy=True)
            upem, order, hmtx = ttf["head"].unitsPerEm, ttf.getGlyphOrder(), ttf["hmtx"]
            w = list(cid.get("/W", []))
            i = 0
            while i < len(w):
                first, widths = int(w[i]), w[i + 1]
                for k, v in enumerate(widths):  # WeasyPrint writes only the [c [w…]] form
                    advance = hmtx[order[first + k]][0] * 1000 / upem
                    assert abs(float(v) - advance) <= 1, (font.BaseFont, first + k)
                    checked += 1
                i += 2
    assert checked > 50


def test_output_intent(pdf) -> None:  # type: ignore[no-untyped-def]
    _, doc = pdf
    intents = [oi for oi in doc.Root.OutputIntents if oi.S == "/GTS_PDFA1"]
    assert len(intents) == 1
    profile = intents[0].DestOutputProfile
    assert int(profile.N) == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile
    assert str(intents[0].OutputConditionIdentifier)


def test_xmp_matches_document_info(pdf) -> None:  # type: ignore[no-untyped-def]
    _, doc = pdf
    info = {k: str(v) for k, v in doc.docinfo.items()}
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        assert xmp["dc:title"] == info["/Title"]
        assert xmp["dc:creator"] == [info["/Author"]]
        assert xmp["dc:description"] == info["/Subject"]
        assert xmp["pdf:Producer"] == info["/Producer"]
        assert xmp["xmp:CreatorTool"] == info["/Creator"]
        for key, pdf_key in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
            iso = xmp[key]
            assert info[pdf_key].startswith("D:" + iso[:19].replace("-", "").replace(":", "").replace("T", ""))


def _states(doc: pikepdf.Pdf) -> list[tuple[int, Any]]:
    return [(n, g) for n, res in _resources(doc) for g in res.get("/ExtGState", {}).values()]


def test_blend_modes_and_transfer_functions(pdf) -> None:  # type: ignore[no-untyped-def]
    _, doc = pdf
    for _, g in _states(doc):
        bm = g.get("/BM", pikepdf.Name.Normal)
        modes = list(bm) if isinstance(bm, pikepdf.Array) else [bm]
        assert {str(m) for m in modes} <= BLEND
        assert "/TR" not in g and g.get("/TR2", "/Default") == "/Default" and "/HTP" not in g


def _paints_transparency(doc: pikepdf.Pdf, page: pikepdf.Page) -> bool:
    res = page.Resources
    states, xobjects = res.get("/ExtGState", {}), res.get("/XObject", {})
    for operands, op in pikepdf.parse_content_stream(page, "gs Do"):
        x = xobjects.get(str(operands[0])) if str(op) == "Do" else None
        g = states.get(str(operands[0])) if str(op) == "gs" else None
        if g is not None and (float(g.get("/ca", 1)) < 1 or float(g.get("/CA", 1)) < 1):
            return True
        if x is not None and ("/SMask" in x or "/Group" in x):
            return True
    return False


def test_transparency_pages_have_a_group_colour_space(pdf) -> None:  # type: ignore[no-untyped-def]
    name, doc = pdf
    transparent = [n for n, p in enumerate(doc.pages) if _paints_transparency(doc, p)]
    if name in ("joint", "hostile"):
        assert transparent  # the seal (opacity 0.85), colour emoji (soft masks)
    for n in transparent:
        group = doc.pages[n].obj.get("/Group")
        assert group is not None and group.S == "/Transparency" and "/CS" in group, n


def test_no_interpolation_encryption_scripts_or_attachments(pdf) -> None:  # type: ignore[no-untyped-def]
    _, doc = pdf
    assert not doc.is_encrypted and "/Encrypt" not in doc.trailer
    for obj in doc.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            assert obj.get("/Interpolate", False) is False or bool(obj.Interpolate) is False
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") in ("/JavaScript", "/Launch"):
            pytest.fail("action not allowed in PDF/A")
    names = doc.Root.get("/Names", {})
    assert "/EmbeddedFiles" not in names and "/JavaScript" not in names
    assert float(doc.pdf_version) <= 1.7


def test_document_id(pdf) -> None:  # type: ignore[no-untyped-def]
    _, doc = pdf
    ids = doc.trailer.ID
    assert len(ids) == 2 and all(len(bytes(i)) >= 16 for i in ids)
