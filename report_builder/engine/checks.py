"""The data checks as queries: data/validate.py's checks (and data/parse.py's unreadable values)
counted where the data is, so a table of millions of rows, or a warehouse's, is checked without
fetching it.

Each table is asked once for the count behind every check and every tolerable note
(`count(where=...)`); only a check that finds rows is asked again, for its distinct values, how
many rows hold each and their first EXAMPLE_IDS ids (and rows where the source has an order).
Fatal problems are raised together as one DataError naming the source, column, value, rows and
ids, with data/validate.py's messages; tolerable ones are counted as the pandas path counts them,
in `DataFacts` (data/dataset.py), which the build hands to the data notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import ibis
import ibis.expr.types as ir

from report_builder.config import OPEN_STEPS, Config
from report_builder.data.dataset import DataNote
from report_builder.data.problems import MAX_VALUES
from report_builder.data.schema import DATASET_TABLES, LEAD_STATUSES, TARGET_SCOPES
from report_builder.data.validate import MAX_EXAMPLES
from report_builder.engine.fetch import results_at_once
from report_builder.engine.mapping import MappedTable
from report_builder.engine.values import ROW, TYPED, Check, profile_holds, text_of
from report_builder.errors import Problem
from report_builder.text_limits import listed

EXAMPLE_IDS = 3  # ids (and rows) named per bad value


# the tolerable notes in the order data/validate.py notes them
NOTE_ORDER = ("no_close_date", "no_account", "no_created_date", "no_amount", "unknown_deal",
              "no_won_reason", "no_pipeline", "no_lost_reason")


def in_note_order(notes: dict[str, list[DataNote]]) -> list[DataNote]:
    return sorted((n for found in notes.values() for n in found),
                  key=lambda n: NOTE_ORDER.index(n.key))


@dataclass(frozen=True)
class _Note:
    """A tolerable problem: rows where `condition` holds, counted, their first ids named."""

    key: str
    condition: ir.BooleanValue
    values: dict[str, ir.IntegerScalar] | None = None
    only_if: Callable[[int, int], bool] | None = None  # (count, table rows) -> noted?


class TypedColumns:
    """A mapped table's typed columns by their canonical names, in the table the checks ask
    (`MappedTable.checked`: the values as read beside them), so that the checks of a table,
    on the values as read and on the typed ones, are counted in one query."""

    def __init__(self, mapped: MappedTable) -> None:
        self.table = checked_table(mapped)
        self.prefix = TYPED if mapped.checked is not None else ""

    def __getitem__(self, name: str) -> ir.Value:
        return self.table[self.prefix + name]

    def __getattr__(self, name: str) -> ir.Value:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def count(self, where: ir.BooleanValue | None = None) -> ir.IntegerScalar:
        return self.table.count(where=where)


def checked_table(mapped: MappedTable) -> ir.Table:
    return mapped.checked if mapped.checked is not None else mapped.table


def dataset_checks(tables: dict[str, MappedTable], config: Config) -> list[Check]:
    """data/validate.py check_dataset's fatal checks, on the mapped tables."""
    checks = [replace(c, over=checked_table(tables[c.table]))
              for c in _dataset_checks(tables, config)]
    return checks


def _dataset_checks(tables: dict[str, MappedTable], config: Config) -> list[Check]:
    checks: list[Check] = []
    t: dict[str, Any] = {name: TypedColumns(m) for name, m in tables.items()}
    deals, leads, targets, campaigns = (t.get("deals"), t.get("leads"), t.get("targets"),
                                        t.get("campaigns"))
    if deals is not None:
        names = list(config.stages)
        checks.append(Check("deals", "stage", deals.stage.notnull() & ~deals.stage.isin(names),
                            "unknown stage: map it in [stages] of report.toml (mapped now: "
                            f"{listed(names) or 'none'})", deals.stage, every_value=True))
        known = sorted({config.company.currency, *config.data.currency_rates})
        code = deals.currency.upper()
        company = config.company.currency
        checks.append(Check(
            "deals", "currency", code.notnull() & ~code.isin(known),
            lambda c: f"no exchange rate for {c}; add {c} = the {company} per one {c} under "
            f"[data.currency_rates] in report.toml (1 {c} = ? {company})", code,
            every_value=True))
    if leads is not None:
        checks.append(_allowed("leads", leads, "status", LEAD_STATUSES, "lead status"))
    if targets is not None:
        checks.append(_allowed("targets", targets, "scope", TARGET_SCOPES, "target scope"))
        checks.append(Check("targets", "scope_value", targets.scope.isin(["team", "owner"])
                            .fill_null(False) & targets.scope_value.isnull(),
                            "is empty; a team or owner target needs the team's or owner's name",
                            targets.scope_value))
        key = targets.quarter.fill_null("") + " " + targets.scope.fill_null("") + " " + \
            targets.scope_value.fill_null("")
        checks.append(Check("targets", "quarter", _repeated(targets.table, key),
                            "duplicate target: one row per quarter, scope and scope_value", key))
    if campaigns is not None:
        checks.append(Check("campaigns", "end_date",
                            (campaigns.end_date < campaigns.start_date).fill_null(False),
                            "ends before it starts", campaigns.end_date))
        for name, table in (("deals", deals), ("leads", leads)):
            if table is not None:
                checks.append(Check(
                    name, "campaign_id", table.campaign_id.notnull()
                    & ~table.campaign_id.isin(campaigns.campaign_id),
                    "refers to a campaign not in the campaigns table; add it there or clear "
                    "the cell", table.campaign_id))
    return checks


def _allowed(name: str, table: ir.Table, column: str, allowed: tuple[str, ...],
             what: str) -> Check:
    value = table[column]
    return Check(name, column, value.notnull() & ~value.isin(list(allowed)),
                 f"unknown {what}; expected one of: {', '.join(allowed)}", value)


def _repeated(table: ir.Table, value: ir.Value) -> ir.BooleanValue:
    """True where `value` is in more than one row of `table` (the values repeated, asked as a
    subquery, so the condition can be counted with the others)."""
    counted = table.group_by(k=value).aggregate(n=ibis._.count())
    repeated = counted.filter((counted.n > 1) & counted.k.notnull())
    return value.isin(repeated.k).fill_null(False)


def unique_id_checks(tables: dict[str, MappedTable]) -> list[Check]:
    """Each id once in its table (deals, leads, campaigns)."""
    checks = []
    for name in ("deals", "leads", "campaigns"):
        if name in tables:
            column = DATASET_TABLES[name].id_column or ""
            columns = TypedColumns(tables[name])
            value = columns[column]
            checks.append(Check(name, column, _repeated(columns.table, value),
                                f"duplicate {column}: each {column} may appear once",
                                value, counted=value.count() - value.nunique(),
                                over=columns.table))
    return checks


def _tolerable(name: str, table: Any, tables: dict[str, MappedTable],
               config: Config) -> list[_Note]:
    """data/validate.py _tolerable_notes, as conditions."""
    if name == "leads" and "deals" in tables:
        deal_ids = tables["deals"].ids
        return [_Note("unknown_deal", table.deal_id.notnull() & ~table.deal_id.isin(deal_ids))]
    if name != "deals":
        return []
    stage = table.stage
    no_close = table.close_date.isnull()
    won, lost = config.stage_names("won"), config.stage_names("lost")
    return [
        _Note("no_close_date", no_close,
              {"open": table.count(where=no_close & stage.isin(config.stage_names(*OPEN_STEPS))
                                   .fill_null(False))}),
        _Note("no_account", table.account.isnull()),
        _Note("no_created_date", table.created_date.isnull()),
        _Note("no_amount", table.amount.isnull()),
        _Note("no_won_reason", stage.isin(won).fill_null(False) & table.won_reason.isnull()),
        _Note("no_pipeline", table.pipeline.isnull(), only_if=lambda n, rows: n < rows),
        _Note("no_lost_reason", stage.isin(lost).fill_null(False) & table.lost_reason.isnull()),
    ]


class NotClean(Exception):
    """Tables read as clean ones (values.py `assumed_profile`) that are not: to be read again,
    their profile asked first."""

    def __init__(self, tables: frozenset[str]) -> None:
        super().__init__(", ".join(sorted(tables)))
        self.tables = tables


def run_checks(tables: dict[str, MappedTable], checks: list[Check], config: Config,
               ) -> tuple[list[Problem], dict[str, list[DataNote]], dict[str, int]]:
    """Every check counted (one query per table, with the questions of a profile assumed),
    the failing ones described; the tolerable notes per table and each table's rows.
    NotClean: tables whose assumed profile the counts do not bear out (nothing described)."""
    asked = {name: _asked(mapped, [c for c in checks if c.table == name],
                          _tolerable(name, TypedColumns(mapped), tables, config))
             for name, mapped in tables.items()}
    found = results_at_once([query for query, _, _ in asked.values()])
    counted = {name: (result.to_pylist()[0], own, tolerable)
               for (name, (_, own, tolerable)), result in zip(asked.items(), found, strict=True)}
    not_clean = frozenset(name for name, (counts, _, _) in counted.items()
                          if not profile_holds({k.removeprefix(_UNASKED): v
                                                for k, v in counts.items()
                                                if k.startswith(_UNASKED)}))
    if not_clean:
        raise NotClean(not_clean)
    problems: list[Problem] = []
    rows: dict[str, int] = {}
    noted: list[DataNote] = []  # their example ids asked next, of every table at once
    for name, (counts, own, tolerable) in counted.items():
        rows[name] = int(counts["rows"])
        problems += [p for i, c in enumerate(own) if counts[f"c{i}"]
                     for p in _described(tables[name], c)]
        for i, n in enumerate(tolerable):
            count = int(counts[f"n{i}"])
            if count and (n.only_if is None or n.only_if(count, rows[name])):
                noted.append(DataNote(name, n.key, count,
                                      {k: int(counts[f"n{i}_{k}"]) for k in n.values or {}}))
    conditions = {(name, n.key): n.condition for name, (_, _, tolerable) in counted.items()
                  for n in tolerable}
    examples = results_at_once([
        _first_ids(checked_table(tables[note.table]), conditions[note.table, note.key],
                   note.table, MAX_EXAMPLES) for note in noted])
    notes: dict[str, list[DataNote]] = {name: [] for name in tables}
    for note, ids in zip(noted, examples, strict=True):
        notes[note.table].append(replace(
            note, examples=tuple(str(v) for v in ids["i"].to_pylist())))
    return problems, notes, rows


_UNASKED = "p_"  # the answers of a profile assumed, among a table's counts


def _asked(mapped: MappedTable, own: list[Check], tolerable: list[_Note],
           ) -> tuple[ir.Table, list[Check], list[_Note]]:
    """The one query of a table's counts of its checks (c<i>), its tolerable notes (n<i>)
    and its rows, and the answers of its assumed profile (p_<question>)."""
    table = checked_table(mapped)
    asks: dict[str, ir.Scalar] = {"rows": table.count()}
    asks.update({f"c{i}": table.count(where=c.condition) if c.counted is None else c.counted
                 for i, c in enumerate(own)})
    for i, n in enumerate(tolerable):
        asks[f"n{i}"] = table.count(where=n.condition)
        asks.update({f"n{i}_{k}": v for k, v in (n.values or {}).items()})
    asks.update({_UNASKED + k: v for k, v in mapped.unasked.items()})
    return table.aggregate(**asks), own, tolerable


def _id_column(name: str) -> str:
    return DATASET_TABLES[name].id_column or ""


def _first_ids(table: ir.Table, condition: ir.BooleanValue, name: str,
               limit: int) -> ir.Table:
    """The ids (`i`) of the first `limit` rows where `condition` holds, in the source's
    order."""
    ident = text_of(table[_id_column(name)])
    first = table.filter(condition).order_by([table[ROW], ident]).limit(limit)
    return first.select(i=ident)


def _described(mapped: MappedTable, check: Check) -> list[Problem]:
    """One Problem per distinct bad value (the first MAX_VALUES unless every value is named):
    how many rows hold it, their first rows and ids; then a line counting the rest."""
    table = check.over if check.over is not None else checked_table(mapped)
    ident = text_of(table[_id_column(mapped.name)])
    value = check.value.cast("string") if check.value is not None else ibis.null("string")
    bad = table.filter(check.condition).select(v=value, r=table[ROW], i=ident)
    groups = bad.group_by("v").aggregate(n=bad.count(), first=bad.r.min(), first_id=bad.i.min())
    order = [groups.first, groups.first_id, groups.v]
    limit = None if check.every_value else MAX_VALUES
    top = groups.order_by(order).limit(limit) if limit else groups
    rank = ibis.row_number().over(group_by=bad.v, order_by=[bad.r, bad.i])
    ranked = bad.mutate(k=rank)
    examples = ranked.filter(ranked.k < EXAMPLE_IDS)
    joined = top.left_join(examples, top.v.identical_to(examples.v))
    rows = joined.order_by([*order, joined.k]).to_pyarrow().to_pylist()
    problems: list[Problem] = []
    described: dict[object, list[dict]] = {}
    for row in rows:
        described.setdefault((row["first"], row["first_id"], row["v"]), []).append(row)
    id_name = _id_column(mapped.name)
    for group in described.values():
        head = group[0]
        shown = head["v"]
        message = check.message(str(shown)) if callable(check.message) else check.message
        ids = ", ".join(str(r["i"]) for r in group)
        row_numbers = tuple(int(r["r"]) for r in group if r["r"] is not None)
        count = int(head["n"])
        problems.append(Problem(mapped.source, row_numbers[0] if row_numbers else None,
                                check.column, shown, f"{message} ({id_name}: {ids}"
                                f"{', ...' if count > len(group) else ''})",
                                rows=row_numbers if count > 1 else (), count=count))
    if limit is not None and len(described) == limit:
        rest = groups.order_by(order).limit(None, offset=limit)
        left = rest.aggregate(values=rest.count(), rows=rest.n.sum(),
                              some=rest.v.collect()).to_pyarrow().to_pylist()[0]
        if left["values"]:
            some = ", ".join(repr(v) for v in (left["some"] or [])[:5])
            problems.append(Problem(mapped.source, None, check.column, None,
                                    f"and {left['values']} more distinct values like these in "
                                    f"{left['rows']} rows (e.g. {some})"))
    return problems


def with_source(problem: Problem, source: str) -> Problem:
    return replace(problem, file=source)
