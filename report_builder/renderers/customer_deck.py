"""The sellers' customer deck (format `customer-deck`, formerly `deck`): the company's standard
slides (from the company's profile) plus current public content.

It is built from `public_content(agenda, profile)`, a model that holds nothing but what
customers may see (the profile the company wrote for them, public references and public
events), so no internal figure can reach it by accident.
"""

from __future__ import annotations

from report_builder.decks.customer import build_customer_deck
from report_builder.model.agenda import Agenda
from report_builder.model.public import public_content
from report_builder.renderers.context import RenderContext


def render_customer_deck(agenda: Agenda, context: RenderContext) -> bytes:
    return build_customer_deck(public_content(agenda, context.options.profile), context)
