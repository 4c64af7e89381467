"""The model view in the engine (model/engine_view.py) holds the same deals and leads, with the
same derived columns, as the pandas view (model/view.py); and "the first lead of a deal" is the
earliest created, then the smallest id, whatever the file's order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from report_builder.config import Config, load_config
from report_builder.data.load import load_dataset
from report_builder.engine import connect, register_dataset
from report_builder.model.engine_view import EngineView, make_engine_view
from report_builder.model.view import ModelView, make_view
from tests.small_company import LEADS, write_company
from tests.two_pipelines import write_two_pipelines

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
AS_OF = dt.date(2026, 11, 24)


def both_views(config: Config, as_of: dt.date = AS_OF) -> tuple[ModelView, EngineView]:
    dataset = load_dataset(config, as_of=as_of)
    engine = make_engine_view(register_dataset(connect(config.engine), dataset), config, as_of)
    return make_view(dataset, config, as_of), engine


def same_rows(pandas_rows: pd.DataFrame, engine_rows: pd.DataFrame, key: str) -> None:
    """Every column of every row equal (missing values alike), whatever the row order."""
    left = pandas_rows.sort_values(key).reset_index(drop=True)
    right = engine_rows.sort_values(key).reset_index(drop=True)[list(left.columns)]
    assert len(left) == len(right)
    for column in left.columns:
        a, b = left[column].astype(object), right[column].astype(object)
        differ = ~((a == b) | (left[column].isna() & right[column].isna()))
        assert not differ.any(), (column, a[differ].head(3).tolist(), b[differ].head(3).tolist())


@pytest.mark.parametrize("fixture", ["small", "two_pipelines", "example"])
def test_the_engine_view_has_the_pandas_view_rows(fixture: str, tmp_path: Path) -> None:
    path = {"small": lambda: write_company(tmp_path),
            "two_pipelines": lambda: write_two_pipelines(tmp_path),
            "example": lambda: EXAMPLE}[fixture]()
    pandas_view, engine_view = both_views(load_config(path))
    same_rows(pandas_view.deals, engine_view.deals.to_pandas(), "deal_id")
    same_rows(pandas_view.leads, engine_view.leads.to_pandas(), "lead_id")
    assert engine_view.quarter == pandas_view.quarter
    assert engine_view.period == pandas_view.period
    left_out = ("future_deals", "future_leads", "closed_after")
    assert ([getattr(engine_view, name) for name in left_out]
            == [getattr(pandas_view, name) for name in left_out])


def _lead(lead_id: str, created: str, channel: str, campaign: str, deal: str) -> list[str]:
    return [lead_id, created, channel, campaign, "Bo", "", "", "", "", deal, "accepted", ""]


def test_the_first_lead_is_the_earliest_then_the_smallest_id_not_the_first_row(
        tmp_path: Path) -> None:
    """D2 has its own channel but no campaign: it takes its first lead's. L7 (2026-09-15, first
    in the file) is not it: K1 and L9 were created a day earlier, and K1 < L9."""
    leads = [*LEADS, _lead("L9", "2026-09-14", "Events", "C2", "D2"),
             _lead("K1", "2026-09-14", "Events", "C1", "D2")]
    pandas_view, engine_view = both_views(load_config(write_company(tmp_path, leads=leads)))
    engine_deals = engine_view.deals.to_pandas().set_index("deal_id")
    for deals in (pandas_view.deals.set_index("deal_id"), engine_deals):
        assert (deals.at["D2", "campaign"], deals.at["D2", "channel"]) == ("C1", "Partner")
    reordered = [*leads[:6], leads[-1], leads[-2], *leads[6:-2]]
    again, _ = both_views(load_config(write_company(tmp_path / "again", leads=reordered)))
    assert again.deals.set_index("deal_id").at["D2", "campaign"] == "C1"


def test_the_rows_left_out_for_the_notes_are_counted_as_the_pandas_view_counts_them() -> None:
    """A meeting six weeks before the example's: deals and leads created after it, and deals
    closed after it, are left out of the figures and counted for the data notes."""
    pandas_view, engine_view = both_views(load_config(EXAMPLE), dt.date(2026, 10, 13))
    left_out = ("future_deals", "future_leads", "closed_after")
    counts = [getattr(engine_view, name) for name in left_out]
    assert counts == [getattr(pandas_view, name) for name in left_out]
    assert all(counts), counts
