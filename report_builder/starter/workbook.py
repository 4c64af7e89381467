"""The starter workbook: one sheet per table, an Instructions sheet and a hidden Lists sheet.

Written with XlsxWriter (a dependency of python-pptx, so already installed): it writes data
validation, number formats, frozen panes, comments and hidden sheets directly, and column
formats go into the column definitions rather than into empty cells, so the reader (calamine)
sees no empty rows below the data. The drop-down lists read ranges of the Lists sheet rather
than inline lists, which Excel caps at 255 characters.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from report_builder.data.schema import (
    ACTION_STATUSES,
    ACTION_TEAMS,
    LEAD_STATUSES,
    TABLES,
    TARGET_SCOPES,
    Kind,
    Table,
)
from report_builder.starter.examples import Cell, ExampleRows, Vocabulary

VALIDATED_ROWS = 2000  # data validation covers rows 2 to this one
YES_NO = ("yes", "no")
MIN_WIDTH, MAX_WIDTH = 9, 42
LIST_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"


def list_columns(vocab: Vocabulary, text: dict[str, str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The Lists sheet's columns: (key, header, values), the values in the starter's language."""
    def words(key: str, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(text[f"value.{key}.{v}"] for v in values)

    return [
        ("stage", text["lists_stage"], tuple(s.name for s in vocab.stages)),
        ("channel", text["lists_channel"], vocab.channels),
        ("status", text["lists_status"], words("status", LEAD_STATUSES)),
        ("scope", text["lists_scope"], words("scope", TARGET_SCOPES)),
        ("yes_no", text["lists_yes_no"], words("yes_no", YES_NO)),
        ("action_team", text["lists_action_team"], words("action_team", ACTION_TEAMS)),
        ("action_status", text["lists_action_status"], words("action_status", ACTION_STATUSES)),
    ]


def header(text: dict[str, str], table: str, column: str) -> str:
    """A column's header in the starter's language (the canonical name in English)."""
    return text[f"header.{table}.{column}"]


def shown_value(text: dict[str, str], table: str, column: str, value: Cell) -> Cell:
    """An example cell as the starter writes it: a drop-down value in the starter's language."""
    list_key = DROP_DOWNS.get(f"{table}.{column}", (None, False))[0]
    if isinstance(value, str) and list_key is not None:
        return text.get(f"value.{list_key}.{value}", value)
    return value


# table.column -> the key of its drop-down list; "warn" lists allow other values after a warning
DROP_DOWNS: dict[str, tuple[str, bool]] = {
    "deals.stage": ("stage", False),
    "deals.source_channel": ("channel", True),
    "deals.public_reference": ("yes_no", False),
    "leads.source_channel": ("channel", True),
    "leads.status": ("status", False),
    "targets.scope": ("scope", False),
    "campaigns.channel": ("channel", True),
    "campaigns.public": ("yes_no", False),
    "actions.team": ("action_team", False),
    "actions.status": ("action_status", False),
}


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": "Arial", "font_size": 10}
        header = {**base, "bold": True, "border": 1, "text_wrap": True, "valign": "top"}
        self.header = book.add_format({**header, "bg_color": "#DCE6F1"})
        self.header_required = book.add_format({**header, "bg_color": "#1F4E78",
                                                "font_color": "#FFFFFF"})
        self.text = book.add_format({**base, "num_format": "@"})
        self.date = book.add_format({**base, "num_format": "yyyy-mm-dd"})
        self.amount = book.add_format({**base, "num_format": "#,##0"})
        self.percent = book.add_format({**base, "num_format": "0%"})
        self.example = {kind: book.add_format({**props, "bg_color": "#FFF2CC",
                                               "font_color": "#7F6000"})
                        for kind, props in (("text", {**base, "num_format": "@"}),
                                            ("date", {**base, "num_format": "yyyy-mm-dd"}),
                                            ("amount", {**base, "num_format": "#,##0"}),
                                            ("percent", {**base, "num_format": "0%"}))}
        self.title = book.add_format({**base, "bold": True, "font_size": 16})
        self.heading = book.add_format({**base, "bold": True, "font_size": 12})
        self.wrap = book.add_format({**base, "text_wrap": True, "valign": "top"})
        self.cell = book.add_format({**base, "valign": "top"})
        self.bold = book.add_format({**base, "bold": True, "valign": "top"})


def _format_kind(kind: Kind) -> str:
    return {Kind.DATE: "date", Kind.AMOUNT: "amount", Kind.PROBABILITY: "percent"}.get(kind, "text")


def _width(header: str, values: list[Cell]) -> float:
    longest = max([len(header) + 2] + [12 if isinstance(v, dt.date) else len(str(v)) + 1
                                       for v in values if v is not None])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest)))


def _validation(kind: Kind) -> dict[str, Any] | None:
    if kind is Kind.DATE:
        return {"validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
                "maximum": dt.date(2099, 12, 31), "error_title": "Date",
                "error_message": "A date, like 2026-11-24."}
    if kind is Kind.AMOUNT:
        return {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": "Number",
                "error_message": "A number of 0 or more, without a currency sign."}
    if kind is Kind.PROBABILITY:
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "error_title": "Probability", "error_message": "0 % to 100 %, e.g. 60%."}
    return None


def _write_table(book: xlsxwriter.Workbook, formats: _Formats, table: Table,
                 rows: list[list[Cell]], text: dict[str, str],
                 list_ranges: dict[str, str]) -> None:
    sheet: Worksheet = book.add_worksheet(text[f"sheet.{table.name}"])
    for i, column in enumerate(table.columns):
        kind = _format_kind(column.kind)
        header_format = formats.header_required if column.not_empty else formats.header
        name = header(text, table.name, column.name)
        sheet.write_string(0, i, name, header_format)
        sheet.write_comment(0, i, text[f"{table.name}.{column.name}"],
                            {"x_scale": 2, "y_scale": 0.8})
        values = [shown_value(text, table.name, column.name, row[i]) for row in rows]
        sheet.set_column(i, i, _width(name, values), getattr(formats, kind))
        for r, value in enumerate(values, start=1):
            example = formats.example[kind]
            if value is None:
                sheet.write_blank(r, i, None, example)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, i, dt.datetime.combine(value, dt.time()), example)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, i, value, example)
            else:
                sheet.write_string(r, i, value, example)
        key = f"{table.name}.{column.name}"
        if key in DROP_DOWNS:
            list_key, warn = DROP_DOWNS[key]
            options: dict[str, Any] = {
                "validate": "list", "source": list_ranges[list_key],
                "error_type": "warning" if warn else "stop",
                "error_title": name,
                "error_message": ("Not in the list (sheet Lists). Keep it anyway?" if warn else
                                  "Pick a value from the list."),
            }
        else:
            options = _validation(column.kind) or {}
        if options:
            sheet.data_validation(1, i, VALIDATED_ROWS - 1, i, {"ignore_blank": True, **options})
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # printed one page wide, the header row on every page
    sheet.repeat_rows(0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(table.columns) - 1)


def list_ranges(columns: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, str]:
    """The Lists sheet's range of each list, as a data validation source."""
    return {key: f"='{LIST_SHEET}'!${_col(i)}$2:${_col(i)}${len(values) + 1}"
            for i, (key, _, values) in enumerate(columns)}


def _write_lists(book: xlsxwriter.Workbook, formats: _Formats,
                 columns: list[tuple[str, str, tuple[str, ...]]]) -> None:
    sheet = book.add_worksheet(LIST_SHEET)
    for i, (_, header, values) in enumerate(columns):
        sheet.write_string(0, i, header, formats.header)
        for r, value in enumerate(values, start=1):
            sheet.write_string(r, i, value, formats.text)
        sheet.set_column(i, i, _width(header, list(values)))
    sheet.hide()


def _write_instructions(book: xlsxwriter.Workbook, formats: _Formats, text: dict[str, str], *,
                        company: str, prefix: str) -> None:
    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 13)
    sheet.set_column(3, 3, 80)
    sheet.hide_gridlines(2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.write_string(0, 0, text["title"].format(company=company), formats.title)
    row = 2
    for n in range(1, 6):
        line = text[f"intro_{n}"].format(prefix=prefix)
        sheet.merge_range(row, 0, row, 3, line, formats.wrap)
        sheet.set_row(row, 27 if len(line) > 120 else 14)
        row += 1
    row += 1
    sheet.write_string(row, 0, text["points_title"], formats.heading)
    row += 1
    for n in range(1, 6):
        sheet.merge_range(row, 0, row, 3, text[f"point_{n}"], formats.wrap)
        row += 1
    row += 1
    sheet.write_string(row, 0, text["columns_title"], formats.heading)
    row += 1
    headers = ("col_header_table", "col_header_column", "col_header_required",
               "col_header_meaning")
    for i, key in enumerate(headers):
        sheet.write_string(row, i, text[key], formats.header)
    row += 1
    for table in TABLES.values():
        for column in table.columns:
            required = "required_yes" if column.not_empty else \
                "required_column" if column.required else "required_no"
            sheet.write_string(row, 0, text[f"sheet.{table.name}"], formats.cell)
            sheet.write_string(row, 1, header(text, table.name, column.name), formats.bold)
            sheet.write_string(row, 2, text[required], formats.cell)
            sheet.write_string(row, 3, text[f"{table.name}.{column.name}"], formats.wrap)
            row += 1
    sheet.activate()


def write_workbook(path: Path, *, examples: ExampleRows, vocab: Vocabulary,
                   text: dict[str, str], company: str) -> None:
    """Write the starter workbook to `path`."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"title": text["title"].format(company=company),
                         "company": company})
    formats = _Formats(book)
    _write_instructions(book, formats, text, company=company, prefix=vocab.prefix)
    lists = list_columns(vocab, text)
    ranges = list_ranges(lists)
    for table in TABLES.values():
        _write_table(book, formats, table, examples.rows(table.name), text, ranges)
    _write_lists(book, formats, lists)
    book.close()
