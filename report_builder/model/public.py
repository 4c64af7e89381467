"""What customers may see: the customer deck's model, built from the agenda and the company's
profile.

It copies only public facts: the company, the meeting date (for the month it was made), the
profile the company wrote for customers (`[company.profile]`), the most recent public
references (accounts and the day they were won, at most `MAX_REFERENCES`) and the public events
ahead (a campaign's name and channel, and the event's own day, time, place and sign-up link).
It has no money, counts, owners, reasons or goals, so a renderer given it cannot show them.
docs/metrics.md defines each field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from report_builder.config import CompanyProfile
from report_builder.model.agenda import Agenda, CampaignRow, PublicReference

# the references one slide holds: however large the company, the deck names the newest twelve
MAX_REFERENCES = 12


@dataclass(frozen=True)
class PublicEvent:
    """A campaign customers can join (a webinar, an event), with the event's own day, start
    time, place and sign-up link where the campaigns table has them. `start_date` and
    `end_date` are the campaign's run, never shown as the event's day."""

    name: str
    channel: str
    start_date: dt.date
    end_date: dt.date
    event_date: dt.date | None = None
    event_time: dt.time | None = None
    place: str | None = None
    signup_link: str | None = None


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
    profile: CompanyProfile = field(default_factory=CompanyProfile)


def public_content(agenda: Agenda, profile: CompanyProfile | None = None) -> PublicContent:
    """The public part of the agenda, with the company's profile: the newest public references
    and the public events still ahead, the soonest first."""
    events = sorted((public_event(c) for c in agenda.campaigns.upcoming if c.public
                     and (c.event_date is None or c.event_date >= agenda.as_of)),
                    key=lambda e: (e.event_date is None, e.event_date or e.start_date, e.name))
    return PublicContent(company=agenda.company, locale=agenda.locale, currency=agenda.currency,
                         language=agenda.language, as_of=agenda.as_of, quarter=agenda.quarter,
                         references=agenda.customers.references[:MAX_REFERENCES],
                         events=tuple(events), profile=profile or CompanyProfile())


def public_event(campaign: CampaignRow) -> PublicEvent:
    return PublicEvent(campaign.name, campaign.channel, campaign.start_date, campaign.end_date,
                       event_date=campaign.event_date, event_time=campaign.event_time,
                       place=campaign.event_place, signup_link=campaign.signup_link)
