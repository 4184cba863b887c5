"""plangen: a bureau's annual work plan (工作要点) as YAML → GB/T 9704 documents and task sheets."""

from plangen import deflate as _deflate

__version__ = "0.1.0"

_deflate.install()  # PDF streams at zlib level 6 (plangen/deflate.py)
