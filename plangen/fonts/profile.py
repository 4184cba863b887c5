"""Loading a font profile and resolving each role to a font file.

PDF renderers include ``font_css(profile)`` and set ``font-family: profile.css_stack(role)``.
Choices (see docs/fonts.md):

- every role gets its own family (``plangen-title`` …) with one @font-face rule naming the file
  and an explicit weight, so a face's own weight field never decides which file is used
  (FandolSong-Bold and FandolHei-Bold declare weight 400 although they are bold);
- ``bold`` is the 700 face of ``plangen-body``: body text in ``font-weight: 700`` gets it.
  WeasyPrint never fakes bold, and Fandol has no bold FangSong, so the default maps bold to
  FandolSong-Bold (the DOCX keeps 仿宋_GB2312 + bold, which Word/LibreOffice embolden);
- a face inside a collection (.ttc/.otc) other than the first is referenced by its family name
  through fontconfig, not by @font-face: WeasyPrint's @font-face loads every face of a
  collection under one name and picks face 0 (measured: Noto Serif CJK **JP** instead of SC,
  and +0.27 s per document to scan the 26 MB file).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from plangen.errors import PlangenError, display_path
from plangen.fonts.files import collection_families, find_font_file, known_to_fontconfig
from plangen.fonts.spec import PROFILE_WORDS, ROLE_NAMES, FaceEntry, ProfileFile, RoleEntry
from plangen.loading import load_yaml
from plangen.validate import validate

ROLES = ("title", "body", "heading1", "heading2", "page_number")
EXTRA_ROLES = ("bold",)
# Weight each role's @font-face declares unless the profile says otherwise.
DEFAULT_WEIGHTS = {"title": 700, "bold": 700}

PROFILE_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
MAX_PROFILE_BYTES = 256 * 1024

_FONT_MAGIC = (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf", b"wOFF", b"wOF2")
_CSS_ESCAPE = re.compile(r'["\\\n\r\f]')


def css_string(text: str) -> str:
    return '"' + _CSS_ESCAPE.sub(lambda m: f"\\{ord(m.group()):x} ", text) + '"'


@dataclass(frozen=True)
class FontFace:
    role: str  # one of ROLES, "bold", or "fallback"
    docx_name: str  # the name a DOCX writes ("" for fallbacks)
    css_family: str  # family name to use in CSS font-family
    path: Path | None  # resolved font file; None when missing or unusable
    wanted: str  # the file as the profile wrote it
    index: int = 0  # face index inside a collection
    weight: int = 400  # CSS weight the @font-face rule declares
    system: bool = False  # referenced by its fontconfig family (no @font-face rule)
    problem: str = ""  # Chinese: why path is None or the face is unusable

    @property
    def label(self) -> str:
        return f"{ROLE_NAMES.get(self.role, self.role)}（{self.role}）"


@dataclass(frozen=True)
class FontProfile:
    name: str
    source: Path | None
    faces: dict[str, FontFace]
    fallback: tuple[FontFace, ...] = ()
    description: str = ""

    def face(self, role: str) -> FontFace:
        """The face for a role; "bold" falls back to the body face when not configured."""
        if role in self.faces:
            return self.faces[role]
        if role == "bold":
            return self.faces["body"]
        raise KeyError(f"unknown font role {role!r}; roles: {', '.join(ROLES + EXTRA_ROLES)}")

    def missing(self) -> list[str]:
        """Chinese messages, one per role (or fallback) whose font file is missing or unusable."""
        where = f"字体方案 {self.name}" + (f"（{self.source}）" if self.source else "")
        return [f"{where}：{f.label}：{f.problem}"
                for f in (*self.faces.values(), *self.fallback) if f.problem]

    def check(self) -> None:
        """Raise PlangenError when any font is missing (renderers call this before drawing)."""
        problems = self.missing()
        if problems:
            raise PlangenError(
                "\n".join(problems)
                + "\n请先运行 scripts/setup.sh build 安装字体，或修改字体方案中的文件路径（plangen doctor 可查看详情）"
            )

    def files(self) -> list[Path]:
        """Every resolved font file, each once, in profile order (for build hashing)."""
        seen: dict[Path, None] = {}
        for f in (*self.faces.values(), *self.fallback):
            if f.path is not None:
                seen.setdefault(f.path, None)
        return list(seen)

    def css_stack(self, role: str) -> str:
        """CSS font-family value for a role: its family, then the fallbacks."""
        families = [self.face(role).css_family] + [f.css_family for f in self.fallback]
        return ", ".join(css_string(f) for f in dict.fromkeys(families))


# --------------------------------------------------------------------------- loading


def _profile_path(name_or_path: str | os.PathLike[str] | None) -> Path:
    if name_or_path is None or str(name_or_path) in ("", "default"):
        return PROFILE_DIR / "default.yaml"
    text = str(name_or_path)
    p = Path(text).expanduser()
    is_bare = ("/" not in text and os.sep not in text
               and not text.lower().endswith((".yaml", ".yml")))
    if is_bare and not p.exists():
        packaged = PROFILE_DIR / f"{text}.yaml"
        if packaged.is_file():
            return packaged
        names = "、".join(sorted(q.stem for q in PROFILE_DIR.glob("*.yaml")))
        raise PlangenError(
            f"没有名为“{text}”的字体方案。内置方案：{names}；也可以给出字体方案文件（.yaml）的路径"
        )
    if not p.is_file():
        raise PlangenError(f"{text}: 找不到字体方案文件（检查文件名和路径，或用内置方案 default）")
    return p.absolute()


def load_profile(name_or_path: str | os.PathLike[str] | None = None) -> FontProfile:
    """Load a font profile: None/"default" → packaged default, a bare name → a packaged profile,
    anything else → a YAML file. Raises PlangenError (Chinese, with file:line:col) when the file
    is not a valid profile. Missing font files are not an error here: see FontProfile.missing()."""
    path = _profile_path(name_or_path)
    loaded = load_yaml(path, display_path(path), max_bytes=MAX_PROFILE_BYTES)
    spec = None
    if loaded.data is not None:
        spec = validate(ProfileFile, loaded, loaded.problems, PROFILE_WORDS)
    if spec is None or loaded.problems.errors:
        raise PlangenError("字体方案文件有误，请按上面的提示修改", loaded.problems.sorted())
    return _resolve(spec, path)


def _resolve(spec: ProfileFile, source: Path) -> FontProfile:
    base = source.parent
    faces: dict[str, FontFace] = {}
    for role in ROLES + EXTRA_ROLES:
        entry: RoleEntry | None = getattr(spec, role)
        if entry is None:
            continue
        css_family = "plangen-body" if role == "bold" else f"plangen-{role.replace('_', '-')}"
        weight = entry.weight or DEFAULT_WEIGHTS.get(role, 400)
        faces[role] = _face(FontFace(role, entry.docx, css_family, None, entry.pdf, weight=weight),
                            entry, base)
    fallback = []
    for i, fb in enumerate(spec.fallback):
        entry_fb = fb if isinstance(fb, FaceEntry) else FaceEntry(pdf=fb)
        face = FontFace("fallback", "", f"plangen-fallback-{i + 1}", None, entry_fb.pdf)
        fallback.append(_face(face, entry_fb, base))
    return FontProfile(name=source.stem, source=source, faces=faces, fallback=tuple(fallback),
                       description=spec.description or "")


def _face(face: FontFace, entry: FaceEntry, base: Path) -> FontFace:
    """`face` (path unset) with its file found and its face in a collection chosen, or with the
    reason it cannot be used."""
    path, problem = find_font_file(entry.pdf, base)
    if path is None:
        return replace(face, problem=problem)
    magic = _magic(path)
    if magic not in _FONT_MAGIC:
        return replace(face, problem=f"{path} 不是字体文件（应为 .otf、.ttf 或 .ttc）")
    if magic != b"ttcf":
        if entry.face is not None or entry.index:
            return replace(face, problem=f"{path} 不是集合字体（.ttc），不能指定 face 或 index")
        return replace(face, path=path)
    return _collection_face(face, entry, path)


def _collection_face(face: FontFace, entry: FaceEntry, path: Path) -> FontFace:
    try:
        families = collection_families(path)
    except (OSError, ValueError):
        return replace(face, problem=f"{path} 是损坏的集合字体文件")
    index = entry.index or 0
    if entry.face is not None:
        matches = [i for i, fams in enumerate(families) if entry.face in fams]
        if not matches:
            names = "、".join(f[0] for f in families if f)
            return replace(face, problem=f"{path} 中没有字体“{entry.face}”（其中有：{names}）")
        index = matches[0]
    if index >= len(families):
        return replace(face, problem=f"{path} 只有 {len(families)} 个字体，没有序号 {index}")
    if index == 0:
        return replace(face, path=path)
    # Referenced through fontconfig by family name (see the module docstring).
    if not families[index]:
        return replace(face, index=index, problem=f"{path} 第 {index} 个字体没有字体族名")
    face = replace(face, css_family=families[index][0], index=index, system=True)
    if not known_to_fontconfig(path):
        return replace(face, problem=f"集合字体 {path} 中非第一个字体须放在 fontconfig 的字体目录"
                       "（如 /usr/local/share/fonts）并运行 fc-cache")
    return replace(face, path=path)


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(4)
    except OSError:
        return b""
