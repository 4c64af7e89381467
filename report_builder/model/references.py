"""Public references: recent wins whose customers agreed to be named, for the customer deck."""

from __future__ import annotations

import datetime as dt

import ibis

from report_builder.model.agenda import PublicReference
from report_builder.model.view import ModelView, within
from report_builder.periods import Period
from report_builder.placeholders import NO_ACCOUNT


def reference_window(view: ModelView) -> Period:
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
    chosen = deals.filter(deals.is_won & deals.public_reference.fill_null(False)
                          & within(deals.close_date, reference_window(view))
                          & (deals.account != NO_ACCOUNT))
    latest = chosen.group_by("account").aggregate(won=chosen.close_date.max())
    found = latest.order_by([ibis.desc("won"), "account"]).to_pyarrow().to_pylist()
    return tuple(PublicReference(account=str(r["account"]), won_date=r["won"].date())
                 for r in found)
