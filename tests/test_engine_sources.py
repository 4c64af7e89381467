"""Points 3 to 5 computed in the engine (model/engine_channels.py, engine_customers.py,
engine_headline.py) give every figure the pandas sections give: channels, campaigns and their
results, rejection reasons, customers and references, the campaigns section and the headline's
counts, on the fixtures of tests/test_engine_sections.py, on a company with more channels,
campaigns and reasons than the caps show (so every "Other" row is compared) and on one without
leads; and they ask the engine few questions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.engine import connect, scan_parquet_folder
from report_builder.model import (
    campaigns,
    caps,
    channels,
    customers,
    engine_channels,
    engine_customers,
    engine_headline,
    headline,
)
from report_builder.model.engine_view import EngineView, make_engine_view
from report_builder.model.view import ModelView, between
from report_builder.renderers.json import to_plain
from tests.small_company import CAMPAIGN_COLUMNS, CAMPAIGNS, DEALS, LEADS, write_company, write_csv
from tests.test_engine_sections import DATES, FIXTURES, differences
from tests.test_engine_view import AS_OF, both_views

CHANNELS = caps.CHANNELS + 5
CAMPAIGN_COUNT = caps.CAMPAIGNS + 6
REASONS = caps.REASONS + 3


def many_sources(folder: Path, *, step: float = 137.25) -> Path:
    """The small company with more channels, campaigns (active in the sources window) and won,
    lost and rejection reasons than the caps show, some deals taking their channel and campaign
    from their first lead. The amounts go up in `step`s: in quarters, every sum is exact
    whatever order the rows are added in."""
    day = dt.date(2026, 10, 1)
    deals, leads = [*DEALS], [*LEADS]
    for i in range(80):
        won = i % 3 != 2
        close = (day + dt.timedelta(days=i % 50)).isoformat()
        channel = "" if i % 7 == 0 else f"Channel {i % CHANNELS:02}"
        campaign = "" if i % 5 == 0 else f"K{i % CAMPAIGN_COUNT:02}"
        deals.append([f"E{i:03}", f"Deal {i}", f"Account {i % 23}", "Anna", "North",
                      "Won" if won else "Lost", f"{1000 + step * (i % 17):.2f}", "",
                      (day - dt.timedelta(days=30 + i)).isoformat(), close, channel, campaign,
                      f"Win {i // 3 % REASONS}" if won and i % 11 else "",
                      "" if won else f"Loss {i // 3 % REASONS}", close, "",
                      str(i % 4 == 0).lower()])
    for i in range(150):
        created = (day - dt.timedelta(days=i % 120)).isoformat()
        mql = (day - dt.timedelta(days=i % 120 - 3)).isoformat()
        status = "rejected" if i % 4 == 0 else "accepted"
        deal = f"E{i % 80:03}" if i % 3 == 0 else ""
        leads.append([f"M{i:03}", created, f"Channel {(i * 7) % CHANNELS:02}",
                      f"K{(i * 5) % CAMPAIGN_COUNT:02}", "Anna", "" if i % 10 == 1 else mql,
                      mql if i % 2 else "", mql if i % 5 == 0 else "", "", deal, status,
                      f"Why {i % REASONS}" if status == "rejected" and i % 9 else ""])
    config = write_company(folder, deals=deals, leads=leads)
    more = [[f"K{i:02}", f"Campaign {i}", f"Channel {i % CHANNELS:02}", "2026-06-01",
             "2026-12-31", "Sofie", "" if i % 4 == 0 else str(1000 * i), "", "", "true"]
            for i in range(CAMPAIGN_COUNT)]
    write_csv(folder / "data" / "campaigns.csv", CAMPAIGN_COLUMNS, [*CAMPAIGNS, *more])
    return config


ALL_FIXTURES: dict[str, Callable[[Path], Path]] = {
    **FIXTURES, "many_sources": many_sources,
    "no_leads": lambda folder: write_company(folder, leads=[]),
}
ALL_DATES = [*DATES, ("many_sources", dt.date(2026, 11, 24)), ("no_leads", dt.date(2026, 11, 24))]
IDS = [f"{f}-{d}" for f, d in ALL_DATES]


@pytest.fixture(params=ALL_DATES, ids=IDS)
def views(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, ModelView, EngineView]:
    fixture, as_of = request.param
    return fixture, *both_views(load_config(ALL_FIXTURES[fixture](tmp_path)), as_of)


def test_the_sources_and_campaign_results_have_the_same_figures(
        views: tuple[str, ModelView, EngineView]) -> None:
    fixture, pandas_view, engine_view = views
    results = channels.campaign_results(pandas_view)
    expected = channels.build_sources(pandas_view, results)
    counts = engine_channels.count_sources(engine_view)
    found = engine_channels.campaign_results(engine_view, counts)
    assert found == results
    assert differences(expected, engine_channels.build_sources(engine_view, found, counts)) == []
    if fixture == "many_sources":  # the "Other" rows are compared on data that has them
        assert expected.channels[-1].others and expected.campaigns[-1].others
        assert expected.rejection_reasons[-1].others


def test_the_campaigns_section_from_either_view(views: tuple[str, ModelView, EngineView]
                                                ) -> None:
    _, pandas_view, engine_view = views
    results = channels.campaign_results(pandas_view)
    expected = campaigns.build_campaigns(pandas_view, results)
    found = campaigns.build_campaigns(
        engine_view, engine_channels.campaign_results(
            engine_view, engine_channels.count_sources(engine_view)))
    assert differences(expected, found) == []


def test_the_customers_section_has_the_same_figures(views: tuple[str, ModelView, EngineView]
                                                    ) -> None:
    fixture, pandas_view, engine_view = views
    expected = customers.build_customers(pandas_view)
    assert differences(expected, engine_customers.build_customers(engine_view)) == []
    if fixture == "many_sources":
        assert expected.win_reasons[-1].others and expected.loss_reasons[-1].others
        assert expected.won and expected.references and expected.new_customers


def test_the_headline_counts_have_the_same_figures(views: tuple[str, ModelView, EngineView]
                                                   ) -> None:
    _, pandas_view, engine_view = views
    meetings = int(between(pandas_view.leads["meeting_date"], pandas_view.period).sum())
    assert engine_headline.meetings_booked(engine_view) == meetings
    assert engine_headline.window_before(engine_view) == headline.window_before(pandas_view)


def test_amounts_with_cents_give_the_figures_as_the_json_writes_them(tmp_path: Path) -> None:
    """Sums of amounts with cents differ in their last bit with the order they are added in:
    pandas adds a column in the file's order, the engine with compensated summation
    (engine/sums.py); the pack writes 4 places, and there they agree."""
    pandas_view, engine_view = both_views(load_config(many_sources(tmp_path, step=137.37)))
    counts = engine_channels.count_sources(engine_view)
    results = engine_channels.campaign_results(engine_view, counts)
    expected = (channels.build_sources(pandas_view, channels.campaign_results(pandas_view)),
                customers.build_customers(pandas_view))
    found = (engine_channels.build_sources(engine_view, results, counts),
             engine_customers.build_customers(engine_view))
    assert to_plain(found) == to_plain(expected)
    assert pandas_view.as_of == AS_OF


def test_the_sections_from_parquet_scanned_in_the_engine(tmp_path: Path) -> None:
    """The company with many sources, its checked tables written as Parquet and scanned by the
    engine (typed there, the deals' value derived there), gives the same sections."""
    config = load_config(many_sources(tmp_path))
    pandas_view, _ = both_views(config)
    dataset = load_dataset(config)
    folder = tmp_path / "parquet"
    folder.mkdir()
    for name in ("deals", "leads", "targets", "campaigns"):
        frame = getattr(dataset, name).drop(columns=["step", "value", "win_probability"],
                                            errors="ignore")
        frame.to_parquet(folder / f"{name}.parquet")
    engine_view = make_engine_view(scan_parquet_folder(connect(), folder, config), config, AS_OF)
    results = channels.campaign_results(pandas_view)
    counts = engine_channels.count_sources(engine_view)
    found = engine_channels.campaign_results(engine_view, counts)
    assert found == results
    assert differences(channels.build_sources(pandas_view, results),
                       engine_channels.build_sources(engine_view, found, counts)) == []
    assert differences(customers.build_customers(pandas_view),
                       engine_customers.build_customers(engine_view)) == []
    assert differences(campaigns.build_campaigns(pandas_view, results),
                       campaigns.build_campaigns(engine_view, found)) == []


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every query the engine runs while the test runs."""
    asked: list[str] = []
    run = DuckDBBackend._to_duckdb_relation

    def counted(self: DuckDBBackend, expr: object, **kwargs: object) -> object:
        asked.append(str(self.compile(expr)))  # type: ignore[arg-type]
        return run(self, expr, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DuckDBBackend, "_to_duckdb_relation", counted)
    yield asked


def test_the_sections_ask_the_engine_few_questions(queries: list[str], tmp_path: Path) -> None:
    """Every channel's, campaign's and reason's counts in one query; the customers in four
    (figures, the listed deals, the reasons, the references); the headline's counts in one
    each."""
    _, engine_view = both_views(load_config(many_sources(tmp_path)))
    queries.clear()
    counts = engine_channels.count_sources(engine_view)
    engine_channels.build_sources(engine_view,
                                  engine_channels.campaign_results(engine_view, counts), counts)
    assert len(queries) == 1
    engine_customers.build_customers(engine_view)
    assert len(queries) == 1 + 4
    engine_headline.meetings_booked(engine_view)
    engine_headline.window_before(engine_view)
    assert len(queries) == 1 + 4 + 2
