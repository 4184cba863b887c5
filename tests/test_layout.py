"""One layout decision (plangen.layout.NoticeLayout), read by both renderers: the same plan with
签发人 under each template prints the same header elements in the DOCX and in the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from plangen.fonts import load_profile
from plangen.layout import decide_layout, template_kind
from plangen.render.docx import render_docx
from plangen.render.pdf import render_pdf
from plangen.view import load_view

UPWARD = Path(__file__).resolve().parent / "data" / "notice" / "upward-2024.yaml"
JOINT = Path(__file__).resolve().parent / "data" / "notice" / "joint-2024.yaml"
RED = (1.0, 0.0, 0.0)


def style_id(p) -> str:  # type: ignore[no-untyped-def]
    ps = p._p.pPr.pStyle if p._p.pPr is not None else None
    return ps.val if ps is not None else ""


def docx_elements(data: bytes) -> set[str]:
    d = docx.Document(io.BytesIO(data))
    found = set()
    styles = [(style_id(p), p.text) for p in d.paragraphs]
    styles += [(style_id(p), p.text) for t in d.tables for c in t._cells for p in c.paragraphs]
    for sid, text in styles:
        if sid == "GWMark":
            found.add("mark")
        if sid == "GWNumber":
            found |= {"number", "rule"}  # the red rule is the number paragraph's bottom border
            if "签发人：" in text:
                found.add("signers")
        if sid == "GWTopLine" or (sid == "GWFlush" and text.isdigit()):
            found.add("top")
        if sid == "GWTitle" and text.startswith("关于"):
            found.add("notice")
    if len(d.sections) > 1 and any("印发" in p.text for p in d.sections[-1].footer.paragraphs):
        found.add("imprint")
    return found


def pdf_elements(data: bytes) -> set[str]:
    found = set()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        p1 = pdf.pages[0]
        text = "".join(c["text"] for c in p1.chars)
        if any(c["size"] > 24 and tuple(c["non_stroking_color"] or ()) == RED for c in p1.chars):
            found.add("mark")
        if "〔" in text:
            found.add("number")
        if "签发人：" in text:
            found.add("signers")
            signer = next(c for c in p1.chars if c["text"] == "签")
            number = next(c for c in p1.chars if c["text"] == "〔")
            assert abs(signer["top"] - number["top"]) < 2  # on the number's line
        if any(tuple(r.get("non_stroking_color") or r.get("stroking_color") or ()) == RED
               for r in p1.rects + p1.lines):
            found.add("rule")
        if "000123" in text or "秘密★" in text:
            found.add("top")
        if "关于报送" in text or "关于印发" in text:
            found.add("notice")
        last = "".join(c["text"] for c in pdf.pages[-1].chars)
        if "印发" in last[-20:] and len(pdf.pages) % 2 == 0:
            found.add("imprint")
    return found


EXPECTED = {
    "red-header": {"mark", "number", "rule", "notice", "imprint"},
    "upward": {"mark", "number", "signers", "rule", "notice", "imprint"},
    "plain": set(),
}


@pytest.mark.parametrize("template", ["red-header", "upward", "plain"])
def test_same_header_elements_in_docx_and_pdf(template: str) -> None:
    view = load_view(UPWARD)
    assert view.notice is not None and view.notice.signers  # the plan names 签发人
    profile = load_profile()
    in_docx = docx_elements(render_docx(view, template=template, profile=profile))
    in_pdf = pdf_elements(render_pdf(view, template=template, profile=profile))
    assert in_docx == in_pdf == EXPECTED[template]
    layout = view.layout_for(template)
    assert ("signers" in layout.header) == ("signers" in in_pdf)


def test_top_lines_follow_the_layout() -> None:
    view = load_view(JOINT)
    assert view.layout.header[:3] == ("copy_no", "secrecy", "urgency")
    profile = load_profile()
    assert "top" in docx_elements(render_docx(view, profile=profile))
    assert "top" in pdf_elements(render_pdf(view, profile=profile))


def test_upward_template_number_moves_left() -> None:
    """上行文: the number one character in from the left, 签发人 one character in from the right."""
    d = docx.Document(io.BytesIO(render_docx(load_view(UPWARD), profile=load_profile())))
    number = next(p for p in d.paragraphs if style_id(p) == "GWNumber")
    assert number.text.startswith("\t岳云教体") and "\t签发人：陈玲玲　李开军" in number.text
    tabs = number._p.pPr.find(qn("w:tabs"))
    assert tabs is not None and len(tabs) == 2


@pytest.mark.parametrize(("name", "kind"), [
    ("red-header", "red-header"), ("upward", "upward"), ("plain", "plain"),
    ("plans/templates/岳阳-upward.docx", "upward"), ("/x/y/my-plain.html.j2", "plain"),
    ("bureau", "red-header"), ("upwards", "red-header"),
])
def test_template_kind(name: str, kind: str) -> None:
    assert template_kind(name) == kind


def test_layout_without_notice_or_imprint() -> None:
    assert decide_layout(None, "red-header").notice is False
    view = load_view(UPWARD)
    assert view.layout.kind == "upward" and view.layout.imprint == "last-even-page"
    assert view.layout_for("plain").imprint == "none" and not view.layout_for("plain").header


def test_upward_number_line_in_the_pdf() -> None:
    """The number one character in from the left, 签发人 and the names one character in from the
    right, all on one line (WeasyPrint's flex items once wrapped 12号 and 李开军)."""
    mm = 72 / 25.4
    with pdfplumber.open(io.BytesIO(render_pdf(load_view(UPWARD), profile=load_profile()))) as pdf:
        p1 = pdf.pages[0]
        top = next(c for c in p1.chars if c["text"] == "〔")["top"]
        line = sorted((c for c in p1.chars if abs(c["top"] - top) < 3 and c["text"].strip()), key=lambda c: c["x0"])
        text = "".join(c["text"] for c in line)
        assert text.replace(" ", "") == "岳云教体〔2024〕12号签发人：陈玲玲　李开军".replace("　", "")
        assert abs((line[0]["x0"] - 28 * mm) / 15.75 - 1) < 0.15
        assert abs(((28 + 156) * mm - line[-1]["x1"]) / 15.75 - 1) < 0.15
