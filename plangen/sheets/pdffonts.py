"""Fonts for the sheet PDFs that plangen draws itself (plangen.sheets.drawn).

- `face_metrics(path, index)`: one face's cmap, advances and vertical metrics, read once per process
  with fontTools (cached by path, face index, size and mtime).
- `subset_font(path, index, gids)`: the face cut down to the glyphs a PDF uses, glyph ids kept,
  by HarfBuzz's subsetter (libharfbuzz-subset through cffi: about 5 ms for 200 glyphs, as
  WeasyPrint does it); fontTools when the library is missing (tens of times slower, same result).
- `FontUse` collects the glyphs one PDF draws in one face; `FontUse.embed(pdf)` writes the
  objects WeasyPrint writes for the same font: Type0 font, Identity-H, CIDFontType0 with
  FontFile3/OpenType (CFF) or CIDFontType2 with FontFile2 (TrueType), W widths, ToUnicode (so
  text can be copied and extracted), a subset tag derived from the glyphs (same input, same bytes).
"""

from __future__ import annotations

import functools
import hashlib
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydyf

DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
               b"SVG ")


@dataclass(frozen=True)
class FaceMetrics:
    path: Path
    index: int
    name: str  # PostScript-ish name for BaseFont
    gids: dict[int, int]  # code point -> glyph id
    advances: dict[int, float]  # glyph id -> advance in 1/1000 em
    ascent: float  # in 1/1000 em, positive
    descent: float  # in 1/1000 em, positive (below the baseline)
    cff: bool  # CFF outlines (FontFile3/OpenType) or TrueType (FontFile2)

    def advance(self, char: str) -> float | None:
        """The advance of `char` in 1/1000 em, or None when the face has no glyph for it."""
        gid = self.gids.get(ord(char))
        return None if gid is None else self.advances.get(gid, 1000.0)


def face_metrics(path: Path, index: int = 0) -> FaceMetrics:
    st = path.stat()
    return _metrics(str(path), index, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _metrics(path: str, index: int, size: int, mtime_ns: int) -> FaceMetrics:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    upem = font["head"].unitsPerEm
    order = font.getReverseGlyphMap()
    gids = {cp: order[name] for cp, name in (font.getBestCmap() or {}).items() if name in order}
    scale = 1000 / upem
    hmtx = font["hmtx"].metrics
    advances = {order[name]: round(m[0] * scale, 3) for name, m in hmtx.items() if name in order}
    hhea = font["hhea"]
    name = font["name"].getDebugName(6) or Path(path).stem
    return FaceMetrics(Path(path), index, "".join(c for c in name if c.isalnum() or c in "-_") or "font",
                       gids, advances, abs(hhea.ascent) * scale, abs(hhea.descent) * scale,  # FandolSong: +200
                       "CFF " in font)


# --------------------------------------------------------------------------- HarfBuzz subsetter

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
unsigned int hb_face_get_glyph_count(const hb_face_t *face);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_set_add(hb_set_t *set, unsigned int codepoint);
void hb_set_add_range(hb_set_t *set, unsigned int first, unsigned int last);
unsigned int hb_tag_from_string(const char *str, int len);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
NO_HINTING, RETAIN_GIDS, DESUBROUTINIZE, PASSTHROUGH, NOTDEF_OUTLINE = 0x1, 0x2, 0x4, 0x20, 0x40
SETS_DROP_TABLE_TAG = 3


@functools.lru_cache(maxsize=1)
def _harfbuzz() -> tuple[Any, Any, Any] | None:
    """(ffi, libharfbuzz, libharfbuzz-subset), or None when they cannot be loaded."""
    try:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(_CDEF)
        hb = ffi.dlopen("libharfbuzz.so.0")
        sub = ffi.dlopen("libharfbuzz-subset.so.0")
    except (ImportError, OSError, AttributeError):  # pragma: no cover - depends on the machine
        return None
    return ffi, hb, sub


@functools.lru_cache(maxsize=16)
def _hb_face(path: str, index: int, size: int, mtime_ns: int) -> Any:
    ffi, hb, _ = _harfbuzz()  # type: ignore[misc]
    blob = hb.hb_blob_create_from_file(path.encode())
    face = hb.hb_face_create(blob, index)
    hb.hb_blob_destroy(blob)  # the face holds its own reference
    return ffi.gc(face, hb.hb_face_destroy)


def _hb_pass(source: Any, gids: list[int], flags: int) -> Any:
    ffi, hb, sub = _harfbuzz()  # type: ignore[misc]
    inp = ffi.gc(sub.hb_subset_input_create_or_fail(), sub.hb_subset_input_destroy)
    glyphs = sub.hb_subset_input_glyph_set(inp)
    for g in gids:
        hb.hb_set_add(glyphs, g)
    drop = sub.hb_subset_input_set(inp, SETS_DROP_TABLE_TAG)
    for tag in DROP_TABLES:
        hb.hb_set_add(drop, hb.hb_tag_from_string(tag, -1))
    sub.hb_subset_input_set_flags(inp, flags)
    face = sub.hb_subset_or_fail(source, inp)
    return ffi.gc(face, hb.hb_face_destroy) if face != ffi.NULL else None


def subset_font(path: Path, index: int, gids: set[int]) -> bytes:
    """The face at `path` (`index` in a collection) cut down to glyph 0 and `gids`, glyph ids
    kept (so a CID-keyed CFF's CIDs and the glyph ids stay the same numbers, as in WeasyPrint's
    PDFs; about 5 ms for 200 glyphs)."""
    keep = sorted({0, *gids})
    lib = _harfbuzz()
    if lib is not None:
        ffi, hb, _ = lib
        st = path.stat()
        source = _hb_face(str(path), index, st.st_size, st.st_mtime_ns)
        face = _hb_pass(source, keep, RETAIN_GIDS | PASSTHROUGH | DESUBROUTINIZE | NO_HINTING)
        if face is not None:
            blob = hb.hb_face_reference_blob(face)
            length = ffi.new("unsigned int *")
            data = ffi.buffer(hb.hb_blob_get_data(blob, length), length[0])[:]
            hb.hb_blob_destroy(blob)
            if data:
                return data
    return _fonttools_subset(path, index, keep)


def _fonttools_subset(path: Path, index: int, keep: list[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
                             hinting=False, desubroutinize=True, notdef_outline=True)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    font = TTFont(str(path), fontNumber=index)
    sub = subset.Subsetter(options)
    sub.populate(gids=keep)
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- one face in one PDF


@dataclass
class FontUse:
    """The glyphs one PDF draws with one face, and the PDF resource name it goes by."""

    metrics: FaceMetrics
    resource: str  # "F1", "F2", …
    chars: dict[int, str] = field(default_factory=dict)  # glyph id -> the text it stands for

    def encode(self, text: str) -> bytes:
        """`text` as a Tj hex string of 2-byte glyph ids (Identity-H), recording the glyphs."""
        gids, chars = self.metrics.gids, self.chars
        out = []
        for ch in text:
            g = gids.get(ord(ch), 0)
            if g not in chars and g:
                chars[g] = ch
            out.append(g)
        return b"<" + "".join(f"{g:04x}" for g in out).encode() + b">"

    def tag(self) -> str:
        """Six capitals from the glyph set: the subset prefix PDF readers expect (ABCDEF+Name)."""
        digest = hashlib.md5(f"{self.metrics.name}:{sorted(self.chars)}".encode(), usedforsecurity=False).digest()
        return "".join(chr(65 + b % 26) for b in digest[:6])

    def embed(self, pdf: pydyf.PDF) -> Any:
        """Write the font's objects into `pdf`; the Type0 font dictionary's reference."""
        m = self.metrics
        data = subset_font(m.path, m.index, set(self.chars))
        otf = data[:4] == b"OTTO"
        extra = pydyf.Dictionary({"Subtype": "/OpenType"} if otf else {"Length1": len(data)})
        file_stream = deflated(data, extra)
        pdf.add_object(file_stream)
        name = f"/{self.tag()}+{m.name}"
        widths = {g: m.advances.get(g, 1000.0) for g in sorted(self.chars)}
        descriptor = pydyf.Dictionary({
            "Type": "/FontDescriptor", "FontName": name, "Flags": 4,
            "FontBBox": pydyf.Array([0, -round(m.descent), round(max(widths.values(), default=1000)),
                                     round(m.ascent)]),
            "ItalicAngle": 0, "Ascent": round(m.ascent), "Descent": -round(m.descent),
            "CapHeight": round(m.ascent), "StemV": 80, "StemH": 80,
            ("FontFile3" if otf else "FontFile2"): file_stream.reference})
        pdf.add_object(descriptor)
        cid_font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/CIDFontType0" if otf else "/CIDFontType2", "BaseFont": name,
            "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                               "Ordering": pydyf.String("Identity"), "Supplement": 0}),
            "CIDToGIDMap": "/Identity", "W": _widths_array(widths), "FontDescriptor": descriptor.reference})
        pdf.add_object(cid_font)
        to_unicode = deflated(b"\n".join(_to_unicode(self.chars)))
        pdf.add_object(to_unicode)
        font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type0", "BaseFont": name, "Encoding": "/Identity-H",
                                 "DescendantFonts": pydyf.Array([cid_font.reference]),
                                 "ToUnicode": to_unicode.reference})
        pdf.add_object(font)
        return font.reference


def deflated(data: bytes, extra: dict[str, Any] | None = None) -> pydyf.Stream:
    """A Flate stream compressed at zlib's level 6 (pydyf's own is level 9: three times the CPU
    for a few per cent smaller fonts)."""
    return pydyf.Stream([zlib.compress(data, 6)], {**(extra or {}), "Filter": "/FlateDecode"})


def _widths_array(widths: dict[int, float]) -> pydyf.Array:
    """The W array: runs of consecutive glyph ids, each `first [w w w]`."""
    out = pydyf.Array()
    run: pydyf.Array | None = None
    prev = -2
    for g, w in widths.items():
        if g != prev + 1:
            run = pydyf.Array()
            out.extend([g, run])
        run.append(round(w, 3) if w % 1 else int(w))  # type: ignore[union-attr]
        prev = g
    return out


def _to_unicode(chars: dict[int, str]) -> list[bytes]:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(chars.items())
    for lo in range(0, len(items), 100):
        batch = items[lo:lo + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{g:04x}> <{ch.encode('utf-16-be').hex()}>".encode() for g, ch in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return lines
