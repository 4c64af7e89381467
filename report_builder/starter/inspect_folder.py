"""`report-builder inspect FOLDER`: a CRM's whole export folder as one source.

A Salesforce data export (Opportunity, OpportunityHistory, Lead, Campaign, CampaignMember,
User, Account, CurrencyType, DatedConversionRate) or a HubSpot export set (deals, contacts,
companies) is recognised file by file; the deals file makes the config (inspect_config.py) and
every other file it can use is added to [data]: the stage history, leads and campaigns, the
tables of names (owners and accounts as names, not ids) and the CRM's own rate tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tomlkit.items import Table

from report_builder.config import RateTableSource
from report_builder.data.guess import Guess, read_any
from report_builder.data.presets import PRESETS, MappingReport, apply_mapping
from report_builder.data.rates import CurrencyRates, read_rates
from report_builder.data.schema import DATASET_TABLES
from report_builder.errors import DataError, Problem
from report_builder.starter import toml_doc as t

# Salesforce Data Export file names (stems, lower case) -> what each holds
SALESFORCE_FILES = {
    "opportunity": "deals", "opportunityhistory": "stage_history", "lead": "leads",
    "campaign": "campaigns", "campaignmember": "campaign_members", "user": "users",
    "account": "accounts", "currencytype": "rates", "datedconversionrate": "dated_rates",
}
# HubSpot export file names hold the object: hubspot-crm-exports-all-deals-2026-11-23.csv
HUBSPOT_WORDS = (("deals", "deals"), ("contacts", "leads"), ("companies", "accounts"))
WHAT = {"stage_history": "the stage history", "leads": "leads", "campaigns": "campaigns",
        "campaign_members": "each lead's campaign", "users": "owners' names",
        "accounts": "accounts' names", "rates": "exchange rates",
        "dated_rates": "exchange rates by date"}
SUFFIXES = (".csv", ".xlsx")


@dataclass
class ExportFolder:
    """The files of one export folder the pack can use, by what each holds."""

    crm: str  # salesforce or hubspot
    files: dict[str, Path]
    shown: dict[str, str]  # the same files as the config names them
    ignored: list[str] = field(default_factory=list)

    @property
    def deals(self) -> Path:
        return self.files["deals"]


def find_files(folder: Path, shown_folder: str) -> ExportFolder:
    """What each file of `folder` holds, from its name; a DataError when no deals file is
    found."""
    found: dict[str, dict[str, Path]] = {"salesforce": {}, "hubspot": {}}
    ignored = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        role = SALESFORCE_FILES.get(path.stem.lower())
        if role is not None:
            found["salesforce"].setdefault(role, path)
            continue
        words = path.stem.lower().replace("_", "-").split("-")
        hub = next((r for word, r in HUBSPOT_WORDS if word in words), None)
        if hub is not None:
            found["hubspot"].setdefault(hub, path)
        else:
            ignored.append(path.name)
    crm = max(found, key=lambda c: ("deals" in found[c], len(found[c])))
    files = found[crm]
    other = "hubspot" if crm == "salesforce" else "salesforce"
    ignored += [p.name for p in found[other].values()]
    if "deals" not in files:
        raise DataError([Problem(str(folder), None, None, None, "no deals export found: "
                                 "expected Opportunity.csv (Salesforce data export) or a file "
                                 "named like hubspot-crm-exports-all-deals-....csv (HubSpot); "
                                 "or run inspect on the deals file itself")])
    shown = {role: str(Path(shown_folder) / p.name) for role, p in files.items()}
    return ExportFolder(crm, files, shown, sorted(ignored))


def mapped_frame(path: Path, table: str, preset: str) -> tuple[pd.DataFrame, MappingReport]:
    """One table of the export, its headers mapped by the preset."""
    frame, _ = read_any(path)
    report = MappingReport(table, path.name, preset)
    mapping = PRESETS[preset].tables.get(table)
    if mapping is None:
        return frame, report
    known = frozenset(c.name for c in DATASET_TABLES[table].columns)
    return apply_mapping(frame, mapping, report, known=known), report


def history_stages(export: ExportFolder, preset: str) -> pd.Series:
    """The stages of the stage history file (each row one change)."""
    if "stage_history" not in export.files:
        return pd.Series([], dtype="string")
    frame, _ = mapped_frame(export.files["stage_history"], "stage_history", preset)
    if "stage" not in frame.columns:
        return pd.Series([], dtype="string")
    return frame["stage"].astype("string").str.strip()


def rate_table(export: ExportFolder) -> tuple[CurrencyRates | None, str | None]:
    """The CRM's own rates, and its corporate currency (the company currency they are of)."""
    if "rates" not in export.files and "dated_rates" not in export.files:
        return None, None
    source = RateTableSource(export.files.get("rates"), export.files.get("dated_rates"))
    corporate = _corporate(export.files["rates"]) if "rates" in export.files else None
    return read_rates(source, corporate or "USD"), corporate


def _corporate(path: Path) -> str | None:
    frame, _ = read_any(path)
    columns = {c.strip().lower(): c for c in map(str, frame.columns)}
    if "iscorporate" not in columns or "isocode" not in columns:
        return None
    flag = frame[columns["iscorporate"]].astype("string").str.strip().isin(["1", "true"])
    codes = frame.loc[flag.to_numpy(dtype=bool), columns["isocode"]].astype("string")
    return str(codes.iloc[0]).strip().upper() if len(codes) else None


def deal_values(g: Guess, amounts: pd.Series, rates: CurrencyRates) -> pd.Series:
    """The deals' amounts in the company currency at the CRM's rates (dated by close date)."""
    if "currency" not in g.frame.columns:
        return amounts
    close = g.frame["close_date"] if "close_date" in g.frame.columns else \
        pd.Series(pd.NaT, index=g.frame.index)
    day = pd.to_datetime(close.astype("string").str.slice(0, 10), format="%Y-%m-%d",
                         errors="coerce")
    rate = rates.per_deal(g.frame["currency"], day)
    blank = g.frame["currency"].astype("string").str.strip().fillna("") == ""
    return amounts * rate.where(~blank.to_numpy(), 1.0)


def add_sources(data: Table, export: ExportFolder, preset: str,
                rates: CurrencyRates | None) -> list[tuple[str, Guess]]:
    """The export's other files in [data], each with a comment saying what it gives; and the
    leads and campaigns mapped (their defaults are added by the caller)."""
    tables: list[tuple[str, Guess]] = []
    for role in ("stage_history", "leads", "campaigns", "campaign_members", "users",
                 "accounts"):
        if role not in export.files:
            continue
        data.add(role, t.value(export.shown[role], WHAT[role]))
        if role in ("leads", "campaigns") and role in PRESETS[preset].tables:
            frame, report = mapped_frame(export.files[role], role, preset)
            table = DATASET_TABLES[role]
            tables.append((role, Guess(preset, role, len(report.mapped), len(table.columns),
                                       report, frame)))
    if rates is not None:
        spec = {"path": export.shown.get("rates"), "dated": export.shown.get("dated_rates")}
        data.add("currency_rates", t.inline({k: v for k, v in spec.items() if v},
                                            "the CRM's own rates, read the right way round: "
                                            "its ConversionRate is per one corporate unit"))
    if export.crm == "salesforce":
        for role, file, who in (("users", "User.csv", "owners"),
                                ("accounts", "Account.csv", "accounts")):
            if role not in export.files:
                data.add(t.comment(f"{role} = \"{file}\": not in the export, so {who} show "
                                   "as ids; export it too for names"))
    for name in export.ignored:
        data.add(t.comment(f"{name}: not used by the pack"))
    return tables


def today_or(today: dt.date | None) -> dt.date:
    return today or dt.date.today()
