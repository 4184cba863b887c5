"""The layout view: a checked plan → everything renderers need, computed once.

Renderers (DOCX, PDF, sheets) read only this: numbering (一、 （一） 1. （1）), 公文 dates,
lead/assisting offices with the roster's canonical names, per-office and per-leader lists, and
the plan body as a flat list of blocks so that the DOCX and the PDF print the same text in the
same order. None of them re-parses YAML or re-numbers items.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from plangen.layout import (
    NoticeLayout,
    SignatureLayout,
    autospaced_width,
    decide_layout,
    place_signature,
    text_width,  # noqa: F401 - re-exported
)
from plangen.items import (  # noqa: F401 - re-exported: renderers import the view's types from here
    Block, BlockKind, LeaderSheet, MilestoneView, OfficeSheet, SectionView, Segment, SegmentRole, SubItemView,
    SubsectionView, ItemView, _build_items, _plan_blocks, _sheets,
)
from plangen.model import Notice, PlanFile, ProgressSettings

if TYPE_CHECKING:
    from plangen.check import CheckResult
    from plangen.names import RosterIndex

from plangen.text import (  # noqa: F401 - re-exported: renderers and tests import them from the view
    BODY_CHARS_PER_LINE, MARK_MAX_PT, TEXT_WIDTH_PT, TITLE_CHARS_PER_LINE, _sentence, balanced_lines,
    chinese_numeral, gongwen_date, mark_font_size, paragraphs,
)


@dataclass(frozen=True)
class PlanView:
    title: str
    title_lines: tuple[str, ...]
    year: int
    issuers: tuple[str, ...]
    preamble: tuple[str, ...]
    item_title: Literal["inline", "block"]
    responsibility: Literal["inline", "sheets-only"]
    numbering: Literal["continuous", "per-section"]
    office_word: str  # the bureau's word for its offices: 股室 | 科室 | 处室 | 单位 (roster)
    sections: tuple[SectionView, ...]
    items: tuple[ItemView, ...]  # every item, plan order
    offices: tuple[OfficeSheet, ...]  # offices named by the plan, roster order
    leaders: tuple[LeaderSheet, ...]  # leaders named by the plan, roster order
    blocks: tuple[Block, ...]  # the plan body, in print order (title first)

    @property
    def has_responsibility(self) -> bool:
        return bool(self.offices or self.leaders)


@dataclass(frozen=True)
class NoticeView:
    template: str
    copy_no: str
    secrecy: str
    urgency: str
    mark_lines: tuple[str, ...]  # issuer names, one per line (joint issuers: lead first)
    mark_suffix: str  # 文件, to the right of the names (vertically centred), or ""
    number: str
    signers: tuple[str, ...]  # 签发人 (上行文)
    title: str
    title_lines: tuple[str, ...]
    to: str  # ends with ：
    body: tuple[str, ...]
    attachments: tuple[str, ...]
    attachment_lines: tuple[tuple[str, str], ...]  # ("附件：", "1.名称"), ("", "2.名称")
    signature: str
    date: str  # 公文 date, or a blank form "　　年　月　日" while the date is not set
    date_value: dt.date | None
    seal: Path | None
    note: str  # 附注, with its parentheses
    cc: str  # 抄送：A，B，C。 or ""
    printed_by: str
    printed_on: str  # 2024年2月22日印发 or ""
    signatures: tuple[str, ...] = ()  # 发文机关署名, one per issuer (joint: lead first); () = (signature,)
    sealed: bool = True  # GB/T 9704 7.3.5.1 (加盖印章) or 7.3.5.2 (不加盖印章); a seal image implies it

    @property
    def has_imprint(self) -> bool:
        """Whether the 版记 (cc / printed-by) is printed."""
        return bool(self.cc or self.printed_by or self.printed_on)

    @functools.cached_property
    def signature_layout(self) -> SignatureLayout:
        """Signature and date positions (plangen.layout), glyph widths as drawn (PDF)."""
        return place_signature(self.signatures or (self.signature,), self.date, sealed=self.sealed)

    @functools.cached_property
    def signature_layout_autospaced(self) -> SignatureLayout:
        """The same positions for word processors, which space CJK text from digits (DOCX)."""
        return place_signature(self.signatures or (self.signature,), self.date, sealed=self.sealed,
                               width=autospaced_width)


@dataclass(frozen=True)
class DocumentView:
    name: str  # the plan file's stem, e.g. yunxi-2024 (output folder name)
    source: Path
    bureau: str  # roster bureau, or the first issuer
    template: str  # red-header | upward | plain (from the notice; plain without one)
    notice: NoticeView | None
    plan: PlanView
    aliases: dict[str, str] = field(default_factory=dict)  # roster spelling → canonical name
    progress: ProgressSettings = field(default_factory=ProgressSettings)  # roster's 督查 settings

    @functools.cached_property
    def layout(self) -> NoticeLayout:
        """The notice layout under the plan's own template (plangen.layout.decide_layout)."""
        return decide_layout(self.notice, self.template)

    def layout_for(self, template: str | None) -> NoticeLayout:
        """The notice layout under `template` (a --template override), or the plan's own."""
        return self.layout if not template else decide_layout(self.notice, template)

    @property
    def doc_title(self) -> str:
        return self.notice.title if self.notice else self.plan.title

    @property
    def author(self) -> str:
        if self.notice:
            return "、".join(self.notice.mark_lines)
        return "、".join(self.plan.issuers) or self.bureau


# --------------------------------------------------------------------------- building


def _notice_view(notice: Notice, base: Path) -> NoticeView:
    if isinstance(notice.mark, list):
        mark_lines, suffix = tuple(notice.mark), notice.mark_suffix
    elif isinstance(notice.mark, str):
        m = notice.mark.strip()
        if notice.mark_suffix and m.endswith(notice.mark_suffix) and m != notice.mark_suffix:
            mark_lines, suffix = (m[: -len(notice.mark_suffix)],), notice.mark_suffix
        else:
            mark_lines, suffix = (m,), ""
    else:
        mark_lines, suffix = tuple(notice.issuers), notice.mark_suffix
    to = notice.to.strip()
    if to and to[-1] in ":：":
        to = to[:-1]
    atts = tuple(a.strip() for a in notice.attachments)
    if len(atts) == 1:
        att_lines: tuple[tuple[str, str], ...] = (("附件：", atts[0]),)
    else:
        att_lines = tuple(("附件：" if k == 1 else "", f"{k}.{a}") for k, a in enumerate(atts, 1))
    note = notice.note.strip()
    if note and not (note.startswith(("（", "(")) and note.endswith(("）", ")"))):
        note = f"（{note}）"
    cc = "抄送：" + "，".join(notice.cc) + "。" if notice.cc else ""
    sig = notice.signature if notice.signature is not None else notice.issuers
    signatures = tuple(x.strip() for x in ([sig] if isinstance(sig, str) else sig) if x.strip())
    return NoticeView(
        template=notice.template,
        copy_no=notice.copy_no or "",
        secrecy=notice.secrecy or "",
        urgency=notice.urgency or "",
        mark_lines=mark_lines,
        mark_suffix=suffix,
        number=notice.number or "",
        signers=tuple(notice.signers),
        title=notice.title.strip(),
        title_lines=balanced_lines(notice.title),
        to=to + "：" if to else "",
        body=paragraphs(notice.body),
        attachments=atts,
        attachment_lines=att_lines,
        signature="、".join(signatures),
        signatures=signatures,
        sealed=notice.sealed or notice.seal is not None,
        date=gongwen_date(notice.date) if notice.date else "　　　　年　　月　　日",
        date_value=notice.date,
        seal=(base / notice.seal).resolve() if notice.seal else None,
        note=note,
        cc=cc,
        printed_by=(notice.printed_by or "").strip(),
        printed_on=gongwen_date(notice.printed_on) + "印发" if notice.printed_on else "",
    )


def build_view(result: CheckResult) -> DocumentView:
    """A checked plan (plangen.check.CheckResult with no errors) → its DocumentView."""
    pf: PlanFile | None = result.plan
    if pf is None:
        raise ValueError("build_view needs a valid plan")
    index = result.roster_index
    plan = pf.plan
    office_word = result.roster.office_word if result.roster is not None else "股室"
    sections, items = _build_items(plan, index, office_word)
    title_lines = balanced_lines(plan.title)
    offices, leaders = _sheets(sections, items, index)
    pv = PlanView(
        title=plan.title.strip(),
        title_lines=title_lines,
        year=plan.year,
        issuers=tuple(plan.issuers),
        preamble=paragraphs(plan.preamble),
        item_title=plan.options.item_title,
        responsibility=plan.options.responsibility,
        numbering=plan.options.numbering,
        office_word=office_word,
        sections=sections,
        items=items,
        offices=offices,
        leaders=leaders,
        blocks=_plan_blocks(plan, sections, title_lines),
    )
    notice = _notice_view(pf.notice, result.path.parent) if pf.notice else None
    bureau = (index.bureau if index else "") or (pf.notice.issuers[0] if pf.notice else "") or (
        plan.issuers[0] if plan.issuers else "")
    return DocumentView(
        name=result.path.name.removesuffix(".yaml").removesuffix(".yml"),
        source=result.path,
        bureau=bureau,
        template=notice.template if notice else "plain",
        notice=notice,
        plan=pv,
        aliases={**index.office_names, **index.leader_names} if index else {},
        progress=result.roster.progress if result.roster is not None else ProgressSettings(),
    )


# --------------------------------------------------------------------------- the view's loader
# Every stage that needs a plan (render, sheets, build jobs, importer, rollover, doctor, and
# later serve, progress, diff) gets it here: checked, with every problem in one PlangenError.


def load_checked(path: Path) -> CheckResult:
    """Check `path` (a plan file); a PlangenError carrying every problem when it has errors."""
    from plangen.check import check_file
    from plangen.errors import PlangenError, display_path

    result = check_file(path)
    if result.kind != "plan":
        what = "督查台账" if result.kind == "ledger" else "名册文件"
        raise PlangenError(f"{display_path(path)} 是{what}，不是计划文件", exit_code=1)
    if not result.ok or result.plan is None:
        raise PlangenError(
            f"{display_path(path)}：发现 {len(result.problems.errors)} 个错误，请先修正（可用 plangen check 查看）",
            result.problems.sorted(),
        )
    return result


def load_view(path: Path) -> DocumentView:
    """A plan file → its layout view, or a PlangenError carrying every problem."""
    return build_view(load_checked(path))


def load_roster(path: Path) -> RosterIndex:
    """A roster file → its index of names, or a PlangenError carrying every problem."""
    from plangen.check import check_file
    from plangen.errors import PlangenError, display_path
    from plangen.names import RosterIndex

    result = check_file(path)
    if result.roster is None:
        raise PlangenError(f"名册 {display_path(path)} 有错误，请先用 plangen check 检查。",
                           result.problems.sorted())
    return RosterIndex.from_roster(result.roster)
