"""Checks on every string of a file: control characters (from escapes), paragraph sizes,
characters outside GB2312."""

from __future__ import annotations

import unicodedata

from plangen.check.common import walk_strings
from plangen.errors import Pos, Problems
from plangen.loading import CONTROL_RE, Loaded
from plangen.model import MAX_PARAGRAPH_CHARS

MAX_CHAR_PLACES = 3  # places listed per character outside GB2312


def check_strings(loaded: Loaded, problems: Problems) -> None:
    outside: dict[str, list[Pos]] = {}
    for path, s in walk_strings(loaded.data):
        m = CONTROL_RE.search(s)
        if m:
            problems.add(loaded.pos(path), "E004", f"含有不可见的控制字符 U+{ord(m.group()):04X}",
                         "Word 无法打开含这种字符的文件，请删除它（常见于转义写法 \\x01）")
        if len(s) > MAX_PARAGRAPH_CHARS:
            for para in s.split("\n"):
                if len(para) > MAX_PARAGRAPH_CHARS:
                    problems.add(loaded.pos(path), "E103",
                                 f"段落过长：{len(para)} 个字符，上限 {MAX_PARAGRAPH_CHARS} 个",
                                 "请把它拆成几段（空一行分段）")
        if not s.isascii():
            _outside_gb2312(loaded, path, s, outside)
    for ch, where in outside.items():
        for pos in where:
            problems.add(pos, "W301", f"“{ch}”（U+{ord(ch):04X}）不在 GB2312 字符集内",
                         "Word 中的仿宋_GB2312 等字体无法显示它；PDF 会用备用字体。"
                         "如是繁体或异体字，请确认是否改为规范字", warning=True)


def _outside_gb2312(loaded: Loaded, path: tuple[str | int, ...], s: str,
                    outside: dict[str, list[Pos]]) -> None:
    try:
        s.encode("gb2312")
        return
    except UnicodeEncodeError:
        pass
    counts: dict[str, int] = {}
    for ch in s:
        if ord(ch) < 0x80 or CONTROL_RE.match(ch) or unicodedata.category(ch) == "Cf":
            continue  # controls are E004; invisible format characters W306 (in names)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            n = counts.get(ch, 0)
            counts[ch] = n + 1
            if len(outside.setdefault(ch, [])) < MAX_CHAR_PLACES:
                outside[ch].append(loaded.char_pos(path, n, ch))
