"""OFD (GB/T 33190-2016) output: the notice + plan, from the same layout as the PDF.

The PDF that WeasyPrint lays out is read back glyph by glyph (plangen.ofd.interp) and written
as OFD (plangen.ofd.package): real text objects with per-glyph positions, the PDF's embedded
font subsets reused as the OFD's embedded fonts, paths and images. See docs/ofd.md for why
the layout comes from the PDF and what it costs.
"""

from __future__ import annotations

from typing import Any

from plangen.ofd.writer import OfdMeta


def ofd_meta(view: Any) -> OfdMeta:
    """DocInfo from the view: title, author (the issuers), creation date (plan or
    SOURCE_DATE_EPOCH, as the PDF's), the document number as custom data."""
    from plangen import __version__
    from plangen.render.pdf import created_date

    custom: dict[str, str] = {}
    n = view.notice
    if n is not None:
        for key, value in (("文号", n.number), ("密级", n.secrecy), ("紧急程度", n.urgency),
                           ("份号", n.copy_no)):
            if value:
                custom[key] = value
    return OfdMeta(title=view.doc_title, author=view.author, creation_date=created_date(view)[:10],
                   subject=view.plan.title, creator="plangen", creator_version=__version__,
                   custom=custom)


def pdf_to_ofd(pdf: bytes, meta: OfdMeta) -> bytes:
    """An OFD with the PDF's pages, glyphs, fonts, paths and images."""
    from plangen.ofd.interp import read_layout
    from plangen.ofd.package import build_ofd

    layout = read_layout(pdf)
    if not meta.outline:
        meta.outline = layout.outline
    return build_ofd(layout, meta)


def render_ofd(view: Any, *, template: str | None = None, profile: Any, pdf: bytes | None = None,
               pdfa: bool = False) -> bytes:
    """The notice + plan as OFD bytes. `pdf`: the PDF already rendered for this view (reused:
    the layout and its font subsets come from it); rendered here when not given."""
    if pdf is None:
        from plangen.render.pdf import render_pdf

        pdf = render_pdf(view, template=template, profile=profile, pdfa=pdfa)
    return pdf_to_ofd(pdf, ofd_meta(view))
