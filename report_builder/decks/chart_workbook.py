"""Chart data whose embedded workbook holds the categories and series names as text.

python-pptx writes each chart's data into a small XLSX workbook inside the deck (PowerPoint's
"Edit data" opens it) with XlsxWriter, whose defaults turn a string starting with `=` into a
formula and one that looks like a URL into a hyperlink. A channel named
`=HYPERLINK("https://...")` would become a live formula. Here the workbook is opened with those
conversions off, so every string from the data is written as a string.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.util import lazyproperty
from xlsxwriter import Workbook

WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


class _TextWorkbookWriter(CategoryWorkbookWriter):  # type: ignore[misc]
    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[Any, Any]]:
        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class TextCategoryChartData(CategoryChartData):  # type: ignore[misc]
    """CategoryChartData whose workbook writes strings as strings (never formulas or links)."""

    @lazyproperty
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _TextWorkbookWriter(self)
