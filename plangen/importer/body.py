"""The plan body: sections 一、, subsections （一）, items 1. / 1、, sub-items （1） / ①, and the
responsibility notes that end an item or stand on a line of their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plangen.importer.notes import Note, note_line, split_notes
from plangen.importer.text import LOOSE_ITEM_RE, Line, marker


@dataclass
class ItemDraft:
    number: int
    line: int
    parts: list[str] = field(default_factory=list)  # first entry: the item line
    subitems: list[list[str]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # notes on lines of their own


@dataclass
class _State:
    sections: list[dict[str, Any]] = field(default_factory=list)
    items: list[ItemDraft] | None = None  # where the next item goes
    text: list[str] | None = None  # where running text goes
    next_item: int = 1
    last: ItemDraft | None = None
    total: int = 0


class BodyMixin:
    report: Any
    words: Any
    restarts: int
    block: bool = False
    promote: bool = False  # （一） headings are the parts (no 一、 in the plan)

    def _body(self, lines: list[Line]) -> list[dict[str, Any]]:
        st = _State()
        self._top_level(st, lines)
        for ln in lines:
            if not self._heading(st, ln) and not self._numbered(st, ln):
                self._running(st, ln)
        for sec in st.sections:
            self._subsections_as_items(sec)
        self.block = _block_style(st.sections)
        out = []
        for sec in st.sections:
            entry: dict[str, Any] = {"title": sec["title"]}
            if sec["_text"]:
                entry["text"] = "".join(sec["_text"])
            items = [self._item(d) for d in sec["_items"]]
            if items:
                entry["items"] = items
            subs = []
            for s in sec["_subs"]:
                title, _, inline = s["_raw"].partition("。")
                sub: dict[str, Any] = {"title": title if inline else s["title"]}
                if inline or s["_text"]:
                    sub["text"] = "".join([inline, *s["_text"]])
                sub["items"] = [self._item(d) for d in s["_items"]]
                subs.append(sub)
            if subs:
                entry["subsections"] = subs
            if not items and not subs and not sec["_text"]:
                self.report.notes.append(f"部分“{sec['title']}”下面没有内容（检查时会报“空的部分”，请补写或删除）")
            out.append(entry)
        return out

    def _subsections_as_items(self, sec: dict[str, Any]) -> None:
        """（一） entries that are tasks — a sentence and more, or a responsibility note, and no
        numbered items anywhere in the section — are imported as the section's items."""
        subs = sec["_subs"]
        if not subs or sec["_items"] or any(s["_items"] for s in subs):
            return
        if not any("。" in s["_raw"].rstrip("。") or not split_notes(s["_raw"])[1].empty for s in subs):
            return
        sec["_items"] = [ItemDraft(k, s["_line"], [s["_raw"], *s["_text"]]) for k, s in enumerate(subs, 1)]
        sec["_subs"] = []
        self.report.notes.append(
            f"{self.report.source}:{subs[0]['_line']}: 部分“{sec['title']}”的（一）（二）…条目写有正文或责任注释，"
            "按工作任务导入（打印时编号为 1. 2. …），请核对")

    def _top_level(self, st: _State, lines: list[Line]) -> None:
        """Plans without 一、 parts: （一） headings are the parts; with neither, the items go into
        one part the user is asked to name."""
        kinds = {mk[0] for ln in lines if (mk := marker(ln.text)) is not None}
        if "section" in kinds or not lines:
            return
        where = f"{self.report.source}:{lines[0].no}"
        if "subsection" in kinds:
            self.promote = True
            self.report.notes.append(f"{where}: 没有“一、”这样的部分标题，按“（一）”标题分部分导入（打印时编号为 一、 二、 …），请核对")
            return
        sec: dict[str, Any] = {"title": "工作任务", "_text": [], "_items": [], "_subs": []}
        st.sections.append(sec)
        st.items, st.text = sec["_items"], sec["_text"]
        self.report.notes.append(f"{where}: 没有“一、”这样的部分标题，所有任务放在一个部分“工作任务”中；"
                                 "请把 sections 中的 title 改成合适的标题")

    def _heading(self, st: _State, ln: Line) -> bool:
        mk = marker(ln.text)
        if mk is None or mk[0] not in ("section", "subsection"):
            return False
        kind, n, end = mk
        if self.promote and kind == "subsection":
            kind = "section"
        title = ln.text[end:].strip().rstrip("。")
        if kind == "section":
            if ln.inline and n != len(st.sections) + 1:
                return False
            sec: dict[str, Any] = {"title": title, "_text": [], "_items": [], "_subs": []}
            st.sections.append(sec)
            st.items, st.text = sec["_items"], sec["_text"]
        else:
            if not st.sections or (ln.inline and n != len(st.sections[-1]["_subs"]) + 1):
                return False
            sub: dict[str, Any] = {"title": title, "_text": [], "_items": [], "_raw": ln.text[end:].strip(),
                                   "_line": ln.no}
            st.sections[-1]["_subs"].append(sub)
            st.items, st.text = sub["_items"], sub["_text"]
        st.last = None
        return True

    def _numbered(self, st: _State, ln: Line) -> bool:
        mk = marker(ln.text) or _loose(st, ln)
        if mk is None or not st.sections:
            return False
        kind, n, end = mk
        if kind == "item" and st.items is not None and (
                n == st.next_item or (n == 1 and not st.items) or self._first_late(st, ln, n)):
            if n == 1 and st.total:
                self.restarts += 1
                sec = st.sections[-1]
                if sec["_items"] or any(sub["_items"] for sub in sec["_subs"]):
                    self.report.notes.append(
                        f"{self.report.source}:{ln.no}: 任务编号在小节里重新从 1 开始；numbering: per-section 只在每个部分"
                        "重新编号，打印的编号会与原文不同，请核对")
            st.last = ItemDraft(n, ln.no, [ln.text[end:]])
            st.items.append(st.last)
            st.next_item, st.total = n + 1, st.total + 1
            return True
        if kind == "subitem" and st.last is not None and n == len(st.last.subitems) + 1:
            st.last.subitems.append([ln.text[end:]])
            return True
        return False

    def _first_late(self, st: _State, ln: Line, n: int) -> bool:
        """The plan's first item numbered 13.: a later page of a plan cut into pages on a web site."""
        if st.total or st.items or ln.inline or n > 200:
            return False
        self.report.notes.append(f"{self.report.source}:{ln.no}: 第一个任务的编号是 {n}（前面的任务不在这份文本中？），"
                                 "按顺序导入，打印时从 1 开始编号，请核对")
        return True

    def _running(self, st: _State, ln: Line) -> None:
        if st.last is not None:
            note = note_line(ln.text)
            if note is not None:
                st.last.notes.append(note)
            else:
                target = st.last.subitems[-1] if st.last.subitems else st.last.parts
                target.append(_entry(ln.text, target))
        elif st.text is not None:
            st.text.append(_entry(ln.text, st.text))
        else:
            self.report.unplaced.append((ln.no, ln.text))

    def _item(self, d: ItemDraft) -> dict[str, Any]:
        note = Note()
        if self.block and len(d.parts) > 1:
            title = d.parts[0].rstrip("。")
            text, note = split_notes("".join(d.parts[1:]))
            if not text.strip():
                title, n2 = split_notes(title)
                note.merge(n2)
        else:
            whole, note = split_notes("".join(d.parts))
            title, _, text = whole.partition("。")
        subs = []
        for k, sub in enumerate(d.subitems):
            whole = "".join(sub)
            if k == len(d.subitems) - 1:
                whole, n3 = split_notes(whole)
                note.merge(n3)
            if "。" in whole[:-1]:
                st, stext = whole.split("。", 1)
                subs.append({"title": st, "text": stext})
            else:
                subs.append({"text": whole})
        for n in d.notes:
            note.merge(n)
        self.words.update(note.words)
        item: dict[str, Any] = {"title": title.strip().rstrip("。") or f"第{d.number}项"}
        if text.strip():
            item["text"] = text.strip()
        item.update(note.fields())
        if subs:
            item["subitems"] = subs
        return item


def _block_style(sections: list[dict[str, Any]]) -> bool:
    """六安 style: the item line is one short sentence and the text follows on its own lines."""
    drafts = [d for s in sections for d in s["_items"]] + \
             [d for s in sections for sub in s["_subs"] for d in sub["_items"]]
    if not drafts:
        return False
    short = sum(1 for d in drafts if len(d.parts) > 1 and _heading_line(d.parts[0]))
    return short >= max(1, len(drafts) * 0.6)


def _loose(st: _State, ln: Line) -> tuple[str, int, int] | None:
    """`4 不断加强…` cut out after a full stop: item 4 when 4 is the next number."""
    if not ln.inline or st.last is None:
        return None
    m = LOOSE_ITEM_RE.match(ln.raw)
    if m is None or int(m.group(1)) != st.next_item or not ln.text.startswith(m.group(1)):
        return None
    return "item", st.next_item, len(m.group(1))


def _entry(text: str, before: list[str]) -> str:
    """A `——目标…` list entry starts a paragraph of its own (a line break in the text)."""
    return "\n" + text if before and text.startswith("——") else text


def _heading_line(text: str) -> bool:
    """One short sentence ending with 。 (六安), or a short phrase without any punctuation
    (`1.深化党的全面领导` with the text below; a line wrapped by a PDF has commas or is longer)."""
    if text.endswith("。"):
        return len(text) <= 40 and text[:-1].count("。") == 0
    return len(text) <= 24 and not any(c in text for c in "。，,；;：:、！？")


def all_items(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in plan["sections"]:
        out.extend(s.get("items", []))
        for sub in s.get("subsections", []):
            out.extend(sub.get("items", []))
    return out
