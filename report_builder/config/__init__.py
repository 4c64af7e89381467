"""The typed schema of report.toml: a leaf layer that imports nothing above it.

`load_config(path)` reads and checks the whole file and returns a frozen `Config`, or raises one
ConfigError listing every problem. The package:

- sections.py: what a loaded config holds, one dataclass per table
- load.py: `load_config` and the reader of each table
- reader.py: the one reader of typed values, collecting every problem
- schema.py: every key the file accepts; an unknown key is a problem with the nearest known one
- email.py, addresses.py: the [email] table and its addresses
- engine.py: the [engine] table (where the aggregations run, within how much memory)
- dataset_names.py: the dataset's table and column names and the CRM presets' names, as data
"""

from __future__ import annotations

from report_builder.config.email import EmailConfig
from report_builder.config.engine import EngineConfig
from report_builder.config.load import load_config
from report_builder.config.sections import (
    DECK_TEMPLATE_SUFFIXES,
    FUNNEL_STEPS,
    OPEN_STEPS,
    PAGE_ORIENTATIONS,
    SUPPORTED_LANGUAGES,
    CompanyConfig,
    CompanyProfile,
    Config,
    ContactConfig,
    DataConfig,
    DeckConfig,
    HistoryConfig,
    MeetingConfig,
    OfferItem,
    OutputConfig,
    RateTableSource,
    StageConfig,
    TableSource,
)

__all__ = [
    "DECK_TEMPLATE_SUFFIXES", "FUNNEL_STEPS", "OPEN_STEPS", "PAGE_ORIENTATIONS",
    "SUPPORTED_LANGUAGES", "CompanyConfig", "CompanyProfile", "Config", "ContactConfig",
    "DataConfig", "DeckConfig", "EmailConfig", "EngineConfig", "HistoryConfig", "MeetingConfig",
    "OfferItem", "OutputConfig", "RateTableSource", "StageConfig", "TableSource", "load_config",
]
