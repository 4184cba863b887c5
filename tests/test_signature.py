"""Signature and date (GB/T 9704 7.3.5), measured on glyph positions.

Each plan is rendered sealed and unsealed, as PDF (WeasyPrint) and as DOCX converted by
LibreOffice; the offsets are read back with pdfplumber and compared with the standard's rules:
7.3.5.1 (sealed) the date 右空四字, the name centred on the date; joint names side by side in
issuer order, the date below; 7.3.5.2 (unsealed) the name 右空二字, the date's first character two
characters right of the name's; joint: the lead name first, the others below, then the date.
"""

from __future__ import annotations

import collections
import io
import itertools
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from plangen.fonts import load_profile
from plangen.render.docx import render_docx
from plangen.render.pdf import render_pdf
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "notice"
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (28 + 156) * MM
CH = 15.75  # one body character: 16 pt with −0.25 pt spacing (28 on the 156 mm line)
TOL_CH = 0.15  # offsets in characters
PLANS = {"yunxi": REPO / "plans" / "yunxi-2024.yaml", "joint": DATA / "joint-2024.yaml",
         "upward": DATA / "upward-2024.yaml"}
LO_PDF = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def _variants(d: Path) -> dict[str, Path]:
    out = {}
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", d)
    for name, src in PLANS.items():
        text = src.read_text(encoding="utf-8")
        for sealed in (True, False):
            key = f"{name}-{'sealed' if sealed else 'unsealed'}"
            body = text if sealed else text.replace("\n  date: ", "\n  sealed: false\n  date: ", 1)
            assert sealed or "sealed: false" in body
            p = d / f"{key}.yaml"
            p.write_text(body, encoding="utf-8")
            out[key] = p
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """{(variant, "pdf" | "lo"): pdfplumber PDF}, plus the views."""
    d = tmp_path_factory.mktemp("sign")
    plans = _variants(d)
    views = {k: load_view(p) for k, p in plans.items()}
    profile = load_profile()
    pdfs = {}
    for k, v in views.items():
        pdfs[(k, "pdf")] = pdfplumber.open(io.BytesIO(render_pdf(v, profile=profile)))
        (d / f"{k}.docx").write_bytes(render_docx(v, profile=profile))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (make test installs it)")
    r = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{d}/profile", "--convert-to",
                        LO_PDF, "--outdir", str(d / "lo"), *[str(d / f"{k}.docx") for k in views]],
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    for k in views:
        pdfs[(k, "lo")] = pdfplumber.open(d / "lo" / f"{k}.pdf")
    yield views, pdfs
    for pdf in pdfs.values():
        pdf.close()


Piece = collections.namedtuple("Piece", "text x0 x1 top page")


def lines_of(pdf) -> list[list[Piece]]:  # type: ignore[no-untyped-def]
    """Every 16 pt text line as pieces split at gaps wider than one character."""
    out = []
    for pno, page in enumerate(pdf.pages):
        rows: dict[int, list] = collections.OrderedDict()
        for c in sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"])):
            if 15.5 < c["size"] < 16.5 and c["text"].strip():
                rows.setdefault(round(c["top"]), []).append(c)
        for top, chars in rows.items():
            pieces, cur = [], [chars[0]]
            for a, b in itertools.pairwise(chars):
                if b["x0"] - a["x1"] > CH:
                    pieces.append(cur)
                    cur = []
                cur.append(b)
            pieces.append(cur)
            out.append([Piece("".join(c["text"] for c in p), p[0]["x0"], p[-1]["x1"], top, pno) for p in pieces])
    return out


def signature_block(pdf, names: tuple[str, ...], date: str) -> tuple[list[list[Piece]], Piece]:  # type: ignore[no-untyped-def]
    """The lines holding the names (in order of appearance) and the date line."""
    lines = lines_of(pdf)
    i = next(i for i, line in enumerate(lines) if len(line) == 1 and line[0].text == date)
    above = []
    j = i - 1
    want = set(names)
    while j >= 0 and want & {p.text for p in lines[j]}:
        above.insert(0, lines[j])
        j -= 1
    return above, lines[i][0]


def right_gap(p: Piece) -> float:
    return (RIGHT - p.x1) / CH


def centre(p: Piece) -> float:
    return (p.x0 + p.x1) / 2


@pytest.mark.parametrize("engine", ["pdf", "lo"])
@pytest.mark.parametrize("plan", ["yunxi", "joint", "upward"])
def test_sealed(rendered, plan: str, engine: str) -> None:  # type: ignore[no-untyped-def]
    views, pdfs = rendered
    n = views[f"{plan}-sealed"].notice
    above, date = signature_block(pdfs[(f"{plan}-sealed", engine)], n.signatures, n.date)
    assert abs(right_gap(date) - 4) < TOL_CH, right_gap(date)  # 右空四字
    names = [p for line in above for p in line]
    assert [p.text for p in names] == list(n.signatures)  # issuer order
    if len(n.signatures) > 1:
        assert len(above) == 1  # side by side, on the line above the date
        assert all(a.x1 < b.x0 for a, b in itertools.pairwise(names))
    # the (last) name centred on the date, on the line directly above it
    assert abs(centre(names[-1]) - centre(date)) < 1 * MM, (centre(names[-1]) - centre(date)) / MM
    assert 28 < date.top - above[-1][0].top < 30
    assert min(p.x0 for p in names) > LEFT - 0.5 and max(p.x1 for p in names) < RIGHT + 0.5


@pytest.mark.parametrize("engine", ["pdf", "lo"])
@pytest.mark.parametrize("plan", ["yunxi", "joint", "upward"])
def test_unsealed(rendered, plan: str, engine: str) -> None:  # type: ignore[no-untyped-def]
    views, pdfs = rendered
    n = views[f"{plan}-unsealed"].notice
    above, date = signature_block(pdfs[(f"{plan}-unsealed", engine)], n.signatures, n.date)
    names = [line[0] for line in above]
    assert all(len(line) == 1 for line in above)  # one name a line: the lead first, the others below
    assert [p.text for p in names] == list(n.signatures)
    starts = {round(p.x0 / CH, 1) for p in names}
    assert max(starts) - min(starts) <= 0.1  # first characters aligned
    longest = max(names, key=lambda p: p.x1 - p.x0)
    if right_gap(date) > 2 + TOL_CH:
        assert abs(right_gap(longest) - 2) < TOL_CH, right_gap(longest)  # 右空二字
    else:  # a longer date keeps 右空二字 and the name moves left with it
        assert abs(right_gap(date) - 2) < TOL_CH
    assert abs((date.x0 - names[0].x0) / CH - 2) < TOL_CH  # 首字比署名首字右移二字
    assert right_gap(date) > 2 - TOL_CH
    assert 28 < date.top - above[-1][0].top < 30


def test_unsealed_is_not_sealed_layout(rendered) -> None:  # type: ignore[no-untyped-def]
    """The two layouts differ where the standard says (guards against one layout for both)."""
    views, pdfs = rendered
    n = views["yunxi-sealed"].notice
    _, sealed_date = signature_block(pdfs[("yunxi-sealed", "pdf")], n.signatures, n.date)
    above, unsealed_date = signature_block(pdfs[("yunxi-unsealed", "pdf")], n.signatures, n.date)
    assert abs(right_gap(above[0][0]) - 2) < TOL_CH and abs(right_gap(sealed_date) - 4) < TOL_CH
    assert right_gap(unsealed_date) > 4  # 11-character name: the date starts 2 right of it


@pytest.mark.parametrize("variant", ["joint-sealed", "joint-unsealed"])
def test_note_on_the_line_below_the_date(rendered, variant: str) -> None:  # type: ignore[no-untyped-def]
    """附注 on the line below the date, indented two characters — never on a page of its own."""
    views, pdfs = rendered
    n = views[variant].notice
    for engine in ("pdf", "lo"):
        lines = lines_of(pdfs[(variant, engine)])
        i = next(i for i, line in enumerate(lines) if line[0].text == n.note)
        date = lines[i - 1][0]
        assert date.text == n.date and date.page == lines[i][0].page, engine
        assert 28 < lines[i][0].top - date.top < 30
        assert abs((lines[i][0].x0 - LEFT) / CH - 2) < TOL_CH


def test_signature_shares_a_page_with_text(rendered) -> None:  # type: ignore[no-untyped-def]
    """7.3.5.1: the seal never stands on a page without text (the joint notice fills page 1)."""
    views, pdfs = rendered
    n = views["joint-sealed"].notice
    for engine in ("pdf", "lo"):
        lines = lines_of(pdfs[("joint-sealed", engine)])
        _, date = signature_block(pdfs[("joint-sealed", engine)], n.signatures, n.date)
        before = [line for line in lines if line[0].page == date.page and line[0].top < date.top - 60]
        assert before, engine


@pytest.mark.parametrize("sealed", [True, False], ids=["sealed", "unsealed"])
def test_note_does_not_spill_onto_a_page_of_its_own(tmp_path: Path, sealed: bool) -> None:
    """云溪's notice lengthened by two lines puts the date on page 1's last line: the 附注 must
    not stand alone on page 2 (13.8); the signature block goes down with it, with text."""
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", tmp_path)
    text = (REPO / "plans" / "yunxi-2024.yaml").read_text(encoding="utf-8")
    extra = "各单位要高度重视，认真组织学习，结合本单位实际制定具体措施，确保各项工作任务落到实处，见到实效。"
    text = text.replace("请结合实际抓好工作落实。", "请结合实际抓好工作落实。" + extra, 1)
    text = text.replace("\n  date: ", f"\n  note: 此件主动公开\n  sealed: {str(sealed).lower()}\n  date: ", 1)
    plan = tmp_path / "yunxi-2024.yaml"
    plan.write_text(text, encoding="utf-8")
    view = load_view(plan)
    n = view.notice
    (tmp_path / "y.docx").write_bytes(render_docx(view, profile=load_profile()))
    pdf_bytes = render_pdf(view, profile=load_profile())
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    LO_PDF, "--outdir", str(tmp_path), str(tmp_path / "y.docx")], capture_output=True, timeout=300,
                   check=True)
    for pdf in (pdfplumber.open(tmp_path / "y.pdf"), pdfplumber.open(io.BytesIO(pdf_bytes))):
        with pdf:
            lines = lines_of(pdf)
            note = next(line[0] for line in lines if line[0].text == n.note)
            _, date = signature_block(pdf, n.signatures, n.date)
            assert note.page == date.page
            assert [line for line in lines if line[0].page == note.page and line[0].top < date.top - 60]


def test_sealed_default_and_seal_implies_it(tmp_path: Path) -> None:
    text = PLANS["upward"].read_text(encoding="utf-8")
    plan = tmp_path / "u-2024.yaml"
    plan.write_text(text, encoding="utf-8")
    assert load_view(plan).notice.sealed  # default: printed and stamped by hand
    from PIL import Image

    Image.new("RGBA", (20, 20), (230, 0, 18, 255)).save(tmp_path / "seal.png")
    plan.write_text(text.replace("\n  date: ", "\n  sealed: false\n  seal: seal.png\n  date: ", 1), encoding="utf-8")
    n = load_view(plan).notice
    assert n.sealed and n.signature_layout.sealed  # a seal image implies 7.3.5.1
    plan.write_text(text.replace("\n  date: ", "\n  signature: [甲单位, 乙单位]\n  date: ", 1), encoding="utf-8")
    n = load_view(plan).notice
    assert n.signatures == ("甲单位", "乙单位")
    assert [p.text for p in n.signature_layout.lines[0]] == ["甲单位", "乙单位"]
