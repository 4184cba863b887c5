"""`check` rules from issues 12, 13 and 19: placeholders, seals, notices, templates, where a
plan's paths may point, names with invisible characters, blank names."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from plangen.check import check_file, run_check

REPO = Path(__file__).resolve().parents[1]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

ROSTER = "bureau: 云溪区教育体育局\noffices: [办公室, 教育股]\nleaders: [陈玲玲]\n"
PLAN = """\
roster: t.roster.yaml
notice:
  issuers: [岳阳市云溪区教育体育局]
  number: 岳云教体〔2024〕4号
  title: 关于印发工作要点的通知
  body: 现予以印发。
  date: 2024-02-22
  printed_on: 2024-02-23
plan:
  title: 云溪区2024年教育体育工作要点
  year: 2024
  sections:
    - title: 重点工作
      items:
        - title: 加强党建
          offices: [办公室]
          leaders: [陈玲玲]
"""


def write(folder: Path, text: str, name: str = "t.yaml", roster: str = ROSTER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "t.roster.yaml").write_text(roster, encoding="utf-8")
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def found(path: Path) -> list[tuple[int, int, str, str]]:
    return [(p.pos.line, p.pos.col, p.code, p.message + "｜" + p.hint)
            for p in check_file(path).problems.sorted()]


def at(path: Path, code: str) -> list[tuple[int, int]]:
    return [(line, col) for line, col, c, _ in found(path) if c == code]


def test_base_plan_is_clean(tmp_path: Path) -> None:
    r = check_file(write(tmp_path, PLAN))
    assert not r.problems.items, [p.format() for p in r.problems]


# --------------------------------------------------------------------------- issue 12


@pytest.mark.parametrize(("old", "new", "line", "col"), [
    ("issuers: [岳阳市云溪区教育体育局]", "issuers: [（发文机关）]", 3, 13),
    ("issuers: [岳阳市云溪区教育体育局]", "issuers: [XXX局]", 3, 13),
    ("issuers: [岳阳市云溪区教育体育局]", "issuers: [某某局]", 3, 13),
    ("issuers: [岳阳市云溪区教育体育局]", "issuers: ['[发文机关]']", 3, 13),
    ("  date: 2024-02-22", "  signature: ××教育局\n  date: 2024-02-22", 7, 14),
    ("  date: 2024-02-22", "  printed_by: 【印发机关】\n  date: 2024-02-22", 7, 15),
    ("  title: 云溪区2024", "  issuers: [发文机关]\n  title: 云溪区2024", 10, 13),
])
def test_placeholder_where_a_name_belongs_is_a_located_error(
        tmp_path: Path, old: str, new: str, line: int, col: int) -> None:
    assert old in PLAN
    p = write(tmp_path, PLAN.replace(old, new, 1))
    assert at(p, "E212") == [(line, col)], found(p)
    assert not check_file(p).ok


def test_real_names_are_not_placeholders(tmp_path: Path) -> None:
    text = PLAN.replace("  date: 2024-02-22", "  signature: 岳阳市云溪区教育体育局（印）\n  date: 2024-02-22")
    assert at(write(tmp_path, text), "E212") == []


def test_seal_that_is_not_png_or_jpeg_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "seal.png").write_bytes(b"GIF89a not a png at all")
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", "  seal: seal.png\n  date: 2024-02-22"))
    hits = [f for f in found(p) if f[2] == "E213"]
    assert [(f[0], f[1]) for f in hits] == [(7, 9)] and "PNG 或 JPEG" in hits[0][3], found(p)
    (tmp_path / "seal.png").write_bytes(PNG)
    assert check_file(p).ok
    (tmp_path / "seal.png").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    assert check_file(p).ok


def test_a_3_gb_seal_is_refused_by_its_size_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "seal.png"
    with big.open("wb") as f:  # sparse: takes no disk space
        f.write(PNG)
        f.truncate(3 * 1024 ** 3)
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", "  seal: seal.png\n  date: 2024-02-22"))
    tracemalloc.start()
    t = time.perf_counter()
    r = check_file(p)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    (hit,) = [x for x in r.problems if x.code == "E213"]
    assert "过大" in hit.message and (hit.pos.line, hit.pos.col) == (7, 9)
    assert peak < 50 * 1024 * 1024 and elapsed < 10


def test_red_header_notice_without_number_is_a_warning(tmp_path: Path) -> None:
    p = write(tmp_path, PLAN.replace("  number: 岳云教体〔2024〕4号\n", ""))
    r = check_file(p)
    assert r.ok and at(p, "W307") == [(2, 1)], found(p)
    upward = PLAN.replace("  number: 岳云教体〔2024〕4号\n", "  template: upward\n  signers: [陈玲玲]\n")
    assert at(write(tmp_path, upward), "W307") == []


def test_notice_date_after_printed_on_is_a_warning(tmp_path: Path) -> None:
    p = write(tmp_path, PLAN.replace("printed_on: 2024-02-23", "printed_on: 2024-02-21"))
    r = check_file(p)
    assert r.ok and at(p, "W308") == [(7, 9)], found(p)


# --------------------------------------------------------------------------- issue 13


def test_signers_under_a_template_other_than_upward_is_a_warning(tmp_path: Path) -> None:
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", "  signers: [陈玲玲]\n  date: 2024-02-22"))
    r = check_file(p)
    assert r.ok and at(p, "W309") == [(7, 3)], found(p)
    plain = PLAN.replace("  date: 2024-02-22", "  template: plain\n  signers: [陈玲玲]\n  date: 2024-02-22")
    assert at(write(tmp_path, plain), "W309") == [(8, 3)]
    upward = PLAN.replace("  date: 2024-02-22", "  template: upward\n  signers: [陈玲玲]\n  date: 2024-02-22")
    assert at(write(tmp_path, upward), "W309") == []


@pytest.mark.parametrize("template", [".", "..", "nosuch", "./", "/", "a/b/c"])
def test_template_that_is_not_a_usable_template_is_a_located_error(
        tmp_path: Path, template: str) -> None:
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", f"  template: '{template}'\n  date: 2024-02-22"))
    codes = {c for line, col, c, _ in found(p) if (line, col) == (7, 13)}
    assert codes & {"E215", "E214"}, found(p)


def test_template_files_that_cannot_be_used(tmp_path: Path) -> None:
    (tmp_path / "mine.docx").write_bytes(b"not a zip")
    (tmp_path / "mine.html.j2").write_text("<p>{{ plan.title }</p>\n{% if %}\n", encoding="utf-8")
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", "  template: ./mine\n  date: 2024-02-22"))
    hits = [f for f in found(p) if f[2] == "E215"]
    assert any("不是有效的 Word 模板" in f[3] and (f[0], f[1]) == (7, 13) for f in hits), hits
    assert any("语法错误" in f[3] and f[0] == 1 for f in hits), hits  # the template's own line
    assert any(x.pos.file.endswith("mine.html.j2") for x in check_file(p).problems)


def test_a_bureau_template_beside_the_plan_is_accepted(tmp_path: Path) -> None:
    import shutil

    shutil.copy(REPO / "templates" / "red-header.docx", tmp_path / "mine.docx")
    shutil.copy(REPO / "templates" / "red-header.html.j2", tmp_path / "mine.html.j2")
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", "  template: ./mine\n  date: 2024-02-22"))
    assert check_file(p).ok, found(p)
    (tmp_path / "mine.html.j2").unlink()
    r = check_file(p)
    assert r.ok and at(p, "W310") == [(7, 13)]


# --------------------------------------------------------------------------- issue 19.1


def test_roster_outside_the_plans_folder_is_refused_and_nothing_is_quoted(tmp_path: Path) -> None:
    for target in ("/etc/passwd", "/proc/self/environ", "../secret.roster.yaml"):
        (tmp_path / "secret.roster.yaml").write_text("bureau: SECRET_TOKEN=abc\n", encoding="utf-8")
        p = write(tmp_path / "plans", PLAN.replace("roster: t.roster.yaml", f"roster: {target}"))
        hits = found(p)
        assert at(p, "E214") == [(1, 9)], hits
        text = "\n".join(m for *_, m in hits)
        assert "root:x" not in text and "SECRET" not in text


def test_a_link_inside_the_folder_to_a_file_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.roster.yaml").symlink_to("/etc/passwd")
    p = write(tmp_path, PLAN.replace("roster: t.roster.yaml", "roster: x.roster.yaml"))
    assert at(p, "E214") == [(1, 9)]
    (tmp_path / "seal.png").symlink_to("/etc/passwd")
    p = write(tmp_path, PLAN.replace("  date: 2024-02-22", "  seal: seal.png\n  date: 2024-02-22"))
    assert at(p, "E214") == [(7, 9)]


def test_the_allowed_dirs_setting_lets_a_shared_roster_in(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "bureau-rosters"  # rosters that several plan folders use
    shared.mkdir()
    (shared / "yx.roster.yaml").write_text(ROSTER, encoding="utf-8")
    p = write(tmp_path / "plans", PLAN.replace("roster: t.roster.yaml", "roster: ../bureau-rosters/yx.roster.yaml"))
    assert at(p, "E214") == [(1, 9)]
    monkeypatch.setenv("PLANGEN_ALLOWED_DIRS", f"/nonexistent{os.pathsep}{shared}")
    r = check_file(p)
    assert r.ok and r.roster_index is not None, found(p)


def test_a_file_that_is_not_a_roster_is_refused_without_quoting_it(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("token: SECRET_TOKEN=abc\nlist: [1, 2]\n", encoding="utf-8")
    (tmp_path / "env.txt").write_text("SECRET_TOKEN=abc\nPATH=/usr/bin\n", encoding="utf-8")
    (tmp_path / "bin.roster.yaml").write_bytes(b"\x00\x01SECRET\xff")
    for name in ("notes.yaml", "env.txt", "bin.roster.yaml"):
        p = write(tmp_path, PLAN.replace("roster: t.roster.yaml", f"roster: {name}"))
        hits = found(p)
        located = [c for line, col, c, _ in hits if (line, col) == (1, 9)]
        assert "E209" in located or name == "bin.roster.yaml", hits
        assert not check_file(p).ok
        assert "SECRET" not in "\n".join(m for *_, m in hits), hits


def test_a_plan_naming_itself_or_another_plan_as_roster(tmp_path: Path) -> None:
    a = write(tmp_path, PLAN.replace("roster: t.roster.yaml", "roster: a.yaml"), name="a.yaml")
    assert at(a, "E210") == [(1, 9)]
    a.write_text(PLAN.replace("roster: t.roster.yaml", "roster: b.yaml"), encoding="utf-8")
    b = write(tmp_path, PLAN.replace("roster: t.roster.yaml", "roster: a.yaml"), name="b.yaml")
    assert at(a, "E209") == [(1, 9)] and at(b, "E209") == [(1, 9)]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("where", ["plan", "roster"])
def test_bidi_controls_in_names_are_a_warning(tmp_path: Path, where: str) -> None:
    name = "办公室\u202efdp.exe"
    if where == "plan":
        p = write(tmp_path, PLAN.replace("offices: [办公室]", "offices: [办公室, 教育股]\n          leaders: [\"陈玲玲\u200b\"]"
                                         ).replace("          leaders: [陈玲玲]\n", ""))
        hits = [f for f in found(p) if f[2] == "W306"]
        assert [(f[0], f[1]) for f in hits] == [(17, 21)] and "U+200B" in hits[0][3], found(p)
    else:
        p = tmp_path / "x.roster.yaml"
        p.write_text(f"bureau: 局\noffices: [办公室, \"{name}\"]\n", encoding="utf-8")
        hits = [f for f in found(p) if f[2] == "W306"]
        assert [(f[0], f[1]) for f in hits] == [(2, 16)] and "U+202E" in hits[0][3], found(p)
        assert "从右到左" in hits[0][3]
    assert not [f for f in found(p) if f[2] == "W301"], found(p)  # said once, as W306


def test_whitespace_only_names_and_roster_are_errors(tmp_path: Path) -> None:
    p = tmp_path / "x.roster.yaml"
    p.write_text("bureau: 局\noffices: [办公室, '  ']\nleaders: [{name: '　'}]\n", encoding="utf-8")
    assert at(p, "E104") == [(2, 16), (3, 18)], found(p)
    q = write(tmp_path, PLAN.replace("offices: [办公室]", "offices: [办公室, ' ']"))
    assert at(q, "E104") == [(16, 26)], found(q)
    r = write(tmp_path, PLAN.replace("roster: t.roster.yaml", "roster: ' '"))
    assert at(r, "E104") == [(1, 9)], found(r)
    assert not check_file(r).ok


def test_a_300_character_roster_name_says_how_long_it_is(tmp_path: Path) -> None:
    p = tmp_path / "x.roster.yaml"
    p.write_text(f"bureau: 局\noffices: [办公室, {'长' * 300}]\nleaders: [{{name: {'李' * 150}}}]\n",
                 encoding="utf-8")
    hits = [f for f in found(p) if f[2] == "E103"]
    assert [(f[0], f[1]) for f in hits] == [(2, 16), (3, 18)], found(p)
    assert "300 个字符" in hits[0][3] and "150 个字符" in hits[1][3]
    assert not [f for f in found(p) if f[2] == "E108"], found(p)  # not "应为键值对"


def test_utf16_plan_is_read(tmp_path: Path) -> None:
    p = write(tmp_path, "")
    p.write_bytes(PLAN.encode("utf-16"))
    assert check_file(p).ok


# --------------------------------------------------------------------------- issue 19.11


def test_ten_thousand_problems_check_in_seconds_and_print_a_bounded_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = "".join(f"        - title: 任务{i}\n          leaders: 陈丽\n          offices: 教育股\n"
                    for i in range(5000))
    p = write(tmp_path, PLAN.replace("      items:\n", "      items:\n" + items, 1))
    t = time.perf_counter()
    r = check_file(p)
    elapsed = time.perf_counter() - t
    assert len(r.problems.errors) == 10_000
    assert elapsed < 20, elapsed  # cubic before: minutes; linear now (benchmarks/check_scale.py)
    assert run_check([p]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 203
    assert "另有 9800 个问题未列出" in out[-2] and "10000 个错误" in out[-1]


def test_odd_values_in_checked_places_never_crash(tmp_path: Path) -> None:
    """Found by fuzzing the new checks: a roster name longer than the file system allows
    (OSError ENAMETOOLONG), a date with a time beside a plain 印发日期 (datetime vs date)."""
    p = write(tmp_path, PLAN.replace("roster: t.roster.yaml", "roster: " + "x" * 300))
    assert at(p, "E208") == [(1, 9)]
    q = write(tmp_path, PLAN.replace("date: 2024-02-22", "date: 2024-02-22 10:00:00"))
    assert not check_file(q).ok  # a time is not a 成文日期 (E108), and nothing crashed
