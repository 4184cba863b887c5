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


def test_imprint_page_joined_and_the_same_bytes_either_way() -> None:
    view = load_view(YUNXI)
    pdfmod._NEW_PAGE.pop(str(view.source), None)
    first, first_layouts = fresh_render(view)  # no hint: footnote layout, then body + 版记 page
    second, second_layouts = fresh_render(view)  # hint remembered: body + 版记 page only
    assert first == second
    assert first_layouts == 3 and second_layouts == 2
    with pdfplumber.open(io.BytesIO(second)) as pdf:
        assert len(pdf.pages) % 2 == 0
        last, before = pdf.pages[-1], pdf.pages[-2]
        text = "".join(c["text"] for c in last.chars)
        assert "印发" in text and "岳阳市云溪区教育体育局办公室" in text
        assert not [c for c in last.chars if c["size"] > 15]  # nothing of the body on it
        assert not [c for c in last.chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]  # no page number
        assert "印发" not in "".join(c["text"] for c in before.chars)
        assert [c for c in before.chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]  # numbered


def test_even_last_page_keeps_the_imprint_as_its_footnote(tmp_path: Path) -> None:
    """yunxi with one more item, as long as it takes for the body to end on an even page with
    room below: the 版记 goes under the body, and that takes one layout."""
    import shutil

    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", tmp_path)
    base = YUNXI.read_text(encoding="utf-8")
    anchor = "        - id: finance\n"
    for n in range(1, 40):
        extra = "统筹推进各项工作落实。" * (4 * n)
        plan = tmp_path / "yunxi-2024.yaml"
        plan.write_text(base.replace(anchor, f"        - title: 补充任务\n          text: \"{extra}\"\n"
                                           f"          leaders: [林海]\n          offices: [计财股]\n" + anchor, 1),
                        encoding="utf-8")
        view = load_view(plan)
        pdfmod._NEW_PAGE.pop(str(view.source), None)
        data, layouts = fresh_render(view)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            last = pdf.pages[-1]
            assert len(pdf.pages) % 2 == 0
            assert "印发" in "".join(c["text"] for c in last.chars)
            if [c for c in last.chars if abs(c["size"] - 16) < 0.1]:  # body text above the 版记
                assert layouts == 1
                assert pdfmod._NEW_PAGE[str(view.source)] is False
                return
    pytest.fail("no length of the extra item ended the body on an even page")


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
    assert layouts >= 3  # body twice (the fallback), the 版记 page
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
