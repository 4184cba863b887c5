"""Sheets as PDF (WeasyPrint): landscape A4 tables in the plan's fonts; the header row repeats
on every page (<thead>), page numbers in the footer; workload bars as plain CSS boxes.
The font configuration is shared across sheets, so each further sheet pays only its layout."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import jinja2

from plangen import reads
from plangen.fonts import font_css
from plangen.sheets import Sheet
from plangen.templates import resolve_template
from plangen.view import DocumentView


@functools.lru_cache(maxsize=4)
def _template(path: str) -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(path.rsplit("/", 1)[0])), autoescape=True)
    return env.get_template(path.rsplit("/", 1)[1])


def render_sheet_pdfs(view: DocumentView, sheets: Sequence[Sheet], profile) -> list[bytes]:  # type: ignore[no-untyped-def]
    from weasyprint import HTML

    from plangen.render.pdf import _font_config, created_date

    profile.check()
    path = resolve_template("sheet", ".html.j2", plan_dir=view.source.parent)
    reads.record(path, *profile.files())
    tpl = _template(str(path))
    fonts = {role: profile.css_stack(role) for role in ("title", "body", "heading1", "page_number")}
    out = []
    for sheet in sheets:
        html = tpl.render(sheet=sheet, fonts=fonts, font_css=font_css(profile), created=created_date(view),
                          author=view.author, max_load=max([w[1] + w[2] for w in sheet.workload] or [1]))
        doc = HTML(string=html, base_url=str(path.parent)).render(font_config=_font_config())
        out.append(doc.write_pdf(pdf_identifier=sheet.spec.stem.encode("utf-8").hex()[:32].encode() or b"0"))
    return out
