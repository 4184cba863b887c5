"""What a plan's build key covers: files the renderers report reading (seal, template by path),
SOURCE_DATE_EPOCH, in-place edits that keep size and mtime; what it must not pick up (the
output folder inside the plans folder); .yml plans; cold builds byte-identical without
SOURCE_DATE_EPOCH; one check per plan however many jobs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ITEMS = """\
plan:
  title: 云溪区2025年{what}工作要点
  year: 2025
  sections:
    - title: 安全
      items:
        - {{title: 抓好校园安全, text: 压实安全责任。, leaders: [李开军], offices: [校安股, 纪监室]}}
        - {{title: 规范财务, text: 开展财务检查。, leaders: [林海], offices: [计财股]}}
"""
NOTICE = """\
notice:
  template: bureau/custom
  issuers: [云溪区教育局]
  title: 关于印发《云溪区2025年盖章工作要点》的通知
  to: 各学校
  body: 现印发给你们，请遵照执行。
  signature: 云溪区教育局
  date: 2025-02-01
  seal: seal.png
"""


def build(plans: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(out), *args],
                          capture_output=True, text=True, env=env, timeout=600, check=False)


def plans_of(r: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["plans"]  # type: ignore[no-any-return]


def seal(path: Path, colour: tuple[int, int, int]) -> None:
    from PIL import Image

    Image.new("RGB", (64, 64), colour).save(path)


@pytest.fixture()
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANGEN_ALLOWED_DIRS", str(tmp_path / "tpl"))  # the template by path (docs/check.md)
    d = tmp_path / "plans"
    d.mkdir()
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", d)
    (d / "bureau").mkdir()  # a template given by path, outside the template search folders
    shutil.copy(REPO / "templates" / "red-header.docx", d / "bureau" / "custom.docx")
    seal(d / "seal.png", (200, 0, 0))
    (d / "sealed-2025.yaml").write_text("roster: yunxi.roster.yaml\n" + NOTICE + ITEMS.format(what="盖章"),
                                        encoding="utf-8")
    (d / "plain-2025.yaml").write_text("roster: yunxi.roster.yaml\n" + ITEMS.format(what="安全"), encoding="utf-8")
    return d


DOCX = ("--formats", "docx", "-j", "1", "--json")


def test_seal_and_template_by_path_rebuild_their_plans_only(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert plans_of(build(plans, out, *DOCX)) == {"plain-2025": "built", "sealed-2025": "built"}
    assert plans_of(build(plans, out, *DOCX)) == {"plain-2025": "unchanged", "sealed-2025": "unchanged"}
    reads = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["plans"]["sealed-2025"]["inputs"]["reads"]
    assert {"seal.png", "bureau/custom.docx"} <= set(reads)
    before = (out / "sealed-2025" / "sealed-2025.docx").read_bytes()
    seal(plans / "seal.png", (0, 0, 200))  # a replaced seal image
    assert plans_of(build(plans, out, *DOCX)) == {"plain-2025": "unchanged", "sealed-2025": "built"}
    assert (out / "sealed-2025" / "sealed-2025.docx").read_bytes() != before  # the new seal is in it
    with zipfile.ZipFile(plans / "bureau" / "custom.docx", "a") as z:  # an edited template given by path
        z.writestr("customXml/plangen-test.xml", "<x/>")
    assert plans_of(build(plans, out, *DOCX)) == {"plain-2025": "unchanged", "sealed-2025": "built"}
    assert plans_of(build(plans, out, *DOCX)) == {"plain-2025": "unchanged", "sealed-2025": "unchanged"}


def test_source_date_epoch_is_part_of_the_key(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (plans / "sealed-2025.yaml").unlink()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1708560000")
    assert plans_of(build(plans, out, *DOCX, env=env)) == {"plain-2025": "built"}
    assert plans_of(build(plans, out, *DOCX, env=env)) == {"plain-2025": "unchanged"}
    env["SOURCE_DATE_EPOCH"] = "1708570000"
    assert plans_of(build(plans, out, *DOCX, env=env)) == {"plain-2025": "built"}
    for bad in ("abc", "99999999999999999999", "-5"):  # ignored with a warning, never a crash
        env["SOURCE_DATE_EPOCH"] = bad
        r = build(plans, out, *DOCX, env=env)
        assert r.returncode == 0 and "SOURCE_DATE_EPOCH" in r.stderr and "无效" in r.stderr, r.stderr
        assert "内部错误" not in r.stderr


def test_cold_builds_identical_without_source_date_epoch(plans: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(plans, a, "--formats", "docx,xlsx", "-j", "1", env=env).returncode == 0
    assert build(plans, b, "--formats", "docx,xlsx", "-j", "2", env=env).returncode == 0
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and ".plangen" not in str(p))
    assert Path("manifest.json") in files and Path("index.html") in files and len(files) > 20
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    entry = json.loads((a / "manifest.json").read_text(encoding="utf-8"))["plans"]["plain-2025"]
    assert "changed" not in entry and len(entry["fingerprint"]) == 12
    cache = json.loads((a / ".plangen-cache" / "state.json").read_text(encoding="utf-8"))
    assert cache["plans"]["plain-2025"]["changed_at"]  # the wall clock lives in the cache only


def test_yml_plans_are_built(plans: Path, tmp_path: Path) -> None:
    (plans / "sealed-2025.yaml").unlink()
    (plans / "plain-2025.yaml").rename(plans / "plain-2025.yml")
    shutil.copy(plans / "yunxi.roster.yaml", plans / "other.roster.yml")  # a roster, never a plan
    out = tmp_path / "out"
    assert plans_of(build(plans, out, *DOCX)) == {"plain-2025": "built"}
    assert (out / "plain-2025" / "plain-2025.docx").is_file()


def test_output_inside_the_plans_folder_does_not_rebuild(plans: Path, tmp_path: Path) -> None:
    (plans / "templates").mkdir()
    for out in (plans / "templates" / "out", plans):
        assert "built" in plans_of(build(plans, out, *DOCX)).values()
        assert set(plans_of(build(plans, out, *DOCX)).values()) == {"unchanged"}, out


def test_in_place_edit_keeping_size_and_mtime_is_noticed(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = plans / "plain-2025.yaml"
    old = plan.stat().st_mtime_ns - 3_600_000_000_000
    os.utime(plan, ns=(old, old))  # long before the build: the stat memo is trusted
    assert plans_of(build(plans, out, *DOCX))["plain-2025"] == "built"
    assert plans_of(build(plans, out, *DOCX))["plain-2025"] == "unchanged"
    text = plan.read_text(encoding="utf-8")
    edited = text.replace("开展财务检查", "开展财务审计")
    assert len(edited.encode()) == len(text.encode()) and edited != text
    with plan.open("r+b") as f:  # in place: same inode, same size …
        f.write(edited.encode())
    os.utime(plan, ns=(old, old))  # … and the mtime put back
    assert plans_of(build(plans, out, *DOCX))["plain-2025"] == "built"
    assert "开展财务审计".encode() in _xml(out / "plain-2025" / "plain-2025.docx")


def _xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_each_plan_checked_once_and_jobs_get_the_view(plans: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """However many sheet batches a plan has, it is loaded and checked once (issue 19: a
    2,000-item plan re-checked by each of 170 jobs)."""
    from plangen import build as b
    from plangen import check, view

    calls: list[str] = []
    real_check = check.check_file
    monkeypatch.setattr(check, "check_file", lambda p, *a: calls.append(Path(p).name) or real_check(p, *a))
    monkeypatch.setattr(view, "load_view", lambda *a: pytest.fail("a job loaded the plan again"))
    monkeypatch.setattr("plangen.build.jobs.BATCH_SECONDS", 0.01)  # every sheet its own job
    kw = {"outdir": tmp_path / "out", "jobs": 1, "formats": ("docx", "xlsx"), "fonts": None, "force": False,
          "prune": False, "wait": False, "as_json": True}
    assert b.run_build([plans], **kw) == 0  # type: ignore[arg-type]
    assert sorted(c for c in calls if not c.endswith(".roster.yaml")) == ["plain-2025.yaml", "sealed-2025.yaml"]
    files = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["plans"]["plain-2025"]["files"]
    assert len([f for f in files if f.endswith(".xlsx")]) > 3


def test_an_included_template_is_part_of_the_key(plans: Path, tmp_path: Path) -> None:
    """A bureau's own red-header.html.j2 includes its gongwen.css.j2: editing only the included
    file rebuilds the plans whose PDF uses it (the key follows {% include %})."""
    own = plans / "templates"
    own.mkdir()
    for name in ("red-header.html.j2", "gongwen.css.j2"):
        shutil.copy(REPO / "templates" / name, own / name)
    (plans / "sealed-2025.yaml").write_text(
        (plans / "sealed-2025.yaml").read_text(encoding="utf-8").replace("  template: bureau/custom\n", ""),
        encoding="utf-8")
    out = tmp_path / "out"
    pdf = ("--formats", "pdf", "-j", "1", "--json")
    plans_of(build(plans, out, *pdf))
    reads = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["plans"]["sealed-2025"]["inputs"]["reads"]
    assert {"templates/red-header.html.j2", "templates/gongwen.css.j2"} <= set(reads)
    assert plans_of(build(plans, out, *pdf))["sealed-2025"] == "unchanged"
    css = own / "gongwen.css.j2"
    css.write_text(css.read_text(encoding="utf-8") + "\n.to { color: #000; }\n", encoding="utf-8")
    assert plans_of(build(plans, out, *pdf))["sealed-2025"] == "built"
