"""`report-builder inspect FILE`: guess a CRM export's preset and table from its header, and
each stage's funnel step; starter/inspect_config.py writes the config from the guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from report_builder.data.encoding import read_csv_raw, read_excel_raw
from report_builder.data.presets import PRESETS, MappingReport, TableMapping, apply_mapping
from report_builder.data.schema import DATASET_TABLES, Kind
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


# Headers that name a canonical column in exports no preset knows (a spreadsheet, a small CRM,
# a public data set such as Maven Analytics' `sales_pipeline.csv`), in normalised form. Tried
# only when no CRM's preset matches better than the canonical tables and no table's required
# columns are all there; inspect writes each match into [data.columns.<table>], with a comment
# asking the user to check it.
HEADER_HINTS: dict[str, dict[str, tuple[str, ...]]] = {
    "deals": {
        "deal_id": ("opportunity_id", "opportunityid", "opp_id", "deal_number", "record_id"),
        "name": ("opportunity_name", "deal_name", "deal_title", "opportunity", "deal"),
        "owner": ("sales_agent", "sales_rep", "salesperson", "sales_person", "owner_name",
                  "account_manager", "account_executive"),
        "team": ("sales_team", "team_name"),
        "stage": ("deal_stage", "opportunity_stage", "sales_stage", "stage_name"),
        "amount": ("close_value", "deal_value", "opportunity_value", "deal_amount", "value"),
        "created_date": ("create_date", "created", "created_at", "creation_date",
                         "date_created", "engage_date", "open_date"),
        "close_date": ("closed_date", "closing_date", "expected_close_date"),
        "source_channel": ("lead_source", "source"),
    },
}


def guess(frame: pd.DataFrame, file_name: str = "") -> Guess:
    """The preset and table whose column names the header matches best: first a table whose
    required columns are all there (so an OpportunityHistory export is not taken for deals
    that lack a name), then the table the file's name points to (an export with headers no
    preset knows, like `Leads.csv`), then the most columns found. When no CRM's preset matches
    better than the canonical tables and no table's required columns are all there, the
    common headers of HEADER_HINTS are tried."""
    headers = {normalise_header(c) for c in frame.columns}
    hinted = table_named(file_name)
    best: tuple[tuple[bool, bool, int], str, str, TableMapping] | None = None
    for preset in PRESETS.values():
        for name in DATASET_TABLES:
            mapping = preset.tables.get(name)
            if mapping is None and preset.name != "canonical" or \
                    mapping is not None and mapping.derived_from:
                continue
            mapping = mapping or TableMapping(columns={})
            score = _score(name, mapping, headers, hinted)
            if best is None or score > best[0]:
                best = (score, preset.name, name, mapping)
    assert best is not None
    if not best[0][0] and best[1] == "canonical":  # no CRM's preset knows the export
        for name, hints in HEADER_HINTS.items():
            # found by a hint, the table's id and stage are enough: inspect fills in the rest
            # (an empty name, the owner `(no owner)`, ...), as for a preset's export
            table = DATASET_TABLES[name]
            mapping = TableMapping(
                columns={c: (c, *alternatives) for c, alternatives in hints.items()},
                fill_missing=tuple(c.name for c in table.columns if c.required
                                   and c.kind != Kind.ID and c.name != "stage"))
            score = _score(name, mapping, headers, hinted)
            if score[0] and score > best[0]:
                best = (score, "canonical", name, mapping)
    (_, _, found), preset_name, name, mapping = best
    wanted = [c.name for c in DATASET_TABLES[name].columns]
    report = MappingReport(name, "", preset_name)
    mapped = apply_mapping(frame.copy(), mapping, report, known=frozenset(wanted))
    return Guess(preset_name, name, found, len(wanted), report, mapped)


def _score(table_name: str, mapping: TableMapping, headers: set[str],
           hinted: str | None) -> tuple[bool, bool, int]:
    """(every required column found, the table the file's name points to, columns found)."""
    table = DATASET_TABLES[table_name]

    def present(column: str) -> bool:
        if column in mapping.columns:
            return any(normalise_header(h) in headers for h in mapping.columns[column])
        return column in headers

    found = sum(1 for c in table.columns if present(c.name))
    complete = all(present(c.name) or c.name in mapping.fill_missing
                   for c in table.columns if c.required)
    return complete, table_name == hinted, found


def guessed_headers(g: Guess) -> dict[str, str]:
    """The canonical columns a guess found under another header without a preset that knows
    it (HEADER_HINTS): canonical -> the export's header."""
    if g.preset != "canonical":
        return {}
    return {column: header for column, header in g.report.mapped.items()
            if normalise_header(header) != column}


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
