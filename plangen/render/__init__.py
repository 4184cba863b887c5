"""`plangen render`: the notice + plan in each document format of plangen.formats.

Each format's module is imported only when asked for, so a DOCX-only render never imports
WeasyPrint. Every renderer takes the same DocumentView and returns bytes; only plangen.outio
writes them, at the path plangen.formats decides.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from plangen import formats as fmts
from plangen.errors import display_path
from plangen.outio import atomic_write


def render_document(view, fmt: str, *, template: str | None = None, fonts: str | None = None,
                    pdfa: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    """One format of the notice+plan document as bytes."""
    from plangen.fonts import load_profile

    render = fmts.get("document", fmt).load()
    return render(view, template=template, profile=load_profile(fonts), pdfa=pdfa)  # type: ignore[no-any-return]


def run_render(plan: Path, *, formats: Sequence[str], template: str | None, fonts: str | None,
               outdir: Path, pdfa: bool = False) -> int:
    from plangen.epoch import require_valid
    from plangen.view import load_view

    require_valid()  # a bad SOURCE_DATE_EPOCH: a Chinese message and exit 1, before any work
    view = load_view(plan)
    for f in fmts.selected("document", formats):
        data = render_document(view, f.name, template=template, fonts=fonts, pdfa=pdfa)
        path = fmts.dest_path(outdir, view.name, f)
        atomic_write(path, data, outdir)
        sys.stdout.write(f"已生成 {display_path(path)}\n")
    return 0
