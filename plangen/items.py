"""The plan body of the view: sections and items as printed (numbers, each item's `ref`,
canonical names, responsibility lines, due dates), the body as blocks in print order, and the
per-office and per-leader lists the sheets print. Built once by plangen.view.build_view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from plangen.dates import due_date as _due_date
from plangen.model import Item, Plan, Section
from plangen.text import _sentence, chinese_numeral, gongwen_date, paragraphs

if TYPE_CHECKING:
    from plangen.names import RosterIndex


# --------------------------------------------------------------------------- view types

SegmentRole = Literal["label", "title", "text", "resp"]
BlockKind = Literal[
    "title",  # plan title (2号小标宋, centred); segments are its lines
    "issuers",  # issuing bodies above the plan title (plan without notice, like 六安)
    "preamble",  # body paragraph before the first section
    "heading1",  # 一、… (黑体)
    "heading2",  # （一）… (楷体)
    "text",  # a body paragraph under a heading
    "item",  # 1. title。text（责任…） — title bold; block mode puts text in following "text"
    "item_title",  # block mode: 1.title。 on its own line
    "subitem",  # （1）title。text
]


@dataclass(frozen=True)
class Segment:
    text: str
    role: SegmentRole = "text"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    segments: tuple[Segment, ...]
    outline: str = ""  # bookmark text for a PDF outline / DOCX heading (sections only)
    item: int | None = None  # the index (ItemView.index, unique in the plan) of the item this block belongs to

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True)
class SubItemView:
    label: str  # （1）
    title: str
    text: str


@dataclass(frozen=True)
class MilestoneView:
    due: str  # 公文 date, or the words written
    due_date: dt.date | None  # the day the words name (plangen.dates)
    target: str
    percent: float | None


@dataclass(frozen=True)
class ItemView:
    number: int  # as printed (continuous, or per section)
    index: int  # 1-based position in the whole plan (unique even with per-section numbering)
    label: str  # "1."
    ref: str  # the number outside the plan body (sheets): "12", or "三、1" when numbering restarts
    id: str | None
    title: str  # without final 。
    text: str
    targets: tuple[str, ...]
    subitems: tuple[SubItemView, ...]
    leaders: tuple[str, ...]  # canonical roster names
    offices: tuple[str, ...]  # canonical; first leads
    due: str  # 公文 date, or the words written (全年), or ""
    due_date: dt.date | None
    section_number: int
    section_label: str  # 一、
    section_title: str
    subsection_label: str  # （一） or ""
    subsection_title: str
    responsibility: str  # （责任领导：…，责任股室：…） or ""
    milestones: tuple[MilestoneView, ...] = ()
    carried: bool = False  # 续办: carried over unfinished from last year's plan
    joint: bool = False  # the offices share responsibility (责任), none leads

    @property
    def lead_office(self) -> str | None:
        return self.offices[0] if self.offices and not self.joint else None

    @property
    def assist_offices(self) -> tuple[str, ...]:
        return () if self.joint else self.offices[1:]

    def role_of(self, office: str) -> str:
        """牵头, 配合 or 责任 (joint), as the sheets print it; "" when the office is not named."""
        if office not in self.offices:
            return ""
        if self.joint:
            return "责任"
        return "牵头" if office == self.offices[0] else "配合"

    @property
    def content(self) -> str:
        """具体内容 for the sheets: the text, sub-items and targets."""
        parts = [self.text] if self.text else []
        for s in self.subitems:
            parts.append(f"{s.label}{_sentence(s.title) if s.title else ''}{s.text}")
        if self.targets:
            parts.append("目标：" + "；".join(self.targets) + "。")
        return "\n".join(parts)


@dataclass(frozen=True)
class SubsectionView:
    number: int
    label: str  # （一）
    title: str
    text: tuple[str, ...]
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class SectionView:
    number: int
    label: str  # 一、
    title: str
    text: tuple[str, ...]
    items: tuple[ItemView, ...]  # direct items (no subsections)
    subsections: tuple[SubsectionView, ...]

    @property
    def all_items(self) -> tuple[ItemView, ...]:
        return self.items + tuple(i for s in self.subsections for i in s.items)


@dataclass(frozen=True)
class OfficeSheet:
    """One office's task list: the items it answers for — those it leads (牵头) and those it
    shares with equal units (责任, joint items), in plan order — then those it assists (配合)."""

    name: str
    lead: tuple[ItemView, ...]
    assist: tuple[ItemView, ...]
    joint: tuple[ItemView, ...] = ()

    @property
    def rows(self) -> tuple[tuple[ItemView, str], ...]:
        first = sorted(self.lead + self.joint, key=lambda i: i.index)
        return tuple((i, i.role_of(self.name)) for i in first) + tuple((i, "配合") for i in self.assist)


@dataclass(frozen=True)
class LeaderSheet:
    name: str
    post: str
    groups: tuple[tuple[SectionView, tuple[ItemView, ...]], ...]  # by section, plan order

    @property
    def items(self) -> tuple[ItemView, ...]:
        return tuple(i for _, items in self.groups for i in items)


def _responsibility(leaders: tuple[str, ...], offices: tuple[str, ...], office_word: str = "股室",
                    joint: bool = False) -> str:
    """（责任领导：…，责任股室：…） in the bureau's word. A bare list under 责任股室/科室/处室 means
    the first leads; under 责任单位 it reads as units sharing responsibility (issue 12), so a plan
    that says 单位 prints a lead and assisting units as 牵头单位/配合单位."""
    parts = []
    if leaders:
        parts.append("责任领导：" + "、".join(leaders))
    if offices and office_word == "单位" and not joint and len(offices) > 1:
        parts.append(f"牵头单位：{offices[0]}，配合单位：" + "、".join(offices[1:]))
    elif offices:
        parts.append(f"责任{office_word}：" + "、".join(offices))
    return "（" + "，".join(parts) + "）" if parts else ""


def _due_words(due: object) -> str:
    """A due as printed: 公文 date, or the words written (全年), or ""."""
    if isinstance(due, dt.date):
        return gongwen_date(due)
    return due.strip() if isinstance(due, str) else ""


def _canon(names: list[str], lookup: object) -> tuple[str, ...]:
    out: list[str] = []
    for n in names:
        c = lookup(n) if callable(lookup) else None  # type: ignore[operator]
        c = c or n
        if c not in out:
            out.append(c)
    return tuple(out)


def _build_items(plan: Plan, index: RosterIndex | None,
                 office_word: str = "股室") -> tuple[tuple[SectionView, ...], tuple[ItemView, ...]]:
    sections: list[SectionView] = []
    flat: list[ItemView] = []
    counter = 0

    def make(item: Item, si: int, sec: Section, s_label: str, per_section: bool, sub_label: str = "",
             sub_title: str = "") -> ItemView:
        nonlocal counter
        counter += 1
        leaders = _canon(item.leaders, index.leader if index else None)
        offices = _canon(item.offices, index.office if index else None)
        due = _due_words(item.due)
        view = ItemView(
            number=counter,
            index=len(flat) + 1,
            label=f"{counter}.",
            ref=f"{s_label}{counter}" if per_section else str(counter),
            id=item.id,
            title=item.title.strip().rstrip("。"),
            text=item.text.strip(),
            targets=tuple(t.strip() for t in item.targets),
            subitems=tuple(
                SubItemView(f"（{k}）", (s.title or "").strip().rstrip("。"), s.text.strip())
                for k, s in enumerate(item.subitems, 1)
            ),
            leaders=leaders,
            offices=offices,
            due=due,
            due_date=_due_date(item.due, plan.year),
            section_number=si,
            section_label=s_label,
            section_title=sec.title.strip(),
            subsection_label=sub_label,
            subsection_title=sub_title,
            responsibility=_responsibility(leaders, offices, office_word, item.joint),
            milestones=tuple(MilestoneView(_due_words(m.due), _due_date(m.due, plan.year),
                                           m.target.strip(), m.percent) for m in item.milestones),
            carried=item.carried,
            joint=item.joint,
        )
        flat.append(view)
        return view

    for si, sec in enumerate(plan.sections, 1):
        per_section = plan.options.numbering == "per-section"
        if per_section:
            counter = 0
        s_label = chinese_numeral(si) + "、"

        direct = tuple(make(it, si, sec, s_label, per_section) for it in sec.items)
        subs = []
        for ui, sub in enumerate(sec.subsections, 1):
            u_label = f"（{chinese_numeral(ui)}）"
            subs.append(SubsectionView(ui, u_label, sub.title.strip(), paragraphs(sub.text),
                                       tuple(make(it, si, sec, s_label, per_section, u_label, sub.title.strip())
                                             for it in sub.items)))
        sections.append(SectionView(si, s_label, sec.title.strip(), paragraphs(sec.text), direct, tuple(subs)))
    return tuple(sections), tuple(flat)


def _item_blocks(item: ItemView, mode: str, show_resp: bool) -> list[Block]:
    paras = list(paragraphs(item.text))
    resp = item.responsibility if show_resp else ""
    blocks: list[Block] = []
    if mode == "block":
        blocks.append(Block("item_title", (Segment(item.label, "label"), Segment(_sentence(item.title), "title")),
                            item=item.index))
        for p in paras:
            blocks.append(Block("text", (Segment(p),), item=item.index))
    else:
        first = paras.pop(0) if paras else ""
        segs = [Segment(item.label, "label"), Segment(_sentence(item.title), "title")]
        if first:
            segs.append(Segment(first))
        blocks.append(Block("item", tuple(segs), item=item.index))
        for p in paras:
            blocks.append(Block("text", (Segment(p),), item=item.index))
    for s in item.subitems:
        segs = [Segment(s.label, "label")]
        if s.title:
            segs.append(Segment(_sentence(s.title), "title"))
        if s.text:
            segs.append(Segment(s.text))
        blocks.append(Block("subitem", tuple(segs), item=item.index))
    if item.targets:
        blocks.append(Block("text", (Segment("目标：" + "；".join(item.targets) + "。"),), item=item.index))
    if resp:
        last = blocks[-1]
        blocks[-1] = Block(last.kind, (*last.segments, Segment(resp, "resp")), last.outline, last.item)
    return blocks


def _plan_blocks(plan: Plan, pv_sections: tuple[SectionView, ...], title_lines: tuple[str, ...]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    if plan.issuers:
        blocks.append(Block("issuers", tuple(Segment(i, "title") for i in plan.issuers)))
    blocks.append(Block("title", tuple(Segment(line, "title") for line in title_lines), outline=plan.title))
    blocks.extend(Block("preamble", (Segment(p),)) for p in paragraphs(plan.preamble))
    mode = plan.options.item_title
    show = plan.options.responsibility == "inline"
    for sec in pv_sections:
        heading = sec.label + sec.title
        blocks.append(Block("heading1", (Segment(sec.label, "label"), Segment(sec.title, "title")), outline=heading))
        blocks.extend(Block("text", (Segment(p),)) for p in sec.text)
        for it in sec.items:
            blocks.extend(_item_blocks(it, mode, show))
        for sub in sec.subsections:
            blocks.append(Block("heading2", (Segment(sub.label, "label"), Segment(sub.title, "title")),
                                outline=sub.label + sub.title))
            blocks.extend(Block("text", (Segment(p),)) for p in sub.text)
            for it in sub.items:
                blocks.extend(_item_blocks(it, mode, show))
    return tuple(blocks)


def _sheets(sections: tuple[SectionView, ...], items: tuple[ItemView, ...],
            index: RosterIndex | None) -> tuple[tuple[OfficeSheet, ...], tuple[LeaderSheet, ...]]:
    """Per-office and per-leader lists, in roster order (then first mention); one pass over
    the items, so a plan of thousands of items and hundreds of offices stays linear."""
    by_office: dict[str, list[ItemView]] = {k: [] for k in index.offices} if index else {}
    by_leader: dict[str, list[ItemView]] = {k: [] for k in index.leaders} if index else {}
    for it in items:
        for o in it.offices:
            by_office.setdefault(o, []).append(it)
        for n in it.leaders:
            by_leader.setdefault(n, []).append(it)
    offices = []
    for name, mine in by_office.items():
        if mine:
            roles = [(i, i.role_of(name)) for i in mine]
            offices.append(OfficeSheet(name, tuple(i for i, r in roles if r == "牵头"),
                                       tuple(i for i, r in roles if r == "配合"),
                                       tuple(i for i, r in roles if r == "责任")))
    section_of = {i.index: s for s in sections for i in s.all_items}
    leaders = []
    for name, mine in by_leader.items():
        if not mine:
            continue
        grouped: dict[int, list[ItemView]] = {}
        for i in sorted(mine, key=lambda i: i.index):
            grouped.setdefault(section_of[i.index].number, []).append(i)
        groups = tuple((s, tuple(grouped[s.number])) for s in sections if s.number in grouped)
        post = index.leader_posts.get(name, "") if index else ""
        leaders.append(LeaderSheet(name, post, groups))
    return tuple(offices), tuple(leaders)
