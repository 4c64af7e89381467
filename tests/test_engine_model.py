"""The agenda's sections computed in the engine (model/*.py over engine/):

- on every company of tests/engine_fixtures.py, at each of its dates, every figure equals what
  the pandas sections computed before the engine replaced them (recorded in tests/golden/, as
  the JSON writes them);
- "the first lead of a deal" is the earliest created, then the smallest id, whatever the file's
  order (docs/metrics.md);
- the sections ask the engine few questions.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from report_builder.config import Config, load_config
from report_builder.data.load import load_dataset
from report_builder.engine import connect, register_dataset
from report_builder.model import campaigns, channels, customers, headline, pipeline, targets
from report_builder.model.build import build_agenda
from report_builder.model.view import ModelView, make_view
from report_builder.renderers.json import to_plain
from tests.engine_fixtures import AS_OF, DATES, FIXTURES, many_sources
from tests.small_company import LEADS, write_company

GOLDEN = Path(__file__).resolve().parent / "golden"


def engine_view(config: Config, as_of: dt.date = AS_OF) -> ModelView:
    dataset = load_dataset(config, as_of=as_of)
    return make_view(register_dataset(connect(config.engine), dataset), config, as_of)


def sections(view: ModelView) -> dict[str, Any]:
    """Every section of the agenda the view makes, and the counts beside them."""
    counts = channels.count_sources(view)
    results = channels.campaign_results(view, counts)
    return {
        "targets": targets.build_targets(view),
        "pipeline": pipeline.build_pipeline(view),
        "sources": channels.build_sources(view, results, counts),
        "customers": customers.build_customers(view),
        "campaigns": campaigns.build_campaigns(view, results),
        "meetings_booked": headline.meetings_booked(view),
        "window_before": headline.window_before(view),
        "left_out": {k: getattr(view, k) for k in ("future_deals", "future_leads",
                                                   "closed_after")},
    }


def differences(expected: object, found: object, where: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(found, dict):
        keys = [*expected, *(k for k in found if k not in expected)]
        return [d for k in keys for d in differences(expected.get(k), found.get(k),
                                                     f"{where}.{k}")]
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        return [d for i, (a, b) in enumerate(zip(expected, found, strict=True))
                for d in differences(a, b, f"{where}[{i}]")]
    return [] if expected == found else [f"{where}: expected {expected!r}, found {found!r}"]


@pytest.mark.parametrize(("fixture", "as_of"), DATES, ids=[f"{f}-{d}" for f, d in DATES])
def test_every_figure_is_what_the_pandas_sections_computed(fixture: str, as_of: dt.date,
                                                          tmp_path: Path) -> None:
    expected = json.loads((GOLDEN / f"{fixture}-{as_of.isoformat()}.json").read_text("utf-8"))
    found = json.loads(json.dumps(to_plain(sections(engine_view(
        load_config(FIXTURES[fixture](tmp_path)), as_of)))))
    assert differences(expected, found) == []


def test_the_fixtures_fill_what_they_are_for() -> None:
    """The recorded figures hold what each fixture is there for: "Other" rows, two
    pipelines, rows left out for the notes, empty lists."""
    def golden(name: str) -> dict[str, Any]:
        return json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))  # type: ignore[no-any-return]

    owners = golden("many_owners-2026-11-24")["targets"]
    assert owners["owners"][-1]["others"] and owners["teams"][-1]["others"]
    many = golden("many_sources-2026-11-24")
    assert many["sources"]["channels"][-1]["others"] and many["sources"]["campaigns"][-1]["others"]
    assert many["customers"]["win_reasons"][-1]["others"]
    assert len(golden("two_pipelines-2026-11-24")["pipeline"]["pipelines"]) >= 2
    assert all(golden("example-2026-10-13")["left_out"].values())
    assert golden("small-2026-08-01")["customers"]["won"] == []


def _lead(lead_id: str, created: str, channel: str, campaign: str, deal: str) -> list[str]:
    return [lead_id, created, channel, campaign, "Bo", "", "", "", "", deal, "accepted", ""]


def test_the_first_lead_is_the_earliest_then_the_smallest_id_not_the_first_row(
        tmp_path: Path) -> None:
    """D2 has its own channel but no campaign: it takes its first lead's. L7 (2026-09-15, first
    in the file) is not it: K1 and L9 were created a day earlier, and K1 < L9."""
    leads = [*LEADS, _lead("L9", "2026-09-14", "Events", "C2", "D2"),
             _lead("K1", "2026-09-14", "Events", "C1", "D2")]
    reordered = [*leads[:6], leads[-1], leads[-2], *leads[6:-2]]
    for folder, rows in (("first", leads), ("again", reordered)):
        view = engine_view(load_config(write_company(tmp_path / folder, leads=rows)))
        deals = view.deals.to_pandas().set_index("deal_id")
        assert (deals.at["D2", "campaign"], deals.at["D2", "channel"]) == ("C1", "Partner")


def test_the_sections_ask_the_engine_few_questions(queries: list[str], tmp_path: Path) -> None:
    """Each question costs its compiling (~10 ms) whatever the data's size, so the sections
    ask few: the targets of every scope in one, the pipeline's figures in a handful, every
    channel's, campaign's and reason's counts in one, the customers in four, the leads'
    figures of every section in one (model/lead_figures.py)."""
    view = engine_view(load_config(many_sources(tmp_path)))
    asked = {}
    for name, build in (("targets", targets.build_targets),
                        ("pipeline", pipeline.build_pipeline),
                        ("sources", channels.count_sources),
                        ("customers", customers.build_customers),
                        ("meetings", headline.meetings_booked),
                        ("window_before", headline.window_before)):
        queries.clear()
        build(view)
        asked[name] = len(queries)
    # the leads' figures of every section are asked once, by the first section needing them
    # (the pipeline's flow): the meetings booked are among them
    assert asked == {"targets": 2, "pipeline": 6, "sources": 1, "customers": 4, "meetings": 0,
                     "window_before": 1}


def test_the_whole_agenda_is_built_in_one_engine(queries: list[str], tmp_path: Path) -> None:
    config = load_config(many_sources(tmp_path))
    agenda = build_agenda(load_dataset(config, as_of=AS_OF), config, AS_OF)
    assert agenda.targets.company.won > 0
    assert len(queries) <= 25, len(queries)


def test_no_sales_cycle_where_no_deal_won_this_quarter_has_a_created_date(
        tmp_path: Path) -> None:
    """The average sales cycle is of the won deals with a created date: none, when none has
    one (not 0 days)."""
    from tests.small_company import DEAL_COLUMNS, DEALS

    created = DEAL_COLUMNS.index("created_date")
    deals = [[*d[:created], "", *d[created + 1:]] for d in DEALS]
    config = load_config(write_company(tmp_path, deals=deals))
    customers_section = customers.build_customers(engine_view(config))
    assert customers_section.won_in_quarter > 0
    assert customers_section.average_cycle_days is None


@pytest.mark.parametrize("fixture", ["no_leads", "example"])
def test_the_latest_activity_is_the_newest_event_of_deals_and_leads(fixture: str,
                                                                    tmp_path: Path) -> None:
    """The data notes' latest activity, at a date before the data's last day, is the newest
    deal or lead event on or before it, as pandas finds it; a company without leads has its
    deals' (the leads' figures, asked of no rows, are no dates)."""
    import pandas as pd

    as_of = dt.date(2026, 10, 13)
    config = load_config(FIXTURES[fixture](tmp_path))
    dataset = load_dataset(config, as_of=as_of)
    t = pd.Timestamp(as_of)
    deals, leads = dataset.deals, dataset.leads
    closed = deals["step"].isin(["won", "lost"]) & (deals["close_date"] <= t)
    events = [deals.loc[closed, "close_date"]] + [
        frame[c][frame[c] <= t] for frame, columns in (
            (deals, ("created_date", "last_stage_change_date")),
            (leads, ("created_date", "mql_date", "sql_date", "meeting_date", "opportunity_date")))
        for c in columns]
    expected = max(s.max() for s in events if s.notna().any()).date()
    notes = build_agenda(dataset, config, as_of).data_notes
    assert notes.latest_activity == expected
    assert notes.days_since_latest_activity == (as_of - expected).days
