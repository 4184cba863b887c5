"""`plangen check`: a plan or roster file → every problem at once, in Chinese, with file:line:col.

`check_file` is the one entry point the other stages use (through `plangen.view.load_checked`):
it loads (plangen.loading), validates the structure (plangen.model, translated by
plangen.validate), then checks meaning on the raw data — roster names, paths, the notice, empty
sections, duplicate ids, sizes, characters — so one run reports structural and semantic problems
together. Modules: files (the entry point), plan, notice, naming, text, roster, paths, report.
"""

from plangen.check.files import check_file
from plangen.check.notice import DOC_NUMBER_RE
from plangen.check.report import run_check
from plangen.check.result import CheckResult

__all__ = ["DOC_NUMBER_RE", "CheckResult", "check_file", "run_check"]
