"""Reading report.toml: one reader per table, each filling its dataclass (config/sections.py).

`load_config` reads the file, checks every value and raises one ConfigError listing all problems
(never just the first), in the form `Config value 'section.key': problem`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from report_builder.config.addresses import parse_mailbox
from report_builder.config.dataset_names import DATA_TABLES, LOOKUP_TABLES, PRESET_NAMES
from report_builder.config.email import read_email
from report_builder.config.engine import read_engine
from report_builder.config.reader import Reader
from report_builder.config.schema import CONTACT_KEYS, SLIDE_KINDS, SOURCE, unknown_keys
from report_builder.config.sections import (
    DECK_TEMPLATE_SUFFIXES,
    FUNNEL_STEPS,
    OFFER_LIMIT,
    PAGE_ORIENTATIONS,
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
from report_builder.errors import ConfigError


def _read_company(r: Reader) -> CompanyConfig:
    sec = r.section("company", required=True)
    name = r.get(sec, "company", "name", str, "", required=True)
    currency = r.get(sec, "company", "currency", str, "EUR", required=True).upper()
    locale = r.get(sec, "company", "locale", str, "en_GB")
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        r.problems.append(f"Config value 'company.locale': {locale!r} is not a known locale "
                          "(examples: en_GB, en_US, da_DK)")
        locale = "en_GB"
    if len(currency) != 3 or not currency.isalpha():
        r.problems.append(f"Config value 'company.currency': {currency!r} is not an ISO 4217 "
                          "code like DKK or EUR")
    month = r.get(sec, "company", "fiscal_year_start_month", int, 1)
    if not 1 <= month <= 12:
        r.problems.append(f"Config value 'company.fiscal_year_start_month': {month} is not 1-12")
        month = 1
    logo = r.path(r.get(sec, "company", "logo", str))
    if logo is not None and not logo.is_file():
        r.problems.append(f"Config value 'company.logo': file {logo} does not exist")
        logo = None
    timezone = r.get(sec, "company", "timezone", str, "UTC")
    if not known_time_zone(timezone):
        r.problems.append(f"Config value 'company.timezone': {timezone!r} is not a known time "
                          "zone; use an IANA name like Europe/Copenhagen, America/New_York or "
                          "UTC")
        timezone = "UTC"
    return CompanyConfig(name, currency, locale, month, logo, timezone,
                         profile=_read_profile(r, sec))


def _read_profile(r: Reader, company: dict[str, Any]) -> CompanyProfile:
    """[company.profile]: the customer deck's words about the company; every key optional."""
    if "profile" not in company:
        return CompanyProfile()
    sec = r.get(company, "company", "profile", dict, {})
    name = "company.profile"
    texts = {key: r.get(sec, name, key, str, "").strip() for key in ("tagline", "about")}
    offer = []
    items = r.get(sec, name, "offer", list, [])
    for number, item in enumerate(items, start=1):
        title = item.get("title") if isinstance(item, dict) else None
        text = item.get("text", "") if isinstance(item, dict) else None
        if not isinstance(title, str) or not title.strip() or not isinstance(text, str):
            r.problems.append(f"Config value '{name}.offer': item {number} should be a title "
                              "and one line, like { title = \"Lagerstyring\", text = \"Styr "
                              "på lageret fra ordre til levering\" }")
            continue
        offer.append(OfferItem(title.strip(), text.strip()))
    if len(offer) > OFFER_LIMIT:
        r.problems.append(f"Config value '{name}.offer': {len(offer)} offers; the slide holds "
                          f"{OFFER_LIMIT}: keep those customers should hear about first")
        offer = offer[:OFFER_LIMIT]
    contact_sec = r.get(sec, name, "contact", dict, {})
    contact = {key: r.get(contact_sec, f"{name}.contact", key, str, "").strip()
               for key in CONTACT_KEYS}
    if contact["email"]:
        try:
            problem = "should be the address alone, like sales@nordlys.dk" \
                if parse_mailbox(contact["email"]).display_name else None
        except ValueError as exc:
            problem = str(exc)
        if problem:
            r.problems.append(f"Config value '{name}.contact.email': {contact['email']!r} "
                              f"{problem}")
            contact["email"] = ""
    if any(c.isspace() for c in contact["web"]):
        r.problems.append(f"Config value '{name}.contact.web': {contact['web']!r} should be a "
                          "web address without spaces, like nordlys.dk or https://nordlys.dk")
        contact["web"] = ""
    return CompanyProfile(tagline=texts["tagline"], about=texts["about"], offer=tuple(offer),
                          contact=ContactConfig(**contact))


def known_time_zone(name: str) -> bool:
    """True for an IANA time zone name the machine's zone database knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name.strip())


def _read_meeting(r: Reader) -> MeetingConfig:
    sec = r.section("meeting", required=True)
    anchor = r.get(sec, "meeting", "cadence_anchor", dt.date, dt.date(2026, 1, 5), required=True)
    values = {
        "cadence_days": r.get(sec, "meeting", "cadence_days", int, 14),
        "campaign_horizon_weeks": r.get(sec, "meeting", "campaign_horizon_weeks", int, 6),
        "stale_after_days": r.get(sec, "meeting", "stale_after_days", int, 30),
        "sources_window_days": r.get(sec, "meeting", "sources_window_days", int, 365),
        "top_n": r.get(sec, "meeting", "top_n", int, 10),
    }
    for key, value in values.items():
        if value < 1:
            r.problems.append(f"Config value 'meeting.{key}': {value} should be 1 or more")
            values[key] = 1
    as_of = r.get(sec, "meeting", "as_of", dt.date)
    return MeetingConfig(cadence_anchor=anchor, as_of=as_of, **values)


def _read_table_source(r: Reader, name: str, value: Any) -> TableSource | None:
    key = f"data.{name}"
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, dict):
        r.problems.append(f"Config value '{key}': expected a file like \"exports/deals.csv\" or "
                          "{ sql = \"SELECT ...\", url = \"sqlite:///crm.db\" }")
        return None
    texts = {k: value[k] for k in SOURCE if k in value}
    for k, v in texts.items():
        if not isinstance(v, str) or not v.strip():
            r.problems.append(f"Config value '{key}.{k}': {v!r} should be a non-empty string")
            return None
    if "table" in texts and "sql" in texts:
        r.problems.append(f"Config value '{key}': give either table = \"schema.table\" or sql = "
                          "\"SELECT ...\", not both")
        return None
    if "table" not in texts and ("path" in texts) == ("sql" in texts):
        r.problems.append(f"Config value '{key}': give either path = \"file\", sql = \"SELECT "
                          "...\" with url = \"...\", or table = \"crm.opportunities\" (a table of "
                          "the engine's connection; with path, of a DuckDB file)")
        return None
    if "sql" in texts and "url" not in texts:
        r.problems.append(f"Config value '{key}.url': missing; a SQLAlchemy URL like "
                          "\"sqlite:///crm.db\" or \"postgresql://user@host/crm\"")
        return None
    path = r.path(texts.get("path"))
    if path is not None and not path.is_file():
        r.problems.append(f"Config value '{key}.path': file {path} does not exist")
        return None
    if "preset" in texts:
        _check_preset(r, f"{key}.preset", texts["preset"])
    if "date_format" in texts:
        _check_date_format(r, f"{key}.date_format", texts["date_format"])
    if path is not None and "table" in texts and path.suffix.lower() not in (".duckdb", ".ddb"):
        r.problems.append(f"Config value '{key}.table': a table is read from a DuckDB file "
                          f"(.duckdb); {path.name} is read whole, without table")
        return None
    return TableSource(path=path, sheet=texts.get("sheet"), sql=texts.get("sql"),
                       url=texts.get("url"), password_env=texts.get("password_env"),
                       preset=texts.get("preset"), date_format=texts.get("date_format"),
                       table=texts.get("table"))


def _check_date_format(r: Reader, key: str, fmt: str) -> None:
    """A strptime format that reads back the date it writes (day, month and year in it)."""
    sample = dt.datetime(2026, 11, 24, 10, 11)
    try:
        ok = dt.datetime.strptime(sample.strftime(fmt), fmt).date() == sample.date()
    except ValueError:
        ok = False
    if not ok:
        r.problems.append(f"Config value '{key}': {fmt!r} is not a date format with day, month "
                          "and year, like \"%d-%m-%Y\" or \"%Y-%m-%d %H:%M\"")


def _check_preset(r: Reader, key: str, name: str) -> bool:
    if name not in PRESET_NAMES:
        r.problems.append(f"Config value '{key}': unknown preset {name!r} "
                          f"(known: {', '.join(PRESET_NAMES)})")
        return False
    return True


def _texts_by_table(r: Reader, sec: dict[str, Any], key: str,
                    meaning: str) -> dict[str, dict[str, str]]:
    """`data.<key>`: per table of the dataset, canonical columns mapped to texts (`meaning`)."""
    found: dict[str, dict[str, str]] = {}
    for name, spec in r.get(sec, "data", key, dict, {}).items():
        if name not in DATA_TABLES or not isinstance(spec, dict) or not all(
                isinstance(v, str) for v in spec.values()):
            r.problems.append(f"Config value 'data.{key}.{name}': expected a table of the "
                              f"dataset ({', '.join(DATA_TABLES)}) mapping canonical columns to "
                              f"{meaning}")
            continue
        found[name] = dict(spec)
    return found


def _read_data(r: Reader) -> DataConfig:
    sec = r.section("data", required=True)
    tables: dict[str, TableSource] = {}
    for name in DATA_TABLES:
        if name in sec:
            source = _read_table_source(r, name, sec[name])
            if source is not None:
                tables[name] = source
    has_tables = any(name in sec for name in DATA_TABLES)
    path = r.path(r.get(sec, "data", "path", str, ".", required=not has_tables)) or r.base_dir
    if not path.exists():
        r.problems.append(f"Config value 'data.path': {path} does not exist")
    preset = r.get(sec, "data", "preset", str, "canonical")
    if not _check_preset(r, "data.preset", preset):
        preset = "canonical"
    columns = _texts_by_table(r, sec, "columns",
                              "source headers, like { owner = \"Sales Agent\" }")
    defaults = _texts_by_table(r, sec, "defaults", "the text an empty or missing cell gets, "
                               "like { owner = \"Unassigned\" }")
    empty_values = r.get(sec, "data", "empty_values", list, [])
    if not all(isinstance(v, str) for v in empty_values):
        r.problems.append("Config value 'data.empty_values': should be a list of texts, like "
                          "[\"Select\", \"-\"]")
        empty_values = []
    encoding = r.get(sec, "data", "encoding", str)
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            r.problems.append(f"Config value 'data.encoding': {encoding!r} is not a known "
                              "encoding (examples: utf-8, cp1252, latin-1)")
            encoding = None
    separator = r.get(sec, "data", "separator", str)
    if separator is not None and separator not in (",", ";", "\t", "|"):
        r.problems.append(f"Config value 'data.separator': {separator!r} should be one of "
                          "',', ';', '\\t', '|'")
        separator = None
    pipelines = r.get(sec, "data", "pipelines", list, [])
    if not all(isinstance(p, str) for p in pipelines):
        r.problems.append("Config value 'data.pipelines': should be a list of pipeline names")
        pipelines = []
    merge_channels = r.get(sec, "data", "merge_channel_spellings", bool, True)
    date_format = r.get(sec, "data", "date_format", str)
    if date_format is not None:
        _check_date_format(r, "data.date_format", date_format)
    decimal = r.get(sec, "data", "decimal", str, ".")
    if decimal not in (".", ","):
        r.problems.append(f"Config value 'data.decimal': {decimal!r} should be '.' or ','")
        decimal = "."
    rates_raw = r.get(sec, "data", "currency_rates", dict, {})
    rate_table = None
    if "path" in rates_raw or "dated" in rates_raw:
        rate_table = _read_rate_table(r, rates_raw)
        # written-out rates beside the tables: for currencies the tables lack
        rates_raw = {k: v for k, v in rates_raw.items() if k not in ("path", "dated", "preset")}
    lookups = {name: source for name in LOOKUP_TABLES if name in sec
               for source in [_read_table_source(r, name, sec[name])] if source is not None}
    rates: dict[str, float] = {}
    for code, rate in rates_raw.items():
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0:
            r.problems.append(f"Config value 'data.currency_rates.{code}': {rate!r} should be a "
                              "positive number (company currency per unit)")
        else:
            rates[code.upper()] = float(rate)
    return DataConfig(path, date_format, decimal, rates, preset=preset, tables=tables,
                      columns=columns, encoding=encoding, separator=separator,
                      pipelines=tuple(pipelines), defaults=defaults,
                      empty_values=tuple(empty_values), decimal_given="decimal" in sec,
                      path_given="path" in sec, merge_channel_spellings=merge_channels,
                      lookups=lookups, rate_table=rate_table)


def _read_rate_table(r: Reader, value: dict[str, Any]) -> RateTableSource | None:
    """currency_rates = { path = "CurrencyType.csv", dated = "DatedConversionRate.csv",
    preset = "salesforce" }: the CRM's own rate tables instead of rates written out."""
    key = "data.currency_rates"
    known = {"path", "dated", "preset"}
    codes = {k for k in value if len(k) == 3 and k.isalpha() and k.isupper()}
    problems = [f"Config value '{key}.{extra}': unknown (known: {', '.join(sorted(known))}, "
                "and rates for currencies the tables lack: EUR = 7.46)"
                for extra in sorted(set(value) - known - codes)]
    paths: dict[str, Path | None] = {}
    for name in ("path", "dated"):
        text = value.get(name)
        if text is None:
            paths[name] = None
        elif not isinstance(text, str) or not text.strip():
            problems.append(f"Config value '{key}.{name}': {text!r} should be a file name")
        elif not (found := r.path(text)) or not found.is_file():
            problems.append(f"Config value '{key}.{name}': file {found} does not exist")
        else:
            paths[name] = found
    preset = value.get("preset", "salesforce")
    if preset != "salesforce":
        problems.append(f"Config value '{key}.preset': {preset!r}; the rate tables read are "
                        "Salesforce's (CurrencyType, DatedConversionRate): \"salesforce\"")
    r.problems.extend(problems)
    if problems:
        return None
    return RateTableSource(paths.get("path"), paths.get("dated"), "salesforce")


def _read_stages(r: Reader) -> dict[str, StageConfig]:
    sec = r.section("stages", required=True)
    stages: dict[str, StageConfig] = {}
    for name, spec in sec.items():
        key = f"stages.{name}"
        if not isinstance(spec, dict):
            r.problems.append(f"Config value '{key}': expected {{ step = \"opportunity\", "
                              "probability = 0.2 }")
            continue
        step = spec.get("step")
        if step not in FUNNEL_STEPS:
            r.problems.append(f"Config value '{key}.step': {step!r} should be one of "
                              f"{', '.join(FUNNEL_STEPS)}")
            continue
        default_p = {"won": 1.0, "lost": 0.0}.get(step)
        prob = spec.get("probability", default_p)
        if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0 <= prob <= 1:
            r.problems.append(f"Config value '{key}.probability': {prob!r} should be a number "
                              "from 0 to 1")
            continue
        stages[name] = StageConfig(name, step, float(prob))
    if sec and not any(s.step == "won" for s in stages.values()):
        r.problems.append("Config section [stages]: no stage maps to step 'won'")
    return stages


def _read_output(r: Reader) -> OutputConfig:
    sec = r.section("output")
    formats = r.get(sec, "output", "formats", list, ["html", "json"])
    out_dir = r.path(r.get(sec, "output", "dir", str, "out")) or r.base_dir / "out"
    templates = r.path(r.get(sec, "output", "templates", str))
    if templates is not None and not templates.is_dir():
        r.problems.append(f"Config value 'output.templates': folder {templates} does not exist")
        templates = None
    orientation = r.get(sec, "output", "page_orientation", str, "landscape")
    if orientation not in PAGE_ORIENTATIONS:
        r.problems.append(f"Config value 'output.page_orientation': {orientation!r} should be "
                          f"one of {', '.join(PAGE_ORIENTATIONS)}")
        orientation = "landscape"
    browser = r.path(r.get(sec, "output", "browser", str))
    return OutputConfig(tuple(str(f) for f in formats), out_dir, templates, orientation, browser)


def _read_deck(r: Reader) -> DeckConfig:
    sec = r.section("deck")
    template = r.path(r.get(sec, "deck", "template", str))
    if template is not None:
        if template.suffix.lower() not in DECK_TEMPLATE_SUFFIXES:
            r.problems.append(f"Config value 'deck.template': {template.name} should be a "
                              "PowerPoint .pptx or .potx file")
            template = None
        elif not template.is_file():
            r.problems.append(f"Config value 'deck.template': file {template} does not exist")
            template = None
    layouts: dict[str, str] = {}
    for kind, name in r.get(sec, "deck", "layouts", dict, {}).items():
        if kind not in SLIDE_KINDS:
            r.problems.append(f"Config value 'deck.layouts.{kind}': unknown slide kind "
                              f"(known: {', '.join(SLIDE_KINDS)})")
        elif not isinstance(name, str) or not name.strip():
            r.problems.append(f"Config value 'deck.layouts.{kind}': {name!r} should be the "
                              "name of a slide layout in the template, like \"Title Only\"")
        else:
            layouts[kind] = name.strip()
    days = r.get(sec, "deck", "reference_days", int, 90)
    if days < 1:
        r.problems.append(f"Config value 'deck.reference_days': {days} should be 1 or more")
        days = 90
    return DeckConfig(template, layouts, days)


def _read_history(r: Reader) -> HistoryConfig:
    sec = r.section("history")
    enabled = r.get(sec, "history", "enabled", bool, True)
    return HistoryConfig(enabled, r.path(r.get(sec, "history", "path", str)))


def load_config(path: str | Path) -> Config:
    """Read and check report.toml; raise ConfigError listing every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(path, [f"file not found: {path}"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"{path.name}: not valid TOML: not UTF-8 text ({exc})"]) from None
    except tomllib.TOMLDecodeError as exc:  # its message ends "(at line 3, column 5)"
        raise ConfigError(path, [f"{path.name}: not valid TOML: {exc}"]) from None
    r = Reader(raw, path.resolve().parent)
    r.problems.extend(unknown_keys(raw, text, path.name))
    config = Config(
        path=path,
        company=_read_company(r),
        meeting=_read_meeting(r),
        data=_read_data(r),
        stages=_read_stages(r),
        output=_read_output(r),
        deck=_read_deck(r),
        email=read_email(r, path),
        history=_read_history(r),
        engine=read_engine(r),
    )
    if r.problems:
        raise ConfigError(path, r.problems)
    return config
