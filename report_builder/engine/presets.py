"""The CRM presets' value conversions (data/presets) as engine expressions.

A preset's `convert` functions work on frames; here are the same conversions on Ibis tables,
per preset and table. A preset and table with conversions not written here yet (Salesforce's,
Pipedrive's) give None: engine/sources.py then reads that dataset through the data layer.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from report_builder.data.presets import hubspot

Conversion = Callable[[ir.Table], ir.Table]
# data/presets/base.py _ISO_DATETIME: a date with a time of day -> the date alone
_ISO_DATETIME = r"^\s*(\d{1,4}[-./]\d{1,2}[-./]\d{1,4})[T ]\d{1,2}[:.]\d{2}.*$"


def _on(column: str, change: Callable[[ir.StringValue], ir.Value]) -> Conversion:
    """`change` applied to `column` as text, where the table has it."""
    def convert(table: ir.Table) -> ir.Table:
        if column not in table.columns:
            return table
        return table.mutate(**{column: change(table[column].cast("string"))})
    return convert


def strip_suffix(column: str, pattern: str) -> Conversion:
    return _on(column, lambda text: text.re_replace(pattern, "").strip())


def enum_to_label(column: str) -> Conversion:
    """'ORGANIC_SEARCH' -> 'Organic search'."""
    def label(text: ir.StringValue) -> ir.Value:
        is_enum = text.re_search(r"^[A-Z][A-Z0-9_]+$").fill_null(False)
        return is_enum.ifelse(text.replace("_", " ").capitalize(), text)
    return _on(column, label)


def date_part(*columns: str) -> list[Conversion]:
    return [_on(c, lambda text: text.re_replace(_ISO_DATETIME, r"\1")) for c in columns]


def first_of_many(column: str, separator: str = ";") -> Conversion:
    return _on(column, lambda text: text.split(separator)[0].strip())


def _hubspot_lead_status(table: ir.Table) -> ir.Table:
    """hubspot._lead_status: lifecycle stage -> open/accepted; `Lead Status` Unqualified ->
    rejected."""
    if "status" not in table.columns:
        return table
    original = table.status.cast("string")
    stage = original.strip().lower()
    status = stage.cases(*((ibis.literal(k), ibis.literal(v))
                           for k, v in hubspot._STATUS.items()), else_=original)
    if "lead_status" in table.columns:
        unqualified = (table.lead_status.cast("string").lower() == "unqualified").fill_null(False)
        status = unqualified.ifelse(ibis.literal("rejected"), status)
    return table.mutate(status=status)


_DEACTIVATED = r"\s*\(Deactivated User\)$"
_CONVERSIONS: dict[tuple[str, str], list[Conversion]] = {
    ("hubspot", "deals"): [strip_suffix("owner", _DEACTIVATED), enum_to_label("source_channel"),
                           *date_part(*hubspot.DEAL_DATES)],
    ("hubspot", "leads"): [strip_suffix("owner", _DEACTIVATED), enum_to_label("source_channel"),
                           first_of_many("deal_id"), first_of_many("campaign_id"),
                           _hubspot_lead_status, *date_part(*hubspot.LEAD_DATES)],
}


def engine_conversions(preset: str, table: str) -> list[Conversion] | None:
    """The conversions of `preset` for `table` (none for our own tables); None: not written
    for the engine yet."""
    from report_builder.data.presets import PRESETS

    mapping = PRESETS[preset].tables.get(table)
    if mapping is None or not mapping.convert:
        return []
    return _CONVERSIONS.get((preset, table))
