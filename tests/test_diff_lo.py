"""The Word redline in LibreOffice (Debian's python3-uno, run with the system Python): accepting
all changes gives the text of `render NEW`, rejecting all the text of `render OLD`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from plangen.diff import render_outputs
from plangen.diff.match import match
from plangen.diff.summary import summarize
from plangen.fonts import load_profile
from plangen.render.docx import render_docx
from plangen.view import load_view
from test_diff_support import write_pair

SCRIPT = Path(__file__).parent / "data" / "diff" / "lo_changes.py"
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _uno_available() -> bool:
    if not SYSTEM_PYTHON.exists() or shutil.which("soffice") is None:
        return False
    return subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _uno_available(),
                                reason="LibreOffice with python3-uno (scripts/setup.sh test) not installed")


def test_libreoffice_accept_and_reject_all(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path)
    vo, vn = load_view(old), load_view(new)
    m = match(vo, vn)
    out = render_outputs(m, summarize(m), ("docx",), author="办公室", date="2024-02-22T00:00:00Z",
                         fonts=None)
    (tmp_path / "redline.docx").write_bytes(out["docx"])
    profile = load_profile(None)
    (tmp_path / "new.docx").write_bytes(render_docx(vn, profile=profile))
    (tmp_path / "old.docx").write_bytes(render_docx(vo, profile=profile))
    jobs = ["redline.docx", "accept", "accepted.txt", "redline.docx", "reject", "rejected.txt",
            "new.docx", "keep", "new.txt", "old.docx", "keep", "old.txt"]
    r = subprocess.run([str(SYSTEM_PYTHON), str(SCRIPT), str(tmp_path / "profile"),
                        *[str(tmp_path / j) if j.endswith((".docx", ".txt")) else j for j in jobs]],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report[0]["redlines"] > 7 and report[2]["redlines"] == report[3]["redlines"] == 0
    read = lambda n: (tmp_path / n).read_text(encoding="utf-8")  # noqa: E731
    assert read("new.txt") != read("old.txt")
    assert read("accepted.txt") == read("new.txt")
    assert read("rejected.txt") == read("old.txt")
    assert "专题研修班" in read("accepted.txt") and "党性教育提升培训" in read("rejected.txt")
