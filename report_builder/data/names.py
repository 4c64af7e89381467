"""Names in place of ids: a CRM's data export writes owners and accounts as ids (Salesforce's
`OwnerId`, `AccountId`) and keeps the names in tables of their own (`User.csv`, `Account.csv`,
HubSpot's companies). Each id found there becomes its name; an id not found stays as it is and
is counted in the data notes. Campaign memberships give a lead without a campaign its first one.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from report_builder.config import Config, TableSource
from report_builder.data.dataset import DataNote
from report_builder.data.presets import PRESETS
from report_builder.data.presets.base import NameTable, Preset
from report_builder.data.sources import RawTable, normalise_header
from report_builder.errors import DataError, Problem

EXAMPLES = 5
SHORT_ID = 15  # Salesforce's case-sensitive id; the 18-character one adds a checksum


def _column(frame: pd.DataFrame, headers: tuple[str, ...]) -> str | None:
    columns = {normalise_header(c): c for c in frame.columns}
    return next((columns[h] for h in map(normalise_header, headers) if h in columns), None)


def _text(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def name_map(raw: RawTable, table: NameTable) -> dict[str, str]:
    """id -> name from a table of names (the 15-character form of each id too)."""
    frame = raw.frame
    id_column = _column(frame, table.ids)
    if id_column is None:
        raise DataError([Problem(raw.source, 1, None, None, "has no id column (expected one of: "
                                 f"{', '.join(table.ids)})")])
    name_column = _column(frame, table.names)
    if name_column is not None and _text(frame[name_column]).notna().any():
        names = _text(frame[name_column])
    elif table.first_last and all(_column(frame, (h,)) for h in table.first_last):
        first, last = (_text(frame[_column(frame, (h,))]).fillna("") for h in table.first_last)
        names = _text(first + " " + last)
    else:
        wanted = [*table.names, *([" + ".join(table.first_last)] if table.first_last else [])]
        raise DataError([Problem(raw.source, 1, None, None, "has no name column (expected one "
                                 f"of: {', '.join(wanted)})")])
    ids = _text(frame[id_column])
    keep = (ids.notna() & names.notna()).to_numpy(dtype=bool)
    pairs = dict(zip(ids[keep], names[keep], strict=True))
    short = {k[:SHORT_ID]: v for k, v in pairs.items() if len(k) == 18}
    return {**short, **pairs}


def replace_ids(frame: pd.DataFrame, column: str, names: dict[str, str]
                ) -> tuple[pd.DataFrame, pd.Series]:
    """The frame with ids in `column` replaced by names; and the ids left unmatched."""
    ids = _text(frame[column])
    found = ids.map(names)
    found = found.where(found.notna(), ids.str.slice(0, SHORT_ID).map(names))
    unmatched = ids[ids.notna() & found.isna()]
    frame = frame.copy()
    frame[column] = found.where(found.notna(), ids).astype("string")
    return frame, unmatched


def apply_names(raws: dict[str, RawTable], lookups: dict[str, RawTable], config: Config,
                ) -> tuple[dict[str, RawTable], list[DataNote]]:
    """Owners and accounts as names, through the tables of names the config gives."""
    notes: list[DataNote] = []
    raws = dict(raws)
    for name, lookup in lookups.items():
        preset = _preset_for(config.data.lookups[name], config)
        table = preset.names.get(name)
        if table is None:
            knows = [p.name for p in PRESETS.values() if name in p.names]
            raise DataError([Problem(lookup.source, None, None, None,
                                     f"data.{name}: the {preset.name} preset reads no table of "
                                     f"{name}; set data.preset (or the table's preset) to one "
                                     f"that does: {', '.join(knows)}")])
        names = name_map(lookup, table)
        for target, column in table.replaces:
            raw = raws.get(target)
            if raw is None or column not in raw.frame.columns:
                continue
            frame, unmatched = replace_ids(raw.frame, column, names)
            raws[target] = dataclasses.replace(raw, frame=frame)
            if len(unmatched):
                notes.append(DataNote(target, "unmatched_ids", len(unmatched),
                                      {"column": column, "source": lookup.source},
                                      tuple(unmatched.drop_duplicates().head(EXAMPLES))))
    return raws, notes


def apply_members(raws: dict[str, RawTable], members: RawTable, config: Config
                  ) -> dict[str, RawTable]:
    """Leads without a campaign take their earliest campaign membership's campaign (of
    memberships of the same time, the smallest campaign id)."""
    table = _preset_for(config.data.lookups["campaign_members"], config).members
    leads = raws.get("leads")
    if table is None or leads is None:
        return raws
    frame = members.frame
    lead, campaign = _column(frame, table.lead_id), _column(frame, table.campaign_id)
    if lead is None or campaign is None:
        raise DataError([Problem(members.source, 1, None, None, "is not a campaign member "
                                 f"table: expected {table.lead_id[0]} and "
                                 f"{table.campaign_id[0]} columns")])
    created = _column(frame, table.created)
    rows = pd.DataFrame({"lead": _text(frame[lead]), "campaign": _text(frame[campaign]),
                         "created": frame[created].astype("string") if created else ""})
    # the earliest membership, then the smallest campaign id: never the file's order
    rows = rows.dropna(subset=["lead", "campaign"]).sort_values(["created", "campaign"])
    first = rows.drop_duplicates("lead").set_index("lead")["campaign"]
    lead_frame = leads.frame.copy()
    own = _text(lead_frame["campaign_id"]) if "campaign_id" in lead_frame.columns else \
        pd.Series(pd.NA, index=lead_frame.index, dtype="string")
    lead_frame["campaign_id"] = own.where(own.notna(), _text(lead_frame["lead_id"]).map(first))\
        .astype("string")
    return {**raws, "leads": dataclasses.replace(leads, frame=lead_frame)}


def _preset_for(source: TableSource, config: Config) -> Preset:
    return PRESETS[source.preset or config.data.preset]
