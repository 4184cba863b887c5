"""`plangen diff` on yunxi-2024 and a NEW plan made from it by the seven edits of issue 17
(tests/test_diff_support.py): summary, Word tracked changes, accept/reject, the move, the PDF's
colours, identical plans, plans without ids."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

from plangen.fonts import load_profile
from plangen.render.docx import render_docx
from plangen.view import load_view
from test_diff_support import (NEW_ITEM, RENAMED_FROM, RENAMED_TO, REWORD_NEW, REWORD_OLD, W,
                               load_yunxi, para_texts, resolve, write_pair, write_plan)

FILES = ("redline.docx", "redline.pdf", "redline.html", "changes.xlsx")


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("diff")
    old, new = write_pair(tmp)
    r = cli("diff", old.name, new.name, cwd=tmp)
    out = tmp / "output" / "diff" / "yunxi-2024--yunxi-2025"
    return {"r": r, "out": out, "old": old, "new": new, "tmp": tmp}


def body(path: Path) -> Any:
    return docx.Document(str(path)).element.body


def rendered(plan: Path) -> Any:
    return docx.Document(io.BytesIO(render_docx(load_view(plan), profile=load_profile(None)))).element.body


def paragraph_with(root: Any, text: str) -> Any:
    """The w:p whose text (kept and deleted characters alike) contains `text`."""
    hits = [p for p in root.iter(W + "p") if text in "".join(p.itertext())]
    assert len(hits) == 1, (text, len(hits))
    return hits[0]


def changes(p: Any, tag: str) -> list[str]:
    return ["".join(t.text or "" for t in el.iter(W + "t", W + "delText")) for el in p.iter(W + tag)]


def test_summary_counts_and_files(run: dict[str, Any]) -> None:
    r = run["r"]
    assert r.returncode == 0, r.stdout + r.stderr
    head = r.stdout.splitlines()[0]
    assert head == "yunxi-2024 → yunxi-2025：新增1项、删除1项、修改1项、调整责任1项、调整时限1项、移动1项"
    assert f"部分改名：{RENAMED_FROM} → {RENAMED_TO}" in r.stdout
    lines = r.stdout.splitlines()
    assert "  二、聚焦全面发展，落实立德树人根本任务：新增1项" in lines
    assert "  一、聚焦党建引领，落实党对教体工作的全面领导：修改1项、移动1项" in lines
    assert f"  五、{RENAMED_TO}：删除1项、调整时限1项、移出1项" in lines
    offices = r.stdout.split("按股室：")[1]
    assert "教培中心：增加 16.全面加强师德师风建设（牵头）" in offices
    assert "人事股：改变 16.全面加强师德师风建设（牵头→配合）" in offices
    assert "阳光服务中心：减少 原19.深入开展三年集中攻坚行动（牵头）" in offices
    assert f"教育股：增加 9.{NEW_ITEM['title']}（牵头）" in offices
    for f in FILES:
        assert (run["out"] / f).stat().st_size > 0


def test_inserted_and_deleted_characters_exact(run: dict[str, Any]) -> None:
    root = body(run["out"] / "redline.docx")
    p = paragraph_with(root, "2.不断加强基层党建工作")
    assert changes(p, "del") == [REWORD_OLD] and changes(p, "ins") == [REWORD_NEW]
    p = paragraph_with(root, "全面加强师德师风建设")  # renumbered 14. → 16., lead office added
    assert changes(p, "del") == ["4"] and changes(p, "ins") == ["6", "教培中心、"]
    p = paragraph_with(root, NEW_ITEM["title"])
    assert "".join(changes(p, "ins")) == "9." + NEW_ITEM["title"] + "。" + NEW_ITEM["text"] + \
        "（责任领导：陈丽，责任股室：教育股）"
    assert p.find(f"{W}pPr/{W}rPr/{W}ins") is not None and not changes(p, "del")
    p = paragraph_with(root, "深入开展三年集中攻坚行动")
    assert "".join(changes(p, "del")).startswith("19.深入开展三年集中攻坚行动。继续推进")
    assert p.find(f"{W}pPr/{W}rPr/{W}del") is not None and not changes(p, "ins")
    heading = paragraph_with(root, "办好人民满意教育")
    assert changes(heading, "del") and "".join(changes(heading, "ins")) in RENAMED_TO
    # untouched items carry no change at all; nor does the one whose due date (not printed) moved
    for title in ("深入学习贯彻党的二十大精神。", "22.统筹落实招生考试工作。"):
        p = paragraph_with(root, title)
        assert not changes(p, "ins") and not changes(p, "del"), title


def test_accept_all_is_new_and_reject_all_is_old_in_the_xml(run: dict[str, Any]) -> None:
    root = body(run["out"] / "redline.docx")
    new, old = para_texts(rendered(run["new"])), para_texts(rendered(run["old"]))
    assert para_texts(resolve(root, accept=True)) == new
    assert para_texts(resolve(root, accept=False)) == old
    assert new != old


def test_the_move_is_reported_once(run: dict[str, Any]) -> None:
    root = body(run["out"] / "redline.docx")
    froms = [el for el in root.iter(W + "moveFromRangeStart")]
    tos = [el for el in root.iter(W + "moveToRangeStart")]
    assert len(froms) == len(tos) == 1 and froms[0].get(W + "name") == tos[0].get(W + "name")
    src, dst = froms[0].getparent(), tos[0].getparent()
    assert "".join(changes(src, "moveFrom")).startswith(".大力规范财务管理。组织开展业务培训。")
    assert changes(src, "del") == ["21"] and not changes(src, "ins")  # renumbered 21. → 5.
    assert "".join(changes(dst, "moveTo")) == "".join(changes(src, "moveFrom"))
    assert changes(dst, "ins") == ["5"] and not changes(dst, "del")
    assert src.find(f"{W}pPr/{W}rPr/{W}moveFrom") is not None
    assert dst.find(f"{W}pPr/{W}rPr/{W}moveTo") is not None
    # the source sits in section 5 where it was, the destination at the end of section 1
    assert "推进教育实项目建建设" in "".join(src.getprevious().itertext())
    assert "持续深化党风廉政建设" in "".join(dst.getprevious().itertext())
    assert run["r"].stdout.count("大力规范财务管理") == 0  # a move is not an office gain or loss
    ws = load_workbook(run["out"] / "changes.xlsx")["变化清单"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    moved = [r for r in rows if r[6] == "大力规范财务管理"]
    assert len(moved) == 1 and moved[0][1] == "移动" and (moved[0][2], moved[0][3]) == ("21.", "5.")
    kinds = sorted(r[1] for r in rows)
    assert kinds == sorted(["新增", "删除", "修改", "调整责任", "调整时限", "移动"])


def test_author_and_date(run: dict[str, Any]) -> None:
    root = body(run["out"] / "redline.docx")
    revs = list(root.iter(W + "ins", W + "del", W + "moveFrom", W + "moveTo"))
    assert revs
    assert {r.get(W + "author") for r in revs} == {"岳阳市云溪区教育体育局办公室"}
    assert {r.get(W + "date") for r in revs} == {"2024-02-22T00:00:00Z"}  # the new plan's date
    ids = [r.get(W + "id") for r in revs]
    assert len(ids) == len(set(ids))


def test_same_bytes_twice(run: dict[str, Any], tmp_path: Path) -> None:
    r = cli("diff", str(run["old"]), str(run["new"]), "-o", str(tmp_path / "again"))
    assert r.returncode == 0, r.stderr
    for f in FILES:
        assert (tmp_path / "again" / f).read_bytes() == (run["out"] / f).read_bytes(), f


def test_identical_plans_no_changes(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "a.yaml", load_yunxi())
    (tmp_path / "b.yaml").write_bytes(plan.read_bytes())
    r = cli("diff", "a.yaml", "b.yaml", "--formats", "docx,html", "--author", "张三", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "a → b：无变化"
    xml = zipfile.ZipFile(tmp_path / "output/diff/a--b/redline.docx").read("word/document.xml")
    assert b"<w:ins " not in xml and b"<w:del " not in xml and b"w:moveFrom" not in xml
    assert para_texts(body(tmp_path / "output/diff/a--b/redline.docx")) == para_texts(rendered(plan))
    html = (tmp_path / "output/diff/a--b/redline.html").read_text(encoding="utf-8")
    doc_part = html.split('<p class="none">无变化</p>', 1)[1]
    assert '<span class="' not in doc_part and "岳阳市云溪区教育体育局文件" in doc_part


def test_errors_are_chinese_and_exit_1(tmp_path: Path) -> None:
    r = cli("diff", str(tmp_path / "missing.yaml"), str(tmp_path / "gone.yaml"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "missing.yaml" in r.stderr and "gone.yaml" in r.stderr  # both named at once
    assert re.search(r"[\u4e00-\u9fff]", r.stderr)
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  title: x\n  year: 2024\n  sections: []\n", encoding="utf-8")
    r = cli("diff", str(bad), str(bad))
    assert r.returncode == 1 and "bad.yaml:" in r.stderr and "Traceback" not in r.stderr
    r = cli("diff", str(bad), str(bad), "--formats", "odt")
    assert r.returncode == 2 and "不支持的格式" in r.stderr


def _pdf_chars(pdf_path: Path, text: str) -> tuple[Any, list[dict[str, Any]]]:
    import pdfplumber

    pdf = pdfplumber.open(str(pdf_path))
    for page in pdf.pages:
        chars = [c for c in page.chars if c["text"].strip()]
        joined = "".join(c["text"] for c in chars)
        at = joined.find(text)
        if at >= 0 and "（责任" in joined:  # in the plan, not the summary box
            return page, chars[at: at + len(text)]
    raise AssertionError(f"{text} not in the PDF")


def _decorated(page: Any, c: dict[str, Any], colour: tuple[float, ...], where: str) -> bool:
    """A line of `colour` across the character: through its middle (strike) or at its foot
    (underline)."""
    h = c["bottom"] - c["top"]
    for ln in page.lines:
        if ln["x0"] > c["x0"] + 0.5 or ln["x1"] < c["x1"] - 0.5:
            continue
        if max(abs(a - b) for a, b in zip(ln["stroking_color"], colour, strict=False)) > 0.05:
            continue
        y = (ln["top"] - c["top"]) / h
        if (where == "strike" and 0.25 < y < 0.75) or (where == "under" and 0.75 <= y < 1.3):
            return True
    return False


RED, BLUE, GREEN = (0.752941, 0.0, 0.0), (0.0, 0.278431, 0.733333), (0.0, 0.501961, 0.235294)


def test_pdf_colours_and_lines(run: dict[str, Any]) -> None:
    pdf = run["out"] / "redline.pdf"
    page, chars = _pdf_chars(pdf, REWORD_OLD)
    assert all(tuple(c["non_stroking_color"]) == RED for c in chars)
    assert all(_decorated(page, c, RED, "strike") for c in chars)
    page, chars = _pdf_chars(pdf, REWORD_NEW)
    assert all(tuple(c["non_stroking_color"]) == BLUE for c in chars)
    assert all(_decorated(page, c, BLUE, "under") and not _decorated(page, c, BLUE, "strike")
               for c in chars)
    page, chars = _pdf_chars(pdf, "教培中心、人事股")  # the changed 责任 line
    assert all(tuple(c["non_stroking_color"]) == BLUE for c in chars[:5])
    assert tuple(chars[5]["non_stroking_color"]) != BLUE
    page, chars = _pdf_chars(pdf, "大力规范财务管理。组织")  # moved: green both places
    assert all(tuple(c["non_stroking_color"]) == GREEN for c in chars)
    page, chars = _pdf_chars(pdf, "深入学习贯彻党的二十大精神")
    assert not any(_decorated(page, c, col, w) for c in chars for col in (RED, BLUE)
                   for w in ("strike", "under"))
    assert tuple(chars[0]["non_stroking_color"]) in ((0.0,), (0.0, 0.0, 0.0), (0,))


def _reword(text: str) -> str:
    """Replace the second sentence by a different one of about the same length."""
    parts = text.split("。")
    if len(parts) > 2:
        parts[1] = "围绕年度目标细化工作措施，明确时间节点和责任人，按季度开展督查通报"
    return "。".join(parts)


def test_plans_without_ids_match_after_rewording(tmp_path: Path) -> None:
    from plangen.diff.match import match
    from test_diff_support import edit, strip_ids

    old = load_yunxi()
    new = edit(old)
    for s in new["plan"]["sections"]:
        for it in s["items"]:
            it["text"] = _reword(it["text"])
    titles = {"pe-health-arts": "全面加强体卫艺工作", "personnel": "规范教育系统人事管理"}
    for s in new["plan"]["sections"]:
        for it in s["items"]:
            it["title"] = titles.get(it.get("id"), it["title"])
    ids = lambda d: [i["id"] for s in d["plan"]["sections"] for i in s["items"]]  # noqa: E731
    old_ids, new_ids = ids(old), ids(new)
    vo = load_view(write_plan(tmp_path / "old.yaml", strip_ids(old)))
    vn = load_view(write_plan(tmp_path / "new.yaml", strip_ids(new)))
    assert all(i.id is None for i in vo.plan.items + vn.plan.items)
    m = match(vo, vn)
    pairs = {old_ids[p.old.index - 1]: new_ids[p.new.index - 1] for p in m.items
             if p.old and p.new}
    assert pairs == {k: k for k in old_ids if k in new_ids}
    assert [old_ids[p.old.index - 1] for p in m.items if p.new is None] == ["three-year-drive"]
    assert [new_ids[p.new.index - 1] for p in m.items if p.old is None] == [NEW_ITEM["id"]]
    assert [new_ids[p.new.index - 1] for p in m.items if p.moved] == ["finance"]
    renamed = [p for p in m.sections if p.renamed]
    assert [(p.old.title, p.new.title, p.how) for p in renamed] == [(RENAMED_FROM, RENAMED_TO, "items")]


def test_thresholds_against_the_real_plans() -> None:
    """Different items of one plan stay far below ITEM_MATCH; a reworded item stays above it;
    different section titles stay below SECTION_TITLE."""
    from plangen.diff.match import ITEM_MATCH, SECTION_TITLE, item_text, similarity

    repo = Path(__file__).resolve().parents[1]
    for name in ("yunxi-2024", "jishou-2023", "luan-2024"):
        v = load_view(repo / "plans" / f"{name}.yaml")
        items = v.plan.items
        worst = max(similarity(item_text(a), item_text(b)) for a in items for b in items if a is not b)
        assert worst < ITEM_MATCH - 0.2, (name, worst)
        secs = v.plan.sections
        assert max(similarity(a.title, b.title) for a in secs for b in secs if a is not b) < SECTION_TITLE
        for i in items:
            if i.text.count("。") >= 3:
                assert similarity(item_text(i), i.title + "。" + _reword(i.content)) >= ITEM_MATCH, i.title


def test_rollover_notice_fields_are_tracked_changes(tmp_path: Path) -> None:
    """`new --from` changes the titles' year and clears the number and dates: in the redline
    they are tracked changes too, the 版记 footer included."""
    import shutil

    repo = Path(__file__).resolve().parents[1]
    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(repo / "plans" / f, tmp_path / f)
    assert cli("new", "--from", "yunxi-2024.yaml", "--year", "2025", cwd=tmp_path).returncode == 0
    r = cli("diff", "yunxi-2024.yaml", "yunxi-2025.yaml", "--formats", "docx", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "新增0项、删除0项、修改0项、调整责任0项、调整时限0项" in r.stdout
    assert "通知发文字号：岳云教体〔2024〕4号 → （空）" in r.stdout
    assert "标题：云溪区2024年教育体育工作要点 → 云溪区2025年教育体育工作要点" in r.stdout
    red = docx.Document(str(tmp_path / "output/diff/yunxi-2024--yunxi-2025/redline.docx"))
    new = docx.Document(io.BytesIO(render_docx(load_view(tmp_path / "yunxi-2025.yaml"),
                                               profile=load_profile(None))))
    old = docx.Document(io.BytesIO(render_docx(load_view(tmp_path / "yunxi-2024.yaml"),
                                               profile=load_profile(None))))
    assert para_texts(resolve(red.element.body, True)) == para_texts(new.element.body)
    assert para_texts(resolve(red.element.body, False)) == para_texts(old.element.body)
    title = paragraph_with(red.element.body, "关于印发《云溪区")
    assert changes(title, "del") == ["4"] and changes(title, "ins") == ["5"]
    foot = red.sections[-1].footer._element
    assert changes(foot, "del") == ["2024年2月22日印发"]
    assert para_texts(resolve(foot, True)) == para_texts(new.sections[-1].footer._element)
    assert para_texts(resolve(foot, False)) == para_texts(old.sections[-1].footer._element)
    revs = list(red.element.body.iter(W + "ins", W + "del"))
    assert {x.get(W + "date") for x in revs} == {"2025-01-01T00:00:00Z"}  # no date in the new plan
    env = dict(__import__("os").environ, SOURCE_DATE_EPOCH="1735776000")  # 2025-01-02
    r = cli("diff", "yunxi-2024.yaml", "yunxi-2025.yaml", "--formats", "docx", "-o", "e",
            "--author", "李四", cwd=tmp_path, env=env)
    revs = list(docx.Document(str(tmp_path / "e/redline.docx")).element.body.iter(W + "ins"))
    assert {(x.get(W + "date"), x.get(W + "author")) for x in revs} == {("2025-01-02T00:00:00Z", "李四")}


def test_joint_issuers_mark_table_and_seal(tmp_path: Path) -> None:
    """A joint plan against its edited self: the mark table is compared cell by cell, the seal
    stays, accept/reject exact."""
    import shutil

    data = Path(__file__).parent / "data" / "diff"
    shutil.copy(data / "seal.png", tmp_path / "seal.png")
    text = (data / "joint-2024.yaml").read_text(encoding="utf-8")
    (tmp_path / "old.yaml").write_text(text, encoding="utf-8")
    edited = text.replace("共青团岳阳市云溪区委员会", "岳阳市云溪区妇女联合会").replace(
        "联〔2024〕2号", "联〔2024〕3号").replace("全年不少于4次", "每学期不少于2次")
    assert edited.count("妇女联合会") == 1
    (tmp_path / "new.yaml").write_text(edited, encoding="utf-8")
    r = cli("diff", "old.yaml", "new.yaml", "--formats", "docx,html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "修改1项" in r.stdout and "通知发文字号：岳云教体联〔2024〕2号 → 岳云教体联〔2024〕3号" in r.stdout
    red = body(tmp_path / "output/diff/old--new/redline.docx")
    assert para_texts(resolve(red, True)) == para_texts(rendered(tmp_path / "new.yaml"))
    assert para_texts(resolve(red, False)) == para_texts(rendered(tmp_path / "old.yaml"))
    cell = red.find(f"{W}tbl")
    # 共青团岳阳市云溪区委员会 → 岳阳市云溪区妇女联合会: the shared 岳阳市云溪区 and 会 stay
    assert changes(cell, "del") == ["共青团", "委员"] and changes(cell, "ins") == ["妇女联合"]
    assert len(list(red.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"))) == 1
    p = paragraph_with(red, "开展主题教育活动")
    assert changes(p, "del") == ["全年", "4"] and changes(p, "ins") == ["每学期", "2"]


@pytest.mark.parametrize("a,b", [("luan-2024", "jishou-2023"), ("jishou-2023", "yunxi-2024")])
def test_unrelated_plans_accept_reject_exact(a: str, b: str) -> None:
    """Two different bureaus' plans (plain vs red-header, block vs inline titles, with and
    without responsibility lines): nearly everything is added or removed, and accepting or
    rejecting still gives exactly one plan or the other."""
    from plangen.diff import render_outputs
    from plangen.diff.match import match
    from plangen.diff.summary import summarize

    repo = Path(__file__).resolve().parents[1]
    pa, pb = repo / "plans" / f"{a}.yaml", repo / "plans" / f"{b}.yaml"
    m = match(load_view(pa), load_view(pb))
    out = render_outputs(m, summarize(m), ("docx",), author="x", date="2024-01-01T00:00:00Z",
                         fonts=None)
    red = docx.Document(io.BytesIO(out["docx"])).element.body
    assert para_texts(resolve(red, True)) == para_texts(rendered(pb))
    assert para_texts(resolve(red, False)) == para_texts(rendered(pa))


def test_html_marks_and_notes(run: dict[str, Any]) -> None:
    html = (run["out"] / "redline.html").read_text(encoding="utf-8")
    assert f'<span class="del">{REWORD_OLD}</span><span class="ins">{REWORD_NEW}</span>' in html
    assert "〔完成时限：2024年6月30日 → 2024年9月30日〕" in html  # not printed in the plan
    assert "〔自五部分原21.移入〕" in html
    assert html.count('class="mv-from"') >= 1 and html.count('class="mv-to"') >= 1
    assert '<p class="title plan-start' in html


def test_sections_swapped_and_split_into_subsections(tmp_path: Path) -> None:
    """Sections 3 and 4 swapped, items 1 and 2 swapped, section 5 split into two subsections:
    reported as moves of sections and items, accept/reject exact."""
    import copy

    from plangen.diff import render_outputs
    from plangen.diff.match import match
    from plangen.diff.summary import format_summary, summarize

    old = load_yunxi()
    new = copy.deepcopy(old)
    s = new["plan"]["sections"]
    s[2], s[3] = s[3], s[2]
    s[0]["items"][0], s[0]["items"][1] = s[0]["items"][1], s[0]["items"][0]
    s[4]["subsections"] = [{"title": "加强安全与法治", "items": s[4]["items"][:3]},
                           {"title": "加强后勤保障", "items": s[4]["items"][3:]}]
    del s[4]["items"]
    va = load_view(write_plan(tmp_path / "a.yaml", old))
    vb = load_view(write_plan(tmp_path / "b.yaml", new))
    m = match(va, vb)
    summary = summarize(m)
    text = format_summary(summary, "a", "b")
    assert "部分移动：聚焦优质均衡，促进各类教育高质量发展（原三 → 四）" in text
    assert "新增小节：（一）加强安全与法治" in text and "新增小节：（二）加强后勤保障" in text
    assert summary.counts["moved"] == 1 + 4 + 7 and summary.counts["modified"] == 0
    out = render_outputs(m, summary, ("docx",), author="x", date="2024-01-01T00:00:00Z", fonts=None)
    red = docx.Document(io.BytesIO(out["docx"])).element.body
    assert para_texts(resolve(red, True)) == para_texts(rendered(tmp_path / "b.yaml"))
    assert para_texts(resolve(red, False)) == para_texts(rendered(tmp_path / "a.yaml"))
    names = [e.get(W + "name") for e in red.iter(W + "moveFromRangeStart")]
    assert len(names) == len(set(names)) == len([e for e in red.iter(W + "moveToRangeStart")])


def test_character_diff_long_paragraph_and_fold() -> None:
    """A 12,000-character paragraph changed every 97 characters: the opcodes rebuild both
    texts, equal parts are equal, and it does not take minutes (SequenceMatcher alone, without
    autojunk, took 13 s on 10,000 characters; sentences are aligned first)."""
    import random
    import time

    from plangen.diff.align import opcodes

    rnd = random.Random(7)
    chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    a = "".join("".join(rnd.choice(chars) for _ in range(rnd.randint(15, 40))) + rnd.choice("。；，")
                for _ in range(400))
    b = "".join(rnd.choice(chars) if i % 97 == 0 else c for i, c in enumerate(a))
    t = time.perf_counter()
    ops = opcodes(a, b)
    assert time.perf_counter() - t < 10  # a guard against hangs, not a timing test
    assert "".join(a[i1:i2] for _, i1, i2, _, _ in ops) == a
    assert "".join(b[j1:j2] for _, _, _, j1, j2 in ops) == b
    assert all(a[i1:i2] == b[j1:j2] for t, i1, i2, j1, j2 in ops if t == "equal")
    # a one-character coincidence inside a rewritten phrase is folded into the change
    assert opcodes("甲乙丙的丁戊己", "甲乙子的丑寅己") == [("equal", 0, 2, 0, 2), ("replace", 2, 6, 2, 6),
                                                    ("equal", 6, 7, 6, 7)]


def test_seal_removed_leaves_no_dangling_picture(tmp_path: Path) -> None:
    """The old plan is sealed, the new one is not (and its date moved): the deleted date keeps
    no picture pointing into the old document's relationships."""
    import shutil

    data = Path(__file__).parent / "data" / "diff"
    shutil.copy(data / "seal.png", tmp_path / "seal.png")
    text = (data / "joint-2024.yaml").read_text(encoding="utf-8")
    (tmp_path / "old.yaml").write_text(text, encoding="utf-8")
    edited = text.replace("  seal: seal.png\n", "").replace("date: 2024-03-01", "date: 2024-03-05")
    assert "seal:" not in edited
    (tmp_path / "new.yaml").write_text(edited, encoding="utf-8")
    r = cli("diff", "old.yaml", "new.yaml", "--formats", "docx", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    path = tmp_path / "output/diff/old--new/redline.docx"
    z = zipfile.ZipFile(path)
    xml = z.read("word/document.xml").decode("utf-8")
    rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    for rid in re.findall(r'r:(?:embed|id)="(rId\d+)"', xml):
        assert f'Id="{rid}"' in rels, rid
    assert "<wp:anchor" not in xml
    red = body(path)
    assert para_texts(resolve(red, True)) == para_texts(rendered(tmp_path / "new.yaml"))
    assert para_texts(resolve(red, False)) == para_texts(rendered(tmp_path / "old.yaml"))
