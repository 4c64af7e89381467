"""What a CRM preset is: per table, the source headers each canonical column may come from,
plus the few value conversions an export's conventions need.

A preset is data: `columns` maps a canonical column to candidate source headers (the first one
found wins; headers match through `normalise_header`, so case and spacing do not matter).
`convert` holds small functions that run on the renamed frame (canonical names for mapped
columns, normalised source names for the rest) before the columns are parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from report_builder.data.sources import normalise_header

Converter = Callable[[pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class TableMapping:
    """How one table of an export maps onto a canonical table."""

    columns: dict[str, tuple[str, ...]]
    convert: tuple[Converter, ...] = ()
    fill_missing: tuple[str, ...] = ()  # required columns the export may lack: added empty
    # read from another table's source when the table has none of its own (HubSpot's stage
    # history from the deals export), reshaped first: original headers in, one row per
    # record out, the index holding each record's row position in the source
    derived_from: str | None = None
    reshape: Converter | None = None


@dataclass(frozen=True)
class NameTable:
    """A table of names beside the records (Salesforce `User.csv`, `Account.csv`; HubSpot's
    companies): the id header, the name header (candidates, the first found wins) or a
    first and last name to join, and the (table, column)s whose ids become these names."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    replaces: tuple[tuple[str, str], ...]
    first_last: tuple[str, str] | None = None


@dataclass(frozen=True)
class MemberTable:
    """Campaign memberships (Salesforce `CampaignMember.csv`): each lead's campaign, read where
    the lead has none of its own; the earliest membership wins."""

    lead_id: tuple[str, ...]
    campaign_id: tuple[str, ...]
    created: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    tables: dict[str, TableMapping]
    names: dict[str, NameTable] = field(default_factory=dict)  # users, accounts
    members: MemberTable | None = None
    encodings: tuple[str, ...] = ("utf-8-sig",)  # tried in order when data.encoding is unset
    example_stages: tuple[str, ...] = ()  # what inspect suggests when it finds no stage column


@dataclass
class MappingReport:
    """How the columns of one source were mapped: canonical -> source header, and the rest."""

    table: str
    source: str
    preset: str
    mapped: dict[str, str] = field(default_factory=dict)
    added_empty: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)  # column -> value for empty cells
    # column -> the candidate headers present but empty in every row, passed over for the one
    # that holds values (custom fields spelt differently per org: Loss_Reason__c, Lost Reason)
    passed_over: dict[str, tuple[str, ...]] = field(default_factory=dict)


def apply_mapping(frame: pd.DataFrame, mapping: TableMapping, report: MappingReport,
                  overrides: dict[str, str] | None = None,
                  known: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Rename the source headers to canonical columns; run the preset's converters.

    `frame` has the source's original headers (duplicates allowed: the first one is used).
    `overrides` (from `[data.columns.<table>]`) take precedence over the preset's candidates.
    """
    originals = [str(c) for c in frame.columns]
    normalised = [normalise_header(c) for c in originals]
    first_at: dict[str, int] = {}
    for pos, name in enumerate(normalised):
        if name in first_at:
            report.duplicates.append(originals[pos])
        else:
            first_at[name] = pos
    keep = sorted(first_at.values())
    frame = frame.iloc[:, keep].copy()
    frame.columns = [normalised[p] for p in keep]
    original_of = {normalised[p]: originals[p] for p in keep}

    candidates = dict(mapping.columns)
    for canonical, header in (overrides or {}).items():
        candidates[canonical] = (header,)
    renames: dict[str, str] = {}
    for canonical, headers in candidates.items():
        present = list(dict.fromkeys(k for k in map(normalise_header, headers)
                                     if k in original_of and k not in renames))
        if not present:
            continue
        # the first candidate that holds a value; the first one when none does
        filled = [k for k in present if _holds_values(frame[k])] if len(present) > 1 else []
        key = filled[0] if filled else present[0]
        renames[key] = canonical
        report.mapped[canonical] = original_of[key]
        empty = tuple(original_of[k] for k in present[:present.index(key)])
        if empty:
            report.passed_over[canonical] = empty
    # a source column already named like a canonical column keeps it unless a candidate won
    taken = set(renames.values())
    frame = frame.drop(columns=[c for c in frame.columns if c in taken and c not in renames])
    frame = frame.rename(columns=renames)
    for column in frame.columns:
        if column in report.mapped:
            continue
        if column in known:
            report.mapped[column] = original_of[column]
        else:
            report.ignored.append(original_of[column])
    for canonical in mapping.fill_missing:
        if canonical not in frame.columns:
            frame[canonical] = pd.Series(pd.NA, index=frame.index, dtype="string")
            report.added_empty.append(canonical)
    for convert in mapping.convert:
        frame = convert(frame)
    for column in frame.columns:  # columns a conversion made, e.g. from `Date entered` ones
        if column in known and column not in report.mapped and column not in report.added_empty:
            report.mapped[column] = "(derived by the preset)"
    return frame


def _holds_values(column: pd.Series) -> bool:
    text = column.dropna().astype("string").str.strip()
    return bool((text != "").any())


# -- converters shared by several presets -----------------------------------------------------
_ISO_DATETIME = re.compile(r"^\s*(\d{1,4}[-./]\d{1,2}[-./]\d{1,4})[T ]\d{1,2}[:.]\d{2}.*$")


def date_part(*columns: str) -> Converter:
    """'2023-04-04 11:48', '2026-11-24T10:11:12.000Z' or '24.11.2026 10:11' -> the date alone:
    one date format for every date column of the table, whatever time each column carries."""
    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        for column in columns:
            if column not in frame.columns:
                continue
            series = frame[column]
            if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
                text = series.astype("string")
                frame[column] = text.str.replace(_ISO_DATETIME, r"\1", regex=True)
        return frame
    return convert


def strip_suffix(column: str, pattern: str) -> Converter:
    """Remove a regular-expression suffix, e.g. ' (Deactivated User)' from owner names."""
    regex = re.compile(pattern)

    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        if column in frame.columns:
            frame[column] = frame[column].astype("string").str.replace(regex, "", regex=True)\
                .str.strip()
        return frame
    return convert


def blank_values(values: tuple[str, ...]) -> Converter:
    """Read these exact values as empty in every text column (e.g. Salesforce's null ids)."""
    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        for column in frame.columns:
            series = frame[column]
            if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
                frame[column] = series.mask(series.isin(values))
        return frame
    return convert


def enum_to_label(column: str) -> Converter:
    """'ORGANIC_SEARCH' -> 'Organic search' (HubSpot's internal values in older exports)."""
    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        if column in frame.columns:
            text = frame[column].astype("string")
            is_enum = text.str.fullmatch(r"[A-Z][A-Z0-9_]+").fillna(False).astype(bool)
            labels = text.str.replace("_", " ").str.capitalize()
            frame[column] = text.where(~is_enum, labels)
        return frame
    return convert


def first_of_many(column: str, separator: str = ";") -> Converter:
    """'101;102' -> '101': the first of a multi-value cell (HubSpot joins values with ';')."""
    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        if column in frame.columns:
            text = frame[column].astype("string")
            frame[column] = text.str.split(separator).str[0].str.strip()
        return frame
    return convert


def percent(column: str) -> Converter:
    """'50' -> '50%': a column the CRM always writes in percent, even when every value happens to
    be 0 or 1 (which the parser's 0-1-or-0-100 guess would read as fractions). The parser then
    reads it with data.decimal and reports what is not a number."""
    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        if column not in frame.columns:
            return frame
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            frame[column] = series.astype("float64") / 100
            return frame
        text = series.astype("string").str.strip()
        filled = text.notna() & (text != "") & ~text.str.endswith("%")
        frame[column] = text.where(~filled.fillna(False).astype(bool), text + "%")
        return frame
    return convert
