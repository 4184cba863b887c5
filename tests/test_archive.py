"""`plangen archive plans/*.yaml` and `plangen archive verify`: one package per plan (PDF/A-2b,
OFD, DA/T 46 metadata, fixity list), read back; verify passes, then fails naming the file after
one changed byte, a removed file and an extra file; two runs give the same bytes."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import ofdkit
import pikepdf
import pytest

REPO = Path(__file__).resolve().parents[1]
PLANS = sorted(p for p in (REPO / "plans").glob("*.yaml") if ".roster." not in p.name)


def plangen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plangen", *args], capture_output=True, text=True,
                          cwd=cwd, check=False)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archive")
    every = sorted(str(p) for p in (REPO / "plans").glob("*.yaml"))  # as the shell expands plans/*.yaml
    r = plangen("archive", *every, "-o", str(out), "--retention", "定期30年")
    assert r.returncode == 0, r.stderr
    return out


def test_one_package_per_plan(archive: Path) -> None:
    assert sorted(p.name for p in archive.iterdir()) == [p.stem for p in PLANS]
    for plan in PLANS:
        names = sorted(p.name for p in (archive / plan.stem).iterdir())
        assert names == sorted([f"{plan.stem}.pdf", f"{plan.stem}.ofd", "metadata.xml", "fixity.txt"])


def test_verify_passes(archive: Path) -> None:
    r = plangen("archive", "verify", str(archive))
    assert r.returncode == 0, r.stderr
    assert f"全部 {len(PLANS)} 个归档包完好" in r.stdout


def test_metadata_describes_the_files(archive: Path) -> None:
    from plangen.view import load_view

    for plan in PLANS:
        view = load_view(plan)
        folder = archive / plan.stem
        root = ET.parse(folder / "metadata.xml").getroot()
        assert root.tag == "文件"
        assert root.findtext("内容描述/题名") == view.doc_title
        n = view.notice
        assert (root.findtext("内容描述/文件编号") or "") == (n.number if n else "")
        issuers = list(n.mark_lines) if n else list(view.plan.issuers)
        assert [e.text for e in root.findall("内容描述/责任者")] == issuers
        date = n.date_value.strftime("%Y%m%d") if n and n.date_value else None
        assert (root.findtext("内容描述/日期") or None) == date
        assert root.findtext("内容描述/密级") == ((n.secrecy if n else "") or "公开")
        assert root.findtext("档号/保管期限") == "定期30年"
        pdf_bytes = (folder / f"{plan.stem}.pdf").read_bytes()
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            assert root.findtext("形式特征/页数") == str(len(pdf.pages))
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        files = root.findall("电子属性/计算机文件")
        assert {f.findtext("计算机文件名") for f in files} == {f"{plan.stem}.pdf", f"{plan.stem}.ofd"}
        for f in files:
            data = (folder / f.findtext("计算机文件名")).read_bytes()
            assert f.findtext("计算机文件大小") == str(len(data))
            digests = {d.get("算法"): d.text for d in f.findall("数字摘要")}
            assert digests == {"SM3": hashlib.new("sm3", data).hexdigest(),
                               "SHA-256": hashlib.sha256(data).hexdigest()}
        with ofdkit.open(folder / f"{plan.stem}.ofd") as ofd:
            assert len(ofd.pages) == int(root.findtext("形式特征/页数"))
            assert ofd.info.title == view.doc_title


def test_fixity_list_covers_every_other_file(archive: Path) -> None:
    for plan in PLANS:
        folder = archive / plan.stem
        lines = [line.split(" ") for line in (folder / "fixity.txt").read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#")]
        assert sorted(parts[3] for parts in lines) == sorted(p.name for p in folder.iterdir()
                                                             if p.name != "fixity.txt")
        for sm3, sha, size, name in lines:
            data = (folder / name).read_bytes()
            assert (sm3, sha, int(size)) == (hashlib.new("sm3", data).hexdigest(),
                                            hashlib.sha256(data).hexdigest(), len(data))


@pytest.fixture()
def copy(archive: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(archive, dst)
    return dst


def test_verify_names_a_changed_byte(copy: Path) -> None:
    target = copy / "yunxi-2024" / "yunxi-2024.ofd"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    r = plangen("archive", "verify", str(copy))
    assert r.returncode == 1
    assert "yunxi-2024/yunxi-2024.ofd" in r.stderr and "已被改动" in r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.count("已被改动") == 1  # the other packages are intact


def test_verify_names_removed_and_extra_files(copy: Path) -> None:
    (copy / "luan-2024" / "metadata.xml").unlink()
    (copy / "jishou-2023" / "备注.txt").write_text("x", encoding="utf-8")
    r = plangen("archive", "verify", str(copy))
    assert r.returncode == 1
    assert "luan-2024/metadata.xml: 缺少文件" in r.stderr
    assert "jishou-2023/备注.txt: 多出的文件" in r.stderr
    assert "2 处问题" in r.stderr


def test_verify_of_an_empty_folder_fails(tmp_path: Path) -> None:
    r = plangen("archive", "verify", str(tmp_path))
    assert r.returncode == 1 and "没有找到归档包" in r.stderr


def test_same_inputs_same_package(archive: Path, tmp_path: Path) -> None:
    plan = REPO / "plans" / "jishou-2023.yaml"
    r = plangen("archive", str(plan), "-o", str(tmp_path), "--retention", "定期30年")
    assert r.returncode == 0, r.stderr
    for p in (archive / "jishou-2023").iterdir():
        assert (tmp_path / "jishou-2023" / p.name).read_bytes() == p.read_bytes(), p.name


def test_bad_retention_is_refused(tmp_path: Path) -> None:
    r = plangen("archive", str(PLANS[0]), "-o", str(tmp_path), "--retention", "十年")
    assert r.returncode == 1 and "保管期限" in r.stderr and "永久" in r.stderr


def _restricted_copy(src: Path, dst: Path) -> None:
    """A copy of a font whose OS/2 fsType says 'restricted license: no embedding'."""
    import struct

    data = bytearray(src.read_bytes())
    (num_tables,) = struct.unpack(">H", data[4:6])
    for i in range(num_tables):
        tag, _sum, offset, _len = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        if tag == b"OS/2":
            data[offset + 8: offset + 10] = struct.pack(">H", 0x0002)
    dst.write_bytes(bytes(data))


def test_doctor_reports_archive_formats(tmp_path: Path) -> None:
    r = plangen("doctor", "--plans", str(REPO / "plans"))
    assert r.returncode == 0 and "OFD（GB/T 33190）可以生成" in r.stdout and "PDF/A-2b 可以生成" in r.stdout
    from plangen.fonts import load_profile

    title = load_profile().face("title").path
    _restricted_copy(title, tmp_path / "Restricted.otf")
    profile = tmp_path / "bureau.yaml"
    profile.write_text(
        "title: {docx: 方正小标宋简体, pdf: Restricted.otf}\n"
        "body: {docx: 仿宋_GB2312, pdf: FandolFang-Regular.otf}\n"
        "heading1: {docx: 黑体, pdf: FandolHei-Regular.otf}\n"
        "heading2: {docx: 楷体_GB2312, pdf: FandolKai-Regular.otf}\n"
        "page_number: {docx: 宋体, pdf: FandolSong-Regular.otf}\n", encoding="utf-8")
    r = plangen("doctor", "--fonts", str(profile), "--plans", str(REPO / "plans"))
    assert r.returncode == 1
    assert "归档格式（OFD、PDF/A-2b）：不能生成" in r.stdout and "Restricted.otf 的授权不允许嵌入" in r.stdout


def test_build_archive_writes_verifiable_packages(archive: Path, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(REPO / "plans" / "jishou-2023.yaml", plans)
    out = tmp_path / "output"
    r = plangen("build", str(plans), "-o", str(out), "--formats", "docx", "--archive", "-j", "1")
    assert r.returncode == 0, r.stderr
    package = out / "jishou-2023" / "archive"
    assert sorted(p.name for p in package.iterdir()) == sorted(
        ["jishou-2023.pdf", "jishou-2023.ofd", "metadata.xml", "fixity.txt"])
    for name in ("jishou-2023.pdf", "jishou-2023.ofd"):  # the same files `plangen archive` writes
        assert (package / name).read_bytes() == (archive / "jishou-2023" / name).read_bytes()
    r = plangen("archive", "verify", str(out))
    assert r.returncode == 0 and "全部 1 个归档包完好" in r.stdout, r.stdout + r.stderr
    again = plangen("build", str(plans), "-o", str(out), "--formats", "docx", "--archive", "-j", "1")
    assert again.returncode == 0 and "未变 1 个" in again.stdout + again.stderr
