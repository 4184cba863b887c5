#!/usr/bin/env python3
"""Hand mutation run: apply one-line breaks to a copy of the repo, run the tests, list survivors.

Run by hand (not in CI; it takes a while): `.venv/bin/python scripts/mutate.py [-k WORD] [--all]`.
Each mutation replaces one exact piece of source text by a broken one, in a fresh copy of the
working tree under $TMPDIR, and runs the tests it names (or the whole suite with --all). A
mutation the tests do not catch "survives": a behaviour nothing pins. A mutation whose text is no
longer in the source is reported as STALE: update its text after a refactor, never drop it.

Exit 0 when every mutation was caught, 1 when some survived or went stale.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...] = ("tests",)  # pytest arguments; the whole suite when not narrowed


M = Mutation
MUTATIONS: tuple[Mutation, ...] = (
    # -- the twelve that survived the first hand run (issue 11) --------------------------------
    M("sheet DOCX rows reversed", "plangen/sheets/docx.py",
      "    for r in sheet.rows:\n        if r.group", "    for r in sheet.rows[::-1]:\n        if r.group",
      ("tests/test_guards.py", "tests/test_sheets.py")),
    M("sheet PDF rows reversed", "plangen/sheets/drawn.py",
      "        t.rows.append(Row(tuple(Cell(v, c)", "        t.rows.insert(0, Row(tuple(Cell(v, c)",
      ("tests/test_guards.py", "tests/test_sheets.py")),
    M("sheet PDF (WeasyPrint fallback) rows reversed", "plangen/sheets/pdf.py",
      "        parts[-1].rows.append((heading, r.cells))", "        parts[-1].rows.insert(0, (heading, r.cells))",
      ("tests/test_sheets_scale.py",)),
    M("build integrity by size only", "plangen/build/write.py",
      'if cache.sha(plan_dir / rel) == info.get("sha256"):',
      'if (plan_dir / rel).stat().st_size == info.get("size"):',
      ("tests/test_guards.py", "tests/test_build.py")),
    M("importer: RuntimeError on binary input", "plangen/importer/reading.py",
      'raise PlangenError(f"{source}：这不是文本文件（含二进制数据）', 'raise RuntimeError(f"{source}：这不是文本文件（含二进制数据）',
      ("tests/test_guards.py", "tests/test_import.py")),
    M("importer: 5 MB limit removed", "plangen/importer/reading.py",
      "if size > MAX_IMPORT_BYTES:", "if False:", ("tests/test_guards.py", "tests/test_import.py")),
    M("title word list ignored", "plangen/text.py",
      "if text[i - 1 : i + 1] in _WORDS:", "if False:", ("tests/test_guards.py", "tests/test_view.py")),
    M("preferred title breaks ignored", "plangen/text.py",
      "if text[i - 1] in _GOOD_BREAK_AFTER:", "if False:", ("tests/test_guards.py", "tests/test_view.py")),
    M("responsibility: sheets-only ignored", "plangen/items.py",
      'show = plan.options.responsibility == "inline"', "show = True",
      ("tests/test_guards.py", "tests/test_view.py")),
    M("canonical names not de-duplicated", "plangen/items.py",
      "        if c not in out:\n", "        if True:\n", ("tests/test_guards.py", "tests/test_view.py")),
    M("upward layout decision ignored", "plangen/layout.py",
      '    if kind == "upward" and notice.signers:\n', '    if False:\n',
      ("tests/test_render_docx.py", "tests/test_render_pdf.py", "tests/test_signature.py")),
    M("DOCX keep-with-next removed", "plangen/render/docx.py",
      '    if b.kind in ("heading1", "heading2", "item_title"):\n        oxml.keep_next(p)\n',
      '    if False:\n        oxml.keep_next(p)\n', ("tests/test_guards.py", "tests/test_render_docx.py")),
    M("rollover due dates not shifted", "plangen/rollover.py",
      "return _shift(due, new_year - old)", "return due", ("tests/test_guards.py",)),
    # -- dates, numbers, names ------------------------------------------------------------------
    M("公文 date with leading zeros", "plangen/text.py",
      'return f"{d.year}年{d.month}月{d.day}日"', 'return f"{d.year}年{d.month:02d}月{d.day:02d}日"',
      ("tests/test_view.py",)),
    M("十 written 一十", "plangen/text.py",
      'return "十" + (_DIGITS[n % 10] if n % 10 else "")', 'return "一十" + (_DIGITS[n % 10] if n % 10 else "")',
      ("tests/test_view.py",)),
    M("did-you-mean never suggests", "plangen/names.py", "cutoff=0.5", "cutoff=1.0",
      ("tests/test_check.py", "tests/test_sheets.py")),
    M("document number accepts leading zeros", "plangen/check/notice.py",
      r"(?P<seq>[1-9]\d*)号", r"(?P<seq>\d+)号", ("tests/test_check.py",)),
    # -- writing --------------------------------------------------------------------------------
    M("atomic write without the rename", "plangen/outio.py",
      "        os.replace(tmp, target)\n", "        __import__('shutil').copyfile(tmp, target)\n        os.unlink(tmp)\n",
      ("tests/test_guards.py", "tests/test_outio.py")),
    M("zip entries keep the current time", "plangen/outio.py",
      "FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)", "FIXED_ZIP_TIME = __import__('time').localtime()[:6]",
      ("tests/test_render_docx.py", "tests/test_sheets.py", "tests/test_outio.py")),
    M("file names keep path separators", "plangen/outio.py",
      'def safe_filename(name: str, taken: set[str] | None = None) -> str:\n',
      'def safe_filename(name: str, taken: set[str] | None = None) -> str:\n    return name\n',
      ("tests/test_outio.py", "tests/test_sheets.py")),
    # -- layout ---------------------------------------------------------------------------------
    M("issuer mark not red (PDF)", "templates/gongwen.css.j2", "  color: #ff0000;", "  color: #000000;",
      ("tests/test_render_pdf.py",)),
    M("PDF keep-with-next removed", "templates/gongwen.css.j2",  # auto: WeasyPrint's own h1 rule avoids too
      "h1.heading1 { font-family: {{ fonts.heading1|safe }}; break-after: avoid;",
      "h1.heading1 { font-family: {{ fonts.heading1|safe }}; break-after: auto;",
      ("tests/test_guards.py", "tests/test_render_pdf.py")),
    # -- sheets ---------------------------------------------------------------------------------
    M("matrix lead totals miss one", "plangen/sheets/__init__.py",
      'counts = {o.name: {"牵头": len(o.lead),', 'counts = {o.name: {"牵头": max(0, len(o.lead) - 1),',
      ("tests/test_sheets.py",)),
    M("office sheet omits assisted items", "plangen/items.py",
      ' + tuple((i, "配合") for i in self.assist)', "", ("tests/test_sheets.py", "tests/test_guards.py")),
    M("sheet PDF line breaks ignore 禁则", "plangen/sheets/linebreak.py",
      "piece[0] in NO_START or out[-1][-1] in NO_END)", "False)", ("tests/test_sheets_drawn.py",)),
    M("sheet PDF head not repeated after a page break", "plangen/sheets/drawn.py",
      "                self.new_page()\n                self._draw(t, head, widths, middle=True)\n",
      "                self.new_page()\n", ("tests/test_sheets.py", "tests/test_sheets_scale.py")),
    M("sheet PDF fonts embedded whole", "plangen/sheets/pdffonts.py",
      "    keep = sorted({0, *gids})\n    lib = _harfbuzz()", "    return path.read_bytes()\n    lib = _harfbuzz()",
      ("tests/test_sheets_drawn.py",)),
    # -- build ----------------------------------------------------------------------------------
    M("build never takes the lock", "plangen/build/run.py",
      "lock.acquire(timeout=-1 if wait else 0)", "pass", ("tests/test_build.py",)),
    M("build ignores --force", "plangen/build/run.py",
      "if self.force or old.get(\"key\") != run.key", "if old.get(\"key\") != run.key",
      ("tests/test_build.py",)),
    M("a failed plan stops the build", "plangen/build/run.py",
      "            return run.fail(*(p.format() for p in result.problems.errors))",
      "            raise SystemExit(1)", ("tests/test_build.py",)),
    # -- check ----------------------------------------------------------------------------------
    M("duplicate keys accepted", "plangen/loading.py",
      'loaded.problems.add(kpos, "E012",', '(lambda *a: None)(kpos, "E012",', ("tests/test_check.py",)),
    M("unknown offices accepted", "plangen/check/plan.py", 'problems.add(pos, "E204",',
      '(lambda *a: None)(pos, "E204",', ("tests/test_check.py",)),
    M("tabs in indentation accepted", "plangen/loading.py",
      'loaded.problems.add(Pos(loaded.display, lineno, col), "E003",',
      '(lambda *a: None)(Pos(loaded.display, lineno, col), "E003",', ("tests/test_check.py",)),
    M("rollover keeps the document number", "plangen/rollover.py",
      '        notice["number"] = None\n', "        pass\n", ("tests/test_guards.py", "tests/test_rollover.py")),
    M("PDF: a wrong justification prediction kept", "plangen/render/pdf.py",
      "            if everywhere or not justifier.used or not _short_lines(doc):\n", "            if True:\n",
      ("tests/test_pdf_once.py",)),
    M("PDF: the 版记 page left out when joined", "plangen/render/imprint.py",
      "        return body.copy([*body.pages, page])\n", "        return body.copy([*body.pages])\n",
      ("tests/test_pdf_once.py", "tests/test_render_pdf.py")),
    M("PDF: the 版记 put under a full last page", "plangen/render/imprint.py",
      "    if root.position_y + root.margin_height() <= area.position_y:", "    if True:",
      ("tests/test_pdf_once.py",)),
    # -- serve ----------------------------------------------------------------------------------
    M("serve: saves pile up", "plangen/serve/state.py",
      "        if task is None or task.done():\n", "        if True:\n",
      ("tests/test_guards.py", "tests/test_serve.py")),
    M("serve: rosters shown as plans", "plangen/serve/state.py",
      "if is_roster_path(f) or f.name.endswith(NOT_PLANS) or not f.is_file():", "if not f.is_file():",
      ("tests/test_serve.py",)),
    # -- progress: the plan edited mid-year, late returns --------------------------------------
    M("progress: items missing from the lead's form blamed as 未报送", "plangen/progress/returns.py",
      '        return r is None or r.led is None or (item.id or "") in r.led\n', "        return True\n",
      ("tests/test_progress_planedit.py",)),
    M("progress: the lead at the time of the form ignored", "plangen/progress/returns.py",
      "leads[0] if leads else None)", "None)", ("tests/test_progress_planedit.py",)),
    M("progress: late returns counted as on time", "plangen/progress/returns.py",
      "return day if day is not None and day > self.due else None", "return None",
      ("tests/test_progress_planedit.py",)),
    M("progress: a correction after the due day makes the return late", "plangen/progress/collect.py",
      "    return min(old.received, received) if old is not None and old.received else received\n",
      "    return received\n", ("tests/test_progress_planedit.py",)),
    M("progress: forms of an earlier plan version rejected", "plangen/progress/collect.py",
      '    if ident.get("digest") != mine or', "    if True or", ("tests/test_progress_planedit.py",)),
    M("progress: ledger rows for removed items not warned", "plangen/progress/returns.py",
      "    if not gone and not twice:\n        return []\n", "    return []\n", ("tests/test_progress_planedit.py",)),
)


def _copy_tree(dst: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in (".git", ".venv", "output", "__pycache__", ".pytest_cache")}
    shutil.copytree(REPO, dst, ignore=ignore, symlinks=True)


def run_one(m: Mutation, run_all: bool, python: str) -> str:
    src = (REPO / m.file).read_text(encoding="utf-8")
    count = src.count(m.old)
    if count != 1:
        return f"STALE ({count} matches)"
    with tempfile.TemporaryDirectory(prefix="plangen-mutant-") as tmp:
        root = Path(tmp) / "repo"
        _copy_tree(root)
        (root / m.file).write_text(src.replace(m.old, m.new, 1), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(root)}
        args = ["tests"] if run_all else list(m.tests)
        r = subprocess.run([python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *args],
                           cwd=root, env=env, capture_output=True, text=True)
        return "caught" if r.returncode != 0 else "SURVIVED"


def baseline(chosen: list[Mutation], run_all: bool, python: str) -> bool:
    """The chosen tests pass on the unmutated copy (else every mutation would look caught)."""
    args = ["tests"] if run_all else sorted({t for m in chosen for t in m.tests})
    with tempfile.TemporaryDirectory(prefix="plangen-mutant-") as tmp:
        root = Path(tmp) / "repo"
        _copy_tree(root)
        r = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=root,
                           env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True)
    if r.returncode != 0:
        print("baseline fails: the unmutated tests do not pass; fix them first\n" + r.stdout[-3000:])
    return r.returncode == 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only mutations whose name contains this")
    ap.add_argument("--all", action="store_true", help="run the whole suite for every mutation")
    args = ap.parse_args()
    python = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else sys.executable
    chosen = [m for m in MUTATIONS if args.k in m.name]
    if not baseline(chosen, args.all, python):
        return 2
    bad = 0
    for m in chosen:
        t0 = time.perf_counter()
        verdict = run_one(m, args.all, python)
        bad += verdict != "caught"
        print(f"{verdict:18} {time.perf_counter() - t0:6.1f} s  {m.name}  ({m.file})", flush=True)
    print(f"{len(chosen)} mutations: {len(chosen) - bad} caught, {bad} survived or stale")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
