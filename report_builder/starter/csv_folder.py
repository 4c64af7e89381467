"""The starter as a folder of CSV files (UTF-8 with a byte order mark, so Excel reads the
letters right) and a README.md that says what the workbook's Instructions sheet says."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from report_builder.data.schema import TABLES
from report_builder.starter.examples import Cell, ExampleRows, Vocabulary
from report_builder.starter.workbook import header, list_columns, shown_value


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def readme_text(*, vocab: Vocabulary, text: dict[str, str], company: str) -> str:
    """The README of the CSV folder: how to fill it, the five points, the columns, the lists."""
    lines = [f"# {text['csv_title'].format(company=company)}", "", text["csv_intro_1"], ""]
    lines += [text[f"intro_{n}"].format(prefix=vocab.prefix) + "\n" for n in (2, 5)]
    lines += [f"## {text['points_title']}", ""]
    lines += [text[f"point_{n}"] for n in range(1, 6)]
    lines += ["", f"## {text['columns_title']}"]
    for table in TABLES.values():
        lines += ["", f"### {table.name}.csv", ""]
        for column in table.columns:
            required = "required_yes" if column.not_empty else \
                "required_column" if column.required else "required_no"
            mark = f" ({text[required]})" if text[required] else ""
            name = header(text, table.name, column.name)
            lines.append(f"- `{name}`{mark}: {text[f'{table.name}.{column.name}']}")
    lines += [""]
    for _, list_name, values in list_columns(vocab, text):
        lines.append(f"- {list_name}: {', '.join(values)}")
    return "\n".join(lines) + "\n"


def write_csv_folder(folder: Path, *, examples: ExampleRows, vocab: Vocabulary,
                     text: dict[str, str], company: str) -> list[Path]:
    """Write one CSV per table and README.md into `folder` (which exists); return the files."""
    written = []
    for table in TABLES.values():
        path = folder / f"{table.name}.csv"
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow([header(text, table.name, c.name) for c in table.columns])
            writer.writerows([_cell(shown_value(text, table.name, c.name, v))
                              for c, v in zip(table.columns, row, strict=True)]
                             for row in examples.rows(table.name))
        written.append(path)
    readme = folder / "README.md"
    readme.write_text(readme_text(vocab=vocab, text=text, company=company), encoding="utf-8")
    return [*written, readme]
