"""Body text flush on both sides in the PDF (两端对齐): every full line of a justified paragraph
ends at the text block's right edge, although WeasyPrint only stretches spaces and closing marks
keep moving characters down (plangen.render.justify)."""

from __future__ import annotations

import collections
import io
import random
import re
from pathlib import Path

import pdfplumber
import pytest

from plangen.fonts import load_profile
from plangen.render.justify import spaced
from plangen.render.pdf import render_pdf
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (28 + 156) * MM
LETTER_SPACING = -0.25  # the glyph's advance ends this much past its 15.75 pt cell
CLOSING = "，。、；：？！）》」』”’"
OPENING = "（《「『“‘"


def punctuated_plan(d: Path) -> Path:
    """Paragraphs whose phrases put ，。、；” and 》 at or next to line ends again and again."""
    rng = random.Random(9704)
    han = "教育体育工作要点全面加强学校管理质量提升师资队伍建设安全稳定改革发展"
    paras = []
    for _ in range(12):
        parts = []
        for _ in range(14):
            n = rng.choice([25, 26, 27, 28, 29, 12, 13])
            word = "".join(rng.choice(han) for _ in range(n))
            mark = rng.choice(["，", "。", "、", "；", "”，", "》。", "），"])
            if mark.startswith("”"):
                word = "“" + word
            elif mark.startswith("》"):
                word = "《" + word
            elif mark.startswith("）"):
                word = "（" + word
            parts.append(word + mark)
        paras.append("".join(parts))
    items = "\n".join(f"        - title: 任务{k}\n          text: \"{p}\"" for k, p in enumerate(paras, 1))
    p = d / "punct-2024.yaml"
    p.write_text(f"plan:\n  title: 标点测试工作要点\n  year: 2024\n  sections:\n    - title: 工作任务\n"
                 f"      items:\n{items}\n", encoding="utf-8")
    return p


def text_lines(pdf) -> list[tuple[int, list[dict]]]:  # type: ignore[no-untyped-def]
    out = []
    for pno, page in enumerate(pdf.pages):
        rows: dict[int, list[dict]] = collections.OrderedDict()
        for c in page.chars:
            if 15.5 < c["size"] < 16.5 and c["text"].strip():
                rows.setdefault(round(c["top"]), []).append(c)
        out.extend((pno, sorted(v, key=lambda c: c["x0"])) for v in rows.values())
    return out


def full_lines(pdf) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    """Lines followed by a line of the same paragraph: the next line starts flush left (first
    lines of paragraphs are indented two characters; titles, signatures, imprint are other sizes
    or start elsewhere)."""
    lines = text_lines(pdf)
    return [a for (_, a), (_, b) in zip(lines, lines[1:], strict=False)
            if abs(b[0]["x0"] - LEFT) < 1 and a[0]["x0"] - LEFT < 2.5 * 16]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    profile = load_profile()
    punct = punctuated_plan(tmp_path_factory.mktemp("punct"))
    out = {}
    for name, path in (("yunxi", REPO / "plans" / "yunxi-2024.yaml"), ("punct", punct)):
        view = load_view(path)
        out[name] = (view, pdfplumber.open(io.BytesIO(render_pdf(view, profile=profile))))
    yield out
    for _, pdf in out.values():
        pdf.close()


@pytest.mark.parametrize("name", ["yunxi", "punct"])
def test_full_lines_end_at_the_right_edge(pdfs, name: str) -> None:  # type: ignore[no-untyped-def]
    _, pdf = pdfs[name]
    full = full_lines(pdf)
    assert len(full) > (150 if name == "yunxi" else 100)
    ends = [a[-1]["x1"] + LETTER_SPACING - RIGHT for a in full]
    off = [("".join(c["text"] for c in a), round(e, 2)) for a, e in zip(full, ends, strict=True) if abs(e) > 1]
    assert not off, off[:5]


@pytest.mark.parametrize("name", ["yunxi", "punct"])
def test_line_breaking_rules_and_measure(pdfs, name: str) -> None:  # type: ignore[no-untyped-def]
    _, pdf = pdfs[name]
    lines = text_lines(pdf)
    for _, line in lines:
        text = "".join(c["text"] for c in line)
        assert text[0] not in CLOSING, text
        assert text[-1] not in OPENING, text
    pure = [v for v in full_lines(pdf) if all(ord(c["text"]) > 0x2E80 for c in v)]
    assert max(len(v) for v in pure) == 28  # 28 characters a line, never more
    assert sum(len(v) == 28 for v in pure) > 0.6 * len(pure)
    for _, line in lines:  # stretched, never squeezed: no glyph overlaps the next
        assert all(b["x0"] >= a["x0"] + 0.9 * (a["x1"] - a["x0"]) - 0.5 for a, b in zip(line, line[1:], strict=False))


@pytest.mark.parametrize("name", ["yunxi", "punct"])
def test_text_reads_back_without_the_spaces(pdfs, name: str) -> None:  # type: ignore[no-untyped-def]
    view, pdf = pdfs[name]
    pages = [p.filter(lambda o: o.get("object_type") != "char" or abs(o["size"] - 14) > 0.1)
             for p in pdf.pages]  # without the page numbers
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pages))
    for item in view.plan.items:
        assert re.sub(r"\s+", "", f"{item.number}.{item.title}。{item.text}") in text, item.number


def test_spaced_keeps_marks_and_runs_together() -> None:
    assert spaced("教育，体育") == "教 育， 体 育"
    assert spaced("“第一议题”。") == "“第 一 议 题”。"
    assert spaced("2024年ABC工作") == "2024年ABC工 作"
    assert spaced("等——直到……") == "等——直 到……"
    assert spaced("（试行）文件") == "（试 行） 文 件"
