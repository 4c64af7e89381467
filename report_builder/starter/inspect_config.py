"""`report-builder inspect FILE`: a whole report.toml for a CRM export, which validates and
builds as printed when the export is one a preset recognises (its ids and stages found).

What the export lacks gets a setting of its own, with a comment saying why: an empty stage gets
the stage `(no stage)` (through [data.defaults.deals]) and a mapping of its own in [stages]; a
required column the export does not have is filled in empty (counted in the data notes) or with
a placeholder; every stage found in the deals or in the stage history the export carries is
mapped. Every currency in the data gets a line under [data.currency_rates], left for the user to
fill in, with its direction spelt out (`1 EUR = ? DKK`). The text is written by tomlkit, so
any stage, pipeline or column name comes back as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tomlkit.items import Table

from report_builder.data.guess import (
    Guess,
    decimal_comma,
    guess,
    guessed_headers,
    read_any,
    stage_probabilities,
    stage_step,
)
from report_builder.data.money import CurrencyTotal, currency_totals, describe_totals
from report_builder.data.parse import ColumnParser
from report_builder.data.presets import PRESETS, MappingReport, apply_mapping
from report_builder.data.schema import DATASET_TABLES, Kind
from report_builder.data.sources import RawTable
from report_builder.errors import DataError, Problem
from report_builder.starter import toml_doc as t

if TYPE_CHECKING:
    from report_builder.starter.inspect_folder import ExportFolder

COMPANY_PLACEHOLDER = "My company"  # the company's name until the user gives it
NO_STAGE = "(no stage)"
NO_OWNER = "(no owner)"
DEFAULT_CURRENCY = "EUR"
STEP_ORDER = {"opportunity": 0, "quote": 1, "won": 2, "lost": 3}
# placeholders for text columns every row needs, when the export leaves cells empty
PLACEHOLDERS = {"stage": NO_STAGE, "owner": NO_OWNER, "source_channel": "(no source)",
                "channel": "(no channel)"}


@dataclass(frozen=True)
class StageCount:
    name: str
    now: int  # deals (or history rows) in this stage
    history: int  # rows of the stage history the export carries


def _blank(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return (text.isna() | (text == "")).fillna(True).astype(bool)


def _recognised(g: Guess) -> bool:
    """The table's id and every other column that must be filled were found (or the preset
    supplies them), so defaults can stand in for the rest."""
    table = DATASET_TABLES[g.table]
    return all(c.name in g.frame.columns for c in table.columns
               if c.not_empty and c.kind in (Kind.ID, Kind.DATE)) and \
        ("stage" not in {c.name for c in table.columns} or "stage" in g.frame.columns)


def _history_stages(frame: pd.DataFrame, g: Guess) -> pd.Series:
    """The stages of the stage history the preset reads out of this export (HubSpot's
    `Date entered "<Stage> (<Pipeline>)"` columns), one value per history row."""
    mapping = PRESETS[g.preset].tables.get("stage_history")
    if g.table != "deals" or mapping is None or mapping.derived_from != "deals" or \
            mapping.reshape is None:
        return pd.Series([], dtype="string")
    known = frozenset(c.name for c in DATASET_TABLES["stage_history"].columns)
    rows = apply_mapping(mapping.reshape(frame), mapping,
                         MappingReport("stage_history", "", g.preset), known=known)
    if "stage" not in rows.columns:
        return pd.Series([], dtype="string")
    return rows["stage"].astype("string").str.strip()


def _stage_counts(g: Guess, history: pd.Series) -> list[StageCount]:
    now = g.frame["stage"].astype("string").str.strip() if "stage" in g.frame.columns \
        else pd.Series([], dtype="string")
    now_counts = now[~_blank(now)].value_counts(sort=False)
    history_counts = history[~_blank(history)].value_counts(sort=False)
    names = list(dict.fromkeys([*map(str, now_counts.index), *map(str, history_counts.index)]))
    return [StageCount(n, int(now_counts.get(n, 0)), int(history_counts.get(n, 0)))
            for n in names]


def _amounts(g: Guess, decimal: str) -> pd.Series:
    """The amounts read as `validate` reads them (unreadable ones empty)."""
    if "amount" not in g.frame.columns:
        return pd.Series(float("nan"), index=g.frame.index)
    raw = RawTable(g.table, "", g.frame[["amount"]].copy(), 2)
    return ColumnParser(raw, date_format=None, decimal=decimal).amount("amount")


def _company_currency(g: Guess) -> tuple[str, str]:
    """The most common currency of the deals, and a comment saying where it came from."""
    if "currency" in g.frame.columns:
        codes = g.frame["currency"].astype("string").str.strip().str.upper()
        codes = codes[~_blank(codes)]
        valid = codes[codes.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)]
        if len(valid):
            top = str(valid.value_counts().index[0])
            return top, "the most common currency in the export; the pack's amounts are in it"
    return DEFAULT_CURRENCY, ("the export names no currency: set the one its amounts are in "
                              "(ISO 4217)")


def _header(g: Guess, shown_path: str, rows: int, recognised: bool) -> list[str]:
    title = PRESETS[g.preset].title
    what = g.table.replace("_", " ")
    found = f"{g.found} of {g.of} canonical columns found, {rows} rows"
    if not recognised:
        return [f"{shown_path}: no preset knows most of its headers ({found}): fill in "
                f"[data.columns.{g.table}] below, then `report-builder validate` lists every "
                "stage to map."]
    if guessed_headers(g):
        lines = [f"{shown_path}: a {what} export no preset knows ({found}); its columns were "
                 f"found by the usual names of their headers: check [data.columns.{g.table}]."]
    else:
        lines = [f"{shown_path}: looks like a {title} {what} export ({found})."]
    if g.table == "stage_history":
        lines.append("A stage history alone makes no pack: set data.deals to the deals it is "
                     "of (e.g. Opportunity.csv), then validate.")
    else:
        lines.append("Set your company's name, check the stage steps, fill in any currency rate "
                     "below, then run `report-builder validate` on this file and `build`.")
    return lines


def _source(g: Guess, shown_path: str, sheet: str | None) -> object:
    return t.inline({"path": shown_path, "sheet": sheet}) if sheet else shown_path


def _data(g: Guess, frame: pd.DataFrame, shown_path: str, sheet: str | None,
          encoding: str | None, recognised: bool) -> tuple[Table, str]:
    sec = t.table()
    sec.add("preset", g.preset)
    sec.add(g.table, _source(g, shown_path, sheet))
    sec.add(t.comment("deals = \"...\": the deals this stage history is of"
                      if g.table == "stage_history" else
                      "leads = \"...\", targets = \"targets.xlsx\", campaigns = \"campaigns.csv\""))
    guessed = guessed_headers(g)  # written out under [data.columns.<table>] instead
    for canonical, header in g.report.mapped.items():
        if canonical in guessed:
            continue
        empty = g.report.passed_over.get(canonical)
        sec.add(t.comment(f"{canonical} <- {header!r}" + (
            f" (it holds values; {', '.join(map(repr, empty))} is empty in every row)"
            if empty else "")))
    missing = [c.name for c in DATASET_TABLES[g.table].columns if c.name not in g.report.mapped]
    if missing:
        sec.add(t.comment(f"not found: {', '.join(missing)}"))
    if encoding and encoding not in PRESETS[g.preset].encodings:
        sec.add("encoding", t.value(encoding, "the file is not UTF-8"))
    decimal = "."
    if decimal_comma(frame):
        decimal = ","
        sec.add("decimal", t.value(",", "amounts like 1.234,50 found in the export"))
    if "pipeline" in g.frame.columns:
        pipelines = sorted(g.frame["pipeline"].dropna().astype(str).unique())
        if len(pipelines) > 1:
            sec.add(t.comment(f"pipelines found: {', '.join(pipelines)}; keep some with"))
            sec.add(t.commented("pipelines", pipelines))
    return sec, decimal


def _rates(totals: list[CurrencyTotal], company: str) -> object:
    """[data.currency_rates]: a line to fill in per other currency, its direction spelt out."""
    sec = t.table()
    others = [x for x in totals if x.currency != company]
    sec.add(t.comment(f"{company} per one unit of each other currency: the deals in a currency "
                      "without a rate stop the build"))
    for x in others:
        deals = f"{x.deals} deal{'s' if x.deals != 1 else ''}"
        sec.add(t.commented(x.currency, 0.0, f"fill in: 1 {x.currency} = ? {company} ({deals}, "
                            f"{x.total:,.2f} {x.currency})"))
    return sec


def _columns_to_fill(g: Guess, frame: pd.DataFrame) -> object:
    """[data.columns.<table>] when the export's headers are not known: every required column
    with "" to fill in, the optional ones commented, and each unknown header with its first
    value to pick from (e.g. a Danish export's `Aftale - Titel`)."""
    table = DATASET_TABLES[g.table]
    sec = t.table()
    sec.add(t.comment("the export's header for each column: the required ones, then any "
                      "optional ones (uncomment)"))
    required = [c.name for c in table.columns if c.required and c.name not in g.report.mapped
                and c.name not in g.report.added_empty]
    for name in required:
        sec.add(name, "")
    for c in table.columns:
        if c.name not in g.report.mapped and c.name not in required:
            sec.add(t.commented(c.name, ""))
    _add_unused_headers(sec, g, frame, "headers in the export no preset knows (first value):")
    return sec


def _add_unused_headers(sec: Table, g: Guess, frame: pd.DataFrame, title: str) -> None:
    """A comment line per header of the export no column was mapped from, with its first
    value, to choose from (the web page's setup form offers them)."""
    if not g.report.ignored:
        return
    first: dict[str, object] = {}
    for position, header in enumerate(map(str, frame.columns)):
        values = frame.iloc[:, position].dropna()
        values = values[values.astype("string").str.strip() != ""]
        first.setdefault(header, values.iloc[0] if len(values) else "")
    sec.add(t.comment(title))
    for header in g.report.ignored:
        sec.add(t.comment(f"  {header!r}: {str(first.get(header, ''))!r}"))


def _guessed_columns(g: Guess, frame: pd.DataFrame) -> object:
    """[data.columns.<table>] for the columns found by their header's usual name alone (no
    preset knows the export): each is a guess for the user to check."""
    sec = t.table()
    sec.add(t.comment("found by the usual name of their header: check each (canonical column "
                      "= the export's header)"))
    for canonical, header in guessed_headers(g).items():
        sec.add(canonical, header)
    _add_unused_headers(sec, g, frame, "the export's other headers (first value):")
    return sec


def _defaults(g: Guess) -> tuple[object | None, int]:
    """[data.defaults.<table>] for what the export lacks; and how many rows have no stage."""
    sec = t.table()
    no_stage = 0
    for c in DATASET_TABLES[g.table].columns:
        present = c.name in g.frame.columns and c.name not in g.report.added_empty
        blank = int(_blank(g.frame[c.name]).sum()) if present else len(g.frame)
        if c.not_empty and c.name in PLACEHOLDERS and blank:
            if c.name == "stage":
                no_stage = blank
            why = f"{blank} row(s) with an empty {c.name} get this one" if present else \
                f"not in the export: every row gets this {c.name}"
            sec.add(c.name, t.value(PLACEHOLDERS[c.name], why))
        elif c.required and not c.not_empty and not present:
            sec.add(c.name, t.value("", "not in the export: left empty (counted in the data "
                                    "notes), or name its column under "
                                    f"[data.columns.{g.table}]"))
    return (sec if sec.value else None), no_stage


def stage_rows_comment(what: str) -> Any:
    return t.comment(f"every stage found, with its {what.rstrip('(s)')} count: check each step "
                     "(opportunity, quote, won, lost) and probability (0-1)")


def add_stage_rows(sec: Table, counts: list[StageCount], probabilities: dict[str, float],
                   what: str = "deal(s)") -> None:
    """A line of [stages] per stage found: the step its name (and the export's probabilities)
    suggests, its count as the line's comment; in funnel order."""
    rows = []
    for c in counts:
        step, p = stage_step(c.name, probabilities.get(c.name))
        note = f"{c.now} {what}"
        if c.history:
            note += f", {c.history} time(s) in the stage history"
        spec: dict[str, object] = {"step": step} if p is None else {"step": step,
                                                                    "probability": p}
        rows.append((STEP_ORDER[step], p or 0.0, c.name, spec, note))
    for _, _, name, spec, note in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        sec.add(name, t.inline(spec, note))


def _stages(g: Guess, counts: list[StageCount], no_stage: int) -> object:
    what = "deal(s)" if g.table == "deals" else "change(s)"
    sec = t.table()
    sec.add(stage_rows_comment(what))
    if not counts and not no_stage:
        examples = PRESETS[g.preset].example_stages
        sec.add(t.comment("no stage found: once data.columns names its column, "
                          "`report-builder validate` lists every stage to map here"
                          + ("; for example:" if examples else ".")))
        for s in examples:
            sec.add(t.commented(s, {"step": stage_step(s, None)[0]}))
        return sec
    add_stage_rows(sec, counts, stage_probabilities(g.frame), what)
    if no_stage:
        sec.add(NO_STAGE, t.inline({"step": "lost"}, f"{no_stage} {what} with an empty stage: "
                                   "counted as lost, out of the open pipeline and the won "
                                   "figures; change the step if they are open"))
    return sec


def starter_config(path: Path, shown_path: str, *, sheet: str | None = None,
                   today: dt.date | None = None, folder: ExportFolder | None = None) -> str:
    """The report.toml for the export at `path`, as `inspect` prints it; with `folder`, the
    deals file's config with the export folder's other files added."""
    from report_builder.starter import inspect_folder as f
    from report_builder.starter.init import first_meeting

    frame, encoding = read_any(path, sheet)
    if frame.empty:
        raise DataError([Problem(path.name, None, None, None, "has no rows below its header: "
                                 "inspect needs the export's rows to list its stages and "
                                 "currencies; export them again")])
    g = guess(frame, path.name)
    recognised = _recognised(g)
    doc = t.document()
    for line in _header(g, shown_path, len(frame), recognised):
        doc.add(t.comment(line))
    currency, currency_note = _company_currency(g)
    rates, corporate = f.rate_table(folder) if folder is not None else (None, None)
    if folder is not None:
        used = ", ".join(sorted(p.name for p in folder.files.values()))
        doc.add(t.comment(f"The {PRESETS[g.preset].title} export folder as one source: {used}."))
    if corporate is not None:
        currency, currency_note = corporate, "the corporate currency of the CRM's rate table"
        rates = dataclasses.replace(rates, company=corporate) if rates else None
    company = t.table()
    company.add("name", t.value(COMPANY_PLACEHOLDER, "your company's name, on the pack's cover"))
    company.add("currency", t.value(currency, currency_note))
    company.add("locale", t.value("en_GB", "number formats and labels; da_DK gives Danish"))
    doc.add("company", company)
    meeting = t.table()
    anchor = first_meeting(today or dt.date.today())
    meeting.add("cadence_anchor", t.value(anchor, "any meeting day; a meeting every "
                                          "cadence_days days from it"))
    meeting.add("cadence_days", 14)
    doc.add("meeting", meeting)
    data, decimal = _data(g, frame, shown_path, sheet, encoding, recognised)
    more = f.add_sources(data, folder, g.preset, rates) if folder is not None else []
    if g.table == "deals" and "amount" in g.frame.columns:  # a history's rows are no deals
        amounts = _amounts(g, decimal)
        if rates is not None:
            totals = currency_totals(amounts, g.frame.get("currency"), currency,
                                     rates.company_rates(),
                                     values=f.deal_values(g, amounts, rates))
            data.add(t.comment("the amounts per currency, at the CRM's rates:"))
        else:
            totals = currency_totals(amounts, g.frame.get("currency"), currency, {})
            data.add(t.comment("the amounts per currency, as read:"))
        for line in describe_totals(totals, currency):
            data.add(t.comment(f"  {line}"))
        if len(totals) > 1 and rates is None:
            data.add("currency_rates", _rates(totals, currency))
    no_stage = 0
    if not recognised:
        columns = t.table(super_table=True)
        columns.add(g.table, _columns_to_fill(g, frame))
        data.add("columns", columns)
    else:
        if guessed_headers(g):
            columns = t.table(super_table=True)
            columns.add(g.table, _guessed_columns(g, frame))
            data.add("columns", columns)
        defaults, no_stage = _defaults(g)
        holder = t.table(super_table=True)
        if defaults is not None:
            holder.add(g.table, defaults)
        for name, other in more:
            extra, _ = _defaults(other)
            if extra is not None:
                holder.add(name, extra)
        if holder.value:
            data.add("defaults", holder)
    doc.add("data", data)
    if g.table in ("deals", "stage_history"):
        history = _history_stages(frame, g)
        if folder is not None:
            history = pd.concat([history, f.history_stages(folder, g.preset)])
        counts = _stage_counts(g, history)
        doc.add("stages", _stages(g, counts, no_stage))
    output = t.table()
    output.add("formats", t.value(["html", "pdf", "json"], "also \"pptx\" (meeting deck) and "
                                  "\"customer-deck\""))
    output.add("dir", "out")
    doc.add("output", output)
    return t.dumps(doc)
