"""Output formats, declared once.

Every file plangen writes is one `Format` of one `target` (what is rendered: the notice + plan
`document`, or a task breakdown `sheet`). A format says its name and extension, whether it needs
the font files (only formats that embed fonts do; DOCX and XLSX only name them), how long it is
expected to take, where its file goes and which function renders it. `--formats`, `render`,
`sheets`, the build's jobs, the manifest and index.html all read this table, so a new format is
one entry here plus the module that renders it (see docs/DEVELOPING.md, "Adding a format").

Renderers are named as "module:function" and imported only when used, so a no-op build or a
DOCX-only render never imports WeasyPrint. Their signatures, by target:

- document: `fn(view, *, template, profile, pdfa) -> bytes`
- sheet:    `fn(view, sheets, profile) -> list[bytes]` (one batch of sheets; a format that lays
            out several sheets in one pass, as the PDF does, gets them together)

This module is light on purpose (no pydantic, no renderer): the no-op build imports it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

Target = Literal["document", "sheet"]
TARGETS: tuple[Target, ...] = ("document", "sheet")
SHEETS_DIR = "sheets"


@dataclass(frozen=True)
class Format:
    name: str  # as written after --formats
    target: Target
    ext: str  # file extension, without the dot
    renderer: str  # "module:function", imported lazily
    needs_font_files: bool  # embeds the fonts (so the font files must exist)
    default: bool = True  # part of the default set when --formats is not given
    # Estimated seconds on the 2-core benchmark machine: fixed + per_unit × units, where units
    # are the plan's items for a document and the sheet's weight (plangen.sheets.sheet_weight)
    # for a sheet. Used to balance the build's jobs, longest first.
    cost_fixed: float = 0.0
    cost_per_unit: float = 0.0

    def cost(self, units: float) -> float:
        return self.cost_fixed + self.cost_per_unit * units

    def load(self) -> Callable[..., Any]:
        module, _, func = self.renderer.partition(":")
        return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


FORMATS: tuple[Format, ...] = (
    Format("docx", "document", "docx", "plangen.render.docx:render_docx", needs_font_files=False,
           cost_fixed=0.05, cost_per_unit=0.002),
    Format("pdf", "document", "pdf", "plangen.render.pdf:render_pdf", needs_font_files=True,
           cost_fixed=0.25, cost_per_unit=0.012),
    # Opt-in: read back from the PDF of the same render (plangen.render.pdf keeps the last one).
    Format("ofd", "document", "ofd", "plangen.ofd:render_ofd", needs_font_files=True,
           default=False, cost_fixed=0.3, cost_per_unit=0.003),
    # Sheet shares measured in process on the 250-item plan of benchmarks/bench_sheets.py: CPU per
    # row ≈ 1 : 1.2 : 1.6 since the sheet PDFs are drawn directly (1 : 1.2 : 16 through WeasyPrint).
    Format("xlsx", "sheet", "xlsx", "plangen.sheets.xlsx:render_xlsx_batch", needs_font_files=False,
           cost_per_unit=0.055),
    Format("docx", "sheet", "docx", "plangen.sheets.docx:render_docx_batch", needs_font_files=False,
           cost_per_unit=0.066),
    Format("pdf", "sheet", "pdf", "plangen.sheets.pdf:render_sheet_pdfs", needs_font_files=True,
           cost_per_unit=0.09),
)


class UnknownFormat(ValueError):
    """A format name not in the table (the CLI turns it into a usage error)."""


def formats_for(target: Target) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.target == target)


def get(target: Target, name: str) -> Format:
    for f in FORMATS:
        if f.target == target and f.name == name:
            return f
    raise UnknownFormat(name)


def names(targets: Iterable[Target] = TARGETS, *, defaults_only: bool = False) -> tuple[str, ...]:
    """Format names of these targets, in table order, each once."""
    wanted = set(targets)
    return tuple(dict.fromkeys(f.name for f in FORMATS
                               if f.target in wanted and (f.default or not defaults_only)))


def parse(value: str | None, targets: Iterable[Target] = TARGETS) -> tuple[str, ...]:
    """`--formats docx,pdf` → ("docx", "pdf"); None or "" → the default formats of `targets`.
    An unknown name raises UnknownFormat with the allowed names."""
    targets = tuple(targets)
    if not value:
        return names(targets, defaults_only=True)
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    allowed = names(targets)
    bad = [f for f in wanted if f not in allowed]
    if bad:
        raise UnknownFormat(f"不支持的格式 {'、'.join(bad)}，可选：{','.join(allowed)}")
    return wanted


def selected(target: Target, wanted: Iterable[str]) -> tuple[Format, ...]:
    """The formats of `target` among the names `wanted`, in table order."""
    chosen = set(wanted)
    return tuple(f for f in formats_for(target) if f.name in chosen)


# `plangen build --archive` adds this name to the build's formats: one job per plan writes the
# archive package (PDF/A + OFD + metadata + fixity list, plangen.archive) to output/<plan>/archive/.
ARCHIVE = "archive"
ARCHIVE_DIR = "archive"


def needs_font_files(wanted: Iterable[str]) -> bool:
    chosen = set(wanted)
    return ARCHIVE in chosen or any(f.needs_font_files for f in FORMATS if f.name in chosen)


# --------------------------------------------------------------------------- output paths


def rel_path(plan: str, fmt: Format, stem: str | None = None) -> PurePosixPath:
    """Where a file goes, relative to the plan's own folder output/<plan>/ (the manifest lists
    files this way): the document is <plan>.<ext>, a sheet sheets/<stem>.<ext>."""
    if fmt.target == "document":
        return PurePosixPath(f"{plan}.{fmt.ext}")
    if stem is None:
        raise ValueError("a sheet needs its stem")
    return PurePosixPath(SHEETS_DIR, f"{stem}.{fmt.ext}")


def dest_path(outdir: Path, plan: str, fmt: Format, stem: str | None = None) -> Path:
    """The one place that decides an output file's path: output/<plan>/<rel_path>."""
    return outdir / plan / rel_path(plan, fmt, stem)


def kind_of(rel: str) -> tuple[Target | None, str]:
    """The target and extension of a manifest entry (a path relative to output/<plan>/), for
    index.html: ("sheet", "xlsx") for sheets/…xlsx, ("document", "pdf") for <plan>.pdf."""
    p = PurePosixPath(rel)
    ext = p.suffix.lstrip(".").lower()
    if len(p.parts) == 2 and p.parts[0] == SHEETS_DIR:
        return "sheet", ext
    if len(p.parts) == 1:
        return "document", ext
    return None, ext
