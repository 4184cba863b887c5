"""Behaviours a hand mutation run broke without any test noticing (issue 11). Each test pins one
of them on real outputs; scripts/mutate.py re-applies those breaks and lists any survivor."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pdfplumber
import pytest
import yaml

from plangen.fonts import load_profile
from plangen.sheets import list_sheets, render_sheets
from plangen.text import balanced_lines
from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
YUNXI = PLANS / "yunxi-2024.yaml"


def plangen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def yunxi():  # type: ignore[no-untyped-def]
    return load_view(YUNXI)


# --------------------------------------------------------------------------- sheets: row order


def _assist_before_lead(view):  # type: ignore[no-untyped-def]
    """Offices with an assisted item earlier in the plan than one of their lead items: only their
    sheets can tell "lead first, then assist" from plain plan order."""
    return [o for o in view.plan.offices
            if o.lead and o.assist and min(i.index for i in o.assist) < max(i.index for i in o.lead)]


def test_office_sheets_list_leads_then_assists_in_docx_and_pdf(yunxi) -> None:  # type: ignore[no-untyped-def]
    offices = _assist_before_lead(yunxi)
    assert len(offices) >= 3  # 阳光服务中心, 工会, 教科室, 督导室 in 云溪
    wanted = {o.name for o in offices}
    specs = [s for s in list_sheets(yunxi) if s.kind == "office" and s.name in wanted]
    files = render_sheets(yunxi, specs, ("docx", "pdf"), load_profile())
    for spec in specs:
        office = next(o for o in offices if o.name == spec.name)
        expect = [i.title for i in yunxi.plan.items if i.lead_office == office.name] + \
                 [i.title for i in yunxi.plan.items if office.name in i.assist_offices]
        d = docx.Document(io.BytesIO(files[f"sheets/{spec.stem}.docx"]))
        table = d.tables[0]
        col = [c.text for c in table.rows[0].cells].index("工作任务")
        titles = [r.cells[col].text for r in table.rows[1:] if r.cells[col].text]
        assert titles == expect, spec.name
        with pdfplumber.open(io.BytesIO(files[f"sheets/{spec.stem}.pdf"])) as pdf:
            text = squash("".join(p.extract_text() or "" for p in pdf.pages))
        where = [text.find(squash(t)[:8]) for t in expect]
        assert -1 not in where and where == sorted(where), (spec.name, where)


# --------------------------------------------------------------------------- build integrity


def test_build_repairs_an_output_changed_in_place_with_the_same_size(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / "luan-2024.yaml", plans)
    out = tmp_path / "out"
    assert plangen("build", str(plans), "-o", str(out), "--formats", "docx", "-j", "1").returncode == 0
    target = out / "luan-2024" / "luan-2024.docx"
    good = target.read_bytes()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF  # one byte flipped, same size
    target.write_bytes(bytes(bad))
    r = plangen("build", str(plans), "-o", str(out), "--formats", "docx", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == good


# --------------------------------------------------------------------------- importer refusals


def test_import_refuses_binary_input_with_a_message(tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_bytes(b"\x00\x01\x02PK\x03\x04" * 500)
    r = plangen("import", str(src), "-o", str(tmp_path / "x.yaml"))
    assert r.returncode == 1
    assert "不是文本文件" in r.stderr and "内部错误" not in r.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_import_refuses_a_file_over_five_megabytes(tmp_path: Path) -> None:
    src = tmp_path / "big.txt"
    line = "一、加强党的建设\n1.深入学习贯彻党的二十大精神。\n".encode()
    src.write_bytes(line * (6 * 1024 * 1024 // len(line) + 1))
    r = plangen("import", str(src), "-o", str(tmp_path / "big.yaml"))
    assert r.returncode == 1
    assert "上限 5 MB" in r.stderr and "内部错误" not in r.stderr
    assert not (tmp_path / "big.yaml").exists()


# --------------------------------------------------------------------------- title lines

# Words an independent reader would not split (not taken from plangen's own list).
WORDS = ("工作", "体育", "教育", "专项", "督导", "检查", "通知", "关于", "要点")


def _splits(lines: tuple[str, ...]) -> list[str]:
    return [a[-1] + b[0] for a, b in zip(lines, lines[1:], strict=False) if a[-1] + b[0] in WORDS]


@pytest.mark.parametrize("title", [
    "关于开展中小学校体育工作专项督导检查的通知",
    "关于印发《云溪区2024年教育体育工作要点》的通知",
    "吉首市教育和体育局关于印发2023年全市教育体育工作要点的通知",
])
def test_title_lines_never_split_a_word(title: str) -> None:
    lines = balanced_lines(title)
    assert "".join(lines) == title and len(lines) >= 2
    assert _splits(lines) == [], lines


def test_title_lines_prefer_a_break_after_a_function_word() -> None:
    # Balanced widths alone would break after 做 (14 | 13 characters); after 关于 reads right.
    lines = balanced_lines("关于转发《湖南省教育厅关于做好学校食品安全工作》的通知")
    assert lines[0].endswith("关于"), lines


# --------------------------------------------------------------------------- plan body


def _plan_with(tmp_path: Path, **options: str) -> Path:
    data = yaml.safe_load(YUNXI.read_text(encoding="utf-8"))
    data["plan"].setdefault("options", {}).update(options)
    shutil.copy(PLANS / "yunxi.roster.yaml", tmp_path)
    p = tmp_path / "yunxi-2024.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def test_sheets_only_keeps_responsibility_out_of_the_plan_but_in_the_sheets(tmp_path: Path) -> None:
    p = _plan_with(tmp_path, responsibility="sheets-only")
    out = tmp_path / "out"
    r = plangen("render", str(p), "--formats", "docx", "-o", str(out))
    assert r.returncode == 0, r.stderr
    body = "".join(par.text for par in docx.Document(str(out / "yunxi-2024" / "yunxi-2024.docx")).paragraphs)
    assert "责任领导" not in body and "责任股室" not in body
    inline = load_view(YUNXI)
    assert any("责任领导" in b.text for b in inline.plan.blocks)  # the default prints them
    sheet = next(s for s in list_sheets(load_view(p)) if s.kind == "office")
    files = render_sheets(load_view(p), [sheet], ("docx",), load_profile())
    rows = docx.Document(io.BytesIO(files[f"sheets/{sheet.stem}.docx"])).tables[0].rows
    assert len(rows) > 1


def test_an_office_named_twice_through_its_alias_counts_once(tmp_path: Path) -> None:
    data = yaml.safe_load(YUNXI.read_text(encoding="utf-8"))
    item = data["plan"]["sections"][0]["items"][1]
    item["offices"] = ["纪监室", "纪检监察室", "办公室", "办公室"]
    shutil.copy(PLANS / "yunxi.roster.yaml", tmp_path)
    p = tmp_path / "yunxi-2024.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    v = load_view(p)
    it = next(i for i in v.plan.items if i.title == item["title"].rstrip("。"))
    assert it.offices == ("纪检监察室", "办公室")
    office = next(o for o in v.plan.offices if o.name == "纪检监察室")
    assert [i.index for i in office.lead].count(it.index) == 1 and it not in office.assist


# --------------------------------------------------------------------------- DOCX keep-with-next


def test_docx_headings_keep_with_the_next_paragraph(yunxi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert plangen("render", str(YUNXI), "--formats", "docx", "-o", str(out)).returncode == 0
    d = docx.Document(str(out / "yunxi-2024" / "yunxi-2024.docx"))
    headings = {squash(s.title) for s in yunxi.plan.sections}
    found = 0
    for par in d.paragraphs:
        if any(h and h in squash(par.text) for h in headings) and len(squash(par.text)) < 40:
            found += 1
            keep = par.paragraph_format.keep_with_next or par.style.paragraph_format.keep_with_next
            assert keep, par.text
    assert found >= len(headings)


# --------------------------------------------------------------------------- rollover


def test_new_from_moves_item_dates_by_the_years(tmp_path: Path) -> None:
    data = yaml.safe_load(YUNXI.read_text(encoding="utf-8"))
    data["plan"]["sections"][0]["items"][0]["due"] = dt.date(2024, 6, 30)
    shutil.copy(PLANS / "yunxi.roster.yaml", tmp_path)
    src = tmp_path / "yunxi-2024.yaml"
    src.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = plangen("new", "--from", str(src), "--year", "2026", cwd=tmp_path)
    new = tmp_path / "yunxi-2026.yaml"
    assert new.exists(), r.stdout + r.stderr
    rolled = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert str(rolled["plan"]["sections"][0]["items"][0]["due"]) == "2026-06-30"
    assert rolled["plan"]["year"] == 2026
    assert data["notice"]["number"] and not rolled["notice"]["number"]  # last year's number is not reused
    assert "〔2026〕" in new.read_text(encoding="utf-8")  # the comment shows the new year's form


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_replaces_the_file_never_rewrites_it(tmp_path: Path) -> None:
    """A reader that has the old file open keeps reading the old bytes: the new file is a new
    inode renamed over the old one, never the old one truncated and rewritten in place."""
    from plangen.outio import atomic_write

    target = tmp_path / "out" / "x.pdf"
    atomic_write(target, b"old " * 1000, tmp_path / "out")
    with target.open("rb") as reader:
        atomic_write(target, b"new " * 1000, tmp_path / "out")
        assert reader.read() == b"old " * 1000
    assert target.read_bytes() == b"new " * 1000
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


@pytest.mark.parametrize("template", [".", "..", "/", "plans/"])
def test_render_refuses_a_folder_as_template(tmp_path: Path, template: str) -> None:
    r = plangen("render", str(PLANS / "luan-2024.yaml"), "--template", template, "-o", str(tmp_path / "out"),
                cwd=REPO)
    assert r.returncode == 1
    assert "是一个文件夹，不是模板文件" in r.stderr and "内部错误" not in r.stderr
    assert not (tmp_path / "out" / "luan-2024").exists() or not any((tmp_path / "out" / "luan-2024").iterdir())


def test_a_build_publishes_nothing_of_a_file_named_as_roster(tmp_path: Path) -> None:
    """Issue 19.1, as the issue measures it: after building a plan whose roster is /etc/passwd
    (or the process environment), nothing under output/ quotes either."""
    plans = tmp_path / "plans"
    plans.mkdir()
    base = (PLANS / "luan-2024.yaml").read_text(encoding="utf-8")
    for name, target in (("a-2024", "/etc/passwd"), ("b-2024", "/proc/self/environ")):
        (plans / f"{name}.yaml").write_text(f"roster: {target}\n" + base, encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(out), "--formats", "docx"],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "SECRET_TOKEN": "SECRET-42"})
    assert r.returncode == 1 and "E214" in r.stdout + r.stderr
    for f in out.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert b"root:x" not in data and b"SECRET" not in data, f
    assert "root:x" not in r.stdout + r.stderr and "SECRET" not in r.stdout + r.stderr


def test_pdf_never_ends_a_page_with_a_heading(tmp_path: Path) -> None:
    """A 一、 heading stays with what follows. 30 sections of heading + a two-line item put a
    heading on every line position of a page, the last included, unless it is kept with next."""
    from plangen.render.pdf import render_pdf

    sections = "".join(
        f"    - title: 第{i + 1}部分的标题文字\n      items:\n        - title: 工作任务{i + 1}\n"
        f"          text: {'落实各项工作要求并按期完成' * 3}。\n" for i in range(30))
    p = tmp_path / "k-2024.yaml"
    p.write_text("plan:\n  title: 测试计划\n  year: 2024\n  sections:\n" + sections, encoding="utf-8")
    pdf = render_pdf(load_view(p), profile=load_profile())
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 4
        for n, page in enumerate(doc.pages, 1):
            body = [c for c in page.chars if c["top"] < page.height - 100]  # not the page number
            bottom = max(c["top"] for c in body)
            last = squash("".join(c["text"] for c in sorted(body, key=lambda c: c["x0"]) if abs(c["top"] - bottom) < 2))
            assert not re.match(r"^[一二三四五六七八九十]+、", last), (n, last)


# --------------------------------------------------------------------------- crash logs

CRASH = """\
import sys
import {module} as m
def boom(*a, **k): raise RuntimeError("测试用的内部错误")
m.{func} = boom
from plangen.cli import main
sys.argv = ["plangen", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("module, func, args", [
    ("plangen.diff", "run_diff", ["diff", "plans/luan-2024.yaml", "plans/luan-2024.yaml"]),
    ("plangen.progress", "run_forms", ["progress", "forms", "plans/luan-2024.yaml", "--period", "2024-06"]),
    ("plangen.archive", "run_archive", ["archive", "plans/luan-2024.yaml"]),
])
def test_crash_logs_of_other_commands_go_under_their_output_folder(tmp_path: Path, module: str, func: str,
                                                                    args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PLANGEN_CRASH_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "home-cache")  # must stay unused
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-c", CRASH.format(module=module, func=func), *args, "-o", str(out)],
                       capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert r.returncode == 1 and "plangen 内部错误：RuntimeError: 测试用的内部错误" in r.stderr, r.stderr
    path = Path(r.stderr.split("详细信息已保存到 ", 1)[1].split("，", 1)[0])
    assert path.parent == out / ".plangen-cache" / "crash" and path.is_file()
    assert not (tmp_path / "home-cache").exists()


# --------------------------------------------------------------------------- serve scheduling


def test_serve_coalesces_requests_for_one_plan(tmp_path: Path) -> None:
    """Saves arriving while a plan renders only mark it dirty: one render now, one after, never
    one per save, and the last render sees the last save."""
    import asyncio
    import threading
    import time as _time

    from plangen.serve.state import Server

    (tmp_path / "p-2024.yaml").write_text("plan: {}\n", encoding="utf-8")
    seen: list[int] = []
    saves = [0]
    lock = threading.Lock()

    class SlowWorker:
        restarts = 0

        def call(self, job):  # type: ignore[no-untyped-def]
            with lock:
                seen.append(saves[0])
            _time.sleep(0.3)
            return {"ok": True, "pages": 1, "outline": [], "sheets": [], "problems": []}

    async def scenario() -> None:
        server = Server(tmp_path, tmp_path / "out", SlowWorker())  # type: ignore[arg-type]
        server.refresh()
        for k in range(1, 6):
            saves[0] = k
            server.request("p-2024")
            await asyncio.sleep(0.02)
        while server.status()["rendering"] or server.status()["queued"]:
            await asyncio.sleep(0.05)

    asyncio.run(scenario())
    assert 1 <= len(seen) <= 2, seen
    assert seen[-1] == 5
