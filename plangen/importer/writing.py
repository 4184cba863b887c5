"""Plan data → YAML text (ruamel.yaml, so any name is quoted as YAML needs: `*团委`, `&x`,
`a: b` load back as written), for the plan and for the roster written beside it."""

from __future__ import annotations

import io
from typing import Any

PLAN_SCHEMA = "# yaml-language-server: $schema=../plangen/data/schema/plan.schema.json\n"
ROSTER_HEAD = ("# yaml-language-server: $schema=../plangen/data/schema/roster.schema.json\n"
               "# 由 plangen import 生成：请核对名称，把同一{word}的不同写法用 aliases 合并。\n")


def _yaml() -> Any:
    from plangen.loading import round_trip_yaml

    return round_trip_yaml()


def _quoted(node: Any) -> Any:
    """Strings that a YAML 1.1 reader (PyYAML, which `plangen check` uses) would take for
    something else — `yes`, `null`, `2024`, `1.5` — are written in quotes; texts of several
    paragraphs as literal blocks."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    if isinstance(node, (dict, CommentedMap)):
        for k in node:
            node[k] = _quoted(node[k])
    elif isinstance(node, (list, CommentedSeq)):
        for i, v in enumerate(node):
            node[i] = _quoted(v)
    elif isinstance(node, str) and "\n" in node:
        return LiteralScalarString(node)  # paragraphs (`——` entries) as a block, one a line
    elif isinstance(node, str) and Resolver().resolve(ScalarNode, node, (True, False)) != "tag:yaml.org,2002:str":
        return DoubleQuotedScalarString(node)
    return node


def _dump(doc: Any, head: str) -> str:
    doc = _quoted(doc)
    buf = io.StringIO()
    buf.write(head)
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _flow(seq: list[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    s = CommentedSeq(seq)
    s.fa.set_flow_style()
    return s


NOTICE_KEYS = ("template", "issuers", "mark", "number", "title", "to", "body", "attachments", "signature", "date",
               "note", "cc", "printed_by", "printed_on")


def to_yaml(data: dict[str, Any], roster_name: str | None) -> str:
    from ruamel.yaml.comments import CommentedMap

    doc = CommentedMap()
    if roster_name:
        doc["roster"] = roster_name
    if "notice" in data:
        n = CommentedMap()
        for k in NOTICE_KEYS:
            if k == "template":
                n[k] = "red-header"
            elif k in data["notice"]:
                v = data["notice"][k]
                n[k] = _flow(v) if isinstance(v, list) else v
        doc["notice"] = n
    plan = data["plan"]
    p = CommentedMap()
    for k in ("title", "year", "issuers", "options", "preamble"):
        if k in plan:
            p[k] = _flow(plan[k]) if k == "issuers" else plan[k]
    secs = []
    for sec in plan["sections"]:
        s = CommentedMap(sec)
        if "items" in s:
            s["items"] = [_item_map(it) for it in s["items"]]
        if "subsections" in s:
            s["subsections"] = [CommentedMap({**sub, "items": [_item_map(it) for it in sub["items"]]})
                                for sub in s["subsections"]]
        secs.append(s)
    p["sections"] = secs
    doc["plan"] = p
    return _dump(doc, PLAN_SCHEMA)


def _item_map(item: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap()
    for k in ("id", "title", "text", "leaders", "offices", "joint", "due", "subitems"):
        if k in item:
            m[k] = _flow(item[k]) if k in ("leaders", "offices") else item[k]
    return m


def roster_yaml(bureau: str, leaders: list[str], offices: list[str], office_word: str | None = None) -> str:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    doc = CommentedMap()
    doc["bureau"] = bureau
    if office_word:
        doc["office_word"] = office_word
    doc["leaders"] = CommentedSeq(leaders)
    doc["offices"] = CommentedSeq(offices)
    return _dump(doc, ROSTER_HEAD.format(word=office_word or "股室"))
