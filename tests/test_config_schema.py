"""Every key of report.toml is checked against one schema: a misspelt key anywhere is exit 2 with
the file, the line, the section and the nearest known key; every problem is listed in one run."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.config.dataset_names import (
    DATA_TABLES,
    DATASET_COLUMNS,
    LOOKUP_TABLES,
    PRESET_NAMES,
)
from report_builder.config.schema import key_lines, unknown_keys
from report_builder.data.presets import PRESETS
from report_builder.data.schema import DATASET_TABLES
from report_builder.errors import ConfigError
from report_builder.starter.config_text import config_text
from report_builder.starter.examples import Stage
from report_builder.starter.inspect_config import starter_config
from tests.small_company import write_company
from tests.test_inspect import DEALS, HEADER, export
from tests.test_presets import csv_bytes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EMAIL = '[email]\nhost = "smtp.example.com"\nsender = "p@example.com"\nto = "a@example.com"\n'


def line_of(text: str, needle: str) -> int:
    """The line (from 1) of the first line holding `needle`: worked out apart from the code."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# (what to change in the small company's report.toml, the misspelt key's line text, the path
# named, its section, the suggestion)
MISSPELT = [
    (("locale = ", "locael = "), "locael", "company.locael", "[company]", "`locale`"),
    (("cadence_days = 14", "cadense_days = 14"), "cadense_days", "meeting.cadense_days",
     "[meeting]", "`cadence_days`"),
    (('path = "data"\n', 'path = "data"\ndecimel = ","\n'), "decimel", "data.decimel", "[data]",
     "`decimal`"),
    (('path = "data"\n', 'path = "data"\ndeals = { path = "data/deals.csv", presett = "x" }\n'),
     "presett", "data.deals.presett", "[data.deals]", "`preset`"),
    ((None, '[data.columns.deals]\nownr = "Owner"\n'), "ownr", "data.columns.deals.ownr",
     "[data.columns.deals]", "`owner`"),
    ((None, '[data.defaults.leads]\nsource_chanel = "Web"\n'), "source_chanel",
     "data.defaults.leads.source_chanel", "[data.defaults.leads]", "`source_channel`"),
    (('"Won" = { step = "won" }', '"Won" = { stpe = "won" }'), "stpe", "stages.Won.stpe",
     "[stages.Won]", "`step`"),
    ((None, '[output]\nformts = ["html"]\n'), "formts", "output.formts", "[output]",
     "`formats`"),
    ((None, '[deck]\nreference_dayz = 30\n'), "reference_dayz", "deck.reference_dayz", "[deck]",
     "`reference_days`"),
    ((None, '[history]\nenabeld = false\n'), "enabeld", "history.enabeld", "[history]",
     "`enabled`"),
    ((None, '[engine]\nmemory_limt = "200MB"\n'), "memory_limt", "engine.memory_limt",
     "[engine]", "`memory_limit`"),
    ((None, '[company.profile]\ntaglin = "Stock that adds up"\n'), "taglin",
     "company.profile.taglin", "[company.profile]", "`tagline`"),
    ((None, '[[company.profile.offer]]\ntitle = "Stock"\ntekst = "Stock that adds up"\n'),
     "tekst", "company.profile.offer.tekst", "[company.profile.offer]", "`text`"),
    ((None, '[company.profile.contact]\nemial = "sales@small.example"\n'), "emial",
     "company.profile.contact.emial", "[company.profile.contact]", "`email`"),
    ((None, EMAIL + 'subjct = "Pipeline {{ date }}"\n'), "subjct", "email.subjct", "[email]",
     "`subject`"),
]


@pytest.mark.parametrize(("change", "needle", "key", "section", "near"), MISSPELT,
                         ids=[case[2] for case in MISSPELT])
def test_a_misspelt_key_in_each_section(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str | None, str],
        needle: str, key: str, section: str, near: str) -> None:
    config = write_company(tmp_path)
    old, new = change
    text = config.read_text(encoding="utf-8")
    text = text + new if old is None else text.replace(old, new)
    assert text != config.read_text(encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    assert main(["validate", str(config)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err
    assert f"Config {config} has" in err
    assert (f"Config value '{key}': unknown key in {section} (report.toml, line "
            f"{line_of(text, needle)}); did you mean {near}?") in err


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config=(
        '[output]\nformts = ["html"]\npage_orientation = "sideways"\n'
        "[history]\ncolour = 1\nenabled = \"yes\"\n"))
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("cadence_days = 14", "cadense_days = 14")
                      .replace('"Won" = { step = "won" }', '"Won" = { stpe = "won" }'),
                      encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [
        "Config value 'meeting.cadense_days': unknown key in [meeting] (report.toml, line 10); "
        "did you mean `cadence_days`?",
        "Config value 'stages.Won.stpe': unknown key in [stages.Won] (report.toml, line 21); "
        "did you mean `step`?",
        "Config value 'output.formts': unknown key in [output] (report.toml, line 24); "
        "did you mean `formats`?",
        "Config value 'history.colour': unknown key in [history] (report.toml, line 27) "
        "(known: enabled, path)",
        "Config value 'stages.Won.step': None should be one of opportunity, quote, won, lost",
        "Config section [stages]: no stage maps to step 'won'",
        "Config value 'output.page_orientation': 'sideways' should be one of landscape, "
        "portrait",
        "Config value 'history.enabled': 'yes' should be a bool",
    ]


def test_an_unknown_section_and_a_key_in_the_wrong_table(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config='[outptu]\nformats = ["html"]\n')
    config.write_text('timezone = "Europe/Copenhagen"\n' + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [
        "Config value 'timezone': unknown key at the top level (report.toml, line 1); "
        "`timezone` is a key of [company] (known here: company, meeting, data, stages, output, "
        "deck, history, email, engine)",
        "Config section [outptu] is unknown (report.toml, line 24); did you mean [output]?",
    ]


def test_a_password_in_the_file_is_refused_with_its_own_message(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config=EMAIL + 'password = "hunter2"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [
        "Config value 'email.password': passwords are never read from the file; set "
        "password_env to the name of an environment variable that holds it "
        "(report.toml, line 27)",
    ]


def test_a_toml_syntax_error_names_the_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace("cadence_days = 14",
                                                                 "cadence_days 14"),
                      encoding="utf-8")
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "report.toml: not valid TOML: Expected '=' after a key in a key/value pair " \
           "(at line 10, column 14)" in err
    assert "Traceback" not in err


def test_key_lines_of_headers_dotted_quoted_and_multiline_values() -> None:
    text = ('top = 1\n[data]\nsql = """\nlocael = 1\n"""\ncolumns.deals.owner = "A"\n'
            '[stages]\n"Closed won" = { step = "won" }\n[ "data" . \'x y\' ]\nk = [\n  1,\n]\n')
    assert key_lines(text) == {
        ("top",): 1, ("data",): 2, ("data", "sql"): 3, ("data", "columns", "deals", "owner"): 6,
        ("stages",): 7, ("stages", "Closed won"): 8, ("data", "x y"): 9, ("data", "x y", "k"): 10,
    }


def test_column_keys_are_the_canonical_columns_and_those_presets_read() -> None:
    """The config's copy of the data layer's names (config/dataset_names.py) is exactly the
    data layer's: worked out here from data/schema.py and data/presets."""
    expected = {name: [c.name for c in DATASET_TABLES[name].columns] for name in DATASET_TABLES}
    for preset in PRESETS.values():
        for name, mapping in preset.tables.items():
            expected[name] += [c for c in mapping.columns if c not in expected[name]]
    assert {name: list(cols) for name, cols in DATASET_COLUMNS.items()} == expected, \
        "a column was added or renamed in the data layer: list it in config/dataset_names.py"
    assert tuple(DATASET_TABLES) == DATA_TABLES
    assert tuple(PRESETS) == PRESET_NAMES, \
        "a preset was added or renamed in data/presets: list it in config/dataset_names.py"
    assert "is_deleted" in DATASET_COLUMNS["stage_history"]  # read by the Salesforce preset
    assert "ownr" not in DATASET_COLUMNS["deals"]
    for preset in PRESETS.values():  # the name tables a preset reads are lookup tables
        assert set(preset.names) <= set(LOOKUP_TABLES)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*/report.toml")),
                         ids=lambda p: p.parent.name)
def test_the_examples_load(example: Path) -> None:
    """Every example has no unknown key; those whose data is the public samples beside the
    repository (../shared/data) load only where that folder is."""
    text = example.read_text(encoding="utf-8")
    assert unknown_keys(tomllib.loads(text), text, example.name) == []
    if "shared/data" in text and not (EXAMPLES.parent.parent / "shared" / "data").is_dir():
        pytest.skip("../shared/data is absent")
    assert load_config(example).stages


def every_setting(text: str) -> str:
    """`text` with each commented-out setting (a line that is a whole TOML key or table header)
    uncommented, as a user told to "remove the # to use a setting" would."""
    lines = []
    for line in text.splitlines():
        setting = line[2:] if line.startswith("# ") else ""
        try:
            tomllib.loads(setting)
        except tomllib.TOMLDecodeError:
            setting = ""
        lines.append(setting if setting.strip() else line)
    return "\n".join(lines)


def test_the_init_config_has_no_unknown_key_even_with_every_setting_in_use() -> None:
    text = config_text(company="Acme", currency="DKK", locale="da_DK",
                       anchor=dt.date(2026, 11, 24), data_path="pipeline",
                       stages=(Stage("Discovery", "opportunity", 0.2),
                               Stage("Closed won", "won", None)))
    full = every_setting(text)
    assert full.count("\n[") > text.count("\n[") + 3  # the commented sections are in use
    raw = tomllib.loads(full)
    assert raw["email"]["retry_delay"] == 10 and raw["deck"]["layouts"]["title"]
    assert unknown_keys(raw, full, "report.toml") == []


def test_the_inspect_config_has_no_unknown_key_even_with_every_setting_in_use(
        tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    currencies = ["EUR", "USD", "EUR", "SEK", "EUR"]
    rows = [[*deal, cur] for deal, cur in zip(export(DEALS), currencies, strict=True)]
    path.write_bytes(csv_bytes([*HEADER, "Deal currency code"], rows, bom=True, crlf=True))
    text = starter_config(path, "deals.csv", today=dt.date(2026, 11, 24))
    full = every_setting(text)
    raw = tomllib.loads(full)
    assert raw["data"]["preset"] == "hubspot"
    assert set(raw["data"]["currency_rates"]) == {"USD", "SEK"}  # the commented rate lines
    assert unknown_keys(raw, full, "report.toml") == []
    (tmp_path / "report.toml").write_text(text, encoding="utf-8")
    assert load_config(tmp_path / "report.toml").data.preset == "hubspot"
    full_config = tmp_path / "full.toml"  # every setting in use: problems, none an unknown key
    full_config.write_text(full, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(full_config)
    assert not [p for p in caught.value.problems if "unknown" in p]


PROFILE = """
[company.profile]
tagline = "Stock that adds up"
about = \"\"\"
We make stock software.

Since 2012.
\"\"\"

[[company.profile.offer]]
title = "Stock"
text = "Counts that match."

[[company.profile.offer]]
title = "Planning"

[company.profile.contact]
name = "Karen"
email = "sales@small.example"
web = "small.example"
"""


def test_the_company_profile_is_read(tmp_path: Path) -> None:
    profile = load_config(write_company(tmp_path, extra_config=PROFILE)).company.profile
    assert profile.tagline == "Stock that adds up"
    assert profile.about == "We make stock software.\n\nSince 2012."
    assert [(o.title, o.text) for o in profile.offer] == [("Stock", "Counts that match."),
                                                         ("Planning", "")]
    assert (profile.contact.name, profile.contact.email, profile.contact.web) == \
        ("Karen", "sales@small.example", "small.example")
    assert profile.missing() == ("contact.title", "contact.phone")
    assert load_config(write_company(tmp_path / "bare")).company.profile.missing() == (
        "tagline", "about", "offer", "contact.name", "contact.title", "contact.email",
        "contact.phone", "contact.web")


def test_every_problem_of_the_profile_is_listed(tmp_path: Path) -> None:
    offers = "".join(f'[[company.profile.offer]]\ntitle = "Offer {n}"\n' for n in range(7))
    config = write_company(tmp_path, extra_config=(
        '[company.profile]\ntagline = 7\n[[company.profile.offer]]\ntext = "no title"\n'
        + offers + '[company.profile.contact]\nemail = "Karen <sales@small.example>"\n'
        'web = "small example"\nphone = "+45 70 20 30 40"\n'))
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [
        "Config value 'company.profile.tagline': 7 should be a str",
        "Config value 'company.profile.offer': item 1 should be a title and one line, like "
        "{ title = \"Lagerstyring\", text = \"Styr på lageret fra ordre til levering\" }",
        "Config value 'company.profile.offer': 7 offers; the slide holds 6: keep those "
        "customers should hear about first",
        "Config value 'company.profile.contact.email': 'Karen <sales@small.example>' should be "
        "the address alone, like sales@nordlys.dk",
        "Config value 'company.profile.contact.web': 'small example' should be a web address "
        "without spaces, like nordlys.dk or https://nordlys.dk",
    ]
