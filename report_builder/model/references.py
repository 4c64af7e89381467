"""Public references: recent wins whose customers agreed to be named, for the customer deck."""

from __future__ import annotations

import datetime as dt

from report_builder.model.agenda import PublicReference
from report_builder.model.engine_view import EngineView
from report_builder.model.view import ModelView, between
from report_builder.periods import Period
from report_builder.placeholders import NO_ACCOUNT


def reference_window(view: ModelView | EngineView) -> Period:
    """The `deck.reference_days` days up to and including the meeting day."""
    days = view.config.deck.reference_days
    return Period(view.as_of - dt.timedelta(days=days - 1), view.as_of)


def build_references(view: ModelView) -> tuple[PublicReference, ...]:
    """One row per account with a deal won in the window and marked `public_reference`.

    The window is the `deck.reference_days` days up to and including the meeting day. An account
    won more than once is listed once, with its latest win; the newest wins come first.
    """
    deals = view.deals
    if "public_reference" not in deals.columns:
        return ()
    window = reference_window(view)
    public = deals["public_reference"].fillna(False).astype(bool)
    chosen = deals[deals["is_won"] & public & between(deals["close_date"], window)
                   & (deals["account"] != NO_ACCOUNT)]
    chosen = chosen.sort_values(["close_date", "account"], ascending=[False, True],
                                kind="stable").drop_duplicates("account")
    return tuple(PublicReference(account=str(d.account), won_date=d.close_date.date())
                 for d in chosen.itertuples(index=False))
