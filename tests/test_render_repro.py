"""Same inputs → same bytes, wherever the files live; SOURCE_DATE_EPOCH parsed once, refused
with a Chinese message when it is not a date."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"  # 2023-11-14


def copy_repo(dest: Path) -> Path:
    shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(
        ".git", ".venv", "output", "tests", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache"))
    return dest


def render(repo: Path, plan: str, out: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "PYTHONPATH": str(repo), "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "plangen", "render", plan, "-o", str(out)],
                          cwd=repo, env=e, capture_output=True, text=True, timeout=300, check=False)


def add_seal(repo: Path) -> None:
    from PIL import Image, ImageDraw

    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((5, 5, 195, 195), outline=(230, 0, 18, 255), width=10)
    im.save(repo / "plans" / "seal.png")
    plan = repo / "plans" / "yunxi-2024.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("  date: 2024-02-22\n", "  date: 2024-02-22\n  seal: seal.png\n", 1), encoding="utf-8")


@pytest.mark.parametrize("seal", [False, True], ids=["no-seal", "seal"])
def test_same_bytes_in_another_folder(tmp_path: Path, seal: bool) -> None:
    a = copy_repo(tmp_path / "a" / "repo")
    b = copy_repo(tmp_path / "somewhere" / "much" / "deeper" / "other-name")
    outputs = []
    for repo in (a, b):
        if seal:
            add_seal(repo)
        r = render(repo, "plans/yunxi-2024.yaml", repo / "out")
        assert r.returncode == 0, r.stderr
        outputs.append({f.name: f.read_bytes() for f in (repo / "out" / "yunxi-2024").iterdir()})
    assert set(outputs[0]) == {"yunxi-2024.docx", "yunxi-2024.pdf"}
    assert outputs[0] == outputs[1]
    pdf = pypdf.PdfReader(io.BytesIO(outputs[0]["yunxi-2024.pdf"]))
    assert "20231114" in str(pdf.metadata.get("/CreationDate"))
    if seal:
        assert pdf.pages[0].images  # the seal is there


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "99999999999999", "１２３", "253402300800"])
def test_invalid_source_date_epoch_is_refused(tmp_path: Path, value: str) -> None:
    r = render(REPO, str(REPO / "plans" / "yunxi-2024.yaml"), tmp_path, {"SOURCE_DATE_EPOCH": value})
    assert r.returncode == 1
    assert "环境变量 SOURCE_DATE_EPOCH" in r.stderr and "无效" in r.stderr and "9999" in r.stderr
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "yunxi-2024").exists()  # refused before any work


def test_parser() -> None:
    from plangen.epoch import MAX_EPOCH, require_valid, source_date_epoch

    assert source_date_epoch({"SOURCE_DATE_EPOCH": " 0 "}) == 0
    assert source_date_epoch({"SOURCE_DATE_EPOCH": str(MAX_EPOCH)}) == MAX_EPOCH
    assert source_date_epoch({"SOURCE_DATE_EPOCH": str(MAX_EPOCH + 1)}) is None
    assert require_valid({}) is None
    assert require_valid({"SOURCE_DATE_EPOCH": EPOCH}).year == 2023
