"""The notice + plan as PDF: Jinja2 HTML (templates/NAME.html.j2) laid out by WeasyPrint.

Reads only the DocumentView. Fonts come from the font profile (`font_css` + per-role stacks).
The body is laid out once, without the 版记, and the 版记 is joined to it: at the bottom of the
last page when that page is even, else at the bottom of the next (even, unnumbered) page
(plangen.render.imprint). Output is deterministic: fixed metadata dates (plan date or
SOURCE_DATE_EPOCH), an identifier derived from the content.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import traceback
from pathlib import Path
from typing import Any

import jinja2

from plangen import reads
from plangen.epoch import source_date
from plangen.errors import PlangenError, display_path
from plangen.fonts import FontProfile, font_css
from plangen.render import imprint
from plangen.render.justify import Justifier, space_cancel_css, spaced
from plangen.render.seal import load_seal
from plangen.templates import PACKAGE_TEMPLATES, REPO_TEMPLATES, record_template, resolve_template
from plangen.view import DocumentView, mark_font_size


def created_date(view: DocumentView) -> str:
    """A fixed creation date: SOURCE_DATE_EPOCH when set, else the notice date, else 1 Jan of
    the plan year — never the wall clock, so two renders give the same bytes."""
    epoch = source_date()
    if epoch is not None:
        return epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
    d = (view.notice.date_value if view.notice else None) or dt.date(view.plan.year, 1, 1)
    return f"{d.isoformat()}T00:00:00Z"


def mark_size(view: DocumentView) -> float:
    n = view.notice
    return mark_font_size(n.mark_lines, n.mark_suffix) if n else 0.0


@functools.lru_cache(maxsize=8)
def _env(template_dir: str) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([template_dir, str(REPO_TEMPLATES), str(PACKAGE_TEMPLATES)])
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=False,
                             undefined=jinja2.StrictUndefined)
    env.filters["spaced"] = spaced
    return env


@functools.lru_cache(maxsize=1)
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_html(view: DocumentView, *, template: str | None, profile: FontProfile,
                imprint_new_page: bool = False, imprint_part: str = "footnote",
                justifier: Justifier | None = None) -> tuple[str, Path]:
    path = resolve_template(template or view.template, ".html.j2", plan_dir=view.source.parent)
    env = _env(str(path.parent))
    fonts = {role: profile.css_stack(role) for role in
             ("title", "body", "heading1", "heading2", "page_number")}
    seal = load_seal(view.notice.seal if view.notice else None)
    reads.record(path)
    html = _render_template(env, path,
        view=view,
        fonts=fonts,
        font_css=font_css(profile),
        created=created_date(view),
        mark_size=mark_size(view),
        seal_uri=seal.data_uri if seal else "",
        imprint_new_page=imprint_new_page,
        imprint_part=imprint_part,
        justified=justifier or Justifier(profile),
        layout=view.layout_for(template),
        word_spacing=space_cancel_css(profile),
    )
    return html, path


def _template_line(e: BaseException) -> tuple[str, int] | None:
    """The innermost template file and line in `e`'s traceback (Jinja2 rewrites its frames)."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(".j2")]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else None


def _render_template(env: jinja2.Environment, path: Path, **context: Any) -> str:
    """Render `path`; a broken bureau template is the user's mistake: a Chinese message naming
    the file and line, not an internal error."""
    try:
        record_template(env, path.name)
        return env.get_template(path.name).render(**context)
    except jinja2.TemplateSyntaxError as e:
        where = f"{display_path(Path(e.filename))}:{e.lineno}" if e.filename else f"{display_path(path)}:{e.lineno}"
        raise PlangenError(f"{where}: 模板语法错误：{e.message}。请按 Jinja2 语法改正这个模板（见 docs/templates.md）。") from None
    except jinja2.TemplateNotFound as e:
        raise PlangenError(f"{display_path(path)}: 模板引用的文件 {e.name} 找不到。请把它放在模板旁边，"
                           "或改正 include/extends 里的名字。") from None
    except jinja2.UndefinedError as e:
        found = _template_line(e)
        where = f"{display_path(Path(found[0]))}:{found[1]}" if found else display_path(path)
        raise PlangenError(f"{where}: 模板用了不存在的名字或属性（{e.message}）。可用的数据是 view"
                           "（plangen.view.DocumentView）和 layout，见 docs/templates.md；请改正模板。") from None


def _identifier(html: str, view: DocumentView, profile: FontProfile, pdfa: bool) -> bytes:
    """The PDF /ID: a hash of the HTML with every file path in it (fonts, font profile)
    replaced by what does not depend on where the files live — the same inputs in another
    folder give the same bytes."""
    names: dict[str, str] = {}
    for f in profile.files():
        names[f.as_uri()] = names[f.as_posix()] = f"font:{f.name}"
    if profile.source is not None:
        names[profile.source.as_posix()] = f"profile:{profile.name}"
    text = html  # (the seal is in it as a data: URI)
    for path in sorted(names, key=len, reverse=True):  # a file URI before the path inside it
        text = text.replace(path, names[path])
    return hashlib.md5(text.encode("utf-8") + (b"a2b" if pdfa else b"")).hexdigest().encode()


# The last PDF written, by (HTML, base folder, seal file state, pdfa): `render --formats pdf,ofd`
# and the archive lay the document out once (the OFD is read from this PDF, see docs/ofd.md).
_LAST: dict[tuple[str, str, tuple[int, int], bool], bytes] = {}


def _memo_key(view: DocumentView, template: str | None, profile: FontProfile,
              pdfa: bool) -> tuple[str, str, tuple[int, int], bool]:
    html, path = render_html(view, template=template, profile=profile)
    seal = view.notice.seal if view.notice else None
    try:
        st = seal.stat() if seal else None
        state = (st.st_mtime_ns, st.st_size) if st else (0, 0)
    except OSError:
        state = (-1, -1)
    return html, str(path.parent), state, pdfa


def render_pdf(view: DocumentView, *, template: str | None = None, profile: FontProfile,
               pdfa: bool = False) -> bytes:
    profile.check()
    reads.record(*profile.files())
    key = _memo_key(view, template, profile, pdfa)
    if key not in _LAST:
        _LAST.clear()
        doc = _lay_out(view, template, profile)
        _LAST[key] = _write(doc, _identifier(key[0], view, profile, pdfa), pdfa)
        _TEXTS[:] = [_LAST[key], _layout_texts(doc)]
    return _LAST[key]


# The last PDF written and each of its pages' text, white space removed, from the layout.
_TEXTS: list[Any] = [b"", None]


def page_texts(pdf: bytes) -> list[str] | None:
    """Each page's text (no white space) when `pdf` is the PDF `render_pdf` returned last —
    from its layout, without reading the PDF again; None for any other PDF."""
    return _TEXTS[1] if pdf is _TEXTS[0] else None


def _layout_texts(doc: Any) -> list[str] | None:
    from weasyprint.formatting_structure.boxes import TextBox

    try:
        return ["".join("".join(b.text.split()) for b in page._page_box.descendants()
                        if isinstance(b, TextBox)) for page in doc.pages]
    except AttributeError:  # another WeasyPrint: the caller reads the PDF instead
        return None


# The last page with the 版记 alone, by its HTML (and folder): unchanged by most saves.
_ALONE: list[Any] = [None, None]


def _lay_out(view: DocumentView, template: str | None, profile: FontProfile) -> Any:
    """The laid-out document: the body laid out once, the 版记 joined to it (plangen.render.imprint)."""
    from weasyprint import HTML

    fc = _font_config()

    def layout(part: str, new_page: bool = False) -> Any:
        for everywhere in (False, True):
            justifier = Justifier(profile, everywhere=everywhere)
            html, path = render_html(view, template=template, profile=profile, imprint_new_page=new_page,
                                     imprint_part=part, justifier=justifier)
            if part == "only" and _ALONE[0] == (html, str(path.parent)):
                return _ALONE[1]
            doc = HTML(string=html, base_url=str(path.parent)).render(font_config=fc)
            if part == "only":
                _ALONE[:] = [(html, str(path.parent)), doc]
            if everywhere or not justifier.used or not _short_lines(doc):
                return doc
        raise AssertionError("unreachable")

    if view.notice is None or view.layout_for(template).imprint != "last-even-page":
        return layout("footnote")  # no 版记: the document as it is
    joined = imprint.join(layout("body"), layout("only"))
    if joined is not None:
        return joined
    # a bureau's copy of an older template (no `imprint_part`): the 版记 as the last page's
    # footnote, laid out again breaking to the next even page when that page is odd
    doc = layout("footnote")
    page = imprint.imprint_page(doc)
    return doc if page is None or page % 2 == 0 else layout("footnote", new_page=True)


def _short_lines(doc: Any, tolerance: float = 1.0) -> int:
    """Lines of justified paragraphs, other than a paragraph's last on its page, that end more
    than `tolerance` pt short of the right edge: a `Justifier` prediction that was wrong."""
    from weasyprint.formatting_structure.boxes import BlockContainerBox, LineBox, TextBox

    short = 0
    try:
        for page in doc.pages:
            for box in page._page_box.descendants():
                if (not isinstance(box, BlockContainerBox) or box.element_tag != "p"  # body paragraphs
                        or box.style["text_align_all"] != "justify"):
                    continue
                lines = [c for c in box.children if isinstance(c, LineBox)]
                right = box.content_box_x() + box.width
                for line in lines[:-1]:
                    ends = [t.position_x + t.width for t in line.descendants() if isinstance(t, TextBox)]
                    short += bool(ends) and right - max(ends) > tolerance
    except (AttributeError, KeyError):  # another WeasyPrint: trust `spaced` everywhere instead
        return 1
    return short


def _write(doc: Any, ident: bytes, pdfa: bool) -> bytes:
    options: dict[str, Any] = {"pdf_identifier": ident, "uncompressed_pdf": False}
    if not pdfa:
        return doc.write_pdf(**options)  # type: ignore[no-any-return]
    from plangen.pdfa import fix_pdfa  # what WeasyPrint's variant leaves out (docs/archive.md)

    options["pdf_variant"] = "pdf/a-2b"
    return fix_pdfa(doc.write_pdf(**options))
