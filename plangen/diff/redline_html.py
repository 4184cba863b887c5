"""The redline for reading on screen (HTML) and on paper (PDF through WeasyPrint, same HTML).

Written from the same aligned paragraphs as the Word redline (plangen.diff.align): deleted
characters red and struck through, inserted ones blue and underlined, moved items green (struck
through where they were, underlined where they went), changed responsibilities therefore marked
inside the 责任 line; a changed due date, which the plan does not print, gets a note under its
item. The summary comes first. Template: templates/redline.html.j2 (jinja2, autoescaped).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from plangen.diff.align import SPECIAL, RPara
from plangen.diff.match import Matching
from plangen.diff.summary import Summary, format_summary
from plangen.fonts import FontProfile, font_css

STYLE_CLASS = {"GWTitle": "title", "GWMark": "mark", "GWNumber": "number", "GWHeading1": "h1",
               "GWHeading2": "h2", "GWFlush": "flush", "GWSignature": "signature",
               "GWTopLine": "flush", "GWImprint": "flush"}
SCREEN_FONTS = {  # what a reader's Windows, macOS or Linux machine may have, after the profile's name
    "body": ("仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "title": ("方正小标宋简体", "STZhongsong", "Noto Serif CJK SC"),
    "heading1": ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC"),
    "heading2": ("楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
}
SPAN_CLASS = {  # (paragraph mode, op) → css class; None: plain; "skip": not shown
    ("same", "eq"): None, ("same", "ins"): "ins", ("same", "del"): "del",
    ("added", "ins"): "ins", ("removed", "del"): "del",
    ("move_to", "eq"): "mv-to", ("move_to", "ins"): "ins", ("move_to", "del"): "skip",
    ("move_from", "eq"): "mv-from", ("move_from", "del"): "del", ("move_from", "ins"): "skip",
}


@dataclass(frozen=True)
class Piece:
    text: str
    cls: str | None
    bold: bool


@dataclass(frozen=True)
class HtmlPara:
    cls: str
    mode: str
    pieces: tuple[Piece, ...]
    note: str = ""  # e.g. a changed due date, under its item


def _bold(run: Any) -> bool:
    b = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
    return b is not None and b.get(qn("w:val")) not in ("0", "false")


def _style(p: Any) -> str:
    s = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return STYLE_CLASS.get(s.get(qn("w:val")) if s is not None else "", "body")


def html_paragraphs(paras: list[RPara], m: Matching) -> list[HtmlPara]:
    flat: list[RPara] = []
    for rp in paras:  # a table's cells read as paragraphs
        flat.extend([p for _, ps in rp.cells for p in ps] if rp.cells else [rp])
    out: list[HtmlPara] = []
    paras = flat
    started = False
    for k, rp in enumerate(paras):
        if rp.opaque:
            continue
        pieces: list[Piece] = []
        for span in rp.spans:
            cls = SPAN_CLASS[(rp.mode, span.op)]
            if cls == "skip":
                continue
            for t in span.tokens:
                if t.key == SPECIAL:
                    continue
                text, bold = (" " if t.key in "\t\n" else t.key), _bold(t.run)
                last = pieces[-1] if pieces else None
                if last and last.cls == cls and last.bold == bold:
                    pieces[-1] = Piece(last.text + text, cls, bold)
                else:
                    pieces.append(Piece(text, cls, bold))
        if not pieces and rp.mode == "same":
            continue  # spacing paragraphs of the 版头
        note = _due_note(rp, paras[k + 1] if k + 1 < len(paras) else None, m)
        cls = _style(rp.element)
        if rp.unit is not None and not started:
            started = True
            cls += " plan-start" if k else ""  # the plan begins on a new page after the notice
        out.append(HtmlPara(cls, rp.mode, tuple(pieces), note))
    return out


def _due_note(rp: RPara, nxt: RPara | None, m: Matching) -> str:
    """Under the last paragraph of an item (new side): where a moved item came from, and what
    the plan does not print: a changed due date, changed responsibility in a sheets-only plan."""
    if rp.unit is None or rp.unit[0] != "item" or rp.mode in ("removed", "move_from"):
        return ""
    if nxt is not None and nxt.unit == rp.unit and nxt.mode not in ("removed", "move_from"):
        return ""
    p = m.item_of_new.get(rp.unit[1])
    if p is None or p.old is None or p.new is None:
        return ""
    notes = []
    if p.moved:
        notes.append(f"自{p.old.section_label.rstrip('、')}部分原{p.old.label}移入")
    if p.resp_changed and m.new.plan.responsibility != "inline":  # not printed in the plan
        notes.append(f"责任：{p.old.responsibility or '（无）'} → {p.new.responsibility or '（无）'}")
    if p.due_changed:
        notes.append(f"完成时限：{p.old.due or '（未定）'} → {p.new.due or '（未定）'}")
    return "；".join(notes)


def redline_html(m: Matching, summary: Summary, paras: list[RPara], *, profile: FontProfile,
                 author: str, date: str, embed_fonts: bool = False) -> str:
    """The redline as HTML. For the PDF (`embed_fonts`) the profile's font files are named by
    @font-face; redline.html itself names fonts only (the conventional 公文 names, the profile's
    families, a generic family), so it reads the same on any machine and its bytes do not depend
    on where the font files live."""
    from plangen.render.pdf import _env
    from plangen.templates import resolve_template

    path = resolve_template("redline", ".html.j2", plan_dir=m.new.source.parent)
    env = _env(str(path.parent))
    fonts = {role: _stack(profile, role, embed_fonts) for role in ("title", "body", "heading1", "heading2")}
    return env.get_template(path.name).render(
        old=m.old, new=m.new, summary=summary, unchanged=summary.unchanged,
        summary_lines=format_summary(summary, m.old.name, m.new.name).rstrip("\n").split("\n"),
        paras=html_paragraphs(paras, m), author=author, date=date, created=date,
        fonts=fonts, font_css=font_css(profile) if embed_fonts else "",
    )


def _stack(profile: FontProfile, role: str, embed: bool) -> str:
    if embed:
        return profile.css_stack(role)
    generic = "sans-serif" if role == "heading1" else "serif"
    names = dict.fromkeys([profile.face(role).docx_name, *SCREEN_FONTS[role]])
    return ", ".join('"' + n.replace('"', "") + '"' for n in names) + ", " + generic


def redline_pdf(html: str, m: Matching, *, profile: FontProfile, ident_text: str) -> bytes:
    from weasyprint import HTML

    from plangen.render.pdf import _font_config

    profile.check()
    doc = HTML(string=html, base_url=str(m.new.source.parent)).render(font_config=_font_config())
    # the /ID from the text without any file path (the screen HTML), not from where fonts live
    ident = hashlib.md5((ident_text + "\n" + profile.name).encode("utf-8")).hexdigest().encode()
    return doc.write_pdf(pdf_identifier=ident, uncompressed_pdf=False)
