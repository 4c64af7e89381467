"""The campaigns' optional event columns (event_date, event_time, event_place, signup_link):
read into one form each, or refused naming the file, row, column and value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from report_builder.config import load_config
from report_builder.data.event_values import time_of_day, web_link
from report_builder.data.load import load_dataset
from report_builder.errors import DataError
from report_builder.model.build import build_agenda
from tests.small_company import CAMPAIGN_COLUMNS, CAMPAIGNS, write_company, write_csv

EVENT_COLUMNS = ["event_date", "event_time", "event_place", "signup_link"]
# C2 "Event: Messe" runs 2026-11-10 to 2026-12-10; the fair itself is one day in it
MESSE = ["2026-12-03", "kl. 9.30", "MCH Herning, hal M", "small.example/messe"]


def company_with_events(folder: Path, events: dict[str, list[str]]) -> Path:
    """The small company, its campaigns table with the event columns (`events`: by id)."""
    config = write_company(folder)
    rows = [row + events.get(row[0], ["", "", "", ""]) for row in CAMPAIGNS]
    write_csv(folder / "data" / "campaigns.csv", CAMPAIGN_COLUMNS + EVENT_COLUMNS, rows)
    return config


def test_the_event_columns_reach_the_agenda(tmp_path: Path) -> None:
    config = load_config(company_with_events(tmp_path, {"C2": MESSE}))
    agenda = build_agenda(load_dataset(config), config, dt.date(2026, 11, 24))
    messe = next(c for c in agenda.campaigns.upcoming if c.campaign_id == "C2")
    assert (messe.event_date, messe.event_time, messe.event_place, messe.signup_link) == (
        dt.date(2026, 12, 3), dt.time(9, 30), "MCH Herning, hal M", "small.example/messe")
    assert (messe.start_date, messe.end_date) == (dt.date(2026, 11, 10), dt.date(2026, 12, 10))


def test_without_the_columns_nothing_changes(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    agenda = build_agenda(load_dataset(config), config, dt.date(2026, 11, 24))
    assert {(c.event_date, c.event_time, c.event_place, c.signup_link)
            for c in agenda.campaigns.upcoming} == {(None, None, None, None)}


def test_bad_event_values_name_file_row_column_and_value(tmp_path: Path) -> None:
    config = load_config(company_with_events(tmp_path, {
        "C1": ["2026-12-32", "25:00", "Online", "javascript:alert(1)"],
        "C2": ["2026-12-03", "half past", "", "see the intranet"]}))
    with pytest.raises(DataError) as caught:
        load_dataset(config)
    assert sorted(map(str, caught.value.problems)) == sorted([
        "campaigns.csv, row 2, column 'event_date': value '2026-12-32': is not a date; "
        "expected dates like 2026-11-24 (%Y-%m-%d)",
        "campaigns.csv, row 2, column 'event_time': value '25:00': is not a time; expected a "
        "time of day like 14:00, 14.00 or 2 pm",
        "campaigns.csv, row 3, column 'event_time': value 'half past': is not a time; "
        "expected a time of day like 14:00, 14.00 or 2 pm",
        "campaigns.csv, row 2, column 'signup_link': value 'javascript:alert(1)': is not a web "
        "link; expected a web address like https://nordlys.dk/webinar or nordlys.dk/webinar",
        "campaigns.csv, row 3, column 'signup_link': value 'see the intranet': is not a web "
        "link; expected a web address like https://nordlys.dk/webinar or nordlys.dk/webinar",
    ])


@pytest.mark.parametrize(("written", "read"), [
    ("14:00", "14:00"), ("14.00", "14:00"), ("9:30", "09:30"), ("09:30:00", "09:30"),
    ("14", "14:00"), ("kl. 14.30", "14:30"), ("2 pm", "14:00"), ("2:30 PM", "14:30"),
    ("12 am", "00:00"), (dt.time(9, 5), "09:05"), (0.5, "12:00"),
    ("24:00", None), ("9:60", None), ("13 pm", None), ("noon", None), ("", None)])
def test_times_of_day(written: object, read: str | None) -> None:
    assert time_of_day(written) == read


@pytest.mark.parametrize(("written", "read"), [
    ("https://nordlys.dk/webinar", "https://nordlys.dk/webinar"),
    ("nordlys.dk/julehygge", "nordlys.dk/julehygge"), ("www.nordlys.dk", "www.nordlys.dk"),
    ("http://tilmeld.nordlys.dk/a?b=1", "http://tilmeld.nordlys.dk/a?b=1"),
    ("javascript:alert(1)", None), ("file:///etc/passwd", None), ("ftp://nordlys.dk", None),
    ("http://localhost", None), ("see the intranet", None), ("nordlys", None)])
def test_web_links(written: str, read: str | None) -> None:
    assert web_link(written) == read
