"""The seal image (notice.seal), read once and checked for both renderers.

A file that is missing, unreadable or not an image is the user's mistake: a Chinese message
naming the file (exit 1), never an internal error from python-docx or WeasyPrint. The PDF embeds
it as a data: URI, so neither the PDF's bytes nor its image names depend on where the file lives.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from plangen import reads
from plangen.errors import PlangenError, display_path

# formats both python-docx and WeasyPrint (Pillow) read
_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "BMP": "image/bmp", "TIFF": "image/tiff"}


@dataclass(frozen=True)
class Seal:
    data: bytes
    mime: str

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64," + base64.b64encode(self.data).decode("ascii")


def load_seal(path: Path | None) -> Seal | None:
    """The seal at `path` (None for none), or a PlangenError saying what is wrong with it."""
    if path is None:
        return None
    reads.record(path)
    where = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PlangenError(f"{where}：读不到印章图片（{e.strerror or e}）。请检查 notice.seal 写的路径（相对计划文件）。") from None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format or ""
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        fmt = ""
    if fmt not in _MIME:
        raise PlangenError(f"{where}：印章不是可用的图片文件（支持 PNG、JPEG、GIF、BMP、TIFF，建议透明底 PNG）。"
                           "请换成图片，或删去 notice.seal。")
    return Seal(data, _MIME[fmt])
