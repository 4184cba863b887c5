"""The 版记 put on the laid-out plan PDF, without laying the body out a second time.

GB/T 9704: the 版记 is at the bottom of the last page, and the last page is even. The PDF
renderer lays out the body without the 版记 (template part "body") and the 版记 alone on an
unnumbered page (part "only", see templates/red-header.html.j2), then joins them:
- the body ends on an odd page: the 版记 page follows it;
- the body ends on an even page with room at its bottom: the 版记 goes there, in the footnote
  area (the same box WeasyPrint lays out for a footnote, at the same place on every page);
- the body ends on an even page without room: a blank unnumbered page, then the 版记 page.
`Document.copy(pages)` is WeasyPrint's documented way to join pages of several documents; the
second case also puts the 版记's footnote area into the body's last page box. `join` returns
None when that is not possible (a template that does not know `imprint_part`, or a WeasyPrint
whose page boxes look different): the caller then lays the whole document out the old way.
"""

from __future__ import annotations

from typing import Any


def imprint_page(document: Any) -> int | None:
    """The page (1-based) that holds the 版记's anchor, or None."""
    for i, page in enumerate(document.pages, 1):
        if "imprint" in page.anchors:
            return i
    return None


def join(body: Any, alone: Any) -> Any | None:
    """`body` with the 版记 of `alone` (see the module doc), or None."""
    if imprint_page(body) is not None or len(alone.pages) != 1 or imprint_page(alone) != 1:
        return None  # the template printed the 版记 with the body, or not alone
    page = alone.pages[0]
    if len(body.pages) % 2 == 1:
        return body.copy([*body.pages, page])
    try:
        return body.copy([*body.pages[:-1], *_last_pages(body.pages[-1], page)])
    except (AttributeError, IndexError, StopIteration, TypeError):
        return None


def _last_pages(last: Any, page: Any) -> list[Any]:
    from weasyprint.document import Page
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    box, own = last._page_box, page._page_box
    area = next(c for c in own.children if isinstance(c, FootnoteAreaBox))
    root = box.children[0]
    if root.position_y + root.margin_height() <= area.position_y:  # the body ends above it
        children = [c for c in box.children if not isinstance(c, FootnoteAreaBox)]
        return [Page(box.copy_with_children([children[0], area, *children[1:]]))]  # as WeasyPrint orders them
    return [last, Page(own.copy_with_children([])), page]  # a blank page, then the 版记's
