"""Sheets as PDF. By default plangen draws them itself (plangen.sheets.drawn: pydyf, its own
line breaking, HarfBuzz font subsets; the look in templates/sheet.yaml), about ten times cheaper
than WeasyPrint (docs/sheets.md). A plan folder with its own templates/sheet.html.j2 gets the
WeasyPrint layout of that template instead (`render_weasyprint`), as before:

landscape A4 tables in the plan's fonts; the header row repeats on every page (<thead>), page
numbers in the footer; workload bars as plain CSS boxes. WeasyPrint keeps every page of a
document in memory until it writes the PDF, so a big sheet is laid out in parts — runs of at most
PART_UNITS units of table rows (a main row is one unit; a matrix row is as many as it has cells /
20) — each its own WeasyPrint document, starting on the page number where the previous one ended,
and the parts are joined with pypdf. The matrix prints in column groups of
plangen.sheets.MATRIX_GROUP offices, each group from a new page. One font configuration serves
all sheets and parts of a call."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import jinja2

from plangen import reads
from plangen.fonts import font_css
from plangen.sheets import Sheet
from plangen.templates import record_template, resolve_template
from plangen.view import DocumentView

WIDTHS = {"num": 5, "title": 15, "content": 36, "leaders": 8, "lead": 8, "assist": 9, "kind": 5, "due": 8,
          "progress": 6, "remark": 6}
PART_UNITS = 450


@dataclass
class Part:
    """What one WeasyPrint document of a sheet prints (read by templates/sheet.html.j2)."""

    title: bool = False
    rows: list[tuple[str, tuple[str, ...]]] | None = None  # (group heading before the row or "", cells)
    widths: list[float] = field(default_factory=list)  # main table, % summing to 100
    centred: list[bool] = field(default_factory=list)
    matrices: list[dict[str, object]] = field(default_factory=list)  # runs of column groups: heading, heads, widths, rows
    workload: bool = False
    start_page: int = 1
    max_load: int = 1
    units: float = 0.0


def percent(weights: Sequence[float]) -> list[float]:
    """Column widths in %, rounded down to 0.01 so that they never sum to more than 100."""
    total = sum(weights)
    return [int(w / total * 10000) / 100 for w in weights]


def _main_parts(sheet: Sheet) -> list[Part]:
    widths = percent([WIDTHS.get(k, 8) for k in sheet.keys])
    centred = [k in ("num", "kind") for k in sheet.keys]
    parts = [Part(title=True, rows=[], widths=widths, centred=centred)]
    group = None
    for r in sheet.rows:
        heading = r.group if r.group and r.group != group else ""
        group = r.group or group
        cost = 2.0 if heading else 1.0
        if parts[-1].units + cost > PART_UNITS:
            parts.append(Part(rows=[], widths=widths, centred=centred))
        parts[-1].rows.append((heading, r.cells))  # type: ignore[union-attr]
        parts[-1].units += cost
    return parts


def _matrix_parts(sheet: Sheet) -> list[Part]:
    m = sheet.matrix
    if m is None:
        return []
    parts: list[Part] = []
    groups = m.groups()
    for k, cols in enumerate(groups, 1):
        heading = "责任矩阵" if len(groups) == 1 else \
            f"责任矩阵（{k}/{len(groups)}：{m.offices[cols[0]]}—{m.offices[cols[-1]]}）"
        office_w = min(6.0, 80.0 / max(1, len(cols)))
        spec = {"heading": heading, "heads": ["序号", "工作任务", *(m.offices[c] for c in cols)],
                "widths": percent([5, 95 - office_w * len(cols)] + [office_w] * len(cols))}
        rows = [[ref, title, *(marks[c] for c in cols)]
                for (ref, title), marks in zip(m.items, m.marks, strict=True)]
        rows += [["", label, *(str(counts[c]) for c in cols)] for label, counts in m.totals]
        per = max(1, int(PART_UNITS / max(1.0, (2 + len(cols)) / 20)))
        for lo in range(0, len(rows), per):
            chunk = {**spec, "heading": spec["heading"] + ("（续）" if lo else ""), "rows": rows[lo:lo + per]}
            parts.append(Part(matrices=[chunk], units=len(chunk["rows"]) * (2 + len(cols)) / 20))
    return parts


def plan_parts(sheet: Sheet) -> list[Part]:
    """The sheet's parts, packed so that each stays within PART_UNITS."""
    pieces = _main_parts(sheet) + _matrix_parts(sheet)
    if sheet.matrix is not None:
        pieces.append(Part(workload=True, units=len(sheet.workload) / 2,
                           max_load=max([sum(c) for _, c in sheet.workload] or [1]) or 1))
    packed: list[list[Part]] = []
    for p in pieces:
        if packed and sum(q.units for q in packed[-1]) + p.units <= PART_UNITS and p.rows is None:
            packed[-1].append(p)
        else:
            packed.append([p])
    return [_merge(group) for group in packed]


def _merge(group: list[Part]) -> Part:
    """Several pieces printed by one document, in order: a main run, matrix runs, the workload."""
    base = group[0]
    for p in group[1:]:
        base = replace(base, matrices=base.matrices + p.matrices, workload=base.workload or p.workload,
                       max_load=max(base.max_load, p.max_load), units=base.units + p.units)
    return base


@functools.lru_cache(maxsize=4)
def _template(path: str) -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(path.rsplit("/", 1)[0])), autoescape=True)
    return env.get_template(path.rsplit("/", 1)[1])


def render_sheet_pdfs(view: DocumentView, sheets: Sequence[Sheet], profile) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The sheets' PDFs: drawn directly (plangen.sheets.drawn, the look in templates/sheet.yaml),
    or laid out by WeasyPrint when the plan's folder has its own templates/sheet.html.j2."""
    from plangen.render.pdf import created_date

    profile.check()
    own = view.source.parent / "templates" / "sheet.html.j2"
    if own.is_file():
        return render_weasyprint(view, sheets, profile)
    from plangen.sheets.drawn import draw_sheet
    from plangen.sheets.look import load_look

    look, _ = load_look(view.source.parent)
    reads.record(*profile.files())
    created = created_date(view)
    return [draw_sheet(s, profile, look, author=view.author, created=created) for s in sheets]


def warm(profile) -> None:  # type: ignore[no-untyped-def]
    """Read the faces the default look draws with (and HarfBuzz) before workers fork."""
    from plangen.sheets.pdffonts import _harfbuzz, face_metrics

    _harfbuzz()
    for role in ("title", "body", "heading1", "page_number"):
        face = profile.face(role)
        if face.path is not None:
            face_metrics(face.path, face.index)


def render_weasyprint(view: DocumentView, sheets: Sequence[Sheet], profile) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The sheets laid out by WeasyPrint from the HTML template (a bureau's own sheet.html.j2)."""
    from weasyprint import HTML

    from plangen.render.pdf import _font_config, created_date

    path = resolve_template("sheet", ".html.j2", plan_dir=view.source.parent)
    reads.record(path, *profile.files())
    tpl = _template(str(path))
    record_template(tpl.environment, path.name)  # and what a bureau's template includes
    fonts = {role: profile.css_stack(role) for role in ("title", "body", "heading1", "page_number")}
    common = {"fonts": fonts, "font_css": font_css(profile), "created": created_date(view), "author": view.author}
    fc = _font_config()
    out = []
    for sheet in sheets:
        ident = sheet.spec.stem.encode("utf-8").hex()[:32].encode() or b"0"
        pdfs, page = [], 1
        for part in plan_parts(sheet):
            html = tpl.render(sheet=sheet, part=replace(part, start_page=page), **common)
            doc = HTML(string=html, base_url=str(path.parent)).render(font_config=fc)
            page += len(doc.pages)
            pdfs.append(doc.write_pdf(pdf_identifier=ident))
            del doc
        out.append(pdfs[0] if len(pdfs) == 1 else _join(pdfs, ident))
    return out


def _join(pdfs: list[bytes], ident: bytes) -> bytes:
    """One PDF from the parts' PDFs, in order, with the first part's metadata and outline."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter()
    first = PdfReader(io.BytesIO(pdfs[0]))
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    if first.metadata:
        writer.add_metadata({k: v for k, v in first.metadata.items()})
    writer._ID = ArrayObject([ByteStringObject(ident), ByteStringObject(ident)])  # deterministic, like the parts'
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
