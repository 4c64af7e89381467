"""What a loaded report.toml holds: one frozen dataclass per table, and the words the funnel
and the labels are keyed by.

config/load.py fills them; everything above the config reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from report_builder.config.email import EmailConfig
from report_builder.config.engine import EngineConfig
from report_builder.config.schema import CONTACT_KEYS
from report_builder.i18n import LANGUAGES

FUNNEL_STEPS = ("opportunity", "quote", "won", "lost")
OPEN_STEPS = ("opportunity", "quote")
SUPPORTED_LANGUAGES = LANGUAGES  # those with a file in report_builder/locales/


@dataclass(frozen=True)
class StageConfig:
    """How one CRM stage name maps to the funnel, with its default win probability (0-1)."""

    name: str
    step: str
    probability: float


OFFER_LIMIT = 6  # the offers one slide holds


@dataclass(frozen=True)
class OfferItem:
    """One thing the company offers, for the customer deck: a title and one line about it."""

    title: str
    text: str = ""


@dataclass(frozen=True)
class ContactConfig:
    """Whom customers reach, for the customer deck's last slide; an empty field is not known."""

    name: str = ""
    title: str = ""  # the person's job title
    email: str = ""
    phone: str = ""
    web: str = ""


@dataclass(frozen=True)
class CompanyProfile:
    """`[company.profile]`: what the company says about itself to customers (the customer
    deck's title, "who we are", "what we offer" and "how to reach us"). Written for customers,
    so all of it is public; an empty field shows as a placeholder saying what to write."""

    tagline: str = ""
    about: str = ""
    offer: tuple[OfferItem, ...] = ()
    contact: ContactConfig = field(default_factory=ContactConfig)

    def missing(self) -> tuple[str, ...]:
        """The keys of the fields left empty, like `about` or `contact.email`."""
        keys = [key for key in ("tagline", "about") if not getattr(self, key)]
        keys += [] if self.offer else ["offer"]
        keys += [f"contact.{key}" for key in CONTACT_KEYS if not getattr(self.contact, key)]
        return tuple(keys)



@dataclass(frozen=True)
class CompanyConfig:
    name: str
    currency: str
    locale: str
    fiscal_year_start_month: int = 1
    logo: Path | None = None
    # the IANA time zone whose days end the meetings ("Europe/Copenhagen"): the stage history's
    # times are cut into its days
    timezone: str = "UTC"
    profile: CompanyProfile = field(default_factory=CompanyProfile)

    @property
    def language(self) -> str:
        """The label language: the locale's language when we have labels for it, else English."""
        lang = self.locale.split("_")[0]
        return lang if lang in SUPPORTED_LANGUAGES else "en"


@dataclass(frozen=True)
class MeetingConfig:
    cadence_anchor: dt.date
    cadence_days: int = 14
    as_of: dt.date | None = None
    campaign_horizon_weeks: int = 6
    stale_after_days: int = 30
    sources_window_days: int = 365
    top_n: int = 10


@dataclass(frozen=True)
class TableSource:
    """Where one table comes from: a file (CSV/XLSX/Parquet, optionally a sheet), a SQL query
    against a SQLAlchemy URL (the password from the environment variable `password_env`), a
    table of a DuckDB file, or a table of the engine's own connection (a warehouse)."""

    path: Path | None = None
    sheet: str | None = None
    sql: str | None = None
    url: str | None = None
    password_env: str | None = None
    preset: str | None = None  # this table's preset, when it differs from data.preset
    date_format: str | None = None  # this table's dates, when they differ from data.date_format
    # a table of a DuckDB file (with `path`) or of the engine's connection (alone), like
    # "crm.opportunities": read where it is by the engine (engine/sources.py)
    table: str | None = None


@dataclass(frozen=True)
class RateTableSource:
    """The CRM's own exchange-rate tables (Salesforce `CurrencyType.csv`, and
    `DatedConversionRate.csv` for rates by close date), read through a preset."""

    path: Path | None = None  # one rate per currency
    dated: Path | None = None  # rates with the date ranges they were in force
    preset: str = "salesforce"


@dataclass(frozen=True)
class DataConfig:
    """Where the dataset is: a folder of CSV/XLSX/Parquet files or one XLSX workbook, and/or one
    source per table read through a CRM preset."""

    path: Path
    date_format: str | None = None
    decimal: str = "."
    currency_rates: dict[str, float] = field(default_factory=dict)
    preset: str = "canonical"  # how source headers map to canonical columns (data/presets)
    tables: dict[str, TableSource] = field(default_factory=dict)  # table -> its own source
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> canonical -> hdr
    encoding: str | None = None  # of CSV files; else the preset's candidates, in order
    separator: str | None = None  # of CSV files; else sniffed from the header
    pipelines: tuple[str, ...] = ()  # keep only deals of these pipelines (default: all)
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> col -> value
    empty_values: tuple[str, ...] = ()  # more cell values that mean "no value" ("Select")
    decimal_given: bool = False  # data.decimal is in the config (else amounts like 1.234 fail)
    path_given: bool = True  # data.path is in the config: tables without a source come from it
    merge_channel_spellings: bool = True  # `LinkedIn`/`linkedin` one channel (data/channels.py)
    lookups: dict[str, TableSource] = field(default_factory=dict)  # LOOKUP_TABLES -> source
    rate_table: RateTableSource | None = None  # currency_rates = { path = ..., dated = ... }

    @property
    def mapped(self) -> bool:
        """True when tables are read through a preset, own sources or column overrides."""
        return self.preset != "canonical" or bool(self.tables) or bool(self.columns) or \
            bool(self.defaults) or bool(self.empty_values) or bool(self.lookups)


PAGE_ORIENTATIONS = ("landscape", "portrait")


@dataclass(frozen=True)
class OutputConfig:
    formats: tuple[str, ...] = ("html", "json")
    out_dir: Path = Path("out")
    templates: Path | None = None
    page_orientation: str = "landscape"  # of the PDF (A4)
    browser: Path | None = None  # the Chrome/Chromium that exports static charts


DECK_TEMPLATE_SUFFIXES = (".pptx", ".potx")


@dataclass(frozen=True)
class DeckConfig:
    """The PowerPoint decks: the company template and what the customer deck shows."""

    template: Path | None = None  # a .pptx or .potx; ours when None
    layouts: dict[str, str] = field(default_factory=dict)  # slide kind -> the layout's name
    reference_days: int = 90  # public references: deals won in this many days up to the meeting


@dataclass(frozen=True)
class HistoryConfig:
    """The history store: each build's deals snapshot, for the pipeline movement."""

    enabled: bool = True
    path: Path | None = None  # the SQLite file; None: <config stem>.history.sqlite beside it


@dataclass(frozen=True)
class Config:
    path: Path
    company: CompanyConfig
    meeting: MeetingConfig
    data: DataConfig
    stages: dict[str, StageConfig]
    output: OutputConfig
    deck: DeckConfig = field(default_factory=DeckConfig)
    email: EmailConfig | None = None  # [email]: how `send` mails the pack
    history: HistoryConfig = field(default_factory=HistoryConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)  # [engine]: where figures run

    @property
    def history_path(self) -> Path:
        """The history store's file: [history] path, else beside the config."""
        if self.history.path is not None:
            return self.history.path
        return self.path.resolve().parent / f"{self.path.stem}.history.sqlite"

    def stage_names(self, *steps: str) -> list[str]:
        """The configured stage names mapped to any of `steps`, in config order."""
        return [s.name for s in self.stages.values() if s.step in steps]
