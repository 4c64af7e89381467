"""The dataset as the model sees it at the meeting date: dates, periods and derived columns.

Built once per build: every section reads this instead of re-deriving the same masks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.data.dataset import Dataset
from report_builder.data.membership import positions_in, take_flag, take_text
from report_builder.periods import Period, Quarter, fiscal_quarter, since_last_meeting
from report_builder.placeholders import NO_ACCOUNT, NO_CHANNEL


def ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def between(series: pd.Series, period: Period) -> pd.Series:
    """True where the date lies in the period (inclusive); False for missing dates."""
    return (series >= ts(period.start)) & (series <= ts(period.end))


@dataclass
class ModelView:
    """Deals and leads known at the meeting date, with the columns every section needs.

    deals gains: `channel` (its source channel, else its lead's), `campaign` (its campaign id,
    else its lead's), `is_open`, `is_won`, `is_lost` (closed on or before as_of).
    leads gains: `deal_won` (its deal was won on or before as_of), `deal_step`.
    """

    config: Config
    as_of: dt.date
    period: Period  # since the last meeting
    quarter: Quarter
    quarter_to_date: Period
    deals: pd.DataFrame
    leads: pd.DataFrame
    targets: pd.DataFrame
    campaigns: pd.DataFrame
    future_deals: int  # created after as_of: not counted
    future_leads: int
    closed_after: int  # won or lost with a close date after as_of: not counted

    @property
    def t(self) -> pd.Timestamp:
        return ts(self.as_of)


def make_view(dataset: Dataset, config: Config, as_of: dt.date) -> ModelView:
    t = ts(as_of)
    all_deals = dataset.deals
    known = (all_deals["created_date"] <= t) | all_deals["created_date"].isna()
    deals = _rows(all_deals, known)
    all_leads = dataset.leads
    known_leads = all_leads["created_date"] <= t
    leads = _rows(all_leads, known_leads)

    closed = deals["step"].isin(["won", "lost"])
    closed_by_t = closed & (deals["close_date"] <= t)
    deals["is_won"] = closed_by_t & (deals["step"] == "won")
    deals["is_lost"] = closed_by_t & (deals["step"] == "lost")
    deals["is_open"] = deals["step"].isin(OPEN_STEPS)

    linked = first_leads(leads)
    lead_of_deal = positions_in(deals["deal_id"], linked["deal_id"])
    lead_channel = take_text(linked["source_channel"], lead_of_deal, deals.index)
    lead_campaign = take_text(linked["campaign_id"], lead_of_deal, deals.index)
    deals["channel"] = deals["source_channel"].fillna(lead_channel).fillna(NO_CHANNEL)
    deals["campaign"] = deals["campaign_id"].fillna(lead_campaign)
    deals["account"] = deals["account"].fillna(NO_ACCOUNT)

    deal_of_lead = positions_in(leads["deal_id"], deals["deal_id"])
    leads["deal_won"] = take_flag(deals["is_won"], deal_of_lead)
    leads["deal_step"] = take_text(deals["step"], deal_of_lead, leads.index)

    quarter = fiscal_quarter(as_of, config.company.fiscal_year_start_month)
    return ModelView(
        config=config, as_of=as_of,
        period=since_last_meeting(as_of, config.meeting.cadence_days),
        quarter=quarter, quarter_to_date=Period(quarter.start, as_of),
        deals=deals, leads=leads, targets=dataset.targets, campaigns=dataset.campaigns,
        future_deals=int((~known).sum()), future_leads=int((~known_leads).sum()),
        closed_after=int((closed & (deals["close_date"] > t)).sum()),
    )


def first_leads(leads: pd.DataFrame) -> pd.DataFrame:
    """The first lead of each deal (deal_id, source_channel, campaign_id): the earliest
    created, then the smallest lead id (docs/metrics.md), whatever the file's order."""
    linked = leads.loc[leads["deal_id"].notna(),
                       ["deal_id", "lead_id", "created_date", "source_channel", "campaign_id"]]
    linked = linked.sort_values(["created_date", "lead_id"], kind="stable", na_position="last")
    return linked.drop_duplicates("deal_id")[["deal_id", "source_channel", "campaign_id"]]


def _rows(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """The kept rows as a new frame (columns added to it leave the dataset alone)."""
    return frame.copy(deep=False) if keep.all() else frame.loc[keep].copy()


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is 0."""
    return None if not denominator else float(numerator) / float(denominator)


def as_date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]
