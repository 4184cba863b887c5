"""The archive build on a temp copy of plans/: incremental, contained failures, repair after
SIGKILL, reproducible, prune, index links, lock."""

from __future__ import annotations

import hashlib
import html.parser
import json
import os
import re
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
                          capture_output=True, text=True, env=env, timeout=600, check=False)


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
    # a warm no-op imports neither pydantic (check) nor any renderer
    probe = ("import sys\nfrom plangen.cli import main\nsys.argv = ['plangen', 'build', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
             "heavy = ('pydantic', 'weasyprint', 'docx', 'docxtpl', 'openpyxl', 'plangen.render', 'plangen.sheets',"
             " 'plangen.check', 'plangen.fonts', 'jinja2', 'plangen.build.index')\n"
             "print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    r = subprocess.run([sys.executable, "-c", probe, str(plans), "-o", str(out), *FAST], capture_output=True,
                       text=True, timeout=60, check=False)
    assert r.returncode == 0 and r.stdout.strip().endswith("[]"), (r.stdout, r.stderr)
    # touching an output costs a re-hash, not a rebuild
    os.utime(out / "yunxi-2024" / "yunxi-2024.docx")
    assert json.loads(build(plans, out, *FAST, "--json").stdout)["built"] == 0
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
    """SIGKILL while the new files are being written leaves new files under the old manifest;
    with the plans put back, the keys equal the old manifest's, so only the hash check of the
    listed files can notice — and the next build must end with every hash matching."""
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".plangen" not in str(p)}
    originals = {f: f.read_text(encoding="utf-8") for f in plans.glob("*-20*.yaml")}
    old_manifest = manifest(out)
    old_temp = out / "yunxi-2024" / ".plangen-tmp-old"
    for _attempt in range(5):
        for f, text in originals.items():  # every output changes: the titles are printed everywhere
            f.write_text(re.sub(r"(?m)^(\s+title: )", r"\1修订", text, count=2), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(out), *FAST],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        for line in proc.stderr:  # the first plan's files are written: kill while the next one's are
            if "已生成" in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait()
        proc.stderr.close()
        for f, text in originals.items():
            f.write_text(text, encoding="utf-8")
        mixed = [p for p, data in snapshot.items() if p.read_bytes() != data]
        if proc.returncode == -signal.SIGKILL and mixed and manifest(out) == old_manifest:
            break
        assert build(plans, out, *FAST).returncode == 0  # missed the window: back to the start
    else:
        pytest.fail("could not kill the build while it was writing")
    old_temp.write_bytes(b"left by a killed build")
    os.utime(old_temp, (time.time() - 120, time.time() - 120))
    r = build(plans, out, *FAST, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["built"] >= 1
    assert assert_manifest_matches(out) > 50
    for p, data in snapshot.items():
        if p.name not in ("manifest.json", "index.html"):
            assert p.read_bytes() == data, p
    assert not old_temp.exists()
    assert all(time.time() - p.stat().st_mtime < 60 for p in out.rglob(".plangen-tmp-*"))


def test_reproducible_across_folders_and_jobs(plans: Path, tmp_path: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1708560000")
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(plans, a, "-j", "1", env=env).returncode == 0
    assert build(plans, b, "-j", "2", env=env).returncode == 0
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and ".plangen" not in str(p))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and ".plangen" not in str(p))
    assert files_a == files_b and len(files_a) > 100
    for rel in files_a:  # manifest.json and index.html included: no stat, no wall clock
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert "2024-02-22 00:00:00 UTC" in (a / "index.html").read_text(encoding="utf-8")


def test_prune_only_listed_files(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    stranger = out / "small-2025" / "notes.txt"
    stranger.write_text("mine", encoding="utf-8")
    (out / "README.txt").write_text("keep", encoding="utf-8")
    (plans / "small-2025.yaml").unlink()
    r = build(plans, out, *FAST)  # without --prune: kept, shown as gone
    assert r.returncode == 0 and (out / "small-2025" / "small-2025.docx").exists()
    assert manifest(out)["plans"]["small-2025"]["status"] == "missing"
    assert "--prune" in (out / "index.html").read_text(encoding="utf-8")
    r = build(plans, out, *FAST, "--prune")
    assert r.returncode == 0
    assert not (out / "small-2025" / "small-2025.docx").exists()
    assert stranger.read_text(encoding="utf-8") == "mine" and (out / "README.txt").exists()
    assert "small-2025" not in manifest(out)["plans"]


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        a = dict(attrs)
        if tag == "a":
            self.hrefs.append(a["href"])
        if "id" in a:
            self.ids.add(a["id"])


def test_index_links_resolve(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    parser = Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert len(parser.hrefs) > 50
    for href in parser.hrefs:
        if href.startswith("#"):
            assert href[1:] in parser.ids, href
        else:  # relative, so the page works opened from disk or copied elsewhere
            assert not urllib.parse.urlsplit(href).scheme and not href.startswith("/"), href
            assert (out / urllib.parse.unquote(href)).is_file(), href
    linked = {urllib.parse.unquote(h) for h in parser.hrefs}
    for name, entry in manifest(out)["plans"].items():  # and every output is linked
        assert {f"{name}/{rel}" for rel in entry["files"]} <= linked
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "云溪区2024年教育体育工作要点" in text and "各股室（20）" in text and "各分管领导（5）" in text
    # sheets listed in the roster's order, not by file name
    assert text.index("办公室") < text.index("行政审批股") < text.index("人事股")


def test_lock_refuses_second_build(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / ".plangen.lock")):
        r = build(plans, out, *FAST)
    assert r.returncode == 1 and "另一个 plangen build" in r.stderr


def test_lock_wait(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lock = FileLock(str(out / ".plangen.lock"))
    lock.acquire()
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "build", str(plans), str(plans / "small-2025.yaml"),
                             "-o", str(out), *FAST, "--wait"],  # a plan named twice is built once
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert proc.poll() is None  # still waiting
    lock.release()
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "重建 2 个" in stdout


def test_render_failure_contained(plans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A plan that passes check but fails to render keeps its old outputs; the others build."""
    from plangen import build as b
    from plangen.build import jobs

    out = tmp_path / "out"
    kw = {"outdir": out, "jobs": 1, "formats": ("docx",), "fonts": None, "force": False, "prune": False,
          "wait": False, "as_json": True}
    assert b.run_build([plans], **kw) == 0  # type: ignore[arg-type]
    old = (out / "yunxi-2024" / "yunxi-2024.docx").read_bytes()
    real = jobs.run_job

    def flaky(job: jobs.Job) -> jobs.JobResult:
        if job.plan == "yunxi-2024":
            raise RuntimeError("字体坏了")
        return real(job)

    monkeypatch.setattr(jobs, "run_job", flaky)
    capsys.readouterr()
    assert b.run_build([plans], **{**kw, "force": True}) == 1  # type: ignore[arg-type]
    summary = json.loads(capsys.readouterr().out)
    assert summary["plans"] == {"small-2025": "built", "yunxi-2024": "failed"}
    assert "字体坏了" in summary["problems"]["yunxi-2024"][0]
    assert (out / "yunxi-2024" / "yunxi-2024.docx").read_bytes() == old
    entry = manifest(out)["plans"]["yunxi-2024"]
    assert entry["status"] == "failed" and "yunxi-2024.docx" in entry["files"]
    assert assert_manifest_matches(out) > 2
    monkeypatch.setattr(jobs, "run_job", real)
    assert b.run_build([plans], **kw) == 0  # type: ignore[arg-type]
    assert json.loads(capsys.readouterr().out)["plans"] == {"small-2025": "unchanged", "yunxi-2024": "built"}


def test_font_profile_and_templates_are_inputs(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    profile = tmp_path / "fonts.yaml"
    profile.write_text((REPO / "plangen" / "data" / "fonts" / "default.yaml").read_text(encoding="utf-8"),
                       encoding="utf-8")
    args = ("--formats", "docx", "-j", "1", "--fonts", str(profile), "--json")
    small = plans / "small-2025.yaml"  # one small plan keeps this quick
    assert json.loads(build(small, out, *args).stdout)["built"] == 1
    assert json.loads(build(small, out, *args).stdout)["built"] == 0
    profile.write_text(profile.read_text(encoding="utf-8").replace("{docx: 黑体,", "{docx: 方正黑体_GBK,"),
                       encoding="utf-8")
    assert json.loads(build(small, out, *args).stdout)["built"] == 1
    assert b"\xe6\x96\xb9\xe6\xad\xa3\xe9\xbb\x91\xe4\xbd\x93" in _unzip(out / "small-2025" / "small-2025.docx")
    (plans / "templates").mkdir()
    (plans / "templates" / "notes.txt").write_text("a bureau's own template folder", encoding="utf-8")
    assert json.loads(build(small, out, *args).stdout)["built"] == 1
    assert json.loads(build(small, out, *args).stdout)["built"] == 0


def _unzip(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))


def test_sheet_batches_cover_everything_in_order() -> None:
    from plangen.build.jobs import batches

    assert batches([], 1.0) == []
    # the last shape is a 2,000-item plan: one huge overall sheet, then many light ones — the
    # light ones must still be packed about 1 s per batch, not one sheet per job
    for weights in ([1.7, 0.2, 0.2, 0.3, 0.1] * 5, [0.1] * 26, [5.0], [0.2, 3.0, 0.2], [73.0] + [0.11] * 170):
        parts = batches(weights, 1.0)
        assert [i for r in parts for i in r] == list(range(len(weights)))  # contiguous, each once
        assert all(len(r) for r in parts)
        heavy = sum(w >= 1.0 for w in weights)
        assert heavy <= len(parts) <= heavy + 1 + -(-sum(w for w in weights if w < 1.0) // 1.0)
        assert all(len(r) == 1 or sum(weights[i] for i in r) < 2.0 for r in parts)
    assert len(batches([0.1] * 26, 1.0)) == 3 and len(batches([1.7] + [0.2] * 25, 1.0)) == 6
    assert len(batches([73.0] + [0.11] * 170, 1.0)) <= 21
