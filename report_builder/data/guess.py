"""`report-builder inspect FILE`: guess a CRM export's preset and table from its header, and
each stage's funnel step; starter/inspect_config.py writes the config from the guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from report_builder.data.encoding import read_csv_raw, read_excel_raw
from report_builder.data.presets import PRESETS, MappingReport, TableMapping, apply_mapping
from report_builder.data.schema import DATASET_TABLES
from report_builder.data.sources import EMPTY_MARKERS, EXCEL_SUFFIXES, normalise_header
from report_builder.errors import DataError, Problem

ENCODINGS = ("utf-8-sig", "cp1252")
_WON = re.compile(r"\b(won|vundet|gewonnen|gagn|cw\b)", re.I)  # CW: closed won
_LOST = re.compile(r"\b(lost|tabt|abandon|verloren|perdu|disqualif|cancel)", re.I)
_QUOTE = re.compile(r"(proposal|quote|contract|negotiat|tilbud|kontrakt|price|forhandl)", re.I)


@dataclass(frozen=True)
class Guess:
    preset: str
    table: str
    found: int
    of: int
    report: MappingReport
    frame: pd.DataFrame  # canonical names for the mapped columns


def read_any(path: Path, sheet: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """The export as read, and the text encoding that read it (None for a workbook)."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel_raw(path, sheet), None
    if suffix == ".csv" or suffix == ".txt":
        return read_csv_raw(path, encodings=ENCODINGS, separator=None,
                            empty_markers=EMPTY_MARKERS)
    raise DataError([Problem(path.name, None, None, None, "inspect reads .csv and .xlsx files")])


# words in a file's name that say which table it holds, most specific first
_NAMED_TABLES = (("history", "stage_history"), ("campaign", "campaigns"), ("lead", "leads"),
                 ("contact", "leads"), ("opportunit", "deals"), ("deal", "deals"),
                 ("target", "targets"), ("action", "actions"))


def table_named(file_name: str) -> str | None:
    """The table a file's name points to (`Leads.csv` -> leads), or None."""
    name = file_name.lower()
    return next((table for word, table in _NAMED_TABLES if word in name), None)


def guess(frame: pd.DataFrame, file_name: str = "") -> Guess:
    """The preset and table whose column names the header matches best: first a table whose
    required columns are all there (so an OpportunityHistory export is not taken for deals
    that lack a name), then the table the file's name points to (an export with headers no
    preset knows, like `Leads.csv`), then the most columns found."""
    headers = {normalise_header(c) for c in frame.columns}
    hinted = table_named(file_name)
    best: Guess | None = None
    best_score = (False, False, -1)
    for preset in PRESETS.values():
        for name, table in DATASET_TABLES.items():
            mapping = preset.tables.get(name)
            if mapping is None and preset.name != "canonical" or \
                    mapping is not None and mapping.derived_from:
                continue
            mapping = mapping or TableMapping(columns={})

            def present(column: str, m: TableMapping = mapping) -> bool:
                if column in m.columns:
                    return any(normalise_header(h) in headers for h in m.columns[column])
                return column in headers

            wanted = [c.name for c in table.columns]
            found = sum(1 for c in wanted if present(c))
            complete = all(present(c.name) or c.name in mapping.fill_missing
                           for c in table.columns if c.required)
            score = (complete, name == hinted, found)
            if score > best_score:
                best_score = score
                report = MappingReport(name, "", preset.name)
                mapped = apply_mapping(frame.copy(), mapping, report,
                                       known=frozenset(wanted))
                best = Guess(preset.name, name, found, len(wanted), report, mapped)
    assert best is not None
    return best


def stage_step(stage: str, probability: float | None) -> tuple[str, float | None]:
    """The funnel step a stage name suggests, and its probability (open steps only)."""
    if _WON.search(stage) and not _LOST.search(stage):
        return "won", None
    if _LOST.search(stage):
        return "lost", None
    if _QUOTE.search(stage):
        return "quote", probability if probability is not None else 0.6
    return "opportunity", probability if probability is not None else 0.2


def stage_probabilities(frame: pd.DataFrame) -> dict[str, float]:
    """Each stage's median probability in the export (0-1), where the export has them."""
    if "probability" not in frame.columns or "stage" not in frame.columns:
        return {}
    numbers = pd.to_numeric(frame["probability"], errors="coerce")
    if numbers.max(skipna=True) > 1:
        numbers = numbers / 100
    medians = numbers.groupby(frame["stage"]).median().dropna()
    return {str(k): round(float(v), 2) for k, v in medians.items()}


_DECIMAL_COMMA = re.compile(r"^\s*-?\d{1,3}(\.\d{3})*,\d+\s*$|^\s*-?\d+,\d{1,2}\s*$")


def decimal_comma(frame: pd.DataFrame) -> bool:
    """Whether any text column holds numbers written with a decimal comma (1.234,50 or 12,5)."""
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position].dropna()
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        if values.astype("string").str.match(_DECIMAL_COMMA).fillna(False).any():
            return True
    return False
