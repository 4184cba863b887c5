"""`plangen progress collect PLAN FILE...`: returned forms → the ledger.

Each file is checked on its own and every problem is reported at once, as
`教育股-2024-06.xlsx!进展填报!F7: 错误 E631: …（what to do）`. Nothing from a file with a problem
reaches the ledger; the other files are still merged. Rows are matched by the item id in the
form's hidden column, never by position, so re-sorted rows do not matter.
"""

from __future__ import annotations

import errno
import hashlib
import io
import re
import sys
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, Pos, Problems, display_path
from plangen.progress import forms
from plangen.progress.ledger import Entry, Ledger, Return
from plangen.progress.schedule import STATUSES, Period, parse_period
from plangen.view import DocumentView

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 5_000
_PERCENT = re.compile(r"^(?:约|大约|约为|近|接近|已达|达|完成)?(\d{1,3}(?:\.\d+)?)[%％]?$")


@dataclass(frozen=True)
class Returned:
    file: str
    office: str
    period: Period
    sha256: str
    entries: tuple[Entry, ...]


class _Where:
    def __init__(self, name: str, problems: Problems) -> None:
        self.name, self.problems = name, problems

    def add(self, cell: str | None, code: str, message: str, hint: str = "") -> None:
        where = f"{self.name}!{forms.SHEET}!{cell}" if cell else self.name
        self.problems.add(Pos(where), code, message, hint)


def _sniff(data: bytes, w: _Where) -> bool:
    """True when `data` looks like a readable, reasonable XLSX; else a problem explains it."""
    again = "请在 Excel 或 WPS 中打开原表格，另存为“Excel 工作簿（*.xlsx）”后再报送"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptionInfo".encode("utf-16-le") in data:
            w.add(None, "E602", "文件设置了打开密码，无法读取", "请取消密码（文件→信息→保护工作簿）后另存再报送")
        else:
            w.add(None, "E601", "这是旧版 Excel（.xls）或 WPS（.et）格式，不是 .xlsx", again)
        return False
    if data.startswith(b"%PDF"):
        w.add(None, "E601", "这是 PDF 文件，不是 .xlsx 表格", "请报送填写好的 .xlsx 表格本身，不要转成 PDF")
        return False
    if not data.startswith(b"PK\x03\x04"):
        w.add(None, "E601", "这不是 .xlsx 表格（看起来是 CSV 或其他文本/二进制文件）", again)
        return False
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        w.add(None, "E603", "文件已损坏，无法打开", again)
        return False
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_ENTRIES or total > MAX_UNZIPPED_BYTES or total / packed > MAX_RATIO:
        w.add(None, "E604", f"文件解压后过大（{total // (1024 * 1024)} MB，压缩比 {total // packed}:1），疑为恶意文件，未读取",
              "推进情况表解压后不会超过几 MB；请用原表格重新填写")
        return False
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        kind = "ODS（LibreOffice 格式）" if "content.xml" in names else "其他格式的压缩文件（如 .docx）"
        w.add(None, "E601", f"这是{kind}，不是 .xlsx 表格", again)
        return False
    return True


def _open(data: bytes, w: _Where) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any parser failure is a damaged file to the user
        w.add(None, "E603", "文件已损坏，无法读取", "请用 Excel 或 WPS 打开检查，另存为 .xlsx 后再报送")
        return None


def _identity(wb: Any, w: _Where) -> dict[str, Any] | None:
    if forms.ID_SHEET not in wb.sheetnames or forms.SHEET not in wb.sheetnames:
        w.add(None, "E605", "这不是 plangen 生成的推进情况表（缺少表格标识或“进展填报”工作表）",
              "请用 plangen progress forms 生成的表格填报，不要新建或复制到别的表格")
        return None
    ident: dict[str, Any] = {"items": []}
    for row in wb[forms.ID_SHEET].iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        key, value = str(row[0]), "" if len(row) < 2 or row[1] is None else str(row[1])
        if key == "item":
            ident["items"].append(value)
        else:
            ident[key] = value
    if ident.get("format") != forms.FORM_FORMAT:
        w.add(None, "E605", "表格标识已损坏或版本不符", "请用 plangen progress forms 重新生成表格填报")
        return None
    return ident


def _check_identity(ident: dict[str, Any], view: DocumentView, want: Period | None, path: Path,
                    w: _Where) -> Period | None:
    if ident.get("plan") != view.name:
        w.add(None, "E611", f"这是计划“{ident.get('plan')}”的表格，不是“{view.name}”的",
              "请确认收录到正确的计划，或让该股室用本计划的表格重新填报")
        return None
    try:
        period = parse_period(ident.get("period", ""), view.progress)
    except PlangenError:
        w.add(None, "E605", "表格标识中的期次已损坏", "请用 plangen progress forms 重新生成表格填报")
        return None
    if want is not None and period.key != want.key:
        w.add(None, "E612", f"这是 {period.key} 期的表格，不是本次收录的 {want.key} 期",
              f"请让该股室用 {want.key} 期的表格重新填报，或按 --period {period.key} 收录")
        return None
    office = ident.get("office", "")
    offices = forms.offices_with_rows(view)
    stem = path.name.removesuffix(".xlsx")
    named = next((o for o in sorted(offices, key=len, reverse=True) if stem.startswith(o + "-")), None)
    if office not in offices:
        w.add(None, "E613", f"表格中的股室“{office}”不在本计划中", "请用本计划为该股室生成的表格填报")
        return None
    if named is not None and named != office:
        w.add(None, "E613", f"文件名写的是“{named}”，表格却是“{office}”的",
              f"请确认这份表格：如是{office}的，请改名为 {forms.form_name(office, period)}；否则请{named}用自己的表格重新填报")
        return None
    if ident.get("digest") != forms.digest(view, office, period):
        w.add(None, "E614", "生成这份表格之后计划已经修改，表中的任务与现在的计划对不上",
              f"请运行 plangen progress forms --period {period.key} 重新生成表格，并请该股室重新填报")
        return None
    return period


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _percent(cell: Any) -> tuple[float | None, bool]:
    """(value, ok): a number 0–100 from 50, 0.5 formatted as %, "50%", "约50%"."""
    v = cell.value
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, True
    if isinstance(v, bool):
        return None, False
    if isinstance(v, (int, float)):
        n = float(v) * (100 if "%" in str(cell.number_format or "") else 1)
    else:
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))
        m = _PERCENT.match(s)
        if not m:
            return None, False
        n = float(m.group(1))
    return (round(n, 1), True) if 0 <= n <= 100 else (None, False)


def _quote(s: str, n: int = 24) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _rows(ws: Any) -> dict[int, tuple[Any, ...]]:
    out: dict[int, tuple[Any, ...]] = {}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=len(forms.COLUMNS)), 1):
        cells = tuple(row) + (None,) * (len(forms.COLUMNS) - len(row))
        if r <= forms.HEADER_ROWS or any(c is not None and _text(c.value) for c in cells):
            out[r] = cells
    return out


def _letter(name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(forms.COL[name])


def _check_row(r: int, cells: tuple[Any, ...], expected: forms.FormRow, period: Period, office: str,
               w: _Where) -> Entry | None:
    before = len(w.problems)
    for k, name in enumerate(forms.LOCKED):
        got = _text(cells[k].value if cells[k] is not None else None)
        if got != expected.cells[k]:
            w.add(f"{_letter(name)}{r}", "E621", f"“{name}”是锁定内容，不能修改：应为“{_quote(expected.cells[k])}”，现为“{_quote(got)}”",
                  "请恢复原内容；需要说明的情况请写在“存在问题”栏")

    def value(name: str) -> Any:
        c = cells[forms.COL[name] - 1]
        return c

    pct_cell = value("完成进度（%）")
    percent, ok = _percent(pct_cell) if pct_cell is not None else (None, True)
    where_pct = f"{_letter('完成进度（%）')}{r}"
    if not ok:
        w.add(where_pct, "E631", f"完成进度“{_quote(_text(pct_cell.value))}”不是 0～100 之间的数字",
              "请填写数字，如 50 或 50%（“约50%”也可以），不要写“过半”等文字")
    status = _text(value("状态").value if value("状态") is not None else None) or None
    where_st = f"{_letter('状态')}{r}"
    if status is not None and status not in STATUSES:
        w.add(where_st, "E632", f"状态“{_quote(status)}”不在列表中", f"请从“{'、'.join(STATUSES)}”中选择")
        status = None
    elif status == "已完成" and percent is not None and percent < 100:
        w.add(where_st, "E633", f"状态为“已完成”，完成进度却是 {percent:g}%",
              "已完成的请把完成进度填为 100；尚未完成的请选“推进中”")
    elif status == "未开始" and percent:
        w.add(where_st, "E633", f"状态为“未开始”，完成进度却是 {percent:g}%", "已开展的请选“推进中”；未开始的进度填 0")
    elif status == "推进中" and percent == 100:
        w.add(where_st, "E633", "状态为“推进中”，完成进度却是 100%", "已完成的请选“已完成”；未完成的请填写实际进度")
    progress = _text(value("本期进展情况").value if value("本期进展情况") is not None else None)
    if status == "已完成" and not progress:
        w.add(f"{_letter('本期进展情况')}{r}", "E634", "状态为“已完成”，但没有填写本期进展情况",
              "请写明完成情况（做了什么、取得什么成效）")
    role = expected.cells[4]
    if role == "牵头" and status is None and percent is None and ok:
        w.add(where_pct, "E635", "牵头任务没有填写完成进度和状态",
              "请填写本期的完成进度和状态；确未开展的请选“未开始”，进度填 0")
    if len(w.problems) > before:
        return None
    if status == "未开始" and percent is None:
        percent = 0.0
    if status == "已完成" and percent is None:
        percent = 100.0
    texts = {k: _text(value(n).value if value(n) is not None else None)
             for k, n in (("problems", "存在问题"), ("next", "下步打算"))}
    if role == "配合" and status is None and percent is None and not progress and not any(texts.values()):
        return None  # an assisting office with nothing to say this period
    return Entry(period=period.key, item=expected.id, office=office, role=role,  # type: ignore[arg-type]
                 percent=percent, status=status, progress=progress, **texts)  # type: ignore[arg-type]


def _check_rows(ws: Any, view: DocumentView, office: str, period: Period, w: _Where) -> list[Entry]:
    expected = {row.id: row for row in forms.office_rows(view, office, period)}
    rows = _rows(ws)
    head = rows.get(forms.HEADER_ROWS, ())
    for k, name in enumerate(forms.COLUMNS[:-1]):
        got = _text(head[k].value) if k < len(head) and head[k] is not None else ""
        if got != name:
            from openpyxl.utils import get_column_letter

            w.add(f"{get_column_letter(k + 1)}{forms.HEADER_ROWS}", "E622", f"表头“{name}”被改成了“{_quote(got)}”",
                  "请不要改动、插入或删除列，用原表格填报")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for r, cells in rows.items():
        if r <= forms.HEADER_ROWS:
            continue
        ident = _text(cells[forms.COL["编号"] - 1].value if cells[forms.COL["编号"] - 1] is not None else None)
        title = _text(cells[1].value if cells[1] is not None else None)
        if ident not in expected or ident in seen:
            what = f"与第 {seen[ident]} 行重复" if ident in seen else "原表格中没有这一行"
            w.add(f"A{r}", "E623", f"第 {r} 行“{_quote(title)}”是新增的行（{what}）",
                  "请删除这一行：推进情况表只能填写原有的行，不能增加或复制行")
            continue
        seen[ident] = r
        entry = _check_row(r, cells, expected[ident], period, office, w)
        if entry is not None:
            entries.append(entry)
    for ident, row in expected.items():
        if ident not in seen:
            w.add(None, "E624", f"第{row.cells[0]}项“{_quote(row.item.title)}”所在的行被删除了",
                  "请用原表格重新填报，不要删除行；不涉及本股室的任务也请保留该行")
    return entries


def read_return(path: Path, view: DocumentView, want: Period | None, problems: Problems) -> Returned | None:
    """One returned form → its entries, or None with every problem added to `problems`."""
    w = _Where(path.name, problems)
    before = len(problems)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            w.add(None, "E604", f"文件过大（{size // (1024 * 1024)} MB），未读取", "推进情况表不会超过几 MB，请用原表格填报")
            return None
        data = path.read_bytes()
    except OSError as e:
        reason = {errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限", errno.EISDIR: "这是一个文件夹",
                  errno.ELOOP: "路径中有循环的符号链接"}.get(e.errno or 0, e.strerror or type(e).__name__)
        w.add(None, "E600", f"无法读取文件：{reason}", "请确认文件存在且可以读取")
        return None
    if not _sniff(data, w):
        return None
    wb = _open(data, w)
    if wb is None:
        return None
    try:
        ident = _identity(wb, w)
        period = _check_identity(ident, view, want, path, w) if ident else None
        if period is None:
            return None
        office = ident["office"]  # type: ignore[index]
        entries = _check_rows(wb[forms.SHEET], view, office, period, w)
    except PlangenError:
        raise
    except Exception:  # noqa: BLE001 - a malformed sheet is a damaged file to the user
        w.add(None, "E603", "文件内容已损坏，无法读取", "请用 Excel 或 WPS 打开检查，另存为 .xlsx 后再报送")
        return None
    finally:
        wb.close()
    if len(problems) > before:
        return None
    return Returned(path.name, office, period, hashlib.sha256(data).hexdigest(), tuple(entries))


def merge(ledger: Ledger, returned: Sequence[Returned], view: DocumentView) -> tuple[Ledger, list[str]]:
    """The ledger with these returns merged in (each replacing an earlier return of the same
    office and period), and one Chinese line per return saying what happened."""
    from plangen.progress.ledger import _period_order

    returns = {(r.period, r.office): r for r in ledger.returns}
    entries: dict[tuple[str, str], list[Entry]] = {}
    for e in ledger.entries:
        entries.setdefault((e.period, e.office), []).append(e)
    notes = []
    for r in returned:
        key = (r.period.key, r.office)
        old = returns.get(key)
        new_entries = list(r.entries)
        if old is not None and old.sha256 == r.sha256:
            notes.append(f"{r.file}：与已收录的报送相同，未改动。")
            continue
        if old is not None:
            notes.append(f"{r.file}：已收录（{r.office} {r.period.key} 期，{len(new_entries)} 项），"
                         f"替换了此前收录的同期报送 {old.file}。")
        else:
            notes.append(f"{r.file}：已收录（{r.office} {r.period.key} 期，{len(new_entries)} 项）。")
        returns[key] = Return(period=r.period.key, office=r.office, file=r.file, sha256=r.sha256)
        entries[key] = new_entries
    item_order = {i.id: i.index for i in view.plan.items}
    office_order = {o.name: k for k, o in enumerate(view.plan.offices)}

    def okey(p: str, o: str) -> tuple[tuple[int, int], int, str]:
        return (_period_order(p), office_order.get(o, len(office_order)), o)

    flat = [e for key in entries for e in entries[key]]
    flat.sort(key=lambda e: (_period_order(e.period), item_order.get(e.item, 10**9), e.item,
                             office_order.get(e.office, len(office_order)), e.office))
    rets = sorted(returns.values(), key=lambda r: okey(r.period, r.office))
    return ledger.model_copy(update={"returns": rets, "entries": flat}), notes


def _folder(folder: Path) -> list[Path]:
    """The files of a folder given to collect (hidden files and Office lock files ~$… skipped)."""
    return sorted(f for f in folder.iterdir() if f.is_file() and not f.name.startswith((".", "~$")))


def run_collect(plan: Path, files: Sequence[Path], *, period: str | None) -> int:
    from plangen.outio import atomic_write
    from plangen.progress.ledger import dump_ledger, ledger_path, load_ledger
    from plangen.view import load_view

    view = load_view(plan)
    forms.require_ids(view)
    want = parse_period(period, view.progress) if period else None
    path = ledger_path(plan)
    ledger = load_ledger(path, view.name)
    problems = Problems()
    good: list[Returned] = []
    bad: list[str] = []
    expanded = [x for f in files for x in (_folder(f) if f.is_dir() else [f])]
    if not expanded:
        raise PlangenError("没有找到要收录的表格：请给出收回的 .xlsx 文件或它们所在的文件夹。")
    for f in expanded:
        before = len(problems)
        r = read_return(f, view, want, problems)
        if r is not None:
            good.append(r)
        elif len(problems) > before:
            bad.append(f.name)
    merged, notes = merge(ledger, good, view)
    for line in notes:
        sys.stdout.write(line + "\n")
    if merged != ledger:
        previous = path.read_text(encoding="utf-8") if path.exists() else None
        atomic_write(path, dump_ledger(merged, previous).encode("utf-8"), path.parent)
        sys.stdout.write(f"台账 {display_path(path)} 已更新。\n")
    else:
        sys.stdout.write(f"台账 {display_path(path)} 没有变化。\n")
    if bad:
        raise PlangenError(f"{len(bad)} 个文件有问题，未收录：{'、'.join(bad)}"
                           + ("；其余文件已收录。" if good else "。") + "请按上面的提示修改后重新报送。",
                           problems.items)
    return 0
