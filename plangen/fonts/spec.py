"""The font profile file format (pydantic; `plangen schema fonts` prints it), and how its
places are named in messages (plangen.validate)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from plangen.loading import PathT
from plangen.validate import Vocabulary

ROLE_NAMES = {
    "title": "标题",
    "body": "正文",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "page_number": "页码",
    "bold": "加粗",
    "fallback": "后备字体",
    "description": "说明",
}

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


_KEY_WORDS = {"docx": "DOCX 字体名", "pdf": "PDF 字体文件", "face": "字体族名", "index": "序号",
              "weight": "字重"}
_SHAPE_HINT = "角色写作 {docx: 字体名, pdf: 字体文件}；后备字体写作文件名，或 {pdf: 文件, face: 字体族名}"


def _label(path: PathT) -> str:
    if not path:
        return "字体方案"
    if path[0] == "fallback" and len(path) >= 2 and isinstance(path[1], int):
        head = f"后备字体第 {path[1] + 1} 项"
    else:
        head = ROLE_NAMES.get(str(path[0]), str(path[0]))
    rest = path[2:] if path[0] == "fallback" else path[1:]
    return head + (f"的{_KEY_WORDS.get(str(rest[0]), str(rest[0]))}" if rest else "")


def _union_words(path: PathT) -> str:
    if path and path[0] == "fallback" and len(path) == 2:
        return "应为字体文件名，或 {pdf: 文件, face: 字体族名}"
    return ""


PROFILE_WORDS = Vocabulary(
    label=_label,
    range_hints={"weight": "weight 应在 100 到 900 之间（常规 400，粗体 700）",
                 "index": "index 应在 0 到 255 之间"},
    union_words=_union_words,
    shape_hint=_SHAPE_HINT,
)
