"""Read a YAML file into plain Python data plus a position for every value.

PyYAML alone is not safe enough for files people type by hand: it silently keeps the last of two
duplicate keys, expands aliases lazily (a small "alias bomb" file takes minutes and gigabytes to
walk), and only reads UTF-8/UTF-16. This loader composes the node tree itself and:

- refuses anchors/aliases (`&a` / `*a`) while composing, and caps the node count and depth;
- reports duplicate keys, non-string keys, unknown tags and invalid dates;
- checks the size before reading and the encoding before parsing (GBK → 请另存为 UTF-8);
- reports tabs in indentation and control characters, then keeps going (replacing them with
  spaces) so one run lists every problem;
- records, for every value, its 1-based line/column and its character span in the text.

A path is a tuple of keys and list indices, e.g. ("plan", "sections", 0, "items", 2, "offices", 1).
"""

from __future__ import annotations

import bisect
import codecs
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from plangen.errors import Pos, Problems
from plangen.model import MAX_FILE_BYTES

MAX_NODES = 200_000
MAX_DEPTH = 40
PathT = tuple[str | int, ...]

# Characters XML 1.0 cannot hold (and YAML refuses): C0 controls except tab/LF/CR, DEL, C1, the
# noncharacters U+FFFE/U+FFFF and lone surrogates. One pattern for the loader and for check.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class Loaded:
    """The outcome of loading one file. `data` is None when nothing usable could be read."""

    path: Path
    display: str
    text: str = ""
    data: Any = None
    positions: dict[PathT, Pos] = field(default_factory=dict)  # value positions
    key_positions: dict[PathT, Pos] = field(default_factory=dict)  # positions of mapping keys
    spans: dict[PathT, tuple[int, int]] = field(default_factory=dict)  # value char spans
    problems: Problems = field(default_factory=Problems)
    _line_starts: tuple[list[int], str] | None = field(default=None, repr=False, compare=False)

    def pos(self, path: PathT) -> Pos:
        """The position of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), Pos(self.display, 1, 1))

    def key_pos(self, path: PathT) -> Pos:
        return self.key_positions.get(tuple(path)) or self.pos(path)

    def char_pos(self, path: PathT, index_in_value: int, char: str) -> Pos:
        """Best position of the `index_in_value`-th occurrence (0-based) of `char` in the value."""
        span = self.spans.get(tuple(path))
        if span:
            start, end = span
            at = start - 1
            for _ in range(index_in_value + 1):
                at = self.text.find(char, at + 1, end)
                if at < 0:
                    break
            if at >= 0:
                return self.offset_pos(at)
        return self.pos(path)

    def offset_pos(self, offset: int) -> Pos:
        """Line and column of a character offset in `text` (a line index, built once)."""
        if self._line_starts is None or self._line_starts[1] is not self.text:
            starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
            self._line_starts = (starts, self.text)
        starts = self._line_starts[0]
        line = bisect.bisect_right(starts, offset)
        return Pos(self.display, line, offset - starts[line - 1] + 1)


class _TooBig(Exception):
    pass


class _Refusing:
    """Composer hooks: refuse aliases and count nodes and depth while composing."""

    _loaded: Loaded
    _nodes = 0
    _depth = 0
    _aliases = 0  # only the first few are reported one by one

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            event = self.get_event()  # type: ignore[attr-defined]
            self._aliases += 1
            if self._aliases <= 5:
                self._loaded.problems.add(
                    _mark_pos(self._loaded, event.start_mark), "E006",
                    f"不支持 YAML 别名“*{event.anchor}”",
                    "请把内容直接写出来，不要用 &锚点 和 *别名 引用",
                )
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _TooBig
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooBig
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


if getattr(yaml, "__with_libyaml__", False):
    # libyaml scans and parses (about 10× faster than PyYAML's pure-Python scanner: a 5,000-item
    # plan loads in well under a second); composing stays in Python, with the hooks above.
    from yaml._yaml import CParser

    class _Composer(_Refusing, Composer, Resolver, CParser):  # type: ignore[misc]
        def __init__(self, stream: str, loaded: Loaded) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)
            self._loaded = loaded
else:  # pragma: no cover - PyYAML built without libyaml
    class _Composer(_Refusing, yaml.SafeLoader):  # type: ignore[no-redef]
        def __init__(self, stream: str, loaded: Loaded) -> None:
            yaml.SafeLoader.__init__(self, stream)
            self._loaded = loaded


def _mark_pos(loaded: Loaded, mark: Any) -> Pos:
    return Pos(loaded.display, mark.line + 1, mark.column + 1)


class DecodeError(ValueError):
    """Bytes that are not text plangen reads: a Chinese message, a hint and where it went wrong."""

    def __init__(self, message: str, hint: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message, self.hint, self.line, self.col = message, hint, line, col


def decode_text(raw: bytes, *, gb18030: bool = False) -> str:
    """The one decoder for files people type: UTF-8 (with or without BOM) or UTF-16 with BOM;
    with `gb18030=True` (the importer's legacy .txt files) GBK/GB18030 too. Raises DecodeError
    (Chinese, with the line and column of the first bad byte) for anything else."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DecodeError("文件编码无法识别（UTF-16 内容损坏）", "请另存为 UTF-8") from None
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        head = body[: e.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        bad_at = (line, col)
    if b"\x00" in body[:4096]:
        raise DecodeError("这不是文本文件（含二进制数据）", "计划文件应是 UTF-8 编码的 YAML 文本", *bad_at)
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        raise DecodeError("文件不是 UTF-8 编码（编码无法识别）", "请在编辑器中“另存为”并选择 UTF-8 编码",
                          *bad_at) from None
    if gb18030 and body is raw:
        return text
    raise DecodeError("文件不是 UTF-8 编码（看起来是 GBK/GB18030 编码）",
                      "请在编辑器中“另存为”并选择 UTF-8 编码", *bad_at)


def _decode(raw: bytes, loaded: Loaded) -> str | None:
    try:
        return decode_text(raw)
    except DecodeError as e:
        loaded.problems.add(Pos(loaded.display, e.line, e.col), "E002", e.message, e.hint)
        return None


def _scan_text(text: str, loaded: Loaded) -> str:
    """Report tabs in indentation and control characters; return text safe to parse."""
    out = text
    if "\t" in text:
        for lineno, line in enumerate(text.split("\n"), 1):
            stripped = line.lstrip(" \t")
            indent = line[: len(line) - len(stripped)]
            if "\t" in indent:
                col = indent.index("\t") + 1
                loaded.problems.add(Pos(loaded.display, lineno, col), "E003",
                                    "缩进里有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成空格")
        out = re.sub(r"(?m)^[ \t]+", lambda m: m.group(0).replace("\t", "  "), out)
    bad = list(CONTROL_RE.finditer(out))
    for m in bad[:50]:
        loaded.problems.add(loaded.offset_pos(m.start()), "E004",
                            f"含有不可见的控制字符 U+{ord(m.group()):04X}",
                            "通常是从别处复制带来的，请删除该字符")
    if len(bad) > 50:
        loaded.problems.add(Pos(loaded.display), "E004", f"另有 {len(bad) - 50} 个控制字符未逐一列出")
    if bad:
        out = CONTROL_RE.sub(" ", out)
    return out


_YAML_MESSAGES = [
    ("could not find expected ':'", "缺少冒号“:”", "每个键后面要有“: ”"),
    ("mapping values are not allowed here", "这里不能出现“键: 值”",
     "多半是冒号后少了空格、缩进不对，或文字里有“: ”需要整体加引号"),
    ("did not find expected key", "缩进不对齐，或上一行没有写完", "检查本行和上一行的缩进"),
    ("did not find expected '-' indicator", "列表项缩进不对齐", "同一列表的各项“- ”要对齐"),
    ("found character that cannot start any token", "这个字符不能出现在值的开头",
     "以 @ ` % 等开头的文字请整体加引号"),
    ("found undefined tag handle", "未知的标签", "不要使用 ! 开头的标签"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合？）", "检查引号是否成对"),
    ("while scanning a quoted scalar", "引号没有闭合", "检查引号是否成对"),
    ("expected <block end>, but found", "缩进不对齐", "检查本行和上一行的缩进"),
    ("while parsing a flow", "方括号或花括号没有闭合", "检查 [ ] 和 { } 是否成对"),
    ("found unknown escape character", "双引号里有无效的转义符“\\”", "改用单引号，或写成“\\\\”"),
]


def _yaml_problem(e: yaml.MarkedYAMLError, loaded: Loaded) -> None:
    english = f"{e.context or ''} {e.problem or ''}".strip()
    # An unclosed bracket or quote is best shown where it was opened, not where parsing gave up.
    opened = (e.context or "").startswith(("while parsing a flow", "while scanning a quoted"))
    mark = (e.context_mark if opened else None) or e.problem_mark or e.context_mark
    pos = _mark_pos(loaded, mark) if mark else Pos(loaded.display, 1, 1)
    for needle, msg, hint in _YAML_MESSAGES:
        if needle in english:
            loaded.problems.add(pos, "E005", f"YAML 格式错误：{msg}", hint)
            return
    loaded.problems.add(pos, "E005", f"YAML 格式错误（{english}）", "检查该行及上一行的缩进、冒号和引号")


def _size_words(n: int) -> str:
    mb = n / 1024 / 1024
    if n >= 1024 * 1024:
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    return f"{n / 1024:.0f} KB"


def read_limited(path: Path, max_bytes: int) -> bytes | None:
    """At most `max_bytes` of a file, or None when it holds more (checked on the size first, and
    again while reading: /proc files report size 0). Raises OSError."""
    if path.stat().st_size > max_bytes:
        return None
    with path.open("rb") as f:
        raw = f.read(max_bytes + 1)
    return None if len(raw) > max_bytes else raw


def _read(path: Path, loaded: Loaded, max_bytes: int) -> bytes | None:
    try:
        mode = path.stat().st_mode
    except OSError:
        loaded.problems.add(Pos(loaded.display), "E001", "找不到文件", "检查文件名和路径")
        return None
    if not stat.S_ISREG(mode):
        loaded.problems.add(Pos(loaded.display), "E001", "不是文件", "请给出 .yaml 文件的路径")
        return None
    try:
        raw = read_limited(path, max_bytes)
    except OSError as e:
        loaded.problems.add(Pos(loaded.display), "E001", f"无法读取文件：{e.strerror}")
        return None
    if raw is None:
        try:
            size = _size_words(path.stat().st_size) + "，"
        except OSError:
            size = ""
        loaded.problems.add(
            Pos(loaded.display), "E001", f"文件过大（{size}上限为 {_size_words(max_bytes)}）",
            "一份工作要点通常不超过 100 KB，请检查是否误选了文件",
        )
    return raw


def load_yaml(path: Path, display: str | None = None, *, max_bytes: int = MAX_FILE_BYTES) -> Loaded:
    """Load one YAML file with positions. Never raises for bad input; see `Loaded.problems`."""
    loaded = Loaded(path=path, display=display or str(path))
    raw = _read(path, loaded, max_bytes)
    if raw is None:
        return loaded
    text = _decode(raw, loaded)
    if text is None:
        return loaded
    loaded.text = text
    safe = _scan_text(text, loaded)
    composer = _Composer(safe, loaded)
    try:
        node = composer.get_single_node()
    except _TooBig:
        loaded.problems.add(Pos(loaded.display, 1, 1), "E007",
                            f"结构过大或嵌套过深（超过 {MAX_NODES} 个值或 {MAX_DEPTH} 层）",
                            "请检查文件是否损坏")
        return loaded
    except yaml.MarkedYAMLError as e:
        _yaml_problem(e, loaded)
        return loaded
    except yaml.YAMLError as e:
        loaded.problems.add(Pos(loaded.display, 1, 1), "E005", f"YAML 格式错误（{e}）")
        return loaded
    finally:
        composer.dispose()
        if composer._aliases > 5:
            loaded.problems.add(Pos(loaded.display, 1, 1), "E006",
                                f"另有 {composer._aliases - 5} 处 YAML 别名未逐一列出")
    if node is None:
        loaded.problems.add(Pos(loaded.display, 1, 1), "E008", "文件是空的", "请参照 README 中的示例填写")
        return loaded
    loaded.data = _Builder(loaded).build(node, ())
    return loaded


class _Builder:
    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.constructor = SafeConstructor()

    def build(self, node: Node, path: PathT) -> Any:
        loaded = self.loaded
        loaded.positions[path] = _mark_pos(loaded, node.start_mark)
        loaded.spans[path] = (node.start_mark.index, node.end_mark.index)
        if node.tag not in _STANDARD_TAGS:
            loaded.problems.add(loaded.positions[path], "E009", f"不支持的 YAML 标签“{node.tag}”",
                                "请去掉 ! 开头的标签")
            return None
        if isinstance(node, ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError, OverflowError):
                if node.tag.endswith(":timestamp"):
                    loaded.problems.add(loaded.positions[path], "E010", f"日期无效：{node.value}",
                                        "日期写作 2024-02-22，月份 1–12，日期须在该月之内")
                else:
                    loaded.problems.add(loaded.positions[path], "E005", f"无法读取的值：{node.value}")
                return None
        if isinstance(node, SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                kpos = _mark_pos(loaded, key_node.start_mark)
                if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:null":
                    loaded.problems.add(kpos, "E011", "键必须是简单的文字", "例如 title: …")
                    continue
                key = str(key_node.value)
                if key == "<<":
                    loaded.problems.add(kpos, "E006", "不支持 YAML 合并键“<<”", "请把内容直接写出来")
                    continue
                if key in result:
                    first = loaded.key_positions[(*path, key)]
                    loaded.problems.add(kpos, "E012",
                                        f"键“{key}”重复（第一次出现在第 {first.line} 行）",
                                        "删除或合并重复的键；YAML 只会保留其中一个")
                    continue
                loaded.key_positions[(*path, key)] = kpos
                result[key] = self.build(value_node, (*path, key))
            return result
        return None  # pragma: no cover - PyYAML has no other node kinds


def round_trip_yaml(*, preserve_quotes: bool = False) -> Any:
    """The one ruamel.yaml set-up for YAML plangen writes (import, new --from): round-trip mode
    (comments and key order kept), never folding long lines (a folded line break becomes a
    space in Chinese text), 2-space mappings and `- ` items indented by 2."""
    from ruamel.yaml import YAML

    y = YAML()
    y.width = 1_000_000
    y.allow_unicode = True
    y.preserve_quotes = preserve_quotes
    y.indent(mapping=2, sequence=4, offset=2)
    return y
