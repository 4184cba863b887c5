"""The OFD, read back: structure against the GB/T 33190 schemas (tests/ofd_schema.py), IDs and
references, units, text and glyph positions against the PDF (ofdkit vs pdfplumber), embedded
subset fonts, colours, rules, seal, DocInfo, reproducible bytes; drawn and compared with
poppler's rendering of the PDF. Plans: yunxi-2024, a joint-issuer plan with a seal, a hostile
text plan (&<>, emoji, a 10,010-character paragraph)."""

from __future__ import annotations

import collections
import io
import posixpath
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import ofdkit
import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

import plangen.render.pdf as pdfmod
from plangen.fonts import load_profile
from plangen.ofd import ofd_meta, pdf_to_ofd, render_ofd
from plangen.render.pdf import render_pdf
from plangen.view import load_view

sys.path.insert(0, str(Path(__file__).parent))
from ofd_draw import OfdFile, draw_page, parse_deltas
from ofd_schema import NS, check_part

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "ofd"
PLANS = {"yunxi": REPO / "plans" / "yunxi-2024.yaml", "joint": DATA / "joint-2024.yaml",
         "hostile": DATA / "hostile-2024.yaml"}
MM = 25.4 / 72
Q = {"ofd": NS}


class Rendered:
    def __init__(self, path: Path) -> None:
        self.view = load_view(path)
        self.pdf = render_pdf(self.view, profile=load_profile())
        self.ofd = render_ofd(self.view, profile=load_profile(), pdf=self.pdf)
        self.zip = zipfile.ZipFile(io.BytesIO(self.ofd))
        self.parts = {n: etree.fromstring(self.zip.read(n)) for n in self.zip.namelist()
                      if n.endswith(".xml")}

    def pages(self) -> list[etree._Element]:
        doc = self.parts["Doc_0/Document.xml"]
        return [self.parts[posixpath.join("Doc_0", p.get("BaseLoc"))]
                for p in doc.findall("ofd:Pages/ofd:Page", Q)]


@pytest.fixture(scope="module", params=list(PLANS))
def doc(request: pytest.FixtureRequest) -> Rendered:
    return Rendered(PLANS[request.param])


def test_parts_follow_the_schema(doc: Rendered) -> None:
    assert doc.zip.namelist()[0] == "OFD.xml"
    problems = [p for name, root in doc.parts.items() for p in check_part(root, name)]
    assert problems == []
    root = doc.parts["OFD.xml"]
    assert root.tag == f"{{{NS}}}OFD"
    loc = root.findtext("ofd:DocBody/ofd:DocRoot", namespaces=Q)
    document = doc.parts[loc]
    for tag in ("PublicRes", "DocumentRes"):
        for res in document.findall(f"ofd:CommonData/ofd:{tag}", Q):
            assert posixpath.join("Doc_0", res.text) in doc.parts
    for page in document.findall("ofd:Pages/ofd:Page", Q):
        assert posixpath.join("Doc_0", page.get("BaseLoc")) in doc.parts


def test_ids_unique_and_references_resolve(doc: Rendered) -> None:
    ids = collections.Counter(el.get("ID") for root in doc.parts.values() for el in root.iter()
                              if isinstance(el.tag, str) and el.get("ID") is not None
                              and etree.QName(el).localname != "CustomData")
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1][:5]
    document = doc.parts["Doc_0/Document.xml"]
    assert int(document.findtext("ofd:CommonData/ofd:MaxUnitID", namespaces=Q)) >= max(map(int, ids))
    fonts, media = {}, {}
    for name in ("Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml"):
        if name not in doc.parts:
            continue
        res = doc.parts[name]
        base = posixpath.join("Doc_0", res.get("BaseLoc"))
        for f in res.findall("ofd:Fonts/ofd:Font", Q):
            fonts[f.get("ID")] = posixpath.join(base, f.findtext("ofd:FontFile", namespaces=Q))
        for m in res.findall("ofd:MultiMedias/ofd:MultiMedia", Q):
            media[m.get("ID")] = posixpath.join(base, m.findtext("ofd:MediaFile", namespaces=Q))
    names = set(doc.zip.namelist())
    assert set(fonts.values()) <= names and set(media.values()) <= names
    page_ids = {p.get("ID") for p in document.findall("ofd:Pages/ofd:Page", Q)}
    for dest in document.iter(f"{{{NS}}}Dest"):
        assert dest.get("PageID") in page_ids
    for page in doc.pages():
        for t in page.iter(f"{{{NS}}}TextObject"):
            assert t.get("Font") in fonts
        for i in page.iter(f"{{{NS}}}ImageObject"):
            assert i.get("ResourceID") in media


def test_units_are_millimetres(doc: Rendered) -> None:
    document = doc.parts["Doc_0/Document.xml"]
    box = document.findtext("ofd:CommonData/ofd:PageArea/ofd:PhysicalBox", namespaces=Q).split()
    assert [float(v) for v in box] == pytest.approx([0, 0, 210, 297], abs=0.01)
    sizes = collections.Counter(round(float(t.get("Size")), 2) for p in doc.pages()
                                for t in p.iter(f"{{{NS}}}TextObject"))
    assert sizes.most_common(1)[0][0] == pytest.approx(16 * MM, abs=0.01)  # 3号 = 5.64 mm
    for p in doc.pages():
        for t in p.iter(f"{{{NS}}}TextObject"):
            x, y, w, h = (float(v) for v in t.get("Boundary").split())
            assert -5 < x < 215 and -5 < y < 302 and 0 < w < 220 and 0 < h < 40


def _pdf_glyphs(page: pdfplumber.page.Page) -> list[tuple[str, float, float]]:
    return [(c["text"], c["matrix"][4] * MM, (page.height - c["matrix"][5]) * MM)
            for c in page.chars]


def _ofd_glyphs(page: etree._Element) -> list[tuple[str, float, float]]:
    out = []
    for t in page.iter(f"{{{NS}}}TextObject"):
        bx, by = (float(v) for v in t.get("Boundary").split()[:2])
        for code in t.findall("ofd:TextCode", Q):
            x, y = bx + float(code.get("X")), by + float(code.get("Y"))
            dx = parse_deltas(code.get("DeltaX"))
            for i, ch in enumerate(code.text or ""):
                out.append((ch, x, y))
                x += dx[i] if i < len(dx) else 0
    return out


def test_page_text_equals_pdf(doc: Rendered) -> None:
    reader = ofdkit.open(doc.ofd)
    assert reader.warnings == []
    with pdfplumber.open(io.BytesIO(doc.pdf)) as pdf:
        assert len(reader.pages) == len(pdf.pages)
        for op, pp in zip(reader.pages, pdf.pages, strict=True):
            assert re.sub(r"\s+", "", op.text()) == re.sub(r"\s+", "", pp.extract_text())


def test_glyph_positions_match_pdf(doc: Rendered) -> None:
    reader = ofdkit.open(doc.ofd)
    with pdfplumber.open(io.BytesIO(doc.pdf)) as pdf:
        for n, (pp, xml) in enumerate(zip(pdf.pages, doc.pages(), strict=True)):
            theirs = _pdf_glyphs(pp)
            ours = _ofd_glyphs(xml)
            assert "".join(t for t, _, _ in ours) == "".join(t for t, _, _ in theirs)
            k = 0
            for text, x, y in theirs:  # every glyph of every page
                assert ours[k][0] == text[0]
                assert abs(ours[k][1] - x) < 0.2 and abs(ours[k][2] - y) < 0.2, (n, text, ours[k], x, y)
                k += len(text)
            starts = {(round(x, 1), round(y, 1)) for _, x, y in theirs}
            runs = reader.pages[n].runs
            assert runs or not theirs  # (a blank page before the 版记 page has none)
            for run in runs:  # the reader's own run positions sit on a PDF glyph origin
                assert any(abs(run.x - sx) <= 0.2 and abs(run.y - sy) <= 0.2
                           for sx, sy in starts if abs(sy - run.y) < 1), (n, run)


def test_fonts_embedded_and_subset(doc: Rendered) -> None:
    res = doc.parts["Doc_0/PublicRes.xml"]
    used: dict[str, set[str]] = collections.defaultdict(set)
    for page in doc.pages():
        for t in page.iter(f"{{{NS}}}TextObject"):
            transformed = {int(c.get("CodePosition")) + k for c in t.findall("ofd:CGTransform", Q)
                           for k in range(int(c.get("CodeCount", "1")))}
            for code in t.findall("ofd:TextCode", Q):
                used[t.get("Font")].update(ch for i, ch in enumerate(code.text or "")
                                           if i not in transformed)
    body = load_profile().face("body").path
    for f in res.findall("ofd:Fonts/ofd:Font", Q):
        data = doc.zip.read(posixpath.join("Doc_0/Res", f.findtext("ofd:FontFile", namespaces=Q)))
        font = TTFont(io.BytesIO(data))
        cmap = font.getBestCmap()
        assert {ord(c) for c in used[f.get("ID")]} <= set(cmap), f.get("FontName")
        glyphs = {g for cp, g in cmap.items() if cp >= 0x20}
        assert len(glyphs) <= len(used[f.get("ID")]) + 3, f.get("FontName")  # only what is used
        if f.get("FontName") == "FandolFang-Regular":
            assert len(data) < body.stat().st_size / 2


def _objects(doc: Rendered, tag: str) -> list[tuple[int, etree._Element]]:
    return [(n, o) for n, p in enumerate(doc.pages()) for o in p.iter(f"{{{NS}}}{tag}")]


def _fill(o: etree._Element) -> str | None:
    fc = o.find("ofd:FillColor", Q)
    return fc.get("Value") if fc is not None else None


def test_red_mark_red_rule_paths_and_seal(doc: Rendered) -> None:
    if doc.view.notice is None:
        pytest.skip("no notice")
    mark = [o for n, o in _objects(doc, "TextObject") if n == 0 and float(o.get("Size")) > 9]
    assert mark and {_fill(o) for o in mark} == {"255 0 0"}
    assert "".join(c.text for o in mark for c in o.findall("ofd:TextCode", Q)).replace("文件", "") \
        == "".join(doc.view.notice.mark_lines)
    rules = [(n, o) for n, o in _objects(doc, "PathObject")
             if abs(float(o.get("Boundary").split()[2]) - 156) < 0.5]
    red = [o for n, o in rules if n == 0 and _fill(o) == "255 0 0"]
    assert len(red) == 1 and abs(float(red[0].get("Boundary").split()[0]) - 28) < 0.1
    if doc.view.notice.has_imprint:
        assert len([o for _, o in rules if _fill(o) == "0 0 0"]) >= 2  # 版记 rules, black
    images = _objects(doc, "ImageObject")
    if doc.view.notice.seal:
        from PIL import Image

        (seal,) = [o for _, o in images if float(o.get("Boundary").split()[2]) > 30]
        assert int(seal.get("Alpha")) == round(0.85 * 255)
        res = doc.parts["Doc_0/DocumentRes.xml"]
        (m,) = [m for m in res.iter(f"{{{NS}}}MultiMedia") if m.get("ID") == seal.get("ResourceID")]
        png = Image.open(io.BytesIO(doc.zip.read("Doc_0/Res/" + m.findtext("ofd:MediaFile", namespaces=Q))))
        r, g, b, a = png.convert("RGBA").getpixel((120, 120))  # the star in the middle
        assert r > 200 and g < 40 and b < 40 and a == 255
        assert png.convert("RGBA").getpixel((1, 1))[3] == 0  # transparent corner kept


def test_doc_info(doc: Rendered) -> None:
    info = ofdkit.open(doc.ofd).info
    assert info.title == doc.view.doc_title and info.author == doc.view.author
    assert info.creation_date == doc.view.notice.date_value.isoformat()
    assert re.fullmatch(r"[0-9a-f]{32}", info.doc_id)
    assert info.custom_data.get("文号") == doc.view.notice.number


def test_hostile_text_escaped_and_whole(doc: Rendered) -> None:
    if doc.view.name != "hostile-2024":
        pytest.skip("hostile plan only")
    text = ofdkit.open(doc.ofd).text()
    flat = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))  # page numbers stand inside the long paragraph
    assert "A&B<c>" in flat and "]]><!---->" in flat and "🎉" in flat and "👍🏽" in flat
    long = doc.view.plan.items[-1].text
    assert len(long) > 10_000 and long in flat
    emoji = [o for _, o in _objects(doc, "ImageObject")]
    assert len(emoji) >= 2  # colour emoji drawn as images over their (searchable) text


def test_reproducible_and_doc_id_from_content(monkeypatch: pytest.MonkeyPatch) -> None:
    view = load_view(PLANS["joint"])
    profile = load_profile()
    one = render_ofd(view, profile=profile)
    pdfmod._LAST.clear()  # lay the PDF out again
    assert render_ofd(view, profile=profile) == one
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pdfmod._LAST.clear()
    other = render_ofd(view, profile=profile)
    info = ofdkit.open(other).info
    assert info.creation_date == "2023-11-14" and info.doc_id != ofdkit.open(one).info.doc_id


def test_pdf_to_ofd_is_pure(doc: Rendered) -> None:
    assert pdf_to_ofd(doc.pdf, ofd_meta(doc.view)) == doc.ofd


def _ink(img):  # type: ignore[no-untyped-def]
    return img.convert("L").point(lambda v: 255 if v < 230 else 0).convert("1")


def test_drawn_ofd_looks_like_the_pdf(doc: Rendered, tmp_path: Path) -> None:
    from PIL import Image, ImageChops, ImageFilter

    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(doc.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-l", "4", str(pdf), str(tmp_path / "p")], check=True)
    shots = sorted(tmp_path.glob("p-*.png"))
    ofd = OfdFile(doc.ofd)

    def missing(a, b) -> float:  # type: ignore[no-untyped-def]
        grown = b.convert("L").filter(ImageFilter.MaxFilter(3)).convert("1")
        ink = a.histogram()[-1] or 1
        return ImageChops.logical_and(a, ImageChops.invert(grown)).histogram()[-1] / ink

    drawn = [_ink(draw_page(ofd, n, 50)) for n in range(len(shots))]
    pdfs = [_ink(Image.open(s)) for s in shots]
    for a, b in zip(drawn, pdfs, strict=True):
        assert missing(a, b) < 0.03 and missing(b, a) < 0.03
    if len(drawn) > 1:  # the measure can fail: page 1 drawn is not page 2 of the PDF
        assert missing(drawn[0], pdfs[1]) > 0.2


def test_render_command_writes_ofd(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "plangen", "render", str(PLANS["yunxi"]), "--formats",
                        "ofd", "-o", str(tmp_path)], check=False, capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "yunxi-2024"
    assert sorted(p.name for p in out.iterdir()) == ["yunxi-2024.ofd"]  # OFD alone, as asked
    pdf = render_pdf(load_view(PLANS["yunxi"]), profile=load_profile())
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(ofdkit.open(out / "yunxi-2024.ofd").pages) == len(doc.pages) > 10
    assert "yunxi-2024.ofd" in r.stdout


def test_outline_follows_the_pdf_bookmarks(doc: Rendered) -> None:
    import pypdf

    def flat(items, level=1):  # type: ignore[no-untyped-def]
        for it in items:
            if isinstance(it, list):
                yield from flat(it, level + 1)
            else:
                yield level, it.title

    theirs = list(flat(pypdf.PdfReader(io.BytesIO(doc.pdf)).outline))
    document = doc.parts["Doc_0/Document.xml"]

    def walk(el, level=1):  # type: ignore[no-untyped-def]
        for o in el.findall("ofd:OutlineElem", Q):
            yield level, o.get("Title")
            yield from walk(o, level + 1)

    outlines = document.find("ofd:Outlines", Q)
    ours = list(walk(outlines)) if outlines is not None else []
    assert theirs and ours == theirs
