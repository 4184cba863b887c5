"""pydantic → Chinese: one translator for every file a person types (plans, rosters, font
profiles). A `ValidationError` becomes Problems at file:line:col, with what to do.

pydantic reports a union (`Office | Name`, `date | str`) once per member. The translator reads
`e.errors()` once and groups the errors by their place in the data, so the cost is linear in the
number of errors (issue 19.11: it was cubic). At one place it keeps the error of the member the
value was meant for: a constraint error (too long, empty) or an error deeper in the value beats
"should be a mapping", so a 300-character bare roster name says "300 个字符", not "应为键值对".
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from plangen.errors import Problems
from plangen.loading import Loaded, PathT
from plangen.names import did_you_mean

_TYPE_WORDS = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为键值对（如 title: …）",
    "model_type": "应为键值对（如 title: …）",
    "model_attributes_type": "应为键值对（如 title: …）",
    "date_type": "应为日期，如 2024-02-22",
    "date_from_datetime_parsing": "应为日期，如 2024-02-22",
    "date_from_datetime_inexact": "应为日期（不含时间），如 2024-02-22",
    "date_parsing": "应为日期，如 2024-02-22",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
}
_BUILTIN_LABELS = {"str", "date", "int", "float", "bool", "none", "datetime", "list", "dict"}


@dataclass(frozen=True)
class Vocabulary:
    """How one kind of file names its places in messages."""

    label: Callable[[PathT], str]  # Chinese name of the value at a path ("" for none)
    range_hints: dict[str, str] = field(default_factory=dict)  # key → allowed range, in words
    union_words: Callable[[PathT], str] = lambda path: ""  # a union's choices, in words
    pattern_words: Callable[[PathT, Any], tuple[str, str]] | None = None  # (message, hint)
    shape_hint: str = ""  # appended to type errors (e.g. how a font role is written)


def _is_type_error(etype: str) -> bool:
    return etype in _TYPE_WORDS or etype.endswith(("_type", "_parsing"))


def _is_branch(part: str) -> bool:
    # pydantic labels union members by type or model name: 'str', 'constrained-str', 'Office',
    # 'list[str]', 'function-after[…]'. Keys of plangen's files are lower-case identifiers.
    return part[:1].isupper() or part in _BUILTIN_LABELS or "-" in part or "[" in part


def data_path(loc: Sequence[str | int], data: Any) -> PathT:
    """A pydantic loc → the path into the data, union-member labels dropped."""
    path: list[str | int] = []
    node: Any = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_branch(part):
            path.append(part)  # a missing or unknown key
            node = None
    return tuple(path)


def value_at(data: Any, path: PathT) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def describe(value: Any) -> str:
    """A value as a message names it ("数字 3", "列表"); text is cut to 20 characters."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, str):
        return f"文字“{value[:20]}”"
    return type(value).__name__


def _unwrap(tp: Any) -> list[Any]:
    """The concrete member types of an annotation (Optional/Union/Annotated unwrapped)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(tp) for m in _unwrap(arg)]
    return [tp]


def _step(current: Any, part: str | int) -> Any:
    for c in _unwrap(current):
        if isinstance(part, int) and typing.get_origin(c) is list:
            return typing.get_args(c)[0]
        if isinstance(part, str) and isinstance(c, type) and issubclass(c, BaseModel):
            f = c.model_fields.get(part)
            if f is not None:
                return f.annotation
    return None


def model_at(root: type[BaseModel], path: PathT) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at `path` (to list its allowed keys)."""
    current: Any = root
    for part in path:
        current = _step(current, part)
        if current is None:
            return None
    for c in _unwrap(current):
        if isinstance(c, type) and issubclass(c, BaseModel):
            return c
    return None


def _group(errors: list[dict[str, Any]], data: Any) -> dict[PathT, list[dict[str, Any]]]:
    by_path: dict[PathT, list[dict[str, Any]]] = {}
    for err in errors:
        by_path.setdefault(data_path(err["loc"], data), []).append(err)
    return by_path


def _prefixes(paths: Sequence[PathT]) -> set[PathT]:
    """Every proper prefix of every path (to see that a place has errors deeper inside)."""
    out: set[PathT] = set()
    for p in paths:
        for i in range(len(p)):
            out.add(p[:i])
    return out


def _choose(errs: list[dict[str, Any]], deeper: bool) -> list[dict[str, Any]]:
    """The errors to report at one place: type errors only when nothing more specific exists."""
    specific = [e for e in errs if not _is_type_error(e["type"]) and e["type"] != "extra_forbidden"]
    if specific:
        return specific[:1]
    if deeper:
        return []  # the value is of the right kind; what is wrong is inside it
    return [e for e in errs if _is_type_error(e["type"])]


class _Translator:
    def __init__(self, loaded: Loaded, root: type[BaseModel], problems: Problems,
                 vocab: Vocabulary) -> None:
        self.loaded, self.root, self.problems, self.vocab = loaded, root, problems, vocab

    def run(self, e: ValidationError) -> None:
        data = self.loaded.data
        reported = {q.pos for q in self.loaded.problems if q.code == "E010"}
        by_path = _group(e.errors(include_url=False), data)
        inner = _prefixes(list(by_path))
        for path, errs in by_path.items():
            for err in errs:
                if err["type"] == "extra_forbidden":
                    self.unknown_key(path)
            if self.loaded.positions.get(path) in reported:
                continue  # the loader already said why (e.g. an invalid date read as null)
            chosen = _choose(errs, path in inner)
            if not chosen:
                continue
            if _is_type_error(chosen[0]["type"]):
                self.wrong_type(path, chosen, value_at(data, path))
            else:
                self.one(path, chosen[0], value_at(data, path))

    def unknown_key(self, path: PathT) -> None:
        key = str(path[-1]) if path else "?"
        model = model_at(self.root, path[:-1])
        allowed = list(model.model_fields) if model else []
        hint = did_you_mean(key, allowed) or (f"可用的键：{'、'.join(allowed)}" if allowed else "")
        self.problems.add(self.loaded.key_pos(path), "E101", f"未知的键“{key}”", hint)

    def wrong_type(self, path: PathT, errs: list[dict[str, Any]], value: Any) -> None:
        word = _TYPE_WORDS.get(errs[0]["type"], "类型不对")
        if isinstance(value, (int, float)) and word == "应为文字":
            word += "（数字请加引号，如 \"2024\"）"
        if len(errs) > 1:
            word = self.vocab.union_words(path) or word
        what = self.vocab.label(path) or "此项"
        self.problems.add(self.loaded.pos(path), "E108", f"{what}{word}，现在是 {describe(value)}",
                          self.vocab.shape_hint)

    def one(self, path: PathT, err: dict[str, Any], value: Any) -> None:
        etype, ctx = err["type"], err.get("ctx") or {}
        key = str(path[-1]) if path and isinstance(path[-1], str) else ""
        what = self.vocab.label(path)

        def add(code: str, msg: str, hint: str = "") -> None:
            self.problems.add(self.loaded.pos(path), code, msg, hint)

        if etype == "missing":
            add("E102", f"缺少必填项“{key}”（{what}）" if what and what != key else f"缺少必填项“{key}”",
                f"请在此处补上 {key}: …")
        elif etype == "string_too_long":
            n = len(value) if isinstance(value, str) else 0
            add("E103", f"{what or '文字'}过长：{n} 个字符，上限 {ctx.get('max_length')} 个",
                "请精简，或把长段落拆开")
        elif etype == "string_too_short":
            add("E104", f"{what or '此项'}不能为空", "请填写内容，或删除这一项")
        elif etype == "too_short":
            add("E104", f"{what or '列表'}至少需要 {ctx.get('min_length', 1)} 项", "请补充内容")
        elif etype == "literal_error":
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            add("E105", f"{what}取值“{value}”无效，应为 {'、'.join(choices)} 之一",
                did_you_mean(str(value), choices))
        elif etype == "string_pattern_mismatch":
            msg, hint = (self.vocab.pattern_words(path, value) if self.vocab.pattern_words
                         else (f"“{value}”格式不对", ""))
            add("E106", msg, hint)
        elif etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            hint = self.vocab.range_hints.get(key) or _range_words(etype, ctx)
            add("E107", f"{what or '此项'}“{value}”超出范围", hint)
        elif etype == "value_error":
            add("E109", f"{what or '此项'}无效：{ctx.get('error', err['msg'])}", self.vocab.shape_hint)
        else:  # pragma: no cover - a pydantic error type this table does not know yet
            add("E199", f"{what or '此项'}无效：{err['msg']}", self.vocab.shape_hint)


def _range_words(etype: str, ctx: dict[str, Any]) -> str:
    words = {"greater_than_equal": "不能小于 {ge}", "less_than_equal": "不能大于 {le}",
             "greater_than": "应大于 {gt}", "less_than": "应小于 {lt}"}
    try:
        return words[etype].format(**ctx)
    except KeyError:
        return ""


def _key_label(path: PathT) -> str:
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "")


GENERIC = Vocabulary(label=_key_label)  # names a place by its key


def validate(model: type[BaseModel], loaded: Loaded, problems: Problems,
             vocab: Vocabulary = GENERIC) -> Any:
    """`model` validated from `loaded.data`, or None with every error in `problems`."""
    try:
        return model.model_validate(loaded.data)
    except ValidationError as e:
        _Translator(loaded, model, problems, vocab).run(e)
        return None
