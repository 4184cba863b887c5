"""@font-face rules for the PDF renderers."""

from __future__ import annotations

import re

from plangen.fonts.profile import FontProfile, css_string


def font_css(profile: FontProfile) -> str:
    """@font-face rules for every role and fallback whose file was found.

    Each role gets its own family with the file named explicitly and the weight declared
    explicitly (FandolSong-Bold says 400 in its own tables; here it is 700 in `plangen-title`).
    `bold` is added as the 700 face of `plangen-body`. Collection faces other than the first
    are used by their fontconfig family (no rule; a comment names the file). Faces whose file is
    missing get a comment only: call `profile.check()` first to refuse them.
    """
    where = profile.source.as_posix() if profile.source else "-"
    lines = [f"/* plangen font profile {profile.name}: {_comment(where)} */"]
    for face in (*profile.faces.values(), *profile.fallback):
        if face.path is None:
            lines.append(f"/* {face.role}: missing {_comment(face.wanted)} */")
        elif face.system:
            lines.append(f"/* {face.role}: {_comment(face.css_family)} = "
                         f"{_comment(face.path.as_posix())} face {face.index}, through fontconfig */")
        else:
            lines.append(
                f"@font-face {{ font-family: {css_string(face.css_family)}; "
                f"src: url({css_string(face.path.as_uri())}); "
                f"font-weight: {face.weight}; font-style: normal; }}"
            )
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return re.sub(r"\*/", "* /", text)
