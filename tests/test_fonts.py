"""Font profile, fontconfig aliases and the fonts the set-up installs (scripts/setup.sh).

These tests expect `scripts/setup.sh test` to have run (as `make test` does): they fail, not
skip, when the Fandol fonts or the aliases are missing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from plangen.errors import PlangenError
from plangen.fonts import (
    PLANGEN_FONT_DIR,
    PROFILE_DIR,
    ROLES,
    collection_families,
    font_css,
    load_profile,
)

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "plangen" / "data" / "fontconfig" / "60-plangen.conf"
NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")

EXPECTED = {
    "title": ("方正小标宋简体", "FandolSong-Bold.otf"),
    "body": ("仿宋_GB2312", "FandolFang-Regular.otf"),
    "heading1": ("黑体", "FandolHei-Regular.otf"),
    "heading2": ("楷体_GB2312", "FandolKai-Regular.otf"),
    "page_number": ("宋体", "FandolSong-Regular.otf"),
    "bold": ("仿宋_GB2312", "FandolSong-Bold.otf"),
}


def fc_match(pattern: str, fmt: str = "%{family[0]}|%{style[0]}|%{file}", *args: str,
             env: dict[str, str] | None = None) -> str:
    return subprocess.run(["fc-match", *args, "-f", fmt, pattern], capture_output=True, text=True,
                          check=True, env=env).stdout


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def private_fontconfig(tmp_path: Path, fonts: Path) -> dict[str, str]:
    """An environment whose fontconfig also scans `fonts` (system configuration included)."""
    conf = write(tmp_path / "fonts.conf", f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="no">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{tmp_path / 'cache'}</cachedir>
</fontconfig>
""")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def profile_text(**override: str) -> str:
    roles = {role: f"{{docx: {docx}, pdf: {pdf}}}" for role, (docx, pdf) in EXPECTED.items()}
    roles.update(override)
    return "".join(f"{role}: {value}\n" for role, value in roles.items())


# --------------------------------------------------------------------------- default profile


def test_default_profile_resolves_every_role_to_the_installed_fandol_file() -> None:
    p = load_profile()
    assert p.name == "default"
    assert p.source == PROFILE_DIR / "default.yaml"
    assert set(ROLES) <= set(p.faces)
    for role, (docx, pdf) in EXPECTED.items():
        face = p.face(role)
        assert face.docx_name == docx, role
        assert face.path == PLANGEN_FONT_DIR / pdf, role
        assert face.problem == ""
    assert p.missing() == []
    p.check()  # no exception


def test_default_fallback_is_the_sc_face_of_noto_serif_cjk() -> None:
    p = load_profile("default")
    (fb,) = p.fallback
    assert fb.path == NOTO_SERIF
    assert collection_families(NOTO_SERIF)[fb.index][0] == "Noto Serif CJK SC"
    assert fb.index == 2 and fb.system and fb.css_family == "Noto Serif CJK SC"
    assert p.files() == [PLANGEN_FONT_DIR / "FandolSong-Bold.otf",
                         PLANGEN_FONT_DIR / "FandolFang-Regular.otf",
                         PLANGEN_FONT_DIR / "FandolHei-Regular.otf",
                         PLANGEN_FONT_DIR / "FandolKai-Regular.otf",
                         PLANGEN_FONT_DIR / "FandolSong-Regular.otf",
                         NOTO_SERIF]


def test_role_families_are_unique_and_bold_is_the_700_face_of_body() -> None:
    p = load_profile()
    families = [p.face(r).css_family for r in ROLES]
    assert len(set(families)) == len(ROLES)
    assert p.face("bold").css_family == p.face("body").css_family == "plangen-body"
    assert (p.face("body").weight, p.face("bold").weight, p.face("title").weight) == (400, 700, 700)
    assert p.css_stack("heading2") == '"plangen-heading2", "Noto Serif CJK SC"'
    with pytest.raises(KeyError):
        p.face("footer")


def test_font_css_names_each_file_with_an_explicit_weight() -> None:
    css = font_css(load_profile())
    rules = [line for line in css.splitlines() if line.startswith("@font-face")]
    assert len(rules) == 6  # five roles + bold in plangen-body; the .ttc face goes via fontconfig
    want = {
        ("plangen-title", "FandolSong-Bold.otf", 700),
        ("plangen-body", "FandolFang-Regular.otf", 400),
        ("plangen-body", "FandolSong-Bold.otf", 700),
        ("plangen-heading1", "FandolHei-Regular.otf", 400),
        ("plangen-heading2", "FandolKai-Regular.otf", 400),
        ("plangen-page-number", "FandolSong-Regular.otf", 400),
    }
    got = set()
    for rule in rules:
        family = rule.split('font-family: "')[1].split('"')[0]
        url = rule.split('url("')[1].split('"')[0]
        weight = int(rule.split("font-weight: ")[1].split(";")[0])
        assert url.startswith("file:///") and Path(url[7:]).is_file()
        got.add((family, Path(url).name, weight))
    assert got == want
    assert "NotoSerifCJK-Regular.ttc face 2" in css
    assert "@font-face" not in css.split("NotoSerifCJK")[0].splitlines()[-1]


def test_pdf_embeds_the_profile_fonts_per_role_and_serif_fallback() -> None:
    """Render with WeasyPrint and read back which font each run was drawn with."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from weasyprint import HTML

    p = load_profile()
    s = p.css_stack
    css = font_css(p) + (
        f"body{{font-family:{s('body')};font-size:16pt}} h1{{font-family:{s('title')}}}"
        f"h2{{font-family:{s('heading1')};font-weight:400}}"
        f"h3{{font-family:{s('heading2')};font-weight:400}}"
        f".pn{{font-family:{s('page_number')}}} b{{font-weight:700}}"
    )
    html = (f'<html lang="zh-CN"><style>{css}</style><h1>标题</h1><h2>一、黑体</h2>'
            f'<h3>（一）楷体</h3><p><b>加粗</b>正文<span>鸚</span></p><p class="pn">— 1 —</p></html>')
    reader = PdfReader(io.BytesIO(HTML(string=html).write_pdf()))
    names = set()
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        desc = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        data = desc["/FontFile3"].get_object().get_data()
        names.add(TTFont(io.BytesIO(data))["name"].getDebugName(4))
    # FandolFang's full name is "FandolFang R"; the 鸚 comes from the SC face, not JP, not sans.
    assert names == {"FandolSong Bold", "FandolFang R", "FandolHei", "FandolKai", "FandolSong",
                     "Noto Serif CJK SC"}


# --------------------------------------------------------------------------- other profiles


def test_missing_font_file_is_reported_with_role_and_file(tmp_path: Path) -> None:
    prof = write(tmp_path / "bureau.yaml",
                 profile_text(body="{docx: 仿宋_GB2312, pdf: NoSuchFangSong.ttf}"))
    p = load_profile(str(prof))
    assert p.name == "bureau"
    assert p.face("body").path is None
    (msg,) = p.missing()
    assert "正文" in msg and "body" in msg and "NoSuchFangSong.ttf" in msg
    assert "找不到字体文件" in msg
    assert PLANGEN_FONT_DIR / "FandolFang-Regular.otf" not in p.files()
    with pytest.raises(PlangenError) as e:
        p.check()
    assert "NoSuchFangSong.ttf" in e.value.format()
    css = font_css(p)
    assert "NoSuchFangSong" in css and "FandolFang" not in css
    assert not any("NoSuchFangSong" in line for line in css.splitlines() if "@font-face" in line)


def test_not_a_font_and_wrong_collection_face_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "fake.otf", "not a font")
    prof = write(tmp_path / "p.yaml", profile_text(
        heading1="{docx: 黑体, pdf: fake.otf}",
        page_number=f"{{docx: 宋体, pdf: {NOTO_SERIF}, face: Noto Serif CJK XX}}",
    ))
    msgs = load_profile(str(prof)).missing()
    assert len(msgs) == 2
    assert "一级标题" in msgs[0] and "不是字体文件" in msgs[0]
    assert "页码" in msgs[1] and "Noto Serif CJK XX" in msgs[1] and "Noto Serif CJK SC" in msgs[1]


def test_files_are_found_next_to_the_profile_and_on_plangen_font_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fonts").mkdir()
    shutil.copy(PLANGEN_FONT_DIR / "FandolKai-Regular.otf", tmp_path / "fonts" / "kai.otf")
    extra = tmp_path / "extra" / "deep"
    extra.mkdir(parents=True)
    (extra / "fang.otf").symlink_to(PLANGEN_FONT_DIR / "FandolFang-Regular.otf")
    monkeypatch.setenv("PLANGEN_FONT_PATH", str(tmp_path / "extra"))
    prof = write(tmp_path / "p.yaml", profile_text(
        heading2="{docx: 楷体_GB2312, pdf: fonts/kai.otf}",
        body="{docx: 仿宋_GB2312, pdf: fang.otf}",
    ))
    p = load_profile(str(prof))
    assert p.face("heading2").path == tmp_path / "fonts" / "kai.otf"
    assert p.face("body").path == extra / "fang.otf"
    assert (tmp_path / "fonts" / "kai.otf").as_uri() in font_css(p)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (profile_text().replace("heading2: {docx: 楷体_GB2312, pdf: FandolKai-Regular.otf}\n", ""),
         "p.yaml:1:1", ["缺少", "heading2"]),
        (profile_text(body="{docx: 仿宋_GB2312, pdf: x.otf, wieght: 700}"),
         "p.yaml:2:", ["未知的键", "wieght", "weight"]),
        (profile_text(title="{docx: 方正小标宋简体, pdf: FandolSong-Bold.otf, weight: 50}"),
         "p.yaml:1:", ["weight", "100 到 900"]),
        (profile_text() + "fallback:\n  - 3\n", "p.yaml:8:5", ["后备字体第 1 项"]),
        (profile_text() + "fallback:\n  - {pdf: a.ttc, face: X, index: 1}\n", "p.yaml:8:5",
         ["face 和 index 只能写一个"]),
        ("title: {docx: 方正小标宋简体, pdf: FandolSong-Bold.otf\n", "p.yaml:1:", ["YAML"]),
        ("title: {docx: a, pdf: b}\ntitle: {docx: a, pdf: b}\n", "p.yaml:2:", ["重复"]),
        ("- a\n- b\n", "p.yaml:1:1", ["键值对"]),
    ],
)
def test_bad_profile_raises_a_located_chinese_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str,
        words: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "p.yaml", text)
    with pytest.raises(PlangenError) as e:
        load_profile("p.yaml")
    out = e.value.format()
    assert where in out, out
    for w in words:
        assert w in out, out
    assert "Input should" not in out and "字体方案文件有误" in out


def test_unknown_profile_name_and_path() -> None:
    with pytest.raises(PlangenError) as e:
        load_profile("nosuch")
    assert "nosuch" in e.value.message and "default" in e.value.message
    with pytest.raises(PlangenError) as e:
        load_profile("/nonexistent/profile.yaml")
    assert "找不到字体方案文件" in e.value.message


def test_fonts_schema_is_committed_and_matches_the_model() -> None:
    from plangen.schema import SCHEMA_DIR, schema_text

    text = schema_text("fonts")
    assert (SCHEMA_DIR / "fonts.schema.json").read_text(encoding="utf-8") == text
    schema = json.loads(text)
    assert set(ROLES) <= set(schema["required"])
    assert "fallback" in schema["properties"] and "bold" in schema["properties"]
    out = subprocess.run([str(REPO / ".venv" / "bin" / "plangen"), "schema", "fonts"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == schema


# --------------------------------------------------------------------------- fontconfig


def test_setup_installed_fandol_and_the_alias_file() -> None:
    for name in ("FandolSong-Regular.otf", "FandolSong-Bold.otf", "FandolFang-Regular.otf",
                 "FandolHei-Regular.otf", "FandolHei-Bold.otf", "FandolKai-Regular.otf"):
        assert (PLANGEN_FONT_DIR / name).stat().st_size > 1_000_000, name
    installed = Path("/etc/fonts/conf.d") / CONF.name
    assert installed.read_bytes() == CONF.read_bytes(), "run scripts/setup.sh to install it"


# conventional name → the Fandol face it must reach (family-style.otf). The Bold faces say
# weight 400; the scan rule in 60-plangen.conf makes bold requests find them.
FC_NAMES = """
仿宋_GB2312 仿宋 FangSong → FandolFang-Regular
方正小标宋简体 小标宋 → FandolSong-Bold
黑体 SimHei → FandolHei-Regular
楷体_GB2312 KaiTi → FandolKai-Regular
宋体 → FandolSong-Regular
黑体:bold → FandolHei-Bold
宋体:bold → FandolSong-Bold
"""
FC_CASES = [(name, face) for line in FC_NAMES.strip().split("\n")
            for names, face in [line.split(" → ")] for name in names.split()]


@pytest.mark.parametrize(("name", "face"), FC_CASES)
def test_fc_match_maps_conventional_names_to_fandol(name: str, face: str) -> None:
    family, style = face.split("-")
    assert fc_match(name) == f"{family}|{style}|{PLANGEN_FONT_DIR / (face + '.otf')}"


def test_fc_match_plain_output_names_fandolfang() -> None:
    out = subprocess.run(["fc-match", "仿宋_GB2312"], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("FandolFang-Regular.otf:") and '"FandolFang"' in out


def test_bold_fang_is_emboldened_not_substituted() -> None:
    """No bold FangSong exists: LibreOffice gets FandolFang with fontconfig's embolden flag."""
    assert fc_match("仿宋_GB2312:bold", "%{family[0]}|%{embolden}") == "FandolFang|True"
    assert fc_match("方正小标宋简体", "%{embolden}") in ("", "False")  # already bold: no fake bold


def test_fallback_after_fandol_is_serif_noto_sc() -> None:
    sort = fc_match("仿宋_GB2312", "%{family[0]}\n", "-s").splitlines()
    assert sort[:2] == ["FandolFang", "Noto Serif CJK SC"]
    # 鸚 (云溪 item 9) is in no Fandol font: the best match that has it is the serif SC face
    assert fc_match("仿宋_GB2312:charset=9e1a", "%{family[0]}") == "Noto Serif CJK SC"
    assert fc_match("黑体:charset=9e1a", "%{family[0]}") == "Noto Sans CJK SC"


def test_a_real_font_with_the_conventional_name_wins_over_the_alias(tmp_path: Path) -> None:
    """The aliases append Fandol after the requested name: a bureau's real 仿宋_GB2312 wins."""
    from fontTools.ttLib import TTFont

    src = Path(fc_match("DejaVu Sans", "%{file}"))
    font = TTFont(src)
    name = font["name"]
    name.names = [rec for rec in name.names if rec.platformID == 3]  # Mac Roman can't hold 仿宋
    for name_id in (1, 4, 16):
        name.setName("仿宋_GB2312", name_id, 3, 1, 0x804)
    name.setName("FangSong_GB2312", 6, 3, 1, 0x804)
    (tmp_path / "fonts").mkdir()
    font.save(tmp_path / "fonts" / "fake-fangsong.ttf")
    env = private_fontconfig(tmp_path, tmp_path / "fonts")
    fake = tmp_path / "fonts" / "fake-fangsong.ttf"
    assert fc_match("仿宋_GB2312", "%{file}", env=env) == str(fake)
    assert fc_match("楷体_GB2312", "%{family[0]}", env=env) == "FandolKai"


def test_a_font_only_fontconfig_knows_is_found_through_fc_list(tmp_path: Path) -> None:
    """plangen asks fontconfig (fc-list) instead of imitating its folders: a font in a folder
    that only a private fonts.conf names is found, and a collection face other than the first
    in it may be used (fontconfig can reach it by family name)."""
    import sys

    (tmp_path / "private").mkdir()
    shutil.copy(PLANGEN_FONT_DIR / "FandolKai-Regular.otf", tmp_path / "private" / "MyKai.otf")
    shutil.copy(NOTO_SERIF, tmp_path / "private" / "MySerif.ttc")
    prof = write(tmp_path / "p.yaml", profile_text(heading2="{docx: 楷体_GB2312, pdf: MyKai.otf}") +
                 "fallback:\n  - {pdf: MySerif.ttc, face: Noto Serif CJK SC}\n")
    code = ("from plangen.fonts import load_profile; p = load_profile(%r); "
            "print(p.face('heading2').path); print(p.fallback[0].path, p.fallback[0].problem)" % str(prof))
    env = {**private_fontconfig(tmp_path, tmp_path / "private"), "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout.splitlines()
    assert out == [str(tmp_path / "private" / "MyKai.otf"), f"{tmp_path / 'private' / 'MySerif.ttc'} "]
    env.pop("FONTCONFIG_FILE")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout.splitlines()
    assert out[0] == "None"  # the same profile without that fontconfig: not found
