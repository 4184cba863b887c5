"""The plan PDF laid out once (issue 16): the 版记 joined on its own even page without a second
layout of the body, spaces for the justification only where a line needs them, and the
check that falls back to spaces everywhere when a line came out short. Measured on the PDF."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pdfplumber
import pytest

from plangen.fonts import load_profile
from plangen.render import pdf as pdfmod
from plangen.render.justify import Justifier, spaced
from plangen.view import load_view

sys.path.insert(0, str(Path(__file__).parent))
from test_justify import LETTER_SPACING, RIGHT, full_lines  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
YUNXI = REPO / "plans" / "yunxi-2024.yaml"
MM = 72 / 25.4


def fresh_render(view, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[bytes, int]:  # type: ignore[no-untyped-def]
    """The PDF, not memoised, and how many WeasyPrint documents were laid out for it."""
    from weasyprint import HTML

    pdfmod._LAST.clear()
    pdfmod._ALONE[:] = [None, None]
    count = [0]
    original = HTML.render

    def counted(self, *a, **kw):  # type: ignore[no-untyped-def]
        count[0] += 1
        return original(self, *a, **kw)

    HTML.render = counted  # type: ignore[method-assign]
    try:
        return pdfmod.render_pdf(view, profile=load_profile()), count[0]
    finally:
        HTML.render = original  # type: ignore[method-assign]


def marks(data: bytes) -> list[list[tuple]]:  # type: ignore[type-arg]
    """Per page: every glyph (text, font, position) and every rule, rounded to 0.01 pt."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [sorted([(c["text"], c["fontname"].split("+")[-1], round(c["x0"], 2), round(c["top"], 2))
                        for c in page.chars]
                       + [("rule", "", round(r["x0"], 2), round(r["top"], 2), round(r["x1"], 2))
                          for r in page.rects + page.lines])
                for page in pdf.pages]


def legacy_render(view, monkeypatch: pytest.MonkeyPatch) -> bytes:  # type: ignore[no-untyped-def]
    """The same PDF the old way: the 版记 as the last page's footnote, laid out a second time
    breaking to the next even page when that page is odd (what a template without
    `imprint_part` still gets)."""
    with monkeypatch.context() as m:
        m.setattr(pdfmod.imprint, "join", lambda body, alone: None)
        data, _ = fresh_render(view)
    return data


def test_imprint_page_joined_as_the_old_second_layout_put_it(monkeypatch: pytest.MonkeyPatch) -> None:
    view = load_view(YUNXI)
    first, first_layouts = fresh_render(view)
    pdfmod._LAST.clear()
    again = pdfmod.render_pdf(view, profile=load_profile())  # the 版记 page kept: body only
    assert first == again
    assert first_layouts == 2  # the body once, the 版记 page once
    assert marks(first) == marks(legacy_render(view, monkeypatch))
    with pdfplumber.open(io.BytesIO(first)) as pdf:
        assert len(pdf.pages) % 2 == 0
        last, before = pdf.pages[-1], pdf.pages[-2]
        text = "".join(c["text"] for c in last.chars)
        assert "印发" in text and "岳阳市云溪区教育体育局办公室" in text
        assert not [c for c in last.chars if c["size"] > 15]  # nothing of the body on it
        assert not [c for c in last.chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]  # no page number
        assert "印发" not in "".join(c["text"] for c in before.chars)
        assert [c for c in before.chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]  # numbered


def test_even_last_page_with_and_without_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """yunxi with one more item, longer and longer: when the body ends on an even page with room,
    the 版记 goes under it; without room, a blank page and the 版记 page follow. Either way one
    layout of the body, and the same glyphs and rules where the old second layout put them."""
    import shutil

    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", tmp_path)
    base = YUNXI.read_text(encoding="utf-8")
    anchor = "        - id: finance\n"
    seen: set[str] = set()
    for n in range(1, 80):
        extra = "统筹推进各项工作落实。" * (2 * n)
        plan = tmp_path / "yunxi-2024.yaml"
        plan.write_text(base.replace(anchor, f"        - title: 补充任务\n          text: \"{extra}\"\n"
                                           f"          leaders: [林海]\n          offices: [计财股]\n" + anchor, 1),
                        encoding="utf-8")
        view = load_view(plan)
        data, layouts = fresh_render(view)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            last = pdf.pages[-1]
            assert len(pdf.pages) % 2 == 0
            rules = [r for r in last.rects + last.lines if r["x1"] - r["x0"] > 150 * MM]
            assert "印发" in "".join(c["text"] for c in last.chars)
            body = [c for c in last.chars if abs(c["size"] - 16) < 0.1]
            if body:
                case = "under"
                assert max(c["bottom"] for c in body) <= min(r["top"] for r in rules)  # no overlap
            elif not pdf.pages[-2].chars:
                case = "blank"
            else:
                case = "after"
        assert layouts == 2
        if case not in seen:
            seen.add(case)
            if case == "blank":  # (the old way left the 版记 on the odd page after the body)
                with pdfplumber.open(io.BytesIO(data)) as pdf:
                    assert not pdf.pages[-2].chars and not pdf.pages[-2].rects  # blank, unnumbered
                    assert [c for c in pdf.pages[-3].chars if abs(c["size"] - 16) < 0.1]  # the body's end
                    assert not [c for c in pdf.pages[-1].chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]
            else:
                assert marks(data) == marks(legacy_render(view, monkeypatch)), case
        if {"under", "blank"} <= seen:
            return
    pytest.fail(f"cases seen: {sorted(seen)}")


def test_fewer_spaces_than_spaced_everywhere() -> None:
    view = load_view(YUNXI)
    profile = load_profile()
    few, _ = pdfmod.render_html(view, template=None, profile=profile, justifier=Justifier(profile))
    every, _ = pdfmod.render_html(view, template=None, profile=profile,
                                  justifier=Justifier(profile, everywhere=True))
    assert few.count(" ") < 0.6 * every.count(" ")
    assert few.replace(" ", "") == every.replace(" ", "")  # the same text otherwise


def test_every_spaced_text_equals_spaced() -> None:
    profile = load_profile()
    view = load_view(YUNXI)
    j = Justifier(profile, everywhere=True)
    for block in view.plan.blocks:
        if block.kind in ("item", "text", "subitem"):
            texts = j(block)
            assert texts[-1] == spaced(block.segments[-1].text)


def test_short_lines_found_when_the_spaces_are_missing() -> None:
    from weasyprint import HTML

    profile = load_profile()
    view = load_view(YUNXI)

    class NoSpaces:
        used = True

        def __call__(self, block):  # type: ignore[no-untyped-def]
            return [s.text for s in block.segments]

    html, path = pdfmod.render_html(view, template=None, profile=profile, imprint_part="body",
                                    justifier=NoSpaces())  # type: ignore[arg-type]
    doc = HTML(string=html, base_url=str(path.parent)).render(font_config=pdfmod._font_config())
    assert pdfmod._short_lines(doc) > 50
    html, path = pdfmod.render_html(view, template=None, profile=profile, imprint_part="body")
    doc = HTML(string=html, base_url=str(path.parent)).render(font_config=pdfmod._font_config())
    assert pdfmod._short_lines(doc) == 0


def test_a_wrong_prediction_falls_back_to_spaces_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Predict no breaks at all (every line 'full'): lines come out short, the check sees it and
    lays out again with spaces everywhere, so every full line still ends at the right edge."""
    monkeypatch.setattr(Justifier, "_gaps", lambda self, chars, bold: [False] * len(chars))
    view = load_view(YUNXI)
    data, layouts = fresh_render(view)
    assert layouts == 3  # body twice (the fallback), the 版记 page
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        full = full_lines(pdf)
        assert len(full) > 150
        off = [a[-1]["x1"] + LETTER_SPACING - RIGHT for a in full]
        assert all(abs(e) <= 1 for e in off)


def test_pdf_streams_at_zlib_level_6() -> None:
    """plangen.deflate: pydyf's streams are compressed at level 6 (the same bytes as zlib's
    own level 6), and the plan PDF's streams still inflate."""
    import zlib

    import pydyf
    import pypdf

    data = "".join(f"{i} 0 0 {i} re f\n" for i in range(3000)).encode()
    written = pydyf.Stream([data], compress=True).data  # <</Filter … /Length n>> stream … endstream
    body = written.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert body == zlib.compress(data, 6)
    assert body != zlib.compress(data, 9)
    view = load_view(YUNXI)
    pdf, _ = fresh_render(view)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.pages[2].extract_text()  # content streams inflate
