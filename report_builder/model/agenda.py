"""The agenda model: everything the meeting pack shows, as frozen typed values.

No rendering code lives here. Money is in the company currency; ratios are fractions (0.25 = 25%)
or None where the figure is undefined (a division by zero). docs/metrics.md defines every field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetRow:
    """Where one scope (the company, a team or an owner) stands against its quarter target."""

    scope: str  # company, team or owner
    name: str
    target: float | None
    won: float
    won_deals: int
    attainment: float | None
    open_pipeline: float
    weighted_pipeline: float
    forecast: float
    gap: float | None
    coverage: float | None
    expected_to_date: float | None
    pace: float | None
    ahead_of_pace: float | None  # won - expected_to_date: negative when behind
    forecast_attainment: float | None  # forecast / target
    new_customers: int
    new_customers_target: int | None
    meetings: int
    meetings_target: int | None
    others: int = 0  # for the row folding the owners or teams past the first shown: how many


@dataclass(frozen=True)
class TargetsSection:
    quarter: str
    quarter_start: dt.date
    quarter_end: dt.date
    days_elapsed: int
    days_total: int
    company: TargetRow
    teams: tuple[TargetRow, ...]
    owners: tuple[TargetRow, ...]
    # open deals whose close date is before the quarter: not in its open pipeline (metrics.md)
    overdue_before_quarter_count: int = 0
    overdue_before_quarter_value: float = 0.0


@dataclass(frozen=True)
class FunnelStep:
    step: str  # lead, mql, sql, opportunity, quote, won
    count: int
    conversion: float | None  # count / the previous step's count


@dataclass(frozen=True)
class StageRow:
    stage: str
    step: str
    probability: float
    count: int
    value: float
    weighted_value: float


@dataclass(frozen=True)
class DealRow:
    deal_id: str
    name: str
    account: str
    owner: str
    team: str | None
    stage: str
    value: float
    win_probability: float | None
    created_date: dt.date | None
    close_date: dt.date | None
    source_channel: str | None
    campaign: str | None  # the campaign's name, else its id
    reason: str | None  # won or lost reason
    days_since_stage_change: int | None
    days_overdue: int | None


@dataclass(frozen=True)
class PipelineBreakdown:
    """One pipeline's open deals by stage and its quarter, when the deals span several."""

    pipeline: str  # its name, or "(no pipeline)" for deals without one
    stages: tuple[StageRow, ...]  # only the open stages its open deals are at
    open_count: int
    open_value: float
    open_weighted: float
    won_in_quarter: int
    won_value: float  # won this quarter to date
    lost_in_quarter: int
    win_rate: float | None  # won / (won + lost) this quarter, by count


@dataclass(frozen=True)
class DominantDeal:
    """One deal that holds more than half of a figure."""

    figure: str  # open_value, quarter_open_value or won_value (won this quarter to date)
    deal_id: str
    name: str
    value: float  # in the company currency
    share: float  # of the figure, 0-1


@dataclass(frozen=True)
class PipelineSection:
    flow: tuple[FunnelStep, ...]
    cohort: tuple[FunnelStep, ...]
    stages: tuple[StageRow, ...]
    open_count: int
    open_value: float
    open_weighted: float
    overdue_count: int
    overdue_value: float
    overdue: tuple[DealRow, ...]
    stale_count: int
    stale_value: float
    stale: tuple[DealRow, ...]
    largest: tuple[DealRow, ...]
    # one breakdown per pipeline when the deals span more than one; else empty
    pipelines: tuple[PipelineBreakdown, ...] = ()
    # the quarter's open pipeline (open deals closing in the quarter), as in targets and movement
    quarter_open_count: int = 0
    quarter_open_value: float = 0.0
    quarter_open_weighted: float = 0.0
    overdue_before_quarter_count: int = 0  # open deals closing before the quarter: not in it
    overdue_before_quarter_value: float = 0.0
    # how far the open value can be trusted: open deals without an amount (counted as 0), the
    # share of the open value the largest deals hold, and single deals holding most of a figure
    open_without_amount: int = 0
    largest_share: float | None = None  # of open_value, held by the largest_share_deals
    largest_share_deals: int = 0  # the largest open deals counted: up to 5
    dominant: tuple[DominantDeal, ...] = ()


@dataclass(frozen=True)
class SourceRow:
    """One channel's or campaign's way from lead to revenue."""

    name: str
    channel: str
    campaign_id: str | None
    leads: int
    mqls: int
    sqls: int
    meetings: int
    opportunities: int
    won_deals: int
    revenue: float
    mql_to_sql: float | None
    mql_to_won: float | None
    rejected_mqls: int
    budget: float | None
    cost_per_won_deal: float | None
    others: int = 0  # for the row folding the channels or campaigns past the first: how many


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    count: int
    value: float
    share: float  # of the count
    others: int = 0  # for the row folding the reasons past the first shown: how many


@dataclass(frozen=True)
class SourcesSection:
    window_start: dt.date
    window_end: dt.date
    channels: tuple[SourceRow, ...]
    campaigns: tuple[SourceRow, ...]
    rejection_reasons: tuple[ReasonRow, ...]


@dataclass(frozen=True)
class PublicReference:
    """A recent win whose customer agreed to be named (for the customer deck): no figures."""

    account: str
    won_date: dt.date


@dataclass(frozen=True)
class CustomersSection:
    won: tuple[DealRow, ...]  # since the last meeting, largest first
    won_count: int
    won_value: float
    new_customers: int
    win_reasons: tuple[ReasonRow, ...]  # the quarter to date
    loss_reasons: tuple[ReasonRow, ...]
    won_in_quarter: int
    lost_in_quarter: int
    win_rate: float | None
    average_deal_size: float | None
    average_cycle_days: float | None
    # public references: accounts won in the last deck.reference_days, newest first
    references: tuple[PublicReference, ...] = ()
    # the value of the deals won since the last meeting from the accounts won for the first time
    # in it (the new customers' sub-line): part of won_value
    new_customers_value: float = 0.0


@dataclass(frozen=True)
class CampaignRow:
    campaign_id: str
    name: str
    channel: str
    owner: str | None
    start_date: dt.date
    end_date: dt.date
    status: str  # running, starting or ended
    budget: float | None
    goal: str | None
    sales_actions: str | None
    public: bool
    results: SourceRow | None  # for campaigns that ended since the last meeting
    # the event's own day, start time, place and sign-up link, where the campaigns table has them
    event_date: dt.date | None = None
    event_time: dt.time | None = None
    event_place: str | None = None
    signup_link: str | None = None


@dataclass(frozen=True)
class CampaignsSection:
    horizon_end: dt.date
    upcoming: tuple[CampaignRow, ...]
    ended: tuple[CampaignRow, ...]


@dataclass(frozen=True)
class HeadlineFigure:
    key: str  # a label key, e.g. won_to_date
    value: float | int | None
    kind: str  # money, percent, count, ratio
    context: str | None = None  # a second label key shown with it
    context_value: float | int | None = None
    context_kind: str | None = None
    # how the figure moved since the earlier snapshot (None without one): for a figure of the
    # moment (won this quarter, pipeline) its value now minus then; for a count since the last
    # meeting, this window's count minus the window before (`change_basis` says which)
    change: float | int | None = None
    change_basis: str | None = None  # since_last or previous_window
    context_change: float | int | None = None


@dataclass(frozen=True)
class Note:
    table: str
    key: str  # the kind of problem; the label note_<key> explains it in each language
    count: int
    values: dict[str, str | int]  # the figures its explanation names
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataNotesSection:
    notes: tuple[Note, ...]
    row_counts: dict[str, int]
    sources: dict[str, str]
    latest_activity: dt.date | None
    days_since_latest_activity: int | None


@dataclass(frozen=True)
class MovementRow:
    """One deal that changed since the earlier snapshot: how it stood then and how it stands now."""

    deal_id: str
    name: str
    account: str
    owner: str
    stage: str | None  # now; None for a deal deleted since
    previous_stage: str | None  # at the earlier snapshot; None for a new deal
    value: float  # now (the earlier value for a deleted deal)
    previous_value: float | None
    close_date: dt.date | None
    previous_close_date: dt.date | None
    slips: int  # times its close date moved later, across every snapshot and now
    changes: tuple[str, ...] = ()  # every change list it is in (CHANGE_KEYS): why it is listed
    bars: tuple[str, ...] = ()  # the waterfall bars it counts in; none: outside the quarter
    created_and_closed: bool = False  # new since the earlier snapshot and already won or lost


@dataclass(frozen=True)
class ChangeList:
    """The deals with one kind of change since the earlier snapshot, whatever their close date:
    counted and summed over every deal, the largest shown."""

    key: str  # one of CHANGE_KEYS
    count: int
    # the list's value: the deals' value now (then, for deleted ones); for `increased` and
    # `decreased`, the sum of the amount changes (positive)
    total: float
    rows: tuple[MovementRow, ...]  # the largest (rows.LIST_LIMIT), largest amount first


@dataclass(frozen=True)
class MovementBar:
    """One bar of the pipeline waterfall: its signed amount and how many deals it holds."""

    key: str  # new, increased, decreased, won, lost, pushed, pulled, deleted
    amount: float  # signed: added (+) to or taken (-) from the open pipeline
    deals: int


FROM_HISTORY = "stage_history"  # MovementSection.compared_to when rebuilt from the stage history
# the change lists, in the order the pack shows them (docs/metrics.md defines each)
CHANGE_KEYS = ("new", "won", "lost", "reopened", "advanced", "went_back", "close_later",
               "close_earlier", "increased", "decreased", "deleted")


@dataclass(frozen=True)
class MovementSection:
    """What changed since the earlier snapshot (docs/metrics.md): every changed deal counted in
    its lists, and the waterfall of the quarter's open pipeline."""

    # the earlier meeting date (ISO), the file compared to, or FROM_HISTORY
    compared_to: str
    previous_date: dt.date | None  # the earlier meeting; None when compared to a file
    timezone: str  # the company time zone the days end in
    start_value: float
    start_count: int
    bars: tuple[MovementBar, ...]
    end_value: float
    end_count: int
    changes: tuple[ChangeList, ...]  # one per CHANGE_KEYS, empty ones included
    changed_deals: int  # distinct deals in any change list
    # of those, the ones outside the quarter's open pipeline then and now: in no waterfall bar
    changed_outside_quarter: int
    # open deals now with a close date before the meeting, and those closing before the quarter
    # (not in the quarter's open pipeline: see docs/metrics.md)
    overdue_count: int
    overdue_value: float
    overdue_before_quarter_count: int
    overdue_before_quarter_value: float

    def change(self, key: str) -> ChangeList:
        return next(c for c in self.changes if c.key == key)


@dataclass(frozen=True)
class ActionRow:
    """One action agreed in a meeting, as it stands at the meeting date."""

    action_id: str
    text: str
    owner: str
    team: str  # marketing or sales
    agreed_on: dt.date
    due: dt.date
    status: str  # open, done or cancelled at the meeting date
    closed_on: dt.date | None
    overdue: bool  # open and due before the meeting date
    days_overdue: int | None  # meeting date - due, for an overdue action


@dataclass(frozen=True)
class ActionsSection:
    """The actions carried between meetings: what fell due, what is open, what was closed."""

    due_since: tuple[ActionRow, ...]  # due since the last meeting, any status, by due date
    open: tuple[ActionRow, ...]  # open at the meeting, overdue first, then by due date
    closed_since: tuple[ActionRow, ...]  # done or cancelled since the last meeting
    due_since_count: int
    due_since_done: int  # of those due since the last meeting, how many are done
    open_count: int
    overdue_count: int
    closed_since_count: int
    done_since_count: int  # of those closed since, done (the rest were cancelled)


SCOPES = ("team", "owner")  # what a pack can be narrowed to (build --per)


@dataclass(frozen=True)
class Scope:
    """A pack for one team (`by` "team") or one seller ("owner") called `name`."""

    by: str
    name: str


@dataclass(frozen=True)
class Agenda:
    company: str
    currency: str
    locale: str
    language: str
    as_of: dt.date
    period_start: dt.date  # since the last meeting: period_start .. as_of
    next_meeting: dt.date
    quarter: str
    headline: tuple[HeadlineFigure, ...]
    targets: TargetsSection
    pipeline: PipelineSection
    sources: SourcesSection
    customers: CustomersSection
    campaigns: CampaignsSection
    data_notes: DataNotesSection
    # pipeline movement since the earlier snapshot; None when there is none yet
    movement: MovementSection | None = None
    # the actions agreed in earlier meetings; None when the dataset has no actions table
    actions: ActionsSection | None = None
    # a pack for one team or seller (build --per); None: the company's pack
    scope: Scope | None = None
    # of a team's or seller's pack: the company's top line, for context; None: the company's
    company_targets: TargetRow | None = None

    @property
    def title_name(self) -> str:
        """Whose pack it is, as its titles name it: the company, and the team or seller."""
        return self.company if self.scope is None else f"{self.company} · {self.scope.name}"
