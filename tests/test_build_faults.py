"""Faults stay contained (issues 18 and 19): a build killed between write and rename leaves no
debris after the next one; workers die with a killed build; a symlink loop, a file where a
folder belongs, a folder where a file belongs, an immutable output, a cache or manifest of the
wrong shape, a full disk, a full $TMPDIR — each fails only what it touches, with a Chinese
message naming the path, and the manifest still verifies. Crash logs go under the output
folder, the last few kept."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLAN = """\
roster: yunxi.roster.yaml
plan:
  title: 云溪区2025年{n}号工作要点
  year: 2025
  sections:
    - title: 安全
      items:
        - {{title: 抓好校园安全, text: 压实安全责任{edit}。, leaders: [李开军], offices: [校安股, 纪监室]}}
        - {{title: 规范财务, text: 开展财务检查。, leaders: [林海], offices: [计财股]}}
"""
FAST = ("--formats", "docx,xlsx", "-j", "1")
NAMES = [f"p{i}-2025" for i in range(1, 7)]


def build(plans: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(out), *args],
                          capture_output=True, text=True, env=env, timeout=600, check=False)


def write_plans(d: Path, edit: str = "") -> None:
    for i, name in enumerate(NAMES, 1):
        (d / f"{name}.yaml").write_text(PLAN.format(n=i, edit=edit), encoding="utf-8")


@pytest.fixture()
def plans(tmp_path: Path) -> Path:
    d = tmp_path / "plans"
    d.mkdir()
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", d)
    write_plans(d)
    return d


def verify_manifest(out: Path) -> dict:  # type: ignore[type-arg]
    """Every file the manifest lists is on disk with its size and sha256; no temp file anywhere."""
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in m["plans"].items():
        for rel, info in entry["files"].items():
            data = (out / name / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == info["sha256"] and len(data) == info["size"], (name, rel)
    assert not list(out.rglob(".plangen-tmp-*"))
    return m


def assert_clean_message(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr + r.stdout and "内部错误" not in r.stderr, r.stderr


# --------------------------------------------------------------------------- killed builds


@pytest.mark.parametrize("at", ["1", "7", "last"])
def test_kill_between_write_and_rename_leaves_no_debris(plans: Path, tmp_path: Path, at: str) -> None:
    out = tmp_path / "out"
    for name in NAMES[2:]:
        (plans / f"{name}.yaml").unlink()
    if at == "last":  # the cache, written after everything else
        ref = tmp_path / "ref"
        assert build(plans, ref, *FAST).returncode == 0
        at = str(sum(1 for p in ref.rglob("*") if p.is_file() and p.name != ".plangen.lock"))
    env = dict(os.environ, PLANGEN_TEST_KILL_BEFORE_RENAME=at)
    r = build(plans, out, *FAST, env=env)
    assert r.returncode == -signal.SIGKILL
    left = list(out.rglob(".plangen-tmp-*"))
    assert len(left) == 1 and left[0].stat().st_size > 0  # written and fsynced, never renamed
    r = build(plans, out, *FAST, "--json")
    assert r.returncode == 0, r.stderr
    assert "已删除中断的构建留下的临时文件 1 个" in r.stderr and left[0].name in r.stderr
    m = verify_manifest(out)
    assert sorted(m["plans"]) == NAMES[:2]


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def test_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(REPO / "plans" / "yunxi-2024.yaml", plans)
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", plans)
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "build", str(plans), "-o", str(tmp_path / "out"),
                             "-j", "2", "--formats", "docx,xlsx"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started its workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert not alive, f"workers {alive} survived the build"


# --------------------------------------------------------------------------- injected faults


def _loop(plans: Path, _out: Path, _name: str) -> str:
    (plans / "loop-2025.yaml").symlink_to("loop-2025.yaml")
    return "loop-2025"


def _file_for_folder(_plans: Path, out: Path, name: str) -> str:
    shutil.rmtree(out / name)
    (out / name).write_text("not a folder", encoding="utf-8")
    return name


def _folder_for_file(_plans: Path, out: Path, name: str) -> str:
    (out / name / f"{name}.docx").unlink()
    (out / name / f"{name}.docx").mkdir()
    (out / name / f"{name}.docx" / "keep").write_text("x", encoding="utf-8")
    return name


def _immutable(_plans: Path, out: Path, name: str) -> str:
    target = out / name / f"{name}.docx"
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True, check=False).returncode != 0:
        if os.geteuid() == 0:
            pytest.skip("chattr +i does not work here and root ignores read-only folders")
        (out / name).chmod(0o555)
    return name


def _bad_cache(_plans: Path, out: Path, _name: str) -> str:
    (out / ".plangen-cache" / "state.json").write_text('{"version": 3, "hashes": [], "plans": 7}', encoding="utf-8")
    return ""


FAULTS = {"loop": _loop, "file-for-folder": _file_for_folder, "folder-for-file": _folder_for_file,
          "immutable": _immutable, "bad-cache": _bad_cache}


@pytest.fixture()
def unlock(tmp_path: Path) -> Iterator[None]:
    yield
    for p in tmp_path.rglob("*"):
        subprocess.run(["chattr", "-i", str(p)], capture_output=True, check=False)
        if p.is_dir():
            p.chmod(0o755)


@pytest.mark.parametrize("seed", [1, 2])
def test_injected_faults_fail_only_what_they_touch(plans: Path, tmp_path: Path, seed: int, unlock: None) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    write_plans(plans, edit="和落实")  # every plan changes: each must be rewritten
    rng = random.Random(seed)
    victims = rng.sample(NAMES, 3)
    hurt: set[str] = set()
    for fault, name in zip(FAULTS, [None, *victims, None], strict=True):
        hurt.add(FAULTS[fault](plans, out, name or ""))
    hurt.discard("")
    r = build(plans, out, *FAST, "--json")
    assert_clean_message(r)
    assert r.returncode == 1
    summary = json.loads(r.stdout)
    assert {n for n, a in summary["plans"].items() if a == "failed"} == hurt
    assert {n for n, a in summary["plans"].items() if a == "built"} == set(NAMES) - hurt
    assert "缓存文件" in r.stderr and "格式不对" in r.stderr
    for name in hurt:  # a Chinese message naming the path
        text = "\n".join(summary["problems"][name])
        assert name in text and ("无法" in text), text
    m = verify_manifest(out)
    for name in hurt - {"loop-2025"}:
        assert m["plans"][name]["status"] == "failed"
    for name in set(NAMES) - hurt:
        assert m["plans"][name]["status"] == "ok"
        assert "和落实".encode() in _docx_xml(out / name / f"{name}.docx")


def _docx_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_bad_manifest_is_reported_and_rebuilt(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(plans, out, *FAST).returncode == 0
    for bad in ('{"plans": []}', "not json", '{"plans": {"p1-2025": {"files": []}}}'):
        (out / "manifest.json").write_text(bad, encoding="utf-8")
        r = build(plans, out, *FAST, "--json")
        assert r.returncode == 0, r.stderr
        assert "清单" in r.stderr and ("已损坏" in r.stderr or "格式不对" in r.stderr), r.stderr
        assert sorted(verify_manifest(out)["plans"]) == NAMES


# --------------------------------------------------------------------------- full disks


@pytest.fixture()
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, check=False)


def test_full_disk_stops_cleanly(plans: Path, tmpfs: Path) -> None:
    out = tmpfs / "out"
    (tmpfs / "filler").write_bytes(b"\0" * 3_000_000)  # room for a few plans, not for all six
    r = build(plans, out, *FAST, "--json")
    assert_clean_message(r)
    assert r.returncode == 1
    assert "磁盘空间不足" in r.stderr and "构建已停止" in r.stderr, r.stderr
    assert not list(out.rglob(".plangen-tmp-*"))  # nothing half-written
    for f in out.rglob("*.docx"):  # every file there is complete
        _docx_xml(f)
    (tmpfs / "filler").unlink()
    r = build(plans, out, *FAST, "--json")
    assert r.returncode == 0, r.stderr
    assert sorted(verify_manifest(out)["plans"]) == NAMES


def test_full_tmpdir_does_not_matter(plans: Path, tmp_path: Path, tmpfs: Path) -> None:
    with (tmpfs / "filler").open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    env = dict(os.environ, TMPDIR=str(tmpfs))
    r = build(plans, tmp_path / "out", *FAST, "-j", "2", env=env)
    assert_clean_message(r)
    assert r.returncode == 0, r.stderr
    verify_manifest(tmp_path / "out")


# --------------------------------------------------------------------------- crash logs

CRASH = """\
import sys
import plangen.build.run as run
def boom(self): raise RuntimeError("测试用的内部错误")
run.Build.setup = boom
from plangen.cli import main
sys.argv = ["plangen", "build", *sys.argv[1:]]
main()
"""


def test_crash_logs_under_the_output_folder_last_five_kept(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "PLANGEN_CRASH_DIR"}
    paths = []
    for _ in range(7):
        r = subprocess.run([sys.executable, "-c", CRASH, str(plans), "-o", str(out)], capture_output=True,
                           text=True, env=env, timeout=60, check=False)
        assert r.returncode == 1 and "plangen 内部错误：RuntimeError: 测试用的内部错误" in r.stderr
        assert "Traceback" not in r.stderr
        path = Path(r.stderr.split("详细信息已保存到 ", 1)[1].split("，", 1)[0])
        assert path.parent == out / ".plangen-cache" / "crash" and "测试用的内部错误" in path.read_text(encoding="utf-8")
        paths.append(path)
    logs = sorted((out / ".plangen-cache" / "crash").iterdir())
    assert logs == sorted(paths[-5:])
    env["PLANGEN_CRASH_DIR"] = str(tmp_path / "elsewhere")
    r = subprocess.run([sys.executable, "-c", CRASH, str(plans), "-o", str(out)], capture_output=True, text=True,
                       env=env, timeout=60, check=False)
    assert str(tmp_path / "elsewhere") in r.stderr and len(list((tmp_path / "elsewhere").iterdir())) == 1
