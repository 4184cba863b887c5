"""User mistakes on the render side are reported as such: a Chinese message naming the file (and
the template line for Jinja), exit status 1, never `plangen 内部错误`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def plan_dir(tmp_path: Path, seal: str | None = None) -> Path:
    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml"):
        shutil.copy(REPO / "plans" / f, tmp_path / f)
    if seal:
        p = tmp_path / "yunxi-2024.yaml"
        p.write_text(p.read_text(encoding="utf-8").replace("  date: 2024-02-22\n", f"  date: 2024-02-22\n  seal: {seal}\n", 1),
                     encoding="utf-8")
    return tmp_path / "yunxi-2024.yaml"


def render(plan: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "plangen", "render", str(plan), "-o", str(plan.parent / "out"), *args],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def assert_user_error(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    for n in needles:
        assert n in r.stderr, (n, r.stderr)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_seal_that_is_not_an_image(tmp_path: Path, fmt: str) -> None:
    """`plangen check` refuses it first (E213); either way: the file named, exit 1."""
    plan = plan_dir(tmp_path, seal="seal.png")
    (tmp_path / "seal.png").write_text("这不是图片", encoding="utf-8")
    assert_user_error(render(plan, "--formats", fmt), "seal.png")
    assert not (tmp_path / "out" / "yunxi-2024" / f"yunxi-2024.{fmt}").exists()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("content", [b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 20], ids=["text", "truncated-png"])
def test_renderers_refuse_a_seal_replaced_after_the_check(tmp_path: Path, fmt: str, content: bytes) -> None:
    """The renderers' own guard (plangen.render.seal): the seal replaced between check and render."""
    from PIL import Image

    from plangen.errors import PlangenError
    from plangen.fonts import load_profile
    from plangen.render.docx import render_docx
    from plangen.render.pdf import render_pdf
    from plangen.view import load_view

    plan = plan_dir(tmp_path, seal="seal.png")
    Image.new("RGBA", (20, 20), (230, 0, 18, 255)).save(tmp_path / "seal.png")
    view = load_view(plan)
    (tmp_path / "seal.png").write_bytes(content)
    render_fn = render_docx if fmt == "docx" else render_pdf
    with pytest.raises(PlangenError) as e:
        render_fn(view, profile=load_profile())
    assert "seal.png" in str(e.value) and "印章不是可用的图片文件" in str(e.value)


def test_seal_that_is_missing(tmp_path: Path) -> None:
    plan = plan_dir(tmp_path, seal="no-such-seal.png")
    assert_user_error(render(plan, "--formats", "docx"), "no-such-seal.png")


def test_bureau_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    """A template given by path (check does not see it): the renderer names it."""
    plan = plan_dir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    broken = tmp_path / "elsewhere" / "bureau.docx"
    broken.write_bytes(b"just some text, not a zip")
    assert_user_error(render(plan, "--formats", "docx", "--template", str(broken)), "bureau.docx", "不是有效的 Word 模板")


def test_bureau_docx_with_a_broken_tag(tmp_path: Path) -> None:
    import docx

    plan = plan_dir(tmp_path)
    (tmp_path / "templates").mkdir()
    d = docx.Document(str(REPO / "templates" / "red-header.docx"))
    d.add_paragraph("{% if %}")
    d.save(str(tmp_path / "templates" / "red-header.docx"))
    assert_user_error(render(plan, "--formats", "docx"), "red-header.docx", "模板里的标记有误")


def test_jinja_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    plan = plan_dir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "red-header.html.j2").write_text(
        "<html>\n<body>\n{% if view.notice %}\n<p>x</p>\n</body>\n", encoding="utf-8")
    assert_user_error(render(plan, "--formats", "pdf"), "red-header.html.j2:", "模板语法错误")


def test_jinja_undefined_name_names_file_and_line(tmp_path: Path) -> None:
    plan = plan_dir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "red-header.html.j2").write_text(
        "<html><body>\n<h1>{{ view.doc_title }}</h1>\n<p>{{ view.no_such_field }}</p>\n</body></html>\n",
        encoding="utf-8")
    assert_user_error(render(plan, "--formats", "pdf"), "red-header.html.j2:3", "不存在的名字")


def test_jinja_undefined_in_an_extending_template(tmp_path: Path) -> None:
    """A bureau template extending the built-in one: the line is in the bureau's file."""
    plan = plan_dir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "mine.html.j2").write_text(
        '{% extends "red-header.html.j2" %}\n{% block extra_css %}\n{{ nothing.here }}\n{% endblock %}\n',
        encoding="utf-8")
    assert_user_error(render(plan, "--formats", "pdf", "--template", "mine"), "mine.html.j2:3", "不存在的名字")
