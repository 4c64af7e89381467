"""`report-builder init`: write a starter report.toml and pipeline workbook (or CSV folder).

The first meeting (the config's cadence anchor) is the next Tuesday, or today when today is a
Tuesday; the example rows are dated around it, so the pack built from them is never empty. As
the meetings move on every two weeks, the examples age like real data would.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from report_builder.config import SUPPORTED_LANGUAGES
from report_builder.errors import ReportBuilderError
from report_builder.starter.config_text import config_text
from report_builder.starter.csv_folder import write_csv_folder
from report_builder.starter.examples import example_rows, vocabulary
from report_builder.starter.instructions import starter_text
from report_builder.starter.workbook import write_workbook
from report_builder.writer import new_file_mode

FORMATS = ("xlsx", "csv")
MEETING_WEEKDAY = 1  # Tuesday
CONFIG_NAME = "report.toml"
WORKBOOK_NAME = "pipeline.xlsx"
CSV_FOLDER_NAME = "pipeline"


class InitError(ReportBuilderError):
    """`init` cannot write the starter: bad flags or a folder that holds files already."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        if len(problems) == 1:
            super().__init__(problems[0])
        else:
            lines = "\n".join(f"  - {p}" for p in problems)
            super().__init__(f"init has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class InitResult:
    config: Path
    data: Path  # the workbook or the CSV folder
    files: tuple[Path, ...]  # every file written
    first_meeting: dt.date


def first_meeting(today: dt.date) -> dt.date:
    """The next Tuesday, or today when today is one."""
    return today + dt.timedelta(days=(MEETING_WEEKDAY - today.weekday()) % 7)


def _check_flags(company: str, currency: str, locale: str, fmt: str) -> list[str]:
    problems = []
    if not company.strip():
        problems.append("--company is empty; give the company's name, e.g. --company \"Acme ApS\"")
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        problems.append(f"--currency {currency!r} is not an ISO 4217 code like DKK or EUR")
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        problems.append(f"--locale {locale!r} is not a known locale (examples: en_GB, en_US, "
                        "da_DK)")
    if fmt not in FORMATS:
        problems.append(f"--format {fmt!r} should be one of {', '.join(FORMATS)}")
    return problems


def _check_folder(folder: Path, targets: list[Path], *, force: bool) -> list[str]:
    if folder.exists() and not folder.is_dir():
        return [f"{folder} is a file, not a folder; choose a new folder for the company"]
    if force or not folder.exists():
        return []
    entries = sorted(p.name for p in folder.iterdir())
    if not entries:
        return []
    shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
    existing = [t.name for t in targets if t.exists()]
    replace = f" (replacing {', '.join(existing)})" if existing else ""
    return [f"{folder} is not empty (it holds {shown}); choose a new or empty folder, or add "
            f"--force to write {' and '.join(t.name for t in targets)} into it{replace}"]


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename it into place."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, new_file_mode())  # mkstemp makes it private; the umask decides
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def init_company(folder: Path, *, company: str, currency: str = "EUR", locale: str = "en_GB",
                 fmt: str = "xlsx", force: bool = False,
                 today: dt.date | None = None) -> InitResult:
    """Write report.toml and the starter workbook (or CSV folder) into `folder`.

    Raises InitError, before writing anything, on a bad flag or a non-empty folder (unless
    `force`, which writes into it and replaces our files of the same name).
    """
    currency = currency.strip().upper()
    locale = locale.strip()
    config_path = folder / CONFIG_NAME
    data_path = folder / (WORKBOOK_NAME if fmt == "xlsx" else CSV_FOLDER_NAME)
    problems = _check_flags(company, currency, locale, fmt)
    problems += _check_folder(folder, [config_path, data_path], force=force)
    if fmt == "csv" and data_path.exists() and not data_path.is_dir():
        problems.append(f"{data_path} is a file; the CSV files go into a folder of that name")
    if problems:
        raise InitError(problems)

    company = company.strip()
    language = Locale.parse(locale).language
    language = language if language in SUPPORTED_LANGUAGES else "en"
    vocab = vocabulary(language)
    text = starter_text(language)
    meeting = first_meeting(today or dt.date.today())
    examples = example_rows(meeting, language=language)
    folder.mkdir(parents=True, exist_ok=True)

    files: list[Path] = []
    if fmt == "xlsx":
        _write_atomically(data_path, lambda p: write_workbook(
            p, examples=examples, vocab=vocab, text=text, company=company))
        files.append(data_path)
    else:
        data_path.mkdir(exist_ok=True)
        files += write_csv_folder(data_path, examples=examples, vocab=vocab, text=text,
                                  company=company)
    toml = config_text(company=company, currency=currency, locale=locale, anchor=meeting,
                       data_path=data_path.name, stages=vocab.stages)
    _write_atomically(config_path, lambda p: p.write_text(toml, encoding="utf-8"))
    files.insert(0, config_path)
    return InitResult(config_path, data_path, tuple(files), meeting)
