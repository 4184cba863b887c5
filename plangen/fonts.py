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

Font files are looked up, in order: as an absolute path (``~`` allowed); relative to the
profile's folder; in the folders of ``$PLANGEN_FONT_PATH`` (``:``-separated); in
/usr/local/share/fonts/plangen (where scripts/setup.sh puts Fandol); then recursively in
~/.local/share/fonts, ~/.fonts, /usr/local/share/fonts and /usr/share/fonts.

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

import functools
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from plangen.errors import PlangenError, Pos, Problem

ROLES = ("title", "body", "heading1", "heading2", "page_number")
EXTRA_ROLES = ("bold",)
ROLE_NAMES = {
    "title": "标题",
    "body": "正文",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "page_number": "页码",
    "bold": "加粗",
    "fallback": "后备字体",
}
# Weight each role's @font-face declares unless the profile says otherwise.
DEFAULT_WEIGHTS = {"title": 700, "bold": 700}

PROFILE_DIR = Path(__file__).parent / "data" / "fonts"
PLANGEN_FONT_DIR = Path("/usr/local/share/fonts/plangen")
MAX_PROFILE_BYTES = 256 * 1024

_FONT_MAGIC = (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf", b"wOFF", b"wOF2")

# --------------------------------------------------------------------------- file format

FontName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
FileName = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaceEntry(_Strict):
    # Docstrings of these models are the schema descriptions editors show: Chinese.
    """PDF 嵌入的字体文件；集合字体（.ttc/.otc）还可指定用其中哪一个字体。"""

    pdf: FileName = Field(description="PDF 嵌入的字体文件：文件名或路径（.otf/.ttf/.ttc/.otc）")
    face: FontName | None = Field(
        None, description="集合字体（.ttc）中要用的字体族名，如 Noto Serif CJK SC；默认第一个"
    )
    index: Annotated[int, Field(ge=0, le=255)] | None = Field(
        None, description="集合字体（.ttc）中的序号（从 0 起）；与 face 二选一"
    )

    @model_validator(mode="after")
    def _face_or_index(self) -> FaceEntry:
        if self.face is not None and self.index is not None:
            raise ValueError("face 和 index 只能写一个")
        return self


class RoleEntry(FaceEntry):
    """一个角色：DOCX 中写的字体名，和 PDF 嵌入的字体文件。"""

    docx: FontName = Field(description="DOCX 中写的字体名（如 仿宋_GB2312），Word/WPS 按名找字体")
    weight: Annotated[int, Field(ge=100, le=900)] | None = Field(
        None, description="PDF 中该字体按多粗使用（400 常规 / 700 粗体）；默认标题、加粗为 700，其余 400"
    )


class ProfileFile(_Strict):
    """plangen 字体方案：每个角色 → DOCX 中的字体名 + PDF 嵌入的字体文件。"""

    description: str | None = Field(None, description="说明（可省略）")
    title: RoleEntry = Field(description="标题（发文机关标志、文件标题）：小标宋")
    body: RoleEntry = Field(description="正文：仿宋")
    heading1: RoleEntry = Field(description="一级标题（一、）：黑体")
    heading2: RoleEntry = Field(description="二级标题（（一））：楷体")
    page_number: RoleEntry = Field(description="页码：宋体")
    bold: RoleEntry | None = Field(None, description="加粗的正文（如事项标题）；省略则用正文字体")
    fallback: list[FileName | FaceEntry] = Field(
        default_factory=list, description="后备字体：以上字体缺字时依次使用（如 Noto Serif CJK SC）"
    )


# --------------------------------------------------------------------------- resolved profile


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
        out = []
        for f in (*self.faces.values(), *self.fallback):
            if f.problem:
                out.append(f"{where}：{f.label}：{f.problem}")
        return out

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
        return ", ".join(_css_string(f) for f in dict.fromkeys(families))


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
    data, positions = _read_yaml(path)
    try:
        spec = ProfileFile.model_validate(data)
    except ValidationError as e:
        raise PlangenError("字体方案文件有误，请按上面的提示修改", _problems(e, path, positions, data)) from None
    return _resolve(spec, path)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_yaml(path: Path) -> tuple[Any, dict[tuple[Any, ...], Pos]]:
    from plangen.loading import load_yaml  # positions, duplicate keys, no aliases, encodings

    display = _display(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise PlangenError(f"{display}: 无法读取字体方案文件") from None
    if size > MAX_PROFILE_BYTES:
        raise PlangenError(f"{display}: 字体方案文件过大（{size} 字节），请检查是否选错了文件")
    loaded = load_yaml(path, display)
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors or loaded.data is None:
        raise PlangenError("字体方案文件有误，请按上面的提示修改", errors or list(loaded.problems))
    if not isinstance(loaded.data, dict):
        raise PlangenError(f"{display}:1:1: 字体方案应为“角色: {{docx: 字体名, pdf: 字体文件}}”形式的键值对")
    return loaded.data, loaded.positions


def _data_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-branch labels from an error location, keeping the path into data."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and (
            part in ProfileFile.model_fields or part in RoleEntry.model_fields
        ):
            out.append(part)  # a missing key
            node = None
    return tuple(out)


_TYPE_WORDS = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "list_type": "应为列表",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "greater_than_equal": "超出范围",
    "less_than_equal": "超出范围",
}
_SHAPE_HINT = "角色写作 {docx: 字体名, pdf: 字体文件}；后备字体写作文件名，或 {pdf: 文件, face: 字体族名}"


def _problems(e: ValidationError, path: Path, positions: dict[tuple[Any, ...], Pos],
              data: Any) -> list[Problem]:
    display = _display(path)
    by_loc: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for err in e.errors(include_url=False):
        by_loc.setdefault(_data_loc(tuple(err["loc"]), data), []).append(dict(err))

    def pos_of(loc: tuple[Any, ...]) -> Pos:
        q = loc
        while True:
            if q in positions:
                return positions[q]
            if not q:
                return Pos(display, 1, 1)
            q = q[:-1]

    def what(loc: tuple[Any, ...]) -> str:
        if not loc:
            return "字体方案"
        if loc[0] == "fallback" and len(loc) >= 2 and isinstance(loc[1], int):
            head = f"后备字体第 {loc[1] + 1} 项"
            return head + (f"的“{loc[2]}”" if len(loc) > 2 else "")
        head = f"“{ROLE_NAMES.get(str(loc[0]), str(loc[0]))}”（{loc[0]}）"
        return head + (f"的“{loc[1]}”" if len(loc) > 1 else "")

    out: list[Problem] = []
    for loc, errs in by_loc.items():
        types = {err["type"] for err in errs}
        for err in errs:
            if err["type"] == "extra_forbidden":
                key = str(loc[-1]) if loc else "?"
                model = ProfileFile if len(loc) == 1 else RoleEntry
                allowed = list(model.model_fields)
                out.append(Problem(positions.get(loc, pos_of(loc[:-1])), "E301",
                                   f"字体方案中有未知的键“{key}”", "可用的键：" + "、".join(allowed)))
        if "missing" in types:
            key = str(loc[-1]) if loc else "?"
            if len(loc) == 1:
                msg, hint = f"字体方案缺少{what(loc)}", f"请补上 {key}: {{docx: 字体名, pdf: 字体文件}}"
            else:
                msg, hint = f"{what(loc[:-1])}缺少“{key}”", f"请补上 {key}: …"
            out.append(Problem(pos_of(loc[:-1]), "E302", msg, hint))
            continue
        rest = [err for err in errs if err["type"] not in ("extra_forbidden", "missing")]
        if not rest:
            continue
        value_errors = [err for err in rest if err["type"] == "value_error"]
        if value_errors:
            reason = str((value_errors[0].get("ctx") or {}).get("error", value_errors[0]["msg"]))
            out.append(Problem(pos_of(loc), "E303", f"{what(loc)}无效：{reason}", _SHAPE_HINT))
            continue
        if len(rest) == 1 and rest[0]["type"] in _TYPE_WORDS:
            err = rest[0]
            word = _TYPE_WORDS[err["type"]]
            ctx = err.get("ctx") or {}
            if loc and loc[-1] == "weight" and word == "超出范围":
                word = "应在 100 到 900 之间（常规 400，粗体 700）"
            elif loc and loc[-1] == "index" and word == "超出范围":
                word = "应在 0 到 255 之间"
            elif word == "超出范围":
                word += f"（{ctx}）"
            out.append(Problem(pos_of(loc), "E303", f"{what(loc)}{word}", _SHAPE_HINT))
            continue
        out.append(Problem(pos_of(loc), "E303", f"{what(loc)}写法不对", _SHAPE_HINT))
    return sorted(out, key=lambda p: (p.pos.line, p.pos.col, p.code))


def _resolve(spec: ProfileFile, source: Path) -> FontProfile:
    base = source.parent
    faces: dict[str, FontFace] = {}
    for role in ROLES + EXTRA_ROLES:
        entry: RoleEntry | None = getattr(spec, role)
        if entry is None:
            continue
        css_family = "plangen-body" if role == "bold" else f"plangen-{role.replace('_', '-')}"
        weight = entry.weight or DEFAULT_WEIGHTS.get(role, 400)
        faces[role] = _face(role, entry, base, css_family, entry.docx, weight)
    fallback = []
    for i, fb in enumerate(spec.fallback):
        entry_fb = fb if isinstance(fb, FaceEntry) else FaceEntry(pdf=fb)
        fallback.append(_face("fallback", entry_fb, base, f"plangen-fallback-{i + 1}", "", 400))
    return FontProfile(name=source.stem, source=source, faces=faces, fallback=tuple(fallback),
                       description=spec.description or "")


def _face(role: str, entry: FaceEntry, base: Path, css_family: str, docx: str,
          weight: int) -> FontFace:
    wanted = entry.pdf
    path, problem = find_font_file(wanted, base)
    index = entry.index or 0
    system = False
    if path is not None:
        magic = _magic(path)
        if magic not in _FONT_MAGIC:
            return FontFace(role, docx, css_family, None, wanted, weight=weight,
                            problem=f"{path} 不是字体文件（应为 .otf、.ttf 或 .ttc）")
        if magic == b"ttcf":
            try:
                families = collection_families(path)
            except (OSError, ValueError, struct.error):
                return FontFace(role, docx, css_family, None, wanted, weight=weight,
                                problem=f"{path} 是损坏的集合字体文件")
            if entry.face is not None:
                matches = [i for i, fams in enumerate(families) if entry.face in fams]
                if not matches:
                    names = "、".join(f[0] for f in families if f)
                    return FontFace(role, docx, css_family, None, wanted, weight=weight,
                                    problem=f"{path} 中没有字体“{entry.face}”（其中有：{names}）")
                index = matches[0]
            if index >= len(families):
                return FontFace(role, docx, css_family, None, wanted, weight=weight,
                                problem=f"{path} 只有 {len(families)} 个字体，没有序号 {index}")
            if index > 0:
                # Referenced through fontconfig by family name (see the module docstring).
                if not families[index]:
                    return FontFace(role, docx, css_family, None, wanted, index, weight,
                                    problem=f"{path} 第 {index} 个字体没有字体族名")
                css_family = families[index][0]
                system = True
                if not _in_fontconfig_dirs(path):
                    return FontFace(role, docx, css_family, None, wanted, index, weight, True,
                                    problem=f"集合字体 {path} 中非第一个字体须放在系统字体目录"
                                    "（如 /usr/local/share/fonts）并运行 fc-cache")
        elif entry.face is not None or index:
            return FontFace(role, docx, css_family, None, wanted, weight=weight,
                            problem=f"{path} 不是集合字体（.ttc），不能指定 face 或 index")
    return FontFace(role, docx, css_family, path, wanted, index, weight, system, problem)


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(4)
    except OSError:
        return b""


# --------------------------------------------------------------------------- finding files


def search_dirs(base: Path | None = None) -> list[tuple[Path, bool]]:
    """(folder, recursive) in lookup order."""
    dirs: list[tuple[Path, bool]] = []
    if base is not None:
        dirs.append((base, False))
    for d in os.environ.get("PLANGEN_FONT_PATH", "").split(os.pathsep):
        if d:
            dirs.append((Path(d).expanduser(), True))
    home = Path.home()
    dirs += [
        (PLANGEN_FONT_DIR, False),
        (home / ".local/share/fonts", True),
        (home / ".fonts", True),
        (Path("/usr/local/share/fonts"), True),
        (Path("/usr/share/fonts"), True),
    ]
    return dirs


def find_font_file(wanted: str, base: Path | None = None) -> tuple[Path | None, str]:
    """Resolve a font file name; (path, "") or (None, Chinese reason)."""
    p = Path(wanted).expanduser()
    if p.is_absolute():
        if p.is_file():
            return p, ""
        return None, f"找不到字体文件 {wanted}"
    if base is not None and (base / p).is_file():
        return (base / p).absolute(), ""
    if len(p.parts) == 1:
        searched = []
        for d, recursive in search_dirs(None):
            searched.append(str(d))
            if recursive:
                hit = _index(str(d)).get(wanted) or _index_lower(str(d)).get(wanted.lower())
                if hit is not None:
                    return hit, ""
            elif (d / wanted).is_file():
                return d / wanted, ""
        where = ([str(base)] if base is not None else []) + searched
        return None, f"找不到字体文件 {wanted}（已查找：{'、'.join(where)}）"
    return None, f"找不到字体文件 {wanted}（相对于 {base}）"


@functools.lru_cache(maxsize=None)
def _index(folder: str) -> dict[str, Path]:
    """File name → first path (in sorted walk order) under `folder`."""
    out: dict[str, Path] = {}
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            out.setdefault(name, Path(root) / name)
    return out


@functools.lru_cache(maxsize=None)
def _index_lower(folder: str) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name, path in _index(folder).items():
        out.setdefault(name.lower(), path)
    return out


def _in_fontconfig_dirs(path: Path) -> bool:
    home = Path.home()
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             home / ".local/share/fonts", home / ".fonts"]
    rp = path.resolve()
    return any(rp.is_relative_to(r.resolve()) for r in roots if r.exists())


@functools.lru_cache(maxsize=64)
def _collection_families_cached(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, ...], ...]:
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] != b"ttcf":
            raise ValueError("not a collection")
        (count,) = struct.unpack(">I", head[8:12])
        if count > 256:
            raise ValueError("too many faces")
        offsets = struct.unpack(f">{count}I", f.read(4 * count))
        return tuple(_sfnt_families(f, off) for off in offsets)


def collection_families(path: Path) -> list[tuple[str, ...]]:
    """For each face of a .ttc/.otc, its family names (typographic family first)."""
    st = path.stat()
    return list(_collection_families_cached(str(path), st.st_mtime_ns, st.st_size))


def _sfnt_families(f: Any, offset: int) -> tuple[str, ...]:
    """Family names (name IDs 16 then 1) of the sfnt at `offset`, read with struct only
    (fontTools would cost ~30 ms to import just for this)."""
    f.seek(offset)
    _version, num_tables = struct.unpack(">IH", f.read(6))
    f.seek(offset + 12)
    name_off = name_len = None
    for _ in range(min(num_tables, 200)):
        tag, _sum, toff, tlen = struct.unpack(">4sIII", f.read(16))
        if tag == b"name":
            name_off, name_len = toff, tlen
            break
    if name_off is None or not name_len or name_len > 4_000_000:
        return ()
    f.seek(name_off)
    data = f.read(name_len)
    _fmt, count, string_off = struct.unpack(">HHH", data[:6])
    found: dict[int, list[str]] = {16: [], 1: []}
    for i in range(count):
        rec = data[6 + 12 * i: 18 + 12 * i]
        if len(rec) < 12:
            break
        platform, encoding, _lang, name_id, length, soff = struct.unpack(">HHHHHH", rec)
        if name_id not in found:
            continue
        raw = data[string_off + soff: string_off + soff + length]
        if platform == 3 or platform == 0:
            text = raw.decode("utf-16-be", errors="replace")
        elif platform == 1 and encoding == 0:
            text = raw.decode("mac_roman", errors="replace")
        else:
            continue
        if text and text not in found[name_id]:
            found[name_id].append(text)
    return tuple(dict.fromkeys(found[16] + found[1]))


# --------------------------------------------------------------------------- CSS

_CSS_ESCAPE = re.compile(r'["\\\n\r\f]')


def _css_string(text: str) -> str:
    return '"' + _CSS_ESCAPE.sub(lambda m: f"\\{ord(m.group()):x} ", text) + '"'


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
                f"@font-face {{ font-family: {_css_string(face.css_family)}; "
                f"src: url({_css_string(face.path.as_uri())}); "
                f"font-weight: {face.weight}; font-style: normal; }}"
            )
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return text.replace("*/", "* /")
