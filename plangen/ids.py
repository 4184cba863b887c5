"""Stable item ids: an item's title → an id that stays the same across years.

Pure (no I/O, no randomness): the same title always gives the same id, so `plangen new --from`
run twice, or by two people, writes the same ids, and next year's `plangen diff` matches items by
id exactly. The id matches the plan format's pattern `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`:
`t-` + the first 10 hex digits of the SHA-1 of the normalised title (NFKC, no spaces, no final
punctuation). Two items with the same title get `-2`, `-3`… in plan order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def normalise_title(title: str) -> str:
    s = unicodedata.normalize("NFKC", title)
    s = re.sub(r"\s+", "", s)
    return s.rstrip("。.;；:：!！?？")


def stable_id(title: str, taken: set[str] | None = None) -> str:
    """The id for an item titled `title`; unique within `taken` (to which it is added)."""
    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:10]
    base = f"t-{digest}"
    ident, n = base, 2
    if taken is not None:
        while ident in taken:
            ident = f"{base}-{n}"
            n += 1
        taken.add(ident)
    return ident
