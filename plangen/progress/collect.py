"""`plangen progress collect PLAN FILE...`: returned forms → the ledger.

Each file is checked on its own and every problem is reported at once, as
`教育股-2024-06.xlsx!进展填报!F7: 错误 E631: …（what to do）`. Nothing from a file with a problem
reaches the ledger; the other files are still merged. Rows are matched by the item id in the
form's hidden column, never by position, so re-sorted rows do not matter.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangen.errors import PlangenError, Problems, display_path
from plangen.progress import forms
from plangen.progress.collect_rows import (
    Where,
    check_rows,
    current_rows,
    form_rows,
    older_form_notes,
    percent,
    sheet_rows,
)
from plangen.progress.ledger import Entry, Ledger, Return
from plangen.progress.schedule import Period, parse_period
from plangen.view import DocumentView

_percent = percent  # the name tests and earlier code use

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 5_000


@dataclass(frozen=True)
class Returned:
    file: str
    office: str
    period: Period
    sha256: str
    entries: tuple[Entry, ...]
    led: tuple[str, ...] = ()  # the ids the form listed as led by this office


def _sniff(data: bytes, w: Where) -> bool:
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


def _open(data: bytes, w: Where) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any parser failure is a damaged file to the user
        w.add(None, "E603", "文件已损坏，无法读取", "请用 Excel 或 WPS 打开检查，另存为 .xlsx 后再报送")
        return None


def _identity(wb: Any, w: Where) -> dict[str, Any] | None:
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
                    w: Where) -> Period | None:
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
    return period


def _expected(ident: dict[str, Any], rows: dict[int, tuple[Any, ...]], view: DocumentView, office: str,
              period: Period, w: Where) -> tuple[dict[str, Any], bool] | None:
    """The rows the form was made with, and whether it was made from an earlier version of the
    plan (its digest matches its own locked cells, not the plan's): None with E614 otherwise."""
    if ident.get("digest") == forms.digest(view, office, period):
        return current_rows(view, office, period), False
    own = form_rows(rows)
    mine = forms.digest_rows(view.name, period.key, office, [[r.id, *r.cells] for r in own.values()])
    if ident.get("digest") != mine or sorted(own) != sorted(ident.get("items", [])):
        w.add(None, "E614", "生成这份表格之后计划已经修改，表中的锁定内容或行也被改动过，无法与计划逐行对应",
              f"请运行 plangen progress forms --period {period.key} 重新生成表格，并请该股室重新填报")
        return None
    w.add(None, "W615", "这份表格是按修改前的计划生成的（之后计划有改动）：已按任务编号逐行核对收录",
          "以后各期请用按现在的计划生成的表格（plangen progress forms）", warning=True)
    return own, True


def _read_sheet(wb: Any, path: Path, view: DocumentView, want: Period | None,
                w: Where) -> tuple[str, Period, list[Entry], tuple[str, ...]] | None:
    ident = _identity(wb, w)
    period = _check_identity(ident, view, want, path, w) if ident else None
    if ident is None or period is None:
        return None
    office = ident["office"]
    rows = sheet_rows(wb[forms.SHEET])
    found = _expected(ident, rows, view, office, period, w)
    if found is None:
        return None
    expected, older = found
    entries, seen = check_rows(rows, expected, office, period, w)
    if older:
        older_form_notes(view, expected, seen, office, w)
    return office, period, entries, tuple(i for i, row in expected.items() if row.role == "牵头")


def _read_bytes(path: Path, w: Where) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            w.add(None, "E604", f"文件过大（{size // (1024 * 1024)} MB），未读取", "推进情况表不会超过几 MB，请用原表格填报")
            return None
        return path.read_bytes()
    except OSError as e:
        reason = {errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限", errno.EISDIR: "这是一个文件夹",
                  errno.ELOOP: "路径中有循环的符号链接"}.get(e.errno or 0, e.strerror or type(e).__name__)
        w.add(None, "E600", f"无法读取文件：{reason}", "请确认文件存在且可以读取")
        return None


def read_return(path: Path, view: DocumentView, want: Period | None, problems: Problems) -> Returned | None:
    """One returned form → its entries, or None with every problem added to `problems`
    (warnings alone do not stop a file: W615–W617 for a form of an earlier plan version)."""
    w = Where(path.name, problems)
    before = len(problems.errors)
    data = _read_bytes(path, w)
    if data is None or not _sniff(data, w):
        return None
    wb = _open(data, w)
    if wb is None:
        return None
    try:
        got = _read_sheet(wb, path, view, want, w)
    except PlangenError:
        raise
    except Exception:  # noqa: BLE001 - a malformed sheet is a damaged file to the user
        w.add(None, "E603", "文件内容已损坏，无法读取", "请用 Excel 或 WPS 打开检查，另存为 .xlsx 后再报送")
        return None
    finally:
        wb.close()
    if got is None or len(problems.errors) > before:
        return None
    office, period, entries, led = got
    return Returned(path.name, office, period, hashlib.sha256(data).hexdigest(), tuple(entries), led)


def _received(old: Return | None, received: dt.date) -> dt.date:
    """A replacement keeps the first return's date: a correction after the due day does not
    make a return that came on time late (docs/progress.md)."""
    return min(old.received, received) if old is not None and old.received else received


def _late(r: Returned, received: dt.date, view: DocumentView) -> str:
    due = r.period.due(view.progress)
    return f"，逾期报送：收到 {received.isoformat()}，报送截止 {due.isoformat()}" if received > due else ""


def merge(ledger: Ledger, returned: Sequence[Returned], view: DocumentView,
          received: dt.date | None = None) -> tuple[Ledger, list[str]]:
    """The ledger with these returns merged in (each replacing an earlier return of the same
    office and period), and one Chinese line per return saying what happened. `received` is
    the day the returns arrived (default today)."""
    from plangen.progress.ledger import _period_order

    day = received or dt.date.today()
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
        when = _received(old, day)
        what = f"{r.file}：已收录（{r.office} {r.period.key} 期，{len(new_entries)} 项{_late(r, when, view)}）"
        notes.append(what + (f"，替换了此前收录的同期报送 {old.file}。" if old is not None else "。"))
        returns[key] = Return(period=r.period.key, office=r.office, file=r.file, sha256=r.sha256,
                              received=when, led=list(r.led))
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


def run_collect(plan: Path, files: Sequence[Path], *, period: str | None, received: str | None = None) -> int:
    from plangen.outio import atomic_write
    from plangen.progress.ledger import dump_ledger, ledger_path, load_ledger
    from plangen.view import load_view

    view = load_view(plan)
    forms.require_ids(view)
    want = parse_period(period, view.progress) if period else None
    day = _parse_received(received)
    path = ledger_path(plan)
    ledger = load_ledger(path, view.name)
    problems = Problems()
    good: list[Returned] = []
    bad: list[str] = []
    expanded = [x for f in files for x in (_folder(f) if f.is_dir() else [f])]
    if not expanded:
        raise PlangenError("没有找到要收录的表格：请给出收回的 .xlsx 文件或它们所在的文件夹。")
    for f in expanded:
        before = len(problems.errors)
        r = read_return(f, view, want, problems)
        if r is not None:
            good.append(r)
        elif len(problems.errors) > before:
            bad.append(f.name)
    merged, notes = merge(ledger, good, view, day)
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
    for p in problems.warnings:
        sys.stderr.write(p.format() + "\n")
    return 0


def _parse_received(text: str | None) -> dt.date:
    """`--received 2024-06-28` (the day the forms arrived); today when not given."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PlangenError(f"--received “{text}”不是日期：请写作 2024-06-28（收到表格的日期，省略时为今天）。") from None
