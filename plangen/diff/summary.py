"""The summary of a diff: counts, per section, per office, notice fields — and its Chinese text.

新增N项、删除M项、修改K项、调整责任J项、调整时限L项 (plus 移动 and renamed sections when
there are any). An item counts once per kind: a reworded item whose lead office also changed is
修改 and 调整责任. Per office: which items it gains or loses, as lead (牵头) or assisting (配合).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plangen.diff.match import ItemPair, Matching, SectionPair
from plangen.view import DocumentView, ItemView

KINDS = ("added", "removed", "modified", "resp", "due", "moved")
KIND_WORDS = {"added": "新增", "removed": "删除", "modified": "修改", "resp": "调整责任",
              "due": "调整时限", "moved": "移动", "moved_out": "移出"}
NOTICE_FIELDS = (("number", "发文字号"), ("title", "标题"), ("to", "主送机关"), ("body", "通知正文"),
                 ("attachments", "附件"), ("signature", "落款"), ("date", "成文日期"), ("note", "附注"),
                 ("cc", "抄送"), ("printed_by", "印发机关"), ("printed_on", "印发日期"),
                 ("secrecy", "密级"), ("urgency", "紧急程度"), ("copy_no", "份号"), ("signers", "签发人"))


def kinds(p: ItemPair) -> list[str]:
    out = []
    if p.kind == "added":
        out.append("added")
    elif p.kind == "removed":
        out.append("removed")
    else:
        if p.text_changed:
            out.append("modified")
        if p.resp_changed:
            out.append("resp")
        if p.due_changed:
            out.append("due")
        if p.moved:
            out.append("moved")
    return out


def role(i: ItemView | None, office: str) -> str:
    if i is None or office not in i.offices:
        return ""
    return "牵头" if i.lead_office == office else "配合"


@dataclass
class OfficeChange:
    office: str
    gains: list[tuple[ItemPair, str]] = field(default_factory=list)  # (pair, 牵头/配合)
    losses: list[tuple[ItemPair, str]] = field(default_factory=list)
    role_changes: list[tuple[ItemPair, str, str]] = field(default_factory=list)  # (pair, old, new)


@dataclass
class Summary:
    counts: dict[str, int]
    by_section: list[tuple[str, dict[str, int]]]  # (section label+title, counts)
    by_office: list[OfficeChange]
    renamed: list[tuple[str, str]]  # (old title, new title)
    notice: list[tuple[str, str, str]]  # (field, old, new)
    title: tuple[str, str] | None
    structure: list[str] = field(default_factory=list)  # sections added, removed, moved

    @property
    def unchanged(self) -> bool:
        return not any(self.counts.values()) and not self.renamed and not self.notice \
            and self.title is None and not self.structure


def _counts(pairs: list[ItemPair]) -> dict[str, int]:
    c = dict.fromkeys(KINDS, 0)
    for p in pairs:
        for k in kinds(p):
            c[k] += 1
    return c


def _offices(m: Matching) -> list[OfficeChange]:
    names: list[str] = [o.name for o in m.new.plan.offices]
    names += [o.name for o in m.old.plan.offices if o.name not in names]
    out = []
    for name in names:
        oc = OfficeChange(name)
        for p in m.items:
            a, b = role(p.old, name), role(p.new, name)
            if a == b:
                continue
            if not a:
                oc.gains.append((p, b))
            elif not b:
                oc.losses.append((p, a))
            else:
                oc.role_changes.append((p, a, b))
        if oc.gains or oc.losses or oc.role_changes:
            out.append(oc)
    return out


def _notice_changes(old: DocumentView, new: DocumentView) -> list[tuple[str, str, str]]:
    a, b = old.notice, new.notice
    if a is None and b is None:
        return []
    if a is None or b is None:
        return [("印发通知", "有" if a else "无", "有" if b else "无")]
    out = []
    for key, word in NOTICE_FIELDS:
        va, vb = getattr(a, key), getattr(b, key)
        if va != vb:
            fmt = (lambda v: "；".join(v) if isinstance(v, tuple) else str(v))
            out.append((word, fmt(va), fmt(vb)))
    return out


def summarize(m: Matching) -> Summary:
    by_section = []
    for sp in m.sections:
        g = sp.new or sp.old
        if g is None or not hasattr(g, "subsections"):
            continue  # subsections count in their section
        in_sec = [p for p in m.items if _in_section(p, sp)]
        c = _counts(in_sec)
        # per section a move is 移动 where the item went and 移出 where it left
        c["moved_out"] = sum(1 for p in m.items if p.moved and sp.old is not None and p.old is not None
                             and p.old.section_number == sp.old.number and not _in_section(p, sp))
        if any(c.values()):
            by_section.append((("" if sp.new else "（原）") + g.label + g.title, c))
    renamed = [(p.old.title, p.new.title) for p in m.sections if p.renamed]  # type: ignore[union-attr]
    title = (m.old.plan.title, m.new.plan.title) if m.old.plan.title != m.new.plan.title else None
    return Summary(_counts(m.items), by_section, _offices(m), renamed,
                   _notice_changes(m.old, m.new), title, _structure(m))


def _structure(m: Matching) -> list[str]:
    """Sections and subsections that were added, removed or moved, as summary lines."""
    out = []
    for p in m.sections:
        g = p.new or p.old
        word = "部分" if hasattr(g, "subsections") else "小节"
        if p.old is None:
            out.append(f"新增{word}：{p.new.label}{p.new.title}")  # type: ignore[union-attr]
        elif p.new is None:
            out.append(f"删除{word}：{p.old.label}{p.old.title}")
        elif p.moved:
            out.append(f"{word}移动：{p.new.title}（原{p.old.label.rstrip('、')} → {p.new.label.rstrip('、')}）")
    return out


def _in_section(p: ItemPair, sp: SectionPair) -> bool:
    """New items count in their new section; removed ones in the section they left."""
    if p.new is not None:
        return sp.new is not None and p.new.section_number == sp.new.number
    return sp.old is not None and p.old is not None and p.old.section_number == sp.old.number


def _count_line(c: dict[str, int], *, all_kinds: bool = True) -> str:
    """The five counts always (the headline), 移动 when there are moves; per section only the
    kinds that occur."""
    base = [f"{KIND_WORDS[k]}{c[k]}项" for k in (*KINDS, "moved_out")
            if c.get(k) or (all_kinds and k in KINDS[:5])]
    return "、".join(base)


def _short(p: ItemPair) -> str:
    i = p.new or p.old
    assert i is not None
    return f"{i.label}{i.title}" if p.new is not None else f"原{i.label}{i.title}"


def format_summary(s: Summary, old_name: str, new_name: str) -> str:
    head = f"{old_name} → {new_name}："
    if s.unchanged:
        return head + "无变化\n"
    lines = [head + _count_line(s.counts)]
    if s.title:
        lines.append(f"  标题：{s.title[0]} → {s.title[1]}")
    for old, new in s.renamed:
        lines.append(f"  部分改名：{old} → {new}")
    lines += [f"  {line}" for line in s.structure]
    for word, a, b in s.notice:
        lines.append(f"  通知{word}：{a or '（空）'} → {b or '（空）'}")
    if s.by_section:
        lines.append("按部分：")
        lines += [f"  {label}：{_count_line(c, all_kinds=False)}" for label, c in s.by_section]
    if s.by_office:
        lines.append("按股室：")
        for oc in s.by_office:
            parts = []
            if oc.gains:
                parts.append("增加 " + "，".join(f"{_short(p)}（{r}）" for p, r in oc.gains))
            if oc.losses:
                parts.append("减少 " + "，".join(f"{_short(p)}（{r}）" for p, r in oc.losses))
            if oc.role_changes:
                parts.append("改变 " + "，".join(f"{_short(p)}（{a}→{b}）" for p, a, b in oc.role_changes))
            lines.append(f"  {oc.office}：" + "；".join(parts))
    return "\n".join(lines) + "\n"
