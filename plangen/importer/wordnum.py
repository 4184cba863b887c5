"""Word's automatic list numbering: the labels (一、 1. （1） ①) that Word draws from
numbering.xml but never stores in the paragraph's text.

A bureau's Word file often numbers its sections and items this way; without the labels the
importer would see no structure at all. Each numbered paragraph gets its label computed as Word
does: counters per abstract numbering and level, deeper levels restart when a shallower one
advances, `start`/`startOverride`, and `lvlText` such as `%1、`, `（%1）`, `%1.`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CN = "一二三四五六七八九"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (beyond 99: digits)."""
    if n <= 0 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN[tens - 1] + "十")
    return head + (CN[ones - 1] if ones else "")


def fmt(n: int, kind: str) -> str:
    if kind in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified",
                "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese(n)
    if kind.startswith("decimalEnclosedCircle"):
        return CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n)
    if kind == "ideographTraditional":
        return TIANGAN[(n - 1) % len(TIANGAN)]
    if kind == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if kind in ("upperLetter", "lowerLetter"):
        c = chr(ord("A") + (n - 1) % 26)
        return c if kind == "upperLetter" else c.lower()
    if kind in ("bullet", "none"):
        return ""
    return str(n)


@dataclass
class Level:
    kind: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)  # abstractNumId → levels
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId → (abstract, starts)
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, ilvl)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, numbering: Any, styles: Any) -> Numbering:
        out = cls()
        if numbering is not None:
            for an in numbering.iter(_w("abstractNum")):
                levels = {}
                for lvl in an.iter(_w("lvl")):
                    levels[int(lvl.get(_w("ilvl"), "0") or 0)] = Level(
                        _val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", ""), _int(_val(lvl, "start", "1")))
                out.abstract[an.get(_w("abstractNumId"), "")] = levels
            for num in numbering.iter(_w("num")):
                starts = {}
                for ov in num.iter(_w("lvlOverride")):
                    so = ov.find(_w("startOverride"))
                    if so is not None:
                        starts[_int(ov.get(_w("ilvl"), "0"))] = _int(so.get(_w("val"), "1"))
                out.nums[num.get(_w("numId"), "")] = (_val(num, "abstractNumId", ""), starts)
        if styles is not None:
            out._read_styles(styles)
        return out

    def _read_styles(self, styles: Any) -> None:
        based: dict[str, str] = {}
        own: dict[str, tuple[str, int]] = {}
        for st in styles.iter(_w("style")):
            sid = st.get(_w("styleId"), "")
            based[sid] = _val(st, "basedOn", "")
            np = st.find(f"{_w('pPr')}/{_w('numPr')}")
            if np is not None:
                own[sid] = (_val(np, "numId", ""), _int(_val(np, "ilvl", "0")))
        for sid in based:
            cur, hops = sid, 0
            while cur and cur not in own and hops < 10:
                cur, hops = based.get(cur, ""), hops + 1
            if cur in own:
                self.styles[sid] = own[cur]

    def label(self, p: Any) -> str:
        """The label Word draws in front of paragraph `p`, or ''."""
        np = p.find(f"{_w('pPr')}/{_w('numPr')}")
        if np is not None:
            num_id, ilvl = _val(np, "numId", ""), _int(_val(np, "ilvl", "0"))
        else:
            style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
            num_id, ilvl = self.styles.get(style.get(_w("val"), "") if style is not None else "", ("", 0))
        if num_id in ("", "0") or num_id not in self.nums:
            return ""
        abstract, starts = self.nums[num_id]
        levels = self.abstract.get(abstract, {})
        if ilvl not in levels:
            return ""
        counts = self.counters.setdefault(abstract, {})
        lvl = levels[ilvl]
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else starts.get(ilvl, lvl.start)
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        text = lvl.text
        for k in range(9):
            if f"%{k + 1}" in text:
                n = counts.get(k, levels[k].start if k in levels else 1)
                text = text.replace(f"%{k + 1}", fmt(n, levels[k].kind if k in levels else "decimal"))
        return "" if lvl.kind == "bullet" else text


def _val(el: Any, child: str, default: str) -> str:
    c = el.find(_w(child))
    return default if c is None else (c.get(_w("val")) or default)


def _int(s: str) -> int:
    try:
        return max(0, min(int(s), 10_000))
    except ValueError:
        return 1
