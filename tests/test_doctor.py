"""`plangen doctor`: roles, coverage, exit status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def doctor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", "doctor", *args], capture_output=True,
                          text=True, timeout=120)


def test_shipped_setup_is_healthy() -> None:
    r = doctor("--plans", str(REPO / "plans"))
    assert r.returncode == 0, r.stdout
    assert "FandolFang-Regular.otf" in r.stdout and "正文（body）" in r.stdout
    assert "快速子集化（libharfbuzz-subset）：可用" in r.stdout
    assert "全部可以显示" in r.stdout


def test_missing_font_is_reported(tmp_path: Path) -> None:
    profile = tmp_path / "bureau.yaml"
    profile.write_text(
        "title: {docx: 方正小标宋简体, pdf: /nonexistent/FZXBSJW.TTF}\n"
        "body: {docx: 仿宋_GB2312, pdf: FandolFang-Regular.otf}\n"
        "heading1: {docx: 黑体, pdf: FandolHei-Regular.otf}\n"
        "heading2: {docx: 楷体_GB2312, pdf: FandolKai-Regular.otf}\n"
        "page_number: {docx: 宋体, pdf: FandolSong-Regular.otf}\n", encoding="utf-8")
    r = doctor("--fonts", str(profile), "--plans", str(REPO / "plans"))
    assert r.returncode == 1
    assert "✗ 标题（title）" in r.stdout and "FZXBSJW.TTF" in r.stdout
    assert "内部错误" not in r.stdout + r.stderr and "找不到字体文件" in r.stdout


def test_undrawable_character_is_located(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(REPO / "plans" / "yunxi.roster.yaml", plans)
    text = (REPO / "plans" / "yunxi-2024.yaml").read_text(encoding="utf-8")
    (plans / "yunxi-2024.yaml").write_text(text.replace("集中学法机关干部", "集中学法\ue000机关干部"), encoding="utf-8")
    r = doctor("--plans", str(plans))
    assert r.returncode == 1
    line = next(n for n, t in enumerate((plans / "yunxi-2024.yaml").read_text(encoding="utf-8").split("\n"), 1)
                if "\ue000" in t)
    assert f"yunxi-2024.yaml:{line}:" in r.stdout and "U+E000" in r.stdout
