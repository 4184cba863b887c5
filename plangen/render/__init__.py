"""`plangen render`: the notice + plan as DOCX and PDF, from the layout view.

Each format is its own module (docx.py, pdf.py) imported only when asked for, so a DOCX-only
render never imports WeasyPrint. Both take the same DocumentView and return bytes; only
plangen.outio writes them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from plangen.check import display_path, load_view
from plangen.outio import atomic_write


def document_paths(name: str, outdir: Path) -> dict[str, Path]:
    """Where the notice+plan documents of plan `name` go: output/<plan>/<plan>.<ext>."""
    return {fmt: outdir / name / f"{name}.{fmt}" for fmt in ("docx", "pdf")}


def render_document(view, fmt: str, *, template: str | None = None, fonts: str | None = None,
                    pdfa: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    """One format of the notice+plan document as bytes."""
    from plangen.fonts import load_profile

    profile = load_profile(fonts)
    if fmt == "docx":
        from plangen.render.docx import render_docx

        return render_docx(view, template=template, profile=profile)
    if fmt == "pdf":
        from plangen.render.pdf import render_pdf

        return render_pdf(view, template=template, profile=profile, pdfa=pdfa)
    raise ValueError(fmt)


def run_render(plan: Path, *, formats: Sequence[str], template: str | None, fonts: str | None,
               outdir: Path, pdfa: bool = False) -> int:
    view = load_view(plan)
    paths = document_paths(view.name, outdir)
    for fmt in formats:
        data = render_document(view, fmt, template=template, fonts=fonts, pdfa=pdfa)
        atomic_write(paths[fmt], data, outdir)
        sys.stdout.write(f"已生成 {display_path(paths[fmt])}\n")
    return 0
