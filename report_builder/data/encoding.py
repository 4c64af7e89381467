"""Reading CSV exports whose encoding and separator vary: UTF-8 with or without a BOM, cp1252
(Salesforce and Excel on Windows), `,` or `;` (European Excel) or tabs.

The encoding is the configured one, else the first candidate that decodes the whole file (UTF-8
first: a cp1252 file with any non-ASCII letter is almost never valid UTF-8). The separator is
the configured one, else the one most frequent in the header line.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from report_builder.data.workbook_size import check_unpacked_size
from report_builder.errors import DataError, Problem

SEPARATORS = (",", ";", "\t", "|")


def decode(path: Path, candidates: tuple[str, ...]) -> tuple[str, str]:
    """The file's text and the encoding that read it."""
    data = path.read_bytes()
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DataError([Problem(path.name, None, None, None,
                             f"cannot be read as {' or '.join(candidates)} text; set "
                             "data.encoding in report.toml (e.g. \"cp1252\" or \"latin-1\")")])


def sniff_separator(text: str) -> str:
    """The separator most frequent in the first line of `text` (a header), else a comma.

    The one guess for every CSV we read or write: the dataset's tables, the rate tables and
    the actions table `actions add` edits or creates beside them."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def read_csv_raw(path: Path, *, encodings: tuple[str, ...], separator: str | None,
                 empty_markers: tuple[str, ...]) -> tuple[pd.DataFrame, str]:
    """All cells as text, the header row as it is (duplicate names kept); and the encoding."""
    text, encoding = decode(path, encodings)
    text = text.removeprefix("\ufeff")
    sep = {"\\t": "\t"}.get(separator or "", separator) or sniff_separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                            keep_default_na=False, na_values=list(empty_markers))
    except pd.errors.EmptyDataError:
        raise DataError([empty_file(path.name)]) from None
    except pd.errors.ParserError as exc:
        raise DataError([Problem(path.name, None, None, None,
                                 f"is not a readable CSV: {exc}")]) from None
    return _header_from_first_row(frame), encoding


def empty_file(name: str) -> Problem:
    """The problem of a file with nothing in it, not even a header (a failed export)."""
    return Problem(name, None, None, None, "is empty: not even a header row; export it again "
                   "(or remove the file and its line in report.toml)")


def _header_from_first_row(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    header = ["" if pd.isna(v) else str(v) for v in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    # a trailing separator on every line makes an unnamed, empty last column: drop it
    while len(body.columns) and body.columns[-1] == "" and (
            body.iloc[:, -1].isna() | (body.iloc[:, -1].astype("string") == "")).all():
        body = body.iloc[:, :-1]
    return body


def read_excel_raw(path: Path, sheet: str | None) -> pd.DataFrame:
    """A sheet (the first, unless named; names match case-insensitively), header row as it is."""
    from python_calamine import CalamineWorkbook

    check_unpacked_size(path)
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    chosen: str | int = 0
    if sheet is not None:
        match = [n for n in names if n.strip().lower() == sheet.strip().lower()]
        if not match:
            raise DataError([Problem(path.name, None, None, None,
                                     f"has no sheet '{sheet}' (sheets: {', '.join(names)})")])
        chosen = match[0]
    from report_builder.data.sources import EMPTY_MARKERS

    frame = pd.read_excel(path, sheet_name=chosen, engine="calamine", header=None,
                          na_values=list(EMPTY_MARKERS))
    return _header_from_first_row(frame)
