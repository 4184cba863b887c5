"""The 督查通报 as PDF: templates/progress-report.html.j2 (which includes the notice's
gongwen.css.j2, so page, 版头, title, headings and signature match the notice) laid out by
WeasyPrint. Deterministic: fixed metadata dates (the report's date or SOURCE_DATE_EPOCH) and an
identifier derived from the content."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import Any

from plangen.fonts import FontProfile, font_css
from plangen.progress.report import Report, lag_text, submission_lines
from plangen.progress.report_docx import ATTACH_COLS, LAG_COLS, LEADER_COLS, OFFICE_COLS
from plangen.progress.schedule import LIGHT_COLOURS
from plangen.render.justify import space_cancel_css
from plangen.templates import record_template, resolve_template
from plangen.text import mark_font_size


def _created(report: Report) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit() and len(epoch) <= 11:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    d = report.notice.date_value or report.period.end
    return f"{d.isoformat()}T00:00:00Z"


def report_html(report: Report, profile: FontProfile) -> tuple[str, Any]:
    from plangen.render.pdf import _env

    path = resolve_template("progress-report", ".html.j2", plan_dir=report.view.source.parent)
    env = _env(str(path.parent))
    fonts = {role: profile.css_stack(role) for role in ("title", "body", "heading1", "heading2", "page_number")}
    n = report.notice
    record_template(env, path.name)
    html = env.get_template(path.name).render(
        report=report, n=n, fonts=fonts, font_css=font_css(profile), created=_created(report),
        mark_size=mark_font_size(n.mark_lines, n.mark_suffix), lag_text=lag_text, colours=LIGHT_COLOURS,
        submission_lines=submission_lines,
        office_cols=OFFICE_COLS, leader_cols=LEADER_COLS, attach_cols=ATTACH_COLS, lag_cols=LAG_COLS,
        max_total=max([t.total for t in report.offices] or [1]) or 1, word_spacing=space_cancel_css(profile))
    return html, path


def render_report_pdf(report: Report, profile: FontProfile) -> bytes:
    from weasyprint import HTML

    from plangen.render.pdf import _font_config

    profile.check()
    html, path = report_html(report, profile)
    doc = HTML(string=html, base_url=str(path.parent)).render(font_config=_font_config())
    ident = hashlib.md5(html.encode("utf-8")).hexdigest().encode()
    return doc.write_pdf(pdf_identifier=ident, uncompressed_pdf=False)  # type: ignore[no-any-return]
