"""Font profile: which font each 公文 role uses in the DOCX (a name) and in the PDF (a file).

A profile is a small YAML file (plangen/data/fonts/default.yaml is the packaged default):

    title:       {docx: 方正小标宋简体, pdf: FandolSong-Bold.otf}
    body:        {docx: 仿宋_GB2312,   pdf: FandolFang-Regular.otf}
    heading1:    {docx: 黑体,          pdf: FandolHei-Regular.otf}
    heading2:    {docx: 楷体_GB2312,   pdf: FandolKai-Regular.otf}
    page_number: {docx: 宋体,          pdf: FandolSong-Regular.otf}
    bold:        {docx: 仿宋_GB2312,   pdf: FandolSong-Bold.otf}      # optional
    fallback:
      - {pdf: NotoSerifCJK-Regular.ttc, face: Noto Serif CJK SC}

Modules: `spec` (the file format, pydantic), `profile` (loading and resolving a profile),
`files` (finding font files: the profile's folder, $PLANGEN_FONT_PATH, fontconfig's own list;
face names read with fontTools), `css` (@font-face rules for the PDF). See docs/fonts.md.
"""

from plangen.fonts.css import font_css
from plangen.fonts.files import PLANGEN_FONT_DIR, collection_families, find_font_file
from plangen.fonts.profile import (
    DEFAULT_WEIGHTS,
    EXTRA_ROLES,
    PROFILE_DIR,
    ROLE_NAMES,
    ROLES,
    FontFace,
    FontProfile,
    load_profile,
)
from plangen.fonts.spec import FaceEntry, ProfileFile, RoleEntry

__all__ = [
    "DEFAULT_WEIGHTS", "EXTRA_ROLES", "PLANGEN_FONT_DIR", "PROFILE_DIR", "ROLES", "ROLE_NAMES",
    "FaceEntry", "FontFace", "FontProfile", "ProfileFile", "RoleEntry", "collection_families",
    "find_font_file", "font_css", "load_profile",
]
