"""The ledger (台账) `plans/<plan>.progress.yaml`: every return, one entry per item, office and
period, beside the plan. Human-readable and diff-friendly: block YAML, entries in a fixed order
(period, then plan order, then office), multi-line text as literal blocks. Written by
`plangen progress collect` with ruamel.yaml, so comments and the hand-written `report:` header
survive; earlier periods are never dropped.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from plangen.errors import PlangenError, Problems, display_path

LEDGER_SUFFIX = ".progress.yaml"
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PeriodKey = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")]
HEADER = ("# plangen 督查台账：由 plangen progress collect 写入，一条记录为一项工作任务、一个股室、一期的报送。\n"
          "# 可以阅读和比对；entries 和 returns 请勿手工改动（重新收录报送表即可）。\n"
          "# report: 下可以手工填写督查通报的版头（发文机关、发文字号、标题等）。\n")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportHeader(_Strict):
    """督查通报的版头（可省略；命令行参数优先）。"""

    issuer: Name | None = Field(None, description="发文机关，默认名册中的单位名称")
    mark: Name | None = Field(None, description="发文机关标志，默认“<发文机关>督查通报”")
    number: Name | None = Field(None, description="发文字号（期号），如 云教体督〔2024〕6号")
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="标题，默认“关于<计划>推进情况的督查通报（<期次>）”")
    to: str = Field("", description="主送机关")
    signature: Name | None = Field(None, description="落款")
    date: dt.date | None = Field(None, description="成文日期，默认为报送截止日")
    cc: list[Name] = Field(default_factory=list, description="抄送")


class Return(_Strict):
    period: PeriodKey
    office: Name
    file: str = Field(description="收录的文件名")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    received: dt.date | None = Field(None, description="收到日期（plangen progress collect --received，默认收录当天）；"
                                     "晚于报送截止日为逾期报送。以前的台账没有这一项，按按时报送计")
    led: list[Name] | None = Field(None, description="这份表格列为本股室牵头的任务编号（以前的台账没有这一项）")


class Entry(_Strict):
    period: PeriodKey
    item: Name
    office: Name
    role: Literal["牵头", "配合"]
    percent: Annotated[float, Field(ge=0, le=100)] | None = None
    status: Literal["未开始", "推进中", "已完成"] | None = None
    progress: str = ""  # 本期进展情况
    problems: str = ""  # 存在问题
    next: str = ""  # 下步打算


class Ledger(_Strict):
    """plans/<plan>.progress.yaml"""

    plan: Name = Field(description="计划文件名（不含 .yaml）")
    report: ReportHeader = Field(default_factory=ReportHeader)  # type: ignore[arg-type]
    returns: list[Return] = Field(default_factory=list)
    entries: list[Entry] = Field(default_factory=list)

    def periods(self) -> list[str]:
        """Periods with returns, newest first."""
        return sorted({e.period for e in self.entries} | {r.period for r in self.returns},
                      key=_period_order, reverse=True)

    def for_period(self, period: str) -> list[Entry]:
        return [e for e in self.entries if e.period == period]


def _period_order(key: str) -> tuple[int, int]:
    year, _, rest = key.partition("-")
    month = 3 * int(rest[1:]) if rest.startswith("Q") else int(rest)
    return (int(year), month)


def ledger_path(plan: Path) -> Path:
    return plan.with_name(plan.name.removesuffix(".yaml").removesuffix(".yml") + LEDGER_SUFFIX)


def is_ledger_path(path: Path) -> bool:
    return path.name.endswith(LEDGER_SUFFIX)


def validate_ledger(loaded: Any, problems: Problems) -> Ledger | None:
    """Validate loaded ledger data (plangen.loading.Loaded): every problem at once, in Chinese,
    with file:line:col. Used by `plangen check` and by every command that reads a ledger."""
    from plangen.validate import validate

    ledger: Ledger | None = validate(Ledger, loaded, problems)
    if ledger is not None:
        seen: dict[tuple[str, str, str], int] = {}
        for i, e in enumerate(ledger.entries):
            key = (e.period, e.item, e.office)
            if key in seen:
                problems.add(loaded.pos(("entries", i)), "E501",
                             f"{e.period} 期 {e.office} 对“{e.item}”的记录重复（与第 {seen[key] + 1} 条相同）",
                             "同一期、同一股室、同一项只能有一条记录；请删除重复的一条，或重新收录报送表")
            seen.setdefault(key, i)
    return ledger


def check_ledger(path: Path) -> tuple[Ledger | None, Problems]:
    from plangen.loading import load_yaml

    loaded = load_yaml(path)
    if loaded.data is None:
        return None, loaded.problems
    return validate_ledger(loaded, loaded.problems), loaded.problems


def load_ledger(path: Path, plan_name: str) -> Ledger:
    """The ledger at `path` (an empty one when the file does not exist yet)."""
    if not path.exists():
        return Ledger(plan=plan_name)
    ledger, problems = check_ledger(path)
    if problems.errors or ledger is None:
        raise PlangenError(f"台账 {display_path(path)} 有错误，请先修正（plangen check {display_path(path)}）。",
                           problems.sorted())
    if ledger.plan != plan_name:
        raise PlangenError(f"台账 {display_path(path)} 属于计划“{ledger.plan}”，不是“{plan_name}”。")
    return ledger


def _yaml() -> Any:
    from plangen.loading import round_trip_yaml

    return round_trip_yaml()


def _plain(entry: BaseModel) -> dict[str, Any]:
    from ruamel.yaml.scalarstring import LiteralScalarString

    out: dict[str, Any] = {}
    for k, v in entry.model_dump(exclude_defaults=False).items():
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, str) and "\n" in v:
            v = LiteralScalarString(v)
        if k in ("progress", "problems", "next") and v == "":
            continue
        if k in ("received", "led") and v is None:
            continue
        if isinstance(v, list) and k == "led":
            from ruamel.yaml.comments import CommentedSeq

            v = CommentedSeq(v)
            v.fa.set_flow_style()
        out[k] = v
    return out


def dump_ledger(ledger: Ledger, previous_text: str | None) -> str:
    """The ledger as YAML text; comments and the report header of `previous_text` are kept."""
    y = _yaml()
    y.representer.ignore_aliases = lambda *_: True  # one date object in many returns: no &id001
    data: Any = y.load(previous_text) if previous_text else None
    if not isinstance(data, dict):
        from ruamel.yaml.comments import CommentedMap

        data = CommentedMap()
        data["plan"] = ledger.plan
        data["report"] = CommentedMap()
    data["plan"] = ledger.plan
    data["returns"] = [_plain(r) for r in ledger.returns]
    data["entries"] = [_plain(e) for e in ledger.entries]
    buf = io.StringIO()
    y.dump(data, buf)
    text = buf.getvalue()
    if not previous_text:
        text = HEADER + text.replace("report: {}\n", "report: {}  # 督查通报版头，可填 issuer、number、title、to、date\n")
    return text
