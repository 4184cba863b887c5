"""Command line: options → stage calls → exit code. No logic of its own.

Each command imports its stage lazily, so `plangen check` or a no-op `plangen build` never pays
for WeasyPrint or python-docx. Exit status: 0 fine, 1 a problem in the input or a failed plan,
2 a usage error (click's own).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from plangen import __version__
from plangen import formats as fmts
from plangen.errors import PlangenError
from plangen.formats import Target


def _formats(value: str | None, *targets: Target) -> tuple[str, ...]:
    """--formats → format names of plangen.formats for these targets (defaults when not given)."""
    try:
        return fmts.parse(value, targets)
    except fmts.UnknownFormat as e:
        raise click.BadParameter(str(e)) from None


def _run(fn: Callable[[], int | None], outdir: Path | None = None) -> None:
    """Run a command body: PlangenError → Chinese message + exit code; anything else → one line
    and a saved traceback (plangen.crashlog: under the output folder's cache when the command
    has one), never a traceback on screen."""
    try:
        code = fn() or 0
    except PlangenError as e:
        click.echo(e.format(), err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        sys.exit(0)
    except Exception as e:  # noqa: BLE001 - the last line of defence for users
        from plangen import crashlog

        path = crashlog.save(traceback.format_exc(), crashlog.crash_dir(outdir))
        where = f"详细信息已保存到 {path}，请将该文件反馈给维护者。" if path else "（崩溃日志未能保存：磁盘已满或没有权限。）"
        click.echo(f"plangen 内部错误：{type(e).__name__}: {e}\n{where}", err=True)
        sys.exit(1)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plangen")
def main() -> None:
    """plangen：把年度工作要点（YAML）排成红头文件（GB/T 9704-2012）和任务分解表。"""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题列表")
@click.option("--strict", is_flag=True, help="有警告也返回 1")
def check(files: tuple[Path, ...], as_json: bool, strict: bool) -> None:
    """检查计划文件和名册文件，一次列出全部问题（文件:行:列）。"""
    from plangen.check import run_check

    _run(lambda: run_check(files, as_json=as_json, strict=strict))


@main.command()
@click.argument("kind", type=click.Choice(["plan", "roster", "fonts"]), default="plan")
def schema(kind: str) -> None:
    """输出计划文件（plan）、名册（roster）或字体方案（fonts）的 JSON Schema。"""
    from plangen.schema import run_schema

    _run(lambda: run_schema(kind))


def _common_render_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("-o", "--output", "outdir", type=click.Path(path_type=Path),
                     default=Path("output"), show_default=True, help="输出目录")(f)
    f = click.option("--fonts", "fonts", default=None, help="字体方案名或文件路径（默认 default）")(f)
    return f


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--formats", default=None, help="docx,pdf,ofd（默认 docx,pdf；ofd 为 GB/T 33190 版式文档）")
@click.option("--template", default=None, help="模板名（red-header、upward、plain）或路径")
@click.option("--pdfa", is_flag=True, help="输出 PDF/A-2b（归档用）")
@_common_render_options
def render(plan: Path, formats: str | None, template: str | None, pdfa: bool, fonts: str | None,
           outdir: Path) -> None:
    """生成印发通知 + 工作要点（DOCX、PDF，可选 OFD）。"""
    chosen = _formats(formats, "document")
    from plangen.render import run_render

    _run(lambda: run_render(plan, formats=chosen, template=template, fonts=fonts, outdir=outdir,
                            pdfa=pdfa), outdir)


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--office", "offices", multiple=True, help="只生成该股室的清单（可多次）")
@click.option("--leader", "leaders", multiple=True, help="只生成该领导的清单（可多次）")
@click.option("--formats", default=None, help="xlsx,docx,pdf（默认全部）")
@_common_render_options
def sheets(plan: Path, offices: tuple[str, ...], leaders: tuple[str, ...], formats: str | None,
           fonts: str | None, outdir: Path) -> None:
    """生成任务分解表：每个股室、每位分管领导、总表。"""
    chosen = _formats(formats, "sheet")
    from plangen.sheets import run_sheets

    _run(lambda: run_sheets(plan, offices=offices, leaders=leaders, formats=chosen, fonts=fonts,
                            outdir=outdir), outdir)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行数（默认 CPU 核数）")
@click.option("--formats", default=None, help="docx,pdf,xlsx（默认全部）")
@click.option("--fonts", default=None, help="字体方案名或文件路径")
@click.option("--force", is_flag=True, help="全部重建")
@click.option("--prune", is_flag=True, help="删除已不存在的计划的输出（只删清单中记录的文件）")
@click.option("--wait", is_flag=True, help="输出目录被另一个构建占用时等待，而不是退出")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出构建摘要")
@click.option("--archive", "with_archive", is_flag=True,
              help="同时生成归档包（PDF/A-2b、OFD、元数据、校验清单）到 output/<计划>/archive/")
def build(inputs: tuple[Path, ...], outdir: Path, jobs: int | None, formats: str | None,
          fonts: str | None, force: bool, prune: bool, wait: bool, as_json: bool,
          with_archive: bool) -> None:
    """构建归档：plans/ 下所有计划 → output/，只重建有变化的部分。"""
    chosen = _formats(formats, *fmts.TARGETS) + ((fmts.ARCHIVE,) if with_archive else ())
    from plangen.build import run_build

    _run(lambda: run_build(inputs or (Path("plans"),), outdir=outdir, jobs=jobs, formats=chosen,
                           fonts=fonts, force=force, prune=prune, wait=wait, as_json=as_json), outdir)


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="写出的计划文件（默认 plans/<源文件名>.yaml）")
@click.option("--roster", type=click.Path(path_type=Path), default=None,
              help="已有名册：按名册匹配姓名和股室，名册不会被改写")
def import_(source: Path, out: Path | None, roster: Path | None) -> None:
    """把去年的 Word（.docx）或文本（.txt）工作要点导入为计划文件。"""
    from plangen.importer import run_import

    _run(lambda: run_import(source, out=out, roster=roster))


@main.command()
@click.option("--from", "source", required=True, type=click.Path(path_type=Path),
              help="去年的计划文件")
@click.option("--year", type=int, required=True, help="新年度")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None)
@click.option("--carry-unfinished", is_flag=True,
              help="按台账最新一期，把未完成的工作任务标为“续办”（保留编号）并列出")
def new(source: Path, year: int, out: Path | None, carry_unfinished: bool) -> None:
    """以去年的计划为底稿，生成新年度计划（保留注释和顺序，列出仍写着旧年份的地方）。"""
    from plangen.rollover import run_new

    _run(lambda: run_new(source, year=year, out=out, carry_unfinished=carry_unfinished))


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
def ids(plan: Path) -> None:
    """为没有编号的工作任务加上稳定编号（id），直接改写计划文件，保留注释和顺序。"""
    from plangen.ids import run_ids

    _run(lambda: run_ids(plan))


@main.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=Path("archive"),
              show_default=True, help="归档包目录：每个计划一个子目录")
@click.option("--retention", default="永久", show_default=True,
              help="保管期限：永久、定期30年、定期10年（写入 metadata.xml）")
@click.option("--fonts", default=None, help="字体方案名或文件路径")
def archive(args: tuple[Path, ...], outdir: Path, retention: str, fonts: str | None) -> None:
    """生成归档包（PDF/A-2b、OFD、DA/T 46 元数据、校验清单）；archive verify 目录：校验归档包。

    \b
    plangen archive plans/*.yaml -o archive
    plangen archive verify archive
    """
    if args and str(args[0]) == "verify":
        from plangen.archive import run_verify

        dirs = args[1:] or (outdir,)
        _run(lambda: run_verify(dirs))
        return
    from plangen.archive import run_archive

    _run(lambda: run_archive(args, outdir=outdir, fonts=fonts, retention=retention), outdir)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=None,
              help="输出目录（默认 output/diff/<旧>--<新>/）")
@click.option("--formats", default=None, help="docx,pdf,html,xlsx（默认全部）")
@click.option("--author", default=None, help="修订人（默认名册单位的办公室）")
@click.option("--fonts", default=None, help="字体方案名或文件路径")
def diff(old: Path, new: Path, outdir: Path | None, formats: str | None, author: str | None,
         fonts: str | None) -> None:
    """比较两个计划：打印变化摘要，生成修订稿（花脸稿 DOCX/PDF/HTML）和变更清单（XLSX）。"""
    from plangen.diff import parse_formats, run_diff

    try:
        fmts = parse_formats(formats)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None
    _run(lambda: run_diff(old, new, outdir=outdir, formats=fmts, author=author, fonts=fonts),
         outdir or Path("output"))


@main.command()
@click.option("--fonts", default=None, help="字体方案名或文件路径")
@click.option("--plans", "plans_dir", type=click.Path(path_type=Path), default=Path("plans"),
              show_default=True, help="检查这些计划的字形覆盖")
def doctor(fonts: str | None, plans_dir: Path) -> None:
    """显示每个字体角色用哪个字体文件、字形覆盖、子集化速度、各引擎版本。"""
    from plangen.doctor import run_doctor

    _run(lambda: run_doctor(fonts=fonts, plans_dir=plans_dir))


@main.group()
def progress() -> None:
    """督查督办：推进情况表（发出、收回）、台账、序时进度亮灯、督查通报。"""


def _plan_and_period(default_out: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """PLAN, --period and -o of the progress commands."""
    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=None,
                         help=f"输出目录（默认 {default_out}）")(f)
        f = click.option("--period", required=True, help="期次：按月 2024-06，按季 2024-Q2")(f)
        return click.argument("plan", type=click.Path(path_type=Path))(f)
    return wrap


@progress.command("forms")
@_plan_and_period("output/<计划>/progress/<期次>/forms/")
@click.option("--fonts", default=None, help="字体方案名或文件路径")
def progress_forms(plan: Path, period: str, outdir: Path | None, fonts: str | None) -> None:
    """为每个股室生成本期推进情况表（XLSX，只能填写进展栏）。"""
    from plangen.progress import run_forms

    _run(lambda: run_forms(plan, period=period, outdir=outdir, fonts=fonts), outdir or Path("output"))


@progress.command("collect")
@click.argument("plan", type=click.Path(path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--period", default=None, help="只收录该期次的表格（其他期次的表格报错）")
@click.option("--received", default=None, help="收到表格的日期，如 2024-06-28（默认今天；晚于报送截止日为逾期报送）")
def progress_collect(plan: Path, files: tuple[Path, ...], period: str | None, received: str | None) -> None:
    """把各股室交回的推进情况表收录进台账 plans/<计划>.progress.yaml。"""
    from plangen.progress.collect import run_collect

    _run(lambda: run_collect(plan, files, period=period, received=received))


@progress.command("report")
@_plan_and_period("output/<计划>/progress/<期次>/")
@click.option("--formats", default=None, help="docx,pdf,xlsx（默认全部；xlsx 为台账）")
@click.option("--number", default=None, help="发文字号（期号），优先于台账中的 report.number")
@click.option("--title", default=None, help="通报标题，优先于台账中的 report.title")
@click.option("--issuer", default=None, help="发文机关，优先于台账中的 report.issuer")
@click.option("--fonts", default=None, help="字体方案名或文件路径")
def progress_report(plan: Path, period: str, outdir: Path | None, formats: str | None,
                    number: str | None, title: str | None, issuer: str | None, fonts: str | None) -> None:
    """生成督查通报（DOCX、PDF）和台账（XLSX）。"""
    from plangen.progress.report import report_formats, run_report

    try:
        chosen = report_formats(formats)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None
    _run(lambda: run_report(plan, period=period, outdir=outdir, formats=chosen, fonts=fonts,
                            header={"number": number, "title": title, "issuer": issuer}),
         outdir or Path("output"))


@main.command()
@click.argument("plans_dir", required=False, default=Path("plans"), type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（默认只允许本机访问）")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口；0 表示自动选择一个空闲端口")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="输出目录（预览只写在其中的 .plangen-cache/serve/ 下）")
@click.option("--timeout", type=click.FloatRange(5, 3600), default=90.0, show_default=True,
              help="一次生成最多用时（秒），超时则停止并提示")
def serve(plans_dir: Path, host: str, port: int, outdir: Path, timeout: float) -> None:
    """边写边看：在浏览器中实时预览计划（检查结果、提纲、页面、分解表）。"""
    from plangen.serve import run_serve

    _run(lambda: run_serve(plans_dir, host=host, port=port, outdir=outdir, timeout=timeout), outdir)
