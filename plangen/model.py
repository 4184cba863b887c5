"""Validated data model of plan and roster files (no I/O).

The pydantic models here are the file format: `plangen schema` prints their JSON Schema,
`plangen check` reports their validation errors in Chinese with file:line:col (see check.py).
Keys are English, values Chinese, as in ../docs/plan-format.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Limits named in messages (check.py) and in the README.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PARAGRAPH_CHARS = 20_000
MAX_TITLE_CHARS = 500
MAX_NAME_CHARS = 100
MIN_YEAR, MAX_YEAR = 1949, 2200  # a plan's year (and `new --year`)

Title = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE_CHARS)]
Text = Annotated[str, StringConstraints(max_length=MAX_PARAGRAPH_CHARS * 10)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)]
# A due date: a real date, or the words real plans use (全年, 长期, 6月底前, 每学期).
Due = dt.date | Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class SubItem(_Strict):
    """（1） level under an item."""

    title: Title | None = Field(None, description="小项标题（可省略）")
    text: Text = Field("", description="小项正文")


class Milestone(_Strict):
    """节点目标: what an item should reach by a date (序时进度 runs through these)."""

    due: Due = Field(description="节点时间：日期，或“6月底前”等")
    target: Text = Field("", description="节点目标")
    percent: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="到该节点应完成的进度（%），省略时按时间均匀推算"
    )


class Item(_Strict):
    """One task: numbered 1. 2. … through the plan (or per section)."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")] | None = (
        Field(None, description="稳定编号（跨年度不变，供 new --from 与比对使用）")
    )
    title: Title = Field(description="工作任务（第一个句号前的那句话）")
    text: Text = Field("", description="具体内容")
    leaders: list[Name] = Field(default_factory=list, description="责任领导")
    offices: list[Name] = Field(
        default_factory=list, description="责任股室：第一个为牵头股室，其余为配合股室"
    )
    joint: bool = Field(
        False, description="共同负责：offices 中各单位同为责任单位，不分牵头和配合（“责任单位：X、Y”）"
    )
    due: Due | None = Field(None, description="完成时限：日期，或“全年”“长期”“6月底前”等")
    targets: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, description="量化目标"
    )
    subitems: list[SubItem] = Field(default_factory=list, description="（1）级小项")
    milestones: list[Milestone] = Field(default_factory=list, description="节点目标（按时间先后）")
    carried: bool = Field(False, description="上年度未完成、续办的任务（new --carry-unfinished 写入）")


class Subsection(_Strict):
    """（一） level."""

    title: Title
    text: Text = Field("", description="小节导语（可省略）")
    items: list[Item] = Field(default_factory=list)


class Section(_Strict):
    """一、 level. Either text only (e.g. 指导思想), or items, or subsections."""

    title: Title
    text: Text = Field("", description="本部分的文字（纯文字部分如“指导思想”只写此项）")
    items: list[Item] = Field(default_factory=list)
    subsections: list[Subsection] = Field(default_factory=list)


class PlanOptions(_Strict):
    item_title: Literal["inline", "block"] = Field(
        "inline", description="inline：标题与正文同段（吉首、云溪）；block：标题单独成行（六安）"
    )
    responsibility: Literal["inline", "sheets-only"] = Field(
        "inline", description="inline：正文后印“（责任领导：…，责任股室：…）”；sheets-only：只在分解表中出现"
    )
    numbering: Literal["continuous", "per-section"] = Field(
        "continuous", description="continuous：全文连续编号；per-section：每部分从 1 重新编号"
    )


class Plan(_Strict):
    title: Title = Field(description="工作要点标题，如“云溪区2024年教育体育工作要点”")
    year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
    issuers: list[Name] = Field(
        default_factory=list,
        description="发布机关（无通知单独发布时印在标题前一行，如六安）",
    )
    preamble: Text = Field("", description="导语")
    options: PlanOptions = Field(default_factory=PlanOptions)  # type: ignore[arg-type]
    sections: list[Section] = Field(min_length=1)


class Notice(_Strict):
    """The notice that issues the plan (印发通知), laid out to GB/T 9704-2012."""

    template: Name = Field("red-header", description="模板：red-header | upward | plain | 路径")
    issuers: list[Name] = Field(min_length=1, description="发文机关（联合行文时主办机关在前）")
    mark: Name | list[Name] | None = Field(
        None,
        description="发文机关标志；默认“<发文机关>文件”，联合行文时每行一个机关名，“文件”居右",
    )
    mark_suffix: Annotated[str, StringConstraints(max_length=10)] = Field(
        "文件", description="标志后缀，信函式可为空"
    )
    number: Name | None = Field(None, description="发文字号，如 岳云教体〔2024〕4号")
    signers: list[Name] = Field(default_factory=list, description="签发人（上行文）")
    copy_no: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = Field(
        None, description="份号（6位数字）"
    )
    secrecy: Name | None = Field(None, description="密级和保密期限，如 秘密★1年")
    urgency: Literal["特急", "加急", "特提", "平急"] | None = Field(None, description="紧急程度")
    title: Title = Field(description="通知标题")
    to: Text = Field("", description="主送机关")
    body: Text = Field(description="通知正文，空行分段")
    attachments: list[Title] = Field(default_factory=list, description="附件名称")
    signature: Name | list[Name] | None = Field(
        None, description="落款（发文机关署名）；联合行文可写多个，默认为发文机关"
    )
    sealed: bool = Field(
        True, description="是否加盖印章（GB/T 9704 7.3.5.1/7.3.5.2 两种落款版式）；给了印章图片即视为加盖"
    )
    date: dt.date | None = Field(None, description="成文日期（新年度底稿可暂不填写）")
    seal: Name | None = Field(None, description="印章图片路径（相对本文件）")
    note: Text = Field("", description="附注")
    cc: list[Name] = Field(default_factory=list, description="抄送机关")
    printed_by: Name | None = Field(None, description="印发机关")
    printed_on: dt.date | None = Field(None, description="印发日期")


class PlanFile(_Strict):
    """A plan file: `plans/<name>.yaml`."""

    roster: Name | None = Field(None, description="名册文件（相对本文件），如 yunxi.roster.yaml")
    notice: Notice | None = None
    plan: Plan


class Leader(_Strict):
    name: Name
    post: Name | None = Field(None, description="职务")
    aliases: list[Name] = Field(default_factory=list)


class Office(_Strict):
    name: Name
    aliases: list[Name] = Field(default_factory=list, description="同一股室的其他写法")


class ProgressSettings(_Strict):
    """How a bureau follows its plan through the year (督查督办)."""

    cycle: Literal["monthly", "quarterly"] = Field(
        "monthly", description="报送周期：monthly（按月，期次写 2024-06）或 quarterly（按季，2024-Q2）"
    )
    due_day: Annotated[int, Field(ge=1, le=31)] = Field(25, description="每期报送截止日（当月几日，按季为季末月）")
    yellow: Annotated[float, Field(ge=0, le=100)] = Field(10, description="落后序时进度达到多少个百分点亮黄灯")
    red: Annotated[float, Field(ge=0, le=100)] = Field(30, description="落后序时进度超过多少个百分点亮红灯")
    near_days: Annotated[int, Field(ge=0, le=366)] = Field(15, description="距完成时限多少天内算临近")


class Roster(_Strict):
    """A bureau's roster: `plans/<bureau>.roster.yaml`, shared by its plans across years."""

    bureau: Name = Field(description="单位名称")
    office_word: Literal["股室", "科室", "处室", "单位"] = Field(
        "股室", description="本单位对内设机构的称呼：县局“股室”，市局“科室”，省厅“处室”，或“单位”"
    )
    leaders: list[Leader | Name] = Field(default_factory=list)
    offices: list[Office | Name] = Field(default_factory=list)
    progress: ProgressSettings = Field(default_factory=ProgressSettings,  # type: ignore[arg-type]
                                       description="督查督办设置（报送周期、截止日、亮灯阈值）")
