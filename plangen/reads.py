"""What a render read: the renderers report every input file they open beyond the plan and
its roster (a seal image, a template, a font profile, the font files a PDF embeds) with
`record(path, …)`. The build renders inside `recording()` and hashes the files reported into
the plan's key, so replacing a seal or editing a template given by path rebuilds exactly the
plans that read it (docs/build.md, "增量").

Outside `recording()` the calls cost nothing. Light on purpose: no imports beyond the standard
library, so any renderer can call it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_active: list[set[str]] = []


def record(*paths: os.PathLike[str] | str | None) -> None:
    """Report input files this render reads (None is ignored, so `record(view.notice.seal)`
    needs no test around it)."""
    if not _active:
        return
    for p in paths:
        if p is not None:
            _active[-1].add(os.path.abspath(os.fspath(p)))


def active() -> bool:
    """Whether a `recording()` is collecting (a caller may skip work done only for it)."""
    return bool(_active)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the paths reported while the block runs (absolute, each once)."""
    seen: set[str] = set()
    _active.append(seen)
    try:
        yield seen
    finally:
        _active.pop()
