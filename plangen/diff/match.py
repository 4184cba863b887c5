"""Which old item / section is which new one: ids first, then character-level similarity.

Chinese has no spaces, so similarity is measured on characters: the Dice coefficient of the two
texts' character bigrams (as multisets) — 1.0 for equal texts, about 0.9 after rewording one
sentence of a 300-character item, 0.05–0.35 between two different items of the same plan
(measured on the three plans in plans/, see tests/test_diff_match.py and docs/diff.md).

Thresholds (written down here, tested on real edits):
- ITEM_MATCH: two items without a common id are the same task when the bigram similarity of
  title + content is at least 0.5;
- or when their titles are nearly equal (TITLE_MATCH 0.8) and the contents still share
  ITEM_WEAK (0.25) — a task whose text was rewritten under the same title;
- SECTION_TITLE: sections (and subsections) have no id; they are the same when their titles
  share 0.5, otherwise when at least half the items of the smaller one were matched between them
  (a renamed section keeps its items).
Pairs are taken greedily, best score first, so each item is used once.

Moves: an item whose (sub)section is not the counterpart of its old one is moved. Among the
remaining matched units (sections, subsections, items in print order), the longest increasing
subsequence of new positions stays in place; every other matched unit moved (reported once, as
a move, never as a delete plus an add).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from plangen.view import DocumentView, ItemView, SectionView, SubsectionView

ITEM_MATCH = 0.5
TITLE_MATCH = 0.8
ITEM_WEAK = 0.25
SECTION_TITLE = 0.5
SHARED_ITEMS = 0.5

T = TypeVar("T")


def bigrams(text: str) -> Counter[str]:
    s = "".join(text.split())
    if len(s) < 2:
        return Counter([s]) if s else Counter()
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def dice(a: Counter[str], b: Counter[str]) -> float:
    """Bigram Dice similarity of two multisets: 2|A∩B| / (|A|+|B|); two empty texts are equal."""
    total = sum(a.values()) + sum(b.values())
    if total == 0:
        return 1.0
    return 2.0 * sum((a & b).values()) / total


def similarity(a: str, b: str) -> float:
    return dice(bigrams(a), bigrams(b))


def item_text(i: ItemView) -> str:
    """What an item says (title + content, no numbering, no responsibility)."""
    return i.title + "。" + i.content


def responsibility_changed(a: ItemView, b: ItemView) -> bool:
    return a.leaders != b.leaders or a.offices != b.offices


@dataclass(frozen=True)
class ItemPair:
    old: ItemView | None
    new: ItemView | None
    how: Literal["id", "similarity", ""] = ""
    score: float = 0.0
    moved: bool = False

    @property
    def kind(self) -> Literal["added", "removed", "matched"]:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "matched"

    @property
    def text_changed(self) -> bool:
        return self.old is not None and self.new is not None and item_text(self.old) != item_text(self.new)

    @property
    def resp_changed(self) -> bool:
        return self.old is not None and self.new is not None and responsibility_changed(self.old, self.new)

    @property
    def due_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.due != self.new.due

    @property
    def changed(self) -> bool:
        return self.kind != "matched" or self.text_changed or self.resp_changed or self.due_changed \
            or self.moved


@dataclass(frozen=True)
class SectionPair:
    old: SectionView | SubsectionView | None
    new: SectionView | SubsectionView | None
    how: Literal["title", "items", ""] = ""
    moved: bool = False

    @property
    def renamed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.title != self.new.title


@dataclass
class Matching:
    old: DocumentView
    new: DocumentView
    items: list[ItemPair]  # new plan order, removed items after the item they followed
    sections: list[SectionPair]  # sections then subsections; unmatched ones with one side None
    item_of_old: dict[int, ItemPair] = field(default_factory=dict)  # old index → pair
    item_of_new: dict[int, ItemPair] = field(default_factory=dict)
    section_of_old: dict[tuple[int, int], SectionPair] = field(default_factory=dict)  # (sec, sub)
    section_of_new: dict[tuple[int, int], SectionPair] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not any(p.changed for p in self.items) and not any(
            p.old is None or p.new is None or p.renamed or p.moved for p in self.sections)


def greedy_pairs(olds: Sequence[T], news: Sequence[T], score: Callable[[T, T], float],
                 accept: Callable[[T, T, float], bool]) -> list[tuple[int, int, float]]:
    """Best-first one-to-one pairs (old index, new index, score) that `accept` allows."""
    cands = []
    for a, o in enumerate(olds):
        for b, n in enumerate(news):
            s = score(o, n)
            if accept(o, n, s):
                cands.append((-s, a, b))
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for neg, a, b in cands:
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            out.append((a, b, -neg))
    return out


def match_items(old: Sequence[ItemView], new: Sequence[ItemView]) -> dict[int, tuple[int, str, float]]:
    """old index → (new index, how, score)."""
    out: dict[int, tuple[int, str, float]] = {}
    new_ids = Counter(i.id for i in new if i.id)
    old_ids = Counter(i.id for i in old if i.id)
    by_id = {i.id: k for k, i in enumerate(new) if i.id and new_ids[i.id] == 1}
    for k, i in enumerate(old):
        if i.id and old_ids[i.id] == 1 and i.id in by_id:
            out[k] = (by_id[i.id], "id", 1.0)
    taken = {v[0] for v in out.values()}
    rest_old = [k for k in range(len(old)) if k not in out]
    rest_new = [k for k in range(len(new)) if k not in taken]
    grams_o = [bigrams(item_text(old[k])) for k in rest_old]
    grams_n = [bigrams(item_text(new[k])) for k in rest_new]
    titles_o = [bigrams(old[k].title) for k in rest_old]
    titles_n = [bigrams(new[k].title) for k in rest_new]
    cands = []
    for a, b, sc in shared_scores(grams_o, grams_n):
        if sc >= ITEM_MATCH or (sc >= ITEM_WEAK and dice(titles_o[a], titles_n[b]) >= TITLE_MATCH):
            cands.append((-sc, a, b))
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for neg, a, b in cands:  # best first, each item once
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            out[rest_old[a]] = (rest_new[b], "similarity", -neg)
    return out


def shared_scores(olds: Sequence[Counter[str]], news: Sequence[Counter[str]]
                  ) -> list[tuple[int, int, float]]:
    """(a, b, Dice) for every pair sharing at least one bigram, through an inverted index of the
    new side: the work is the bigrams the two sides share, not |old| × |new| multiset
    intersections (230 × 230 items without ids: 1.4 s instead of 13 s, measured under load)."""
    index: dict[str, list[tuple[int, int]]] = {}
    for b, g in enumerate(news):
        for gram, c in g.items():
            index.setdefault(gram, []).append((b, c))
    tot_n = [sum(g.values()) for g in news]
    out = []
    for a, g in enumerate(olds):
        shared: dict[int, int] = {}
        for gram, c in g.items():
            for b, cn in index.get(gram, ()):
                shared[b] = shared.get(b, 0) + (c if c < cn else cn)
        tot_a = sum(g.values())
        out.extend((a, b, 2.0 * n / (tot_a + tot_n[b])) for b, n in shared.items())
    return out


Group = SectionView | SubsectionView


def _groups(view: DocumentView) -> list[tuple[tuple[int, int], Group, tuple[ItemView, ...]]]:
    """(key, section or subsection, its items); key (s, 0) for a section, (s, u) for a subsection.
    A section's items are its direct ones only (subsections are groups of their own)."""
    out: list[tuple[tuple[int, int], Group, tuple[ItemView, ...]]] = []
    for s in view.plan.sections:
        out.append(((s.number, 0), s, s.items))
        out.extend(((s.number, u.number), u, u.items) for u in s.subsections)
    return out


def group_key(i: ItemView) -> tuple[int, int]:
    if not i.subsection_label:
        return (i.section_number, 0)
    return (i.section_number, _sub_number(i))


def _sub_number(i: ItemView) -> int:
    from plangen.text import chinese_numeral

    label = i.subsection_label.strip("（）")
    for n in range(1, 200):
        if chinese_numeral(n) == label:
            return n
    return 0


def match_groups(old: DocumentView, new: DocumentView,
                 item_map: dict[int, tuple[int, str, float]]) -> dict[tuple[int, int], tuple[tuple[int, int], str]]:
    """old group key → (new group key, how). Sections match sections, subsections subsections."""
    go, gn = _groups(old), _groups(new)
    out: dict[tuple[int, int], tuple[tuple[int, int], str]] = {}
    for level in (0, 1):
        olds = [g for g in go if (g[0][1] > 0) == bool(level)]
        news = [g for g in gn if (g[0][1] > 0) == bool(level)]
        titled = greedy_pairs(olds, news, lambda o, n: similarity(o[1].title, n[1].title),
                              lambda o, n, s: s >= SECTION_TITLE)
        for a, b, _ in titled:
            out[olds[a][0]] = (news[b][0], "title")
        left_o = [g for g in olds if g[0] not in out]
        taken = {v[0] for v in out.values()}
        left_n = [g for g in news if g[0] not in taken]

        def shared(o: tuple, n: tuple) -> float:
            new_idx = {i.index for i in n[2]}
            hits = sum(1 for i in o[2] if i.index - 1 in item_map
                       and item_map[i.index - 1][0] + 1 in new_idx)
            smaller = min(len(o[2]), len(n[2]))
            return hits / smaller if smaller else 0.0

        for a, b, _ in greedy_pairs(left_o, left_n, shared, lambda o, n, s: s >= SHARED_ITEMS):
            out[left_o[a][0]] = (left_n[b][0], "items")
    return out


def longest_increasing(seq: Sequence[int]) -> set[int]:
    """Positions (into seq) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tail_pos: list[int] = []
    prev = [-1] * len(seq)
    for k, v in enumerate(seq):
        j = bisect.bisect_left(tails, v)
        if j == len(tails):
            tails.append(v)
            tail_pos.append(k)
        else:
            tails[j] = v
            tail_pos[j] = k
        prev[k] = tail_pos[j - 1] if j > 0 else -1
    out: set[int] = set()
    k = tail_pos[-1] if tail_pos else -1
    while k >= 0:
        out.add(k)
        k = prev[k]
    return out


UnitKey = tuple  # ("top",) | ("group", (s, u)) | ("item", index)


def units(view: DocumentView) -> list[UnitKey]:
    """The plan's units in print order: the top (title, preamble), each (sub)section heading
    with its own text, each item."""
    out: list[UnitKey] = [("top",)]
    for s in view.plan.sections:
        out.append(("group", (s.number, 0)))
        out.extend(("item", i.index) for i in s.items)
        for u in s.subsections:
            out.append(("group", (s.number, u.number)))
            out.extend(("item", i.index) for i in u.items)
    return out


def _unit_pairs(m: Matching) -> dict[UnitKey, UnitKey]:
    pairs: dict[UnitKey, UnitKey] = {("top",): ("top",)}
    for key, p in m.section_of_old.items():
        if p.new is not None:
            pairs[("group", key)] = ("group", _key_of(m.new, p.new))
    for idx, p in m.item_of_old.items():
        if p.new is not None:
            pairs[("item", idx)] = ("item", p.new.index)
    return pairs


def _key_of(view: DocumentView, g: Group) -> tuple[int, int]:
    for key, grp, _ in _groups(view):
        if grp is g:
            return key
    raise KeyError(g.title)


def _moves(old: DocumentView, new: DocumentView, pairs: dict[UnitKey, UnitKey],
           forced: set[UnitKey]) -> set[UnitKey]:
    """Old unit keys that moved: forced ones, and the matched units outside the longest run that
    keeps its order."""
    pos_new = {k: n for n, k in enumerate(units(new))}
    kept = [k for k in units(old) if k in pairs and k not in forced]
    seq = [pos_new[pairs[k]] for k in kept]
    stay = longest_increasing(seq)
    return forced | {k for n, k in enumerate(kept) if n not in stay}


def match(old: DocumentView, new: DocumentView) -> Matching:
    oi, ni = old.plan.items, new.plan.items
    imap = match_items(oi, ni)
    gmap = match_groups(old, new, imap)
    forced = {("item", a + 1) for a, (b, _, _) in imap.items()
              if gmap.get(group_key(oi[a]), (None,))[0] != group_key(ni[b])}
    m = Matching(old, new, [], [])
    groups_o = {k: g for k, g, _ in _groups(old)}
    groups_n = {k: g for k, g, _ in _groups(new)}
    for k, (kn, how) in gmap.items():
        m.section_of_old[k] = SectionPair(groups_o[k], groups_n[kn], how)  # type: ignore[arg-type]
    for a, (b, how, s) in imap.items():
        m.item_of_old[a + 1] = ItemPair(oi[a], ni[b], how, s)  # type: ignore[arg-type]
    moved = _moves(old, new, _unit_pairs(m), forced)
    for k, p in list(m.section_of_old.items()):
        m.section_of_old[k] = SectionPair(p.old, p.new, p.how, ("group", k) in moved)
    for k, p in list(m.item_of_old.items()):
        m.item_of_old[k] = ItemPair(p.old, p.new, p.how, p.score, ("item", k) in moved)
    for p in m.item_of_old.values():
        m.item_of_new[p.new.index] = p  # type: ignore[union-attr]
    for i in ni:
        m.item_of_new.setdefault(i.index, ItemPair(None, i))
    for i in oi:
        m.item_of_old.setdefault(i.index, ItemPair(i, None))
    for p in m.section_of_old.values():
        m.section_of_new[_key_of(new, p.new)] = p  # type: ignore[arg-type]
    for k, g in groups_n.items():
        m.section_of_new.setdefault(k, SectionPair(None, g))
    for k, g in groups_o.items():
        m.section_of_old.setdefault(k, SectionPair(g, None))
    merged = merge(m)
    seen: set[int] = set()
    for o, n, _ in merged:
        if (o or n)[0] == "item":  # type: ignore[index]
            p = _item_pair(m, o, n)
            if id(p) not in seen:  # a move appears once
                seen.add(id(p))
                m.items.append(p)
    m.sections = [m.section_of_new[k] for k in groups_n] + [
        p for p in m.section_of_old.values() if p.new is None]
    return m


def _item_pair(m: Matching, o: UnitKey | None, n: UnitKey | None) -> ItemPair:
    return m.item_of_new[n[1]] if n is not None else m.item_of_old[o[1]]  # type: ignore[index]


Status = Literal["same", "added", "removed", "move_from", "move_to"]


def merge(m: Matching) -> list[tuple[UnitKey | None, UnitKey | None, Status]]:
    """Old and new units in one sequence, the order of the redline: reading only the entries with
    an old side (same, removed, move_from) gives the old plan's order, only those with a new side
    (same, added, move_to) the new one's. Units that left their place follow the unit they
    followed in the old plan."""
    pairs = _unit_pairs(m)
    moved = {("group", k) for k, p in m.section_of_old.items() if p.moved} | {
        ("item", k) for k, p in m.item_of_old.items() if p.moved}
    back = {v: k for k, v in pairs.items()}
    old_units = units(m.old)
    followers: dict[UnitKey | None, list[UnitKey]] = {}
    anchor: UnitKey | None = None
    for k in old_units:
        if k in pairs and k not in moved:
            anchor = k
        else:
            followers.setdefault(anchor, []).append(k)
    out: list[tuple[UnitKey | None, UnitKey | None, Status]] = []

    def drop(after: UnitKey | None) -> None:
        for k in followers.get(after, []):
            out.append((k, None, "move_from" if k in moved else "removed"))

    drop(None)
    for k in units(m.new):
        o = back.get(k)
        if o is None:
            out.append((None, k, "added"))
        elif o in moved:
            out.append((o, k, "move_to"))
        else:
            out.append((o, k, "same"))
            drop(o)
    return out
