"""Edit an actions CSV in place, keeping what the user's file looks like.

The encoding (and a UTF-8 BOM), the separator, the header's spelling, the column order and the
line endings stay as they are; the rows a command does not touch stay byte for byte. A new row
is appended in the file's own date format; a closed row is written again in place.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from report_builder.actions.table import COLUMNS, Record, column_positions
from report_builder.data.encoding import sniff_separator
from report_builder.data.parse import DATE_FORMATS
from report_builder.errors import ActionsEditError

BOM = b"\xef\xbb\xbf"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
DATE_COLUMNS = ("agreed_on", "due", "closed_on")


def _physical_records(text: str) -> list[str]:
    """The file's records with their line endings; a quoted field may span lines."""
    records: list[str] = []
    pending = ""
    for match in _LINE.finditer(text):
        pending += match.group(0)
        if pending.count('"') % 2 == 0:
            records.append(pending)
            pending = ""
    if pending:
        records.append(pending)
    return records


def _ending(record: str) -> str:
    return "\r\n" if record.endswith("\r\n") else record[-1] if record[-1:] in "\r\n" else ""


class CsvActions:
    def __init__(self, path: Path, *, encoding: str | None, separator: str | None,
                 date_format: str | None, overrides: dict[str, str] | None,
                 template: Path | None = None) -> None:
        self.path = path
        self.label = path.name
        # a new file: the header, written like a CSV beside it (template) or plain
        raw = path.read_bytes() if path.exists() else _new_file(template, separator)
        self.bom = raw.startswith(BOM)
        body = raw[len(BOM):] if self.bom else raw
        self.encoding = encoding or "utf-8"
        try:
            text = body.decode(self.encoding)
        except UnicodeDecodeError:
            if encoding is not None:
                raise ActionsEditError(f"{self.label} is not {encoding} text; check data.encoding"
                                       " in report.toml") from None
            self.encoding = "cp1252"
            text = body.decode(self.encoding)
        self.lines = _physical_records(text)
        if not self.lines:
            raise ActionsEditError(f"{self.label} is empty: it needs a header row with "
                                   f"{', '.join(COLUMNS)}")
        header_line = self.lines[0]
        self.newline = _ending(header_line) or "\n"
        self.separator = separator or sniff_separator(header_line)
        header = self._fields(header_line)
        self.quote_all = header_line.lstrip().startswith('"') and all(
            f'"{h}"' in header_line for h in header)
        self.width = len(header)
        self.positions = column_positions(list(header), self.label, overrides)
        self.date_format = date_format or self._detect_date_format()

    def _fields(self, line: str) -> list[str]:
        return next(csv.reader(io.StringIO(line.rstrip("\r\n")), delimiter=self.separator), [])

    def _detect_date_format(self) -> str:
        values = [r.text(c) for r in self.records() for c in DATE_COLUMNS if r.text(c)]
        for fmt in DATE_FORMATS:
            try:
                for value in values:
                    dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return fmt
        return "%Y-%m-%d"

    def records(self) -> list[Record]:
        out = []
        for number, line in enumerate(self.lines[1:], start=2):
            fields = self._fields(line)
            if not any(f.strip() for f in fields):
                continue
            values: dict[str, str | dt.date | None] = {
                c: fields[p] if p < len(fields) else None for c, p in self.positions.items()}
            out.append(Record(number, values))
        return out

    def _line(self, fields: list[str], ending: str) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.separator, lineterminator=ending,
                            quoting=csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL)
        writer.writerow(fields)
        return buffer.getvalue()

    def _text(self, value: str | dt.date | None) -> str:
        if isinstance(value, dt.date):
            return value.strftime(self.date_format)
        return "" if value is None else value

    def append(self, values: dict[str, str | dt.date | None]) -> None:
        fields = [""] * self.width
        for column, value in values.items():
            fields[self.positions[column]] = self._text(value)
        if not _ending(self.lines[-1]):
            self.lines[-1] += self.newline
        self.lines.append(self._line(fields, self.newline))

    def update(self, record: Record, values: dict[str, str | dt.date | None]) -> None:
        line = self.lines[record.row - 1]
        fields = self._fields(line)
        fields += [""] * (self.width - len(fields))
        for column, value in values.items():
            fields[self.positions[column]] = self._text(value)
        self.lines[record.row - 1] = self._line(fields, _ending(line))

    def content(self) -> bytes:
        text = "".join(self.lines)
        try:
            data = text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise ActionsEditError(
                f"{self.label} is {self.encoding} text, which cannot hold "
                f"{exc.object[exc.start:exc.end]!r}; leave it out or save the file as UTF-8"
            ) from None
        return (BOM if self.bom else b"") + data

    def save(self) -> None:
        from report_builder.actions.files import replace_file

        replace_file(self.path, self.content())


def empty_table() -> bytes:
    """A new actions CSV: its header alone."""
    return _new_file(None, None)


def _new_file(template: Path | None, separator: str | None) -> bytes:
    """A header line, with the BOM, separator and line ending of `template` (a CSV beside it)."""
    bom, sep, newline = b"", separator or ",", "\n"
    if template is not None and template.is_file():
        head = template.read_bytes()[:4096]
        bom = BOM if head.startswith(BOM) else b""
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        newline = "\r\n" if first.endswith("\r") else "\n"
        if separator is None:
            sep = sniff_separator(first)
    return bom + (sep.join(COLUMNS) + newline).encode("utf-8")
