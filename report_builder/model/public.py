"""What customers may see: the customer deck's model, built from the agenda.

It copies only public facts: the company, the meeting date, the public references (accounts
and the day they were won) and the public campaigns running or starting soon (name, channel,
dates). It has no money, counts, owners, reasons or goals, so a renderer given it cannot show
them. docs/metrics.md defines each field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from report_builder.model.agenda import Agenda, PublicReference


@dataclass(frozen=True)
class PublicEvent:
    """A campaign customers can join: a webinar, an event."""

    name: str
    channel: str
    start_date: dt.date
    end_date: dt.date
    status: str  # running or starting


@dataclass(frozen=True)
class PublicContent:
    company: str
    locale: str
    currency: str
    language: str
    as_of: dt.date
    quarter: str
    references: tuple[PublicReference, ...]
    events: tuple[PublicEvent, ...]


def public_content(agenda: Agenda) -> PublicContent:
    """The public part of the agenda: public references and public upcoming campaigns."""
    events = tuple(PublicEvent(c.name, c.channel, c.start_date, c.end_date, c.status)
                   for c in agenda.campaigns.upcoming if c.public)
    return PublicContent(company=agenda.company, locale=agenda.locale, currency=agenda.currency,
                         language=agenda.language, as_of=agenda.as_of, quarter=agenda.quarter,
                         references=agenda.customers.references, events=events)
