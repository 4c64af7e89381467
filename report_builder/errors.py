"""Exceptions a user can cause. The CLI prints them without a traceback and exits 2.

Each message names where the problem is (file, row, column, value) and what would be accepted,
so the user can fix the input without reading our code. Bugs are not caught here: they still
show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from report_builder.text_limits import clip


class ReportBuilderError(Exception):
    """Base class for errors caused by the user's input or environment."""

    exit_code = 2


class UsageError(ReportBuilderError):
    """A command-line option that cannot work as given (the message says what would)."""


class ConfigError(ReportBuilderError):
    """report.toml is missing, unreadable or holds invalid values (all of them are listed)."""

    def __init__(self, path: object, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Config {path} has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Problem:
    """One bad value in the input data. `row` is the row number a user sees in the file; a value
    found in several rows is one Problem: `count` rows, the first of them in `rows`."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    rows: tuple[int, ...] = ()  # example rows, when the value is in more than one
    count: int = 1  # the rows holding this value

    def __str__(self) -> str:
        where = [self.file]
        if self.count > 1 and self.rows:
            more = ", ..." if self.count > len(self.rows) else ""
            where.append(f"{self.count} rows ({', '.join(map(str, self.rows))}{more})")
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"value {clip(self.value)!r}: "  # a million-character cell stays short
        return text + self.message


class DataError(ReportBuilderError):
    """The dataset has fatal problems. Every problem found is listed, not just the first."""

    max_shown = 200  # each distinct bad value is one problem, so this is rarely reached

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[: self.max_shown])
        more = len(problems) - self.max_shown
        if more > 0:
            shown += f"\n  ... and {more} more problem(s)"
        super().__init__(
            f"The dataset has {len(problems)} problem(s) that stop the build:\n{shown}"
        )


class UnknownFormatError(ReportBuilderError):
    """An output format that no renderer provides."""


class OutputError(ReportBuilderError):
    """An output cannot be written (a full disk, a folder without write permission)."""

    exit_code = 1


class BrowserNotFoundError(ReportBuilderError):
    """No Chrome/Chromium to export static charts with (the message says how to get one)."""


class ChartExportError(ReportBuilderError):
    """The browser failed or took too long to export a chart (a runtime failure: exit 1)."""

    exit_code = 1


class PasswordNotSetError(ReportBuilderError):
    """The environment variable that email.password_env names is not set (never in the file)."""


class SendLogError(ReportBuilderError):
    """The send log (SQLite) cannot be opened or is not a send log."""


class SendLockedError(ReportBuilderError):
    """Another `send` holds the send log's lock; this run sends nothing (a runtime failure)."""

    exit_code = 1


class AttachmentTooLargeError(ReportBuilderError):
    """The files to attach are larger than email.max_attachments_mb; nothing was sent."""


class DeliveryError(ReportBuilderError):
    """The mail server did not take the message (a runtime failure: exit 1). Nothing is marked
    as sent and the built pack stays on disk."""

    exit_code = 1


class TemporaryDeliveryError(DeliveryError):
    """A temporary failure (4xx, refused connection, timeout) that outlasted every retry."""


class PermanentDeliveryError(DeliveryError):
    """A failure retrying cannot fix (5xx, failed authentication, an untrusted certificate)."""


class DeckTemplateError(ReportBuilderError):
    """The deck template cannot be read or lacks what a deck needs (the message says what)."""


class SourceError(ReportBuilderError):
    """A data source cannot be read: a database that refuses the connection or the query, a
    missing database driver, a password variable that is not set (the message says which)."""


class MappedDataError(DataError):
    """DataError for tables read through presets: also carries how each source's columns were
    mapped, so that `validate` can show the mapping beside the problems."""

    def __init__(self, problems: list[Problem], mappings: list[object]) -> None:
        super().__init__(problems)
        self.mappings = mappings


class HistoryError(ReportBuilderError):
    """The history store (the SQLite file of earlier meetings' deal snapshots) cannot be used."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = path
        super().__init__(f"History store {path}: {problem}. Point [history] path in report.toml "
                         "at another file, or move this one away to start a new history.")


class ActionsEditError(ReportBuilderError):
    """`report-builder actions` cannot edit the actions table (bad input, a read-only source)."""


class ActionsBusyError(ReportBuilderError):
    """The actions table is being edited: by another `actions` command, or open in Excel or
    LibreOffice. Try again when it is free."""

    exit_code = 1
