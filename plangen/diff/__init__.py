"""`plangen diff OLD.yaml NEW.yaml`: what changed since last year, and a redline to sign off.

match.py pairs items and sections, summary.py counts the changes, align.py lines up the two
renderings paragraph by paragraph with character-level changes, and the writers turn that into
redline.docx (tracked changes), redline.html / redline.pdf (red struck-through deletions, blue
underlined insertions) and changes.xlsx (one row per changed item). Only plangen.outio writes.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from plangen.errors import PlangenError, display_path
from plangen.view import DocumentView

FORMATS = ("docx", "pdf", "html", "xlsx")
FILES = {"docx": "redline.docx", "pdf": "redline.pdf", "html": "redline.html", "xlsx": "changes.xlsx"}


def parse_formats(value: str | None) -> tuple[str, ...]:
    """`--formats docx,html` → ("docx", "html"); None → all four. ValueError (Chinese) otherwise."""
    if not value:
        return FORMATS
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ValueError(f"不支持的格式 {'、'.join(bad) or value}，可选：{','.join(FORMATS)}")
    return wanted


def revision_meta(new: DocumentView, author: str | None) -> tuple[str, str]:
    """(author, date) of every tracked change: `--author`, else the bureau's 办公室; the new
    plan's date, else SOURCE_DATE_EPOCH, else 1 January of its year."""
    if not author:
        printed = new.notice.printed_by if new.notice else ""
        author = printed if printed.endswith("办公室") else (new.bureau + "办公室" if new.bureau else "办公室")
    d = new.notice.date_value if new.notice else None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if d is not None:
        date = f"{d.isoformat()}T00:00:00Z"
    elif epoch.isdigit():
        date = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        date = f"{new.plan.year:04d}-01-01T00:00:00Z"
    return author, date


def _load(paths: Sequence[Path]) -> list[DocumentView]:
    from plangen.view import load_view

    views, problems, messages = [], [], []
    for p in paths:
        try:
            views.append(load_view(p))
        except PlangenError as e:
            problems.extend(e.problems)
            messages.append(e.message)
    if problems or messages:
        raise PlangenError("\n".join(m for m in messages if m) or "计划文件有错误。", problems)
    return views


def default_outdir(old: DocumentView, new: DocumentView) -> Path:
    return Path("output") / "diff" / f"{old.name}--{new.name}"


def run_diff(old_path: Path, new_path: Path, *, outdir: Path | None, formats: Sequence[str],
             author: str | None, fonts: str | None) -> int:
    from plangen.diff.match import match
    from plangen.diff.summary import format_summary, summarize
    from plangen.outio import atomic_write

    old, new = _load([old_path, new_path])
    m = match(old, new)
    summary = summarize(m)
    sys.stdout.write(format_summary(summary, old.name, new.name))
    out = outdir or default_outdir(old, new)
    who, when = revision_meta(new, author)
    outputs = render_outputs(m, summary, formats, author=who, date=when, fonts=fonts)
    for fmt in formats:
        path = out / FILES[fmt]
        atomic_write(path, outputs[fmt], out)
        sys.stdout.write(f"已生成 {display_path(path)}\n")
    return 0


def render_outputs(m, summary, formats: Sequence[str], *, author: str, date: str,  # type: ignore[no-untyped-def]
                   fonts: str | None) -> dict[str, bytes]:
    """The requested outputs as bytes. Both plans are rendered to DOCX once; the alignment of
    those renderings feeds the HTML, the PDF and the Word redline alike."""
    import io

    from docx import Document

    from plangen.diff.align import align_documents
    from plangen.fonts import load_profile
    from plangen.render.docx import render_docx

    profile = load_profile(fonts)
    out: dict[str, bytes] = {}
    docs = [Document(io.BytesIO(render_docx(v, profile=profile))) for v in (m.old, m.new)]
    paras = align_documents(m, docs[0], docs[1])
    if "html" in formats or "pdf" in formats:
        from plangen.diff.redline_html import redline_html

        html = redline_html(m, summary, paras, profile=profile, author=author, date=date)
        if "html" in formats:
            out["html"] = html.encode("utf-8")
        if "pdf" in formats:
            from plangen.diff.redline_html import redline_pdf

            printed = redline_html(m, summary, paras, profile=profile, author=author, date=date,
                                   embed_fonts=True)
            out["pdf"] = redline_pdf(printed, m, profile=profile, ident_text=html)
    if "xlsx" in formats:
        from plangen.diff.changes_xlsx import changes_xlsx

        out["xlsx"] = changes_xlsx(m, summary, date=date)
    if "docx" in formats:  # last: it re-uses (moves) the new rendering's paragraphs
        from plangen.diff.redline_docx import redline_docx

        out["docx"] = redline_docx(m, docs[0], docs[1], paras, author=author, date=date)
    return out
