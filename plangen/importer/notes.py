"""The grammar of responsibility notes: `（责任领导：…，责任股室：…）` and every other way real
plans write who does a task and by when.

A note is one or more fields `LABEL：VALUE`. A label is built from parts, not listed:

    LABEL  = ROLE KIND | LONE | DUE
    ROLE   = 责任 | 牵头 | 主责 | 主办 | 负责 | 配合 | 协办 | 协助 | 协同 | 参与 | 分管 | 主管 | 联系 | 承办 | …
    KIND   = 领导 | 责任人 | 股室 | 科室 | 处室 | 单位 | 部门
    LONE   = 牵头 | 主责 | 主办 | 配合 | 协办 | 协助          (`（牵头：X；配合：Y）`)
    DUE    = 完成时限 | 完成时间 | 完成期限 | 时间节点 | 办结时限 | 时间要求 | 时限

The role decides the field: leaders (any role with 领导/责任人), lead offices (牵头/主责/主办/负责),
assisting offices (配合/协办/协助/协同/参与), or a bare list (责任/主管/承办…). A bare list of 单位 or
部门 names units as equals (`joint`); a bare list of 股室/科室/处室 names the lead first, as in 云溪.
A name marked `（牵头）` leads. The office word (股室/科室/处室/单位) the plan uses is kept.

A note stands at the end of an item, in any bracket (（）()【】[]〔〕) or none, possibly unclosed,
possibly several in a row, or on a line of its own. Everything here scans or uses patterns
without nested or overlapping quantifiers, so time stays linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEAD_ROLES = ("牵头责任", "主要责任", "牵头", "主责", "主办", "负责")
ASSIST_ROLES = ("协同配合", "配合", "协办", "协助", "协同", "参与")
PLAIN_ROLES = ("责任", "分管", "主管", "联系", "承办", "具体负责", "实施")
OFFICE_KINDS = ("股室", "科室", "处室", "单位", "部门")
LEADER_KINDS = ("领导", "人")
DUE_LABELS = ("完成时限", "完成时间", "完成期限", "时间节点", "办结时限", "时间要求", "时限")
LONE_LEAD = ("牵头", "主责", "主办")
LONE_ASSIST = ("配合", "协办", "协助")
OFFICE_WORD = {"股室": "股室", "科室": "科室", "处室": "处室", "单位": "单位", "部门": "单位"}

OPEN = "（(【[〔［"
CLOSE = "）)】]〕］"
SEPS = "，,；;、/ \t"
_NO_OPEN = str.maketrans("", "", OPEN)
_NO_CLOSE = str.maketrans("", "", CLOSE)
MAX_NAME = 40  # a longer "name" means the colon was prose, not a note
MAX_NOTE = 600


def _labels() -> dict[str, tuple[str, str, str]]:
    """Every label word → (role, kind, what): what is leader | office | due | lead | assist."""
    out: dict[str, tuple[str, str, str]] = {}
    for role in LEAD_ROLES + ASSIST_ROLES + PLAIN_ROLES:
        for kind in OFFICE_KINDS:
            out[role + kind] = (role, kind, "office")
        for kind in LEADER_KINDS:
            out[role + kind] = (role, kind, "leader")
    for word in DUE_LABELS:
        out[word] = ("", "", "due")
    for word in LONE_LEAD:
        out.setdefault(word, (word, "", "lead"))
    for word in LONE_ASSIST:
        out.setdefault(word, (word, "", "assist"))
    return out


LABELS = _labels()
# One flat alternation of literal words (longest first) and a colon: the regex engine scans for
# their first characters at C speed and the work per position is constant.
LABEL_RE = re.compile(
    "(?:" + "|".join(re.escape(w) for w in sorted(LABELS, key=len, reverse=True)) + ")[ \t]?[:：∶]")


def label_of(m: re.Match[str]) -> tuple[str, str, str]:
    return LABELS[m.group().rstrip(":：∶ \t")]


MARK_RE = re.compile(r"[（(][ \t]?(牵头|主责|配合|协办)[ \t]?[）)]")


@dataclass
class Note:
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    assist: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    bare_joint: bool = False  # the bare list was written under 单位/部门
    due: str = ""
    words: list[str] = field(default_factory=list)  # office words of the labels, in order

    def merge(self, other: Note) -> None:
        for k in ("leaders", "lead", "assist", "bare", "words"):
            getattr(self, k).extend(getattr(other, k))
        self.bare_joint = self.bare_joint or other.bare_joint
        self.due = self.due or other.due

    @property
    def empty(self) -> bool:
        return not (self.leaders or self.lead or self.assist or self.bare or self.due)

    def offices(self) -> tuple[list[str], bool]:
        """(offices with the lead first, joint)."""
        names = list(dict.fromkeys(self.lead + self.bare + self.assist))
        joint = bool(self.bare_joint and not self.lead and not self.assist and len(names) > 1)
        return names, joint

    def fields(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.leaders:
            out["leaders"] = list(dict.fromkeys(self.leaders))
        offices, joint = self.offices()
        if offices:
            out["offices"] = offices
        if joint:
            out["joint"] = True
        if self.due:
            out["due"] = self.due
        return out


def _names(value: str) -> list[str]:
    """`A、B，C D` → names; spaces count as separators here (spaces next to Chinese text were
    already turned into 、 inside notes by `protect_note_spaces`)."""
    out, cur = [], []
    for ch in value:
        if ch in SEPS:
            if cur:
                out.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur))
    names = (x.strip("。.-—") for x in out)  # `组织科、思政科等`: 等 closes the list, not a name
    names = (n[:-1] if n.endswith("等") and len(n) > 2 else n for n in names)
    return [n for n in names if n and any(c.isalnum() for c in n)]


def _clean(value: str) -> str | None:
    """Strip separators and the brackets that belong to the note, keep brackets inside names.
    None when the note closed and prose follows (then it was not a note)."""
    opens = len(value) - len(value.translate(_NO_OPEN))
    closes = len(value) - len(value.translate(_NO_CLOSE))
    v = value
    while v:
        last = v[-1]
        if last in SEPS or last in "。 ":
            v = v[:-1]
        elif last in OPEN:
            v, opens = v[:-1], opens - 1
        elif last in CLOSE and closes > opens:
            v, closes = v[:-1], closes - 1
        else:
            break
    if closes > opens:
        return None  # `X）要求各校…`: the note ended inside this value
    return v.strip()


def parse_fields(region: str) -> Note | None:
    """`（责任领导：A，责任股室：X、Y）` (the whole region is the note) → Note, or None."""
    if len(region) > MAX_NOTE:
        return None
    matches = list(LABEL_RE.finditer(region))
    if not matches or region[:matches[0].start()].strip(" \t" + OPEN + CLOSE):
        return None
    note = Note()
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(region)
        raw = region[m.end():end]
        marked = MARK_RE.sub(lambda mm: "\x00" + ("L" if mm.group(1) in ("牵头", "主责") else "A"), raw)
        value = _clean(marked)
        if value is None:
            return None
        if label_of(m)[2] == "due":
            if len(value) > MAX_NAME:
                return None
            note.due = value.replace("\x00L", "").replace("\x00A", "")
            continue
        names = _names(value)
        if any(len(n) > MAX_NAME for n in names):
            return None
        if not _add_names(note, m, names):
            return None
    return note


def _add_names(note: Note, m: re.Match[str], names: list[str]) -> bool:
    role, kind, what = label_of(m)
    if what == "leader":
        note.leaders.extend(n.split("\x00")[0] for n in names)
        return True
    if kind:
        note.words.append(OFFICE_WORD[kind])
    target = "bare"
    if what == "lead" or role in LEAD_ROLES:
        target = "lead"
    elif what == "assist" or role in ASSIST_ROLES:
        target = "assist"
    for n in names:
        name, _, mark = n.partition("\x00")
        if not name:
            continue
        if mark == "L":
            note.lead.append(name)
        elif mark == "A":
            note.assist.append(name)
        else:
            getattr(note, target).append(name)
    if target == "bare" and kind in ("单位", "部门") and not any("\x00L" in n for n in names):
        note.bare_joint = True
    return True


def _note_starts(t: str) -> list[int]:
    """Where a note at the end of `t` may start (already stripped of trailing 。 and blanks):
    an opening bracket before a label, or a label after a separator, after the last full stop."""
    stop = max(t.rfind("。"), t.rfind("！"), t.rfind("？"), len(t) - MAX_NOTE - 1)
    out = []
    for m in LABEL_RE.finditer(t, stop + 1):
        q = m.start()
        k = q - 1
        while k > stop and t[k] in " \t":
            k -= 1
        if k > stop and t[k] in OPEN:
            out.append(k)
        elif k <= stop or t[k] in SEPS or t[k] in CLOSE:
            out.append(q)
    return out


def split_notes(text: str) -> tuple[str, Note]:
    """Text → (text without its trailing notes, the notes). Several notes in a row are all taken."""
    note = Note()
    for _ in range(8):
        t = text.rstrip(" \t。；;")
        found = None
        for p in _note_starts(t):
            found = parse_fields(t[p:])
            if found is not None:
                break
        if found is None:
            break
        found.merge(note)
        note = found
        text = t[:p].rstrip(" \t")
    if text.endswith(("，", ",")) and not note.empty:
        text = text[:-1] + "。"
    return text, note


def note_line(text: str) -> Note | None:
    """A line of its own that is a whole note (`责任单位：X、Y`, `完成时限：年底前`, `【…】`)."""
    t = text.strip().rstrip("。；;")
    if not t:
        return None
    k = 0
    while k < len(t) and t[k] in OPEN + " \t":
        k += 1
    m = LABEL_RE.match(t, k)
    if m is None:
        return None
    found = parse_fields(t)
    return found if found is not None and not found.empty else None


_BLANK_RUN_RE = re.compile("[ \t\u3000\xa0]+")
_KEEP = SEPS + OPEN + CLOSE + "：:。"


def protect_note_spaces(text: str) -> str:
    """Inside a note, a blank between two names separates them (`责任领导：陈丽 李开军`); elsewhere
    such blanks are extraction debris and `normalise` drops them. Turn them into 、 (or ， before
    the next label) first. One callback per blank run after the first label."""
    m = LABEL_RE.search(text)
    if m is None:
        return text
    tail = text[m.start():]

    def sub(r: re.Match[str]) -> str:
        a, b = r.span()
        before = tail[a - 1] if a else ""
        after = tail[b] if b < len(tail) else ""
        if not before or not after or before in _KEEP:
            return ""
        if LABEL_RE.match(tail, b):
            return "，"
        return "" if after in _KEEP else "、"

    return text[:m.start()] + _BLANK_RUN_RE.sub(sub, tail)
