"""The CRM presets' value conversions (data/presets) as engine expressions.

A preset's `convert` functions work on frames; here are the same conversions on Ibis tables,
per preset and table (HubSpot's, Salesforce's and Pipedrive's). A preset and table whose
conversions are not written here give None: engine/sources.py then reads that dataset through
the data layer.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from report_builder.data.presets import hubspot, pipedrive, salesforce

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


def blank_values(values: tuple[str, ...]) -> Conversion:
    """These exact values read as empty in every text column (Salesforce's null ids)."""
    def convert(table: ir.Table) -> ir.Table:
        return table.mutate(**{c: table[c].isin(list(values)).fill_null(False).ifelse(
            ibis.null("string"), table[c]) for c in table.columns if table[c].type().is_string()})
    return convert


def percent(column: str) -> Conversion:
    """A column always in percent (base.percent): numbers divided by 100, text marked `%`."""
    def convert(table: ir.Table) -> ir.Table:
        if column not in table.columns:
            return table
        value = table[column]
        if value.type().is_numeric() and not value.type().is_boolean():
            return table.mutate(**{column: value.cast("float64") / 100})
        text = value.cast("string").strip()
        filled = (text.notnull() & (text != "") & ~text.endswith("%")).fill_null(False)
        return table.mutate(**{column: filled.ifelse(text + "%", text)})
    return convert


def _salesforce_percent(table: ir.Table) -> ir.Table:
    """salesforce._percent: always in percent, `,` as the decimal sign, unreadable as empty."""
    if "probability" not in table.columns:
        return table
    text = table.probability.cast("string").replace("%", "").replace(",", ".").strip()
    number = text.try_cast("float64")
    number = number.isnan().fill_null(False).ifelse(ibis.null("float64"), number)
    return table.mutate(probability=number / 100)


def _salesforce_lead_status(table: ir.Table) -> ir.Table:
    """salesforce._lead_status: Lead Status -> open/accepted/rejected/nurture; converted leads
    accepted."""
    if "status" not in table.columns:
        return table
    original = table.status.cast("string")
    status = original.strip().lower().cases(
        *((ibis.literal(k), ibis.literal(v)) for k, v in salesforce._STATUS.items()),
        else_=original)
    if "isconverted" in table.columns:
        converted = table.isconverted.cast("string").strip().isin(["1", "true"])
        status = converted.fill_null(False).ifelse(ibis.literal("accepted"), status)
    return table.mutate(status=status)


def _salesforce_budget(table: ir.Table) -> ir.Table:
    """salesforce._budget: the actual cost where the campaign has one, else the budgeted."""
    if "budgetedcost" not in table.columns:
        return table
    planned = table.budgetedcost.cast("string")
    if "budget" not in table.columns:
        return table.mutate(budget=planned)
    actual = table.budget.cast("string")
    return table.mutate(budget=(actual.strip().fill_null("") != "").ifelse(actual, planned))


def _pipedrive_status_and_close(table: ir.Table) -> ir.Table:
    """pipedrive._status_and_close: a won or lost deal's stage is its status, its close date
    the first of its won time, lost time or closed on."""
    if "deal_status" not in table.columns:
        return table
    status = table.deal_status.cast("string").strip().lower()
    closed = status.isin(["won", "lost"]).fill_null(False)
    stage = closed.ifelse(status.capitalize(), table.stage.cast("string"))
    close = table.close_date.cast("string") if "close_date" in table.columns else \
        ibis.null("string")
    filled: ir.BooleanValue = ibis.literal(False)
    for column in pipedrive.CLOSED_ON:
        if column in table.columns:
            closed_on = table[column].cast("string")
            use = (closed & ~filled & closed_on.notnull() & (closed_on.strip() != "")) \
                .fill_null(False)
            close = use.ifelse(closed_on, close)
            filled = filled | use
    return table.mutate(stage=stage, close_date=close)


_DEACTIVATED = r"\s*\(Deactivated User\)$"
_CONVERSIONS: dict[tuple[str, str], list[Conversion]] = {
    ("hubspot", "deals"): [strip_suffix("owner", _DEACTIVATED), enum_to_label("source_channel"),
                           *date_part(*hubspot.DEAL_DATES)],
    ("hubspot", "leads"): [strip_suffix("owner", _DEACTIVATED), enum_to_label("source_channel"),
                           first_of_many("deal_id"), first_of_many("campaign_id"),
                           _hubspot_lead_status, *date_part(*hubspot.LEAD_DATES)],
    ("salesforce", "deals"): [blank_values(salesforce.NULL_IDS), _salesforce_percent,
                              *date_part("created_date", "close_date",
                                         "last_stage_change_date")],
    ("salesforce", "leads"): [blank_values(salesforce.NULL_IDS), _salesforce_lead_status,
                              *date_part("created_date", "opportunity_date")],
    ("salesforce", "campaigns"): [blank_values(salesforce.NULL_IDS), _salesforce_budget,
                                  *date_part("start_date", "end_date")],
    ("pipedrive", "deals"): [_pipedrive_status_and_close, percent("probability"),
                             *date_part(*pipedrive.DATES)],
}


def engine_conversions(preset: str, table: str) -> list[Conversion] | None:
    """The conversions of `preset` for `table` (none for our own tables); None: not written
    for the engine yet."""
    from report_builder.data.presets import PRESETS

    mapping = PRESETS[preset].tables.get(table)
    if mapping is None or not mapping.convert:
        return []
    return _CONVERSIONS.get((preset, table))
