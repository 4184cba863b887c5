"""The archive build on a temp copy of plans/: incremental, contained failures, repair after
SIGKILL, reproducible, prune, index links, lock."""

from __future__ import annotations

import hashlib
import html.parser
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parents[1]
SMALL = """\
roster: yunxi.roster.yaml
plan:
  title: 云溪区2025年安全工作要点
  year: 2025
  sections:
    - title: 安全
      items:
        - {title: 抓好校园安全, text: 压实安全责任。, leaders: [李开军], offices: [校安股, 纪监室]}
        - {title: 规范财务, text: 开展财务检查。, leaders: [林海], offices: [计财股]}
"""


def build(plans: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(out), *args],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture()
def plans(tmp_path: Path) -> Path:
    d = tmp_path / "plans"
    d.mkdir()
    shutil.copy(REPO / "plans" / "yunxi-2024.yaml", d)
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", d)
    (d / "small-2025.yaml").write_text(SMALL, encoding="utf-8")
    return d


def manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def assert_manifest_matches(out: Path) -> int:
    n = 0
    for name, entry in manifest(out)["plans"].items():
        for rel, info in entry["files"].items():
            data = (out / name / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == info["sha256"], rel
            assert len(data) == info["size"]
            n += 1
    return n


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file() and ".plangen" not in str(p)}


FAST = ("--formats", "docx,xlsx", "-j", "1")


def test_cold_then_noop_then_one_plan_then_roster(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = build(plans, out, *FAST)
    assert r.returncode == 0, r.stderr
    assert "重建 2 个" in r.stdout
    assert (out / "yunxi-2024" / "yunxi-2024.docx").is_file()
    assert (out / "yunxi-2024" / "sheets" / "股室-办公室.xlsx").is_file()
    assert (out / "small-2025" / "sheets" / "总表-任务分解表.xlsx").is_file()
    assert not (out / "yunxi.roster").exists()
    assert assert_manifest_matches(out) > 50
    before = stamps(out)
    r = build(plans, out, *FAST, "--json")
    assert r.returncode == 0
    summary = json.loads(r.stdout)
    assert summary["built"] == 0 and summary["unchanged"] == 2
    assert stamps(out) == before  # nothing rewritten, manifest and index included
    # touching without changing rebuilds nothing
    os.utime(plans / "yunxi-2024.yaml")
    assert json.loads(build(plans, out, *FAST, "--json").stdout)["built"] == 0
    # editing one item rebuilds that plan only
    text = (plans / "small-2025.yaml").read_text(encoding="utf-8")
    (plans / "small-2025.yaml").write_text(text.replace("开展财务检查。", "开展两次财务检查。"), encoding="utf-8")
    s = json.loads(build(plans, out, *FAST, "--json").stdout)
    assert s["plans"] == {"small-2025": "built", "yunxi-2024": "unchanged"}
    # editing the roster rebuilds the plans that use it
    roster = plans / "yunxi.roster.yaml"
    roster.write_text(roster.read_text(encoding="utf-8") + "  - 新设股\n", encoding="utf-8")
    s = json.loads(build(plans, out, *FAST, "--json").stdout)
    assert s["plans"] == {"small-2025": "built", "yunxi-2024": "built"}


def test_broken_plan_fails_alone(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    old = (out / "small-2025" / "small-2025.docx").read_bytes()
    (plans / "small-2025.yaml").write_text(SMALL.replace("offices: [计财股]", "offices: [计才股]"), encoding="utf-8")
    r = build(plans, out, *FAST, "--force")
    assert r.returncode == 1
    assert "small-2025.yaml:" in r.stderr and "计才股" in r.stderr and "Traceback" not in r.stderr
    assert "失败 1 个" in r.stdout
    assert (out / "small-2025" / "small-2025.docx").read_bytes() == old  # previous output kept
    m = manifest(out)
    assert m["plans"]["small-2025"]["status"] == "failed" and m["plans"]["yunxi-2024"]["status"] == "ok"
    assert "失败" in (out / "index.html").read_text(encoding="utf-8")


def test_killed_build_is_repaired(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    for f in plans.glob("*-20*.yaml"):
        f.write_text(f.read_text(encoding="utf-8").replace("工作要点", "工作要点（修订）", 1), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(out), *FAST],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)  # in the middle of rendering and writing
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    r = build(plans, out, *FAST)
    assert r.returncode == 0, r.stderr
    assert assert_manifest_matches(out) > 50
    assert not list(out.rglob(".plangen-tmp-*")) or all(
        time.time() - p.stat().st_mtime < 120 for p in out.rglob(".plangen-tmp-*"))


def test_reproducible_across_folders_and_jobs(plans: Path, tmp_path: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1708560000")
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(plans, a, "-j", "1", env=env).returncode == 0
    assert build(plans, b, "-j", "2", env=env).returncode == 0
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and ".plangen" not in str(p))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and ".plangen" not in str(p))
    assert files_a == files_b and len(files_a) > 100
    for rel in files_a:
        if rel.name in ("manifest.json", "index.html"):
            continue
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_prune_only_listed_files(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    stranger = out / "small-2025" / "notes.txt"
    stranger.write_text("mine", encoding="utf-8")
    (out / "README.txt").write_text("keep", encoding="utf-8")
    (plans / "small-2025.yaml").unlink()
    r = build(plans, out, *FAST, "--prune")
    assert r.returncode == 0
    assert not (out / "small-2025" / "small-2025.docx").exists()
    assert stranger.read_text(encoding="utf-8") == "mine" and (out / "README.txt").exists()
    assert "small-2025" not in manifest(out)["plans"]


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def test_index_links_resolve(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    parser = Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert len(parser.hrefs) > 50
    for href in parser.hrefs:
        assert (out / urllib.parse.unquote(href)).is_file(), href
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "云溪区2024年教育体育工作要点" in text and "股室" in text and "领导" in text


def test_lock_refuses_second_build(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / ".plangen.lock")):
        r = build(plans, out, *FAST)
    assert r.returncode == 1 and "另一个 plangen build" in r.stderr
